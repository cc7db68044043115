"""Term statistics: frequencies and the signed Dunning log-likelihood of each term per pillar."""

import math

import numpy as np
import pandas as pd

from policylens import schema
from policylens.text.keyness import SIGNIFICANT_G2, build_term_statistics, keyness_column, log_likelihood
from policylens.text.terms import count_terms

# pillar a: paragraphs 1 and 3 (5 tokens); pillar b: paragraph 2 (2 tokens); paragraph 4 general
PARAGRAPHS = [["x", "y", "x"], ["y", "z"], ["z", "x"], ["w"]]
ASSIGNMENT = pd.DataFrame(
    {
        schema.PARAGRAPH: [1, 2, 3, 4],
        schema.PILLAR: pd.Series(["a", "b", "a", None], dtype=object),
    }
)


def g2_by_hand(a, b, c, d):
    """2 x sum O ln(O/E) over the 2x2 table [[a, b], [c-a, d-b]], E = row x column / N, 0 ln 0 = 0."""
    n = c + d
    observed = [a, b, c - a, d - b]
    expected = [(a + b) * c / n, (a + b) * d / n, (n - a - b) * c / n, (n - a - b) * d / n]
    return 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected) if o > 0)


def test_g2_of_one_term_matches_the_worked_example():
    # x: 3 of the 5 tokens of pillar a, 0 of the 3 other tokens. E = 1.875, 1.125, 3.125, 1.875
    expected = 2 * (3 * math.log(3 / 1.875) + 2 * math.log(2 / 3.125) + 3 * math.log(3 / 1.875))
    assert math.isclose(log_likelihood(np.array([3.0]), np.array([0.0]), 5, 3)[0], expected, rel_tol=1e-12)
    assert math.isclose(expected, 3.8548949, rel_tol=1e-7)


def test_g2_is_negative_when_under_represented_and_zero_without_a_comparison():
    # w: 0 of pillar a's 5 tokens, 1 of the 3 others
    assert math.isclose(log_likelihood(np.array([0.0]), np.array([1.0]), 5, 3)[0], -g2_by_hand(0, 1, 5, 3))
    assert log_likelihood(np.array([2.0]), np.array([0.0]), 0, 8)[0] == 0.0
    # in exact proportion: no evidence either way
    assert log_likelihood(np.array([1.0]), np.array([1.0]), 4, 4)[0] == 0.0


def test_term_statistics_table():
    got = build_term_statistics(count_terms(PARAGRAPHS), ASSIGNMENT, ["a", "b"], min_g2=3.0)
    # (term, in pillar a, elsewhere) with c = 5, d = 3 for a; c = 2, d = 6 for b
    expected = pd.DataFrame(
        {
            schema.TERM: pd.Series(["x", "y", "z", "w"], dtype=object),
            schema.COUNT: [3, 2, 2, 1],
            "per_10k": [3750.0, 2500.0, 2500.0, 1250.0],
            schema.PARAGRAPHS: [2, 2, 2, 1],
            "keyness_a": [
                g2_by_hand(3, 0, 5, 3),
                -g2_by_hand(1, 1, 5, 3),
                -g2_by_hand(1, 1, 5, 3),
                -g2_by_hand(0, 1, 5, 3),
            ],
            "keyness_b": [
                -g2_by_hand(0, 3, 2, 6),
                g2_by_hand(1, 1, 2, 6),
                g2_by_hand(1, 1, 2, 6),
                -g2_by_hand(0, 1, 2, 6),
            ],
            "top_pillar": pd.Series(["a", None, None, None], dtype=object),
        }
    )
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


def test_top_pillar_needs_a_significant_keyness():
    got = build_term_statistics(count_terms(PARAGRAPHS), ASSIGNMENT, ["a", "b"])
    assert SIGNIFICANT_G2 == 6.63
    assert got["top_pillar"].tolist() == [None, None, None, None]
    loose = build_term_statistics(count_terms(PARAGRAPHS), ASSIGNMENT, ["a", "b"], min_g2=0.5)
    assert loose["top_pillar"].tolist() == ["a", "b", "b", None]


def test_pillar_without_paragraphs_has_zero_keyness():
    got = build_term_statistics(count_terms(PARAGRAPHS), ASSIGNMENT, ["a", "c"])
    assert keyness_column("c") == "keyness_c"
    assert got["keyness_c"].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_ties_in_count_are_sorted_by_term():
    counts = count_terms([["b", "a"], ["c"]])
    got = build_term_statistics(counts, pd.DataFrame({schema.PARAGRAPH: [1, 2], schema.PILLAR: [None, None]}), [])
    assert got[schema.TERM].tolist() == ["a", "b", "c"]
    assert list(got.columns) == [schema.TERM, schema.COUNT, "per_10k", schema.PARAGRAPHS, "top_pillar"]
