"""Term dispersion along the document: per-paragraph counts and Gries' DP."""

import math

import pandas as pd

from policylens import schema
from policylens.text.distribution import build_term_dispersion, summarise_dispersion

# paragraph sizes 4, 0, 2, 1 (7 content terms)
PARAGRAPHS = [["a", "b", "a", "c"], [], ["b", "b"], ["a"]]


def test_dispersion_lists_paragraphs_where_each_term_occurs():
    got = build_term_dispersion(PARAGRAPHS, ["b", "a", "missing", "b"])
    expected = pd.DataFrame(
        {
            schema.TERM: pd.Series(["b", "b", "a", "a"], dtype=object),
            schema.PARAGRAPH: [1, 3, 1, 4],
            schema.COUNT: [1, 2, 2, 1],
            "relative": [1000 * 1 / 4, 1000 * 2 / 2, 1000 * 2 / 4, 1000 * 1 / 1],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_dispersion_of_no_terms_is_an_empty_table_with_columns():
    got = build_term_dispersion(PARAGRAPHS, [])
    assert list(got.columns) == [schema.TERM, schema.PARAGRAPH, schema.COUNT, "relative"] and got.empty


def test_deviation_of_proportions():
    got = summarise_dispersion(PARAGRAPHS, ["a", "c", "zz"])
    # a: term shares 2/3, 0, 0, 1/3 against size shares 4/7, 0, 2/7, 1/7
    dp_a = 0.5 * (abs(2 / 3 - 4 / 7) + 0 + abs(0 - 2 / 7) + abs(1 / 3 - 1 / 7))
    dp_c = 0.5 * (abs(1 - 4 / 7) + 0 + 2 / 7 + 1 / 7)
    expected = pd.DataFrame(
        {
            schema.TERM: pd.Series(["a", "c", "zz"], dtype=object),
            schema.COUNT: [3, 1, 0],
            schema.PARAGRAPHS: [2, 1, 0],
            "dp": [dp_a, dp_c, math.nan],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_evenly_spread_term_has_zero_dp():
    got = summarise_dispersion([["x", "y"], ["x", "y"]], ["x"])
    assert got["dp"].tolist() == [0.0]


def test_dispersion_under_a_filter_keeps_only_its_paragraphs_and_their_numbers():
    got = build_term_dispersion(PARAGRAPHS, ["a", "b"], paragraphs=[3, 4])
    expected = pd.DataFrame(
        {
            schema.TERM: pd.Series(["a", "b"], dtype=object),
            schema.PARAGRAPH: [4, 3],
            schema.COUNT: [1, 2],
            "relative": [1000.0, 1000.0],
        }
    )
    pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(
        build_term_dispersion(PARAGRAPHS, ["a"], None), build_term_dispersion(PARAGRAPHS, ["a"])
    )


def test_summary_under_a_filter_counts_only_its_paragraphs():
    # paragraphs 1 and 3 (sizes 4 and 2): a 2 + 0, b 1 + 2, c 1 + 0; "a" of paragraph 4 is out
    got = summarise_dispersion(PARAGRAPHS, ["a", "b", "zz"], paragraphs={1, 3})
    dp_a = 0.5 * (abs(1 - 4 / 6) + abs(0 - 2 / 6))
    dp_b = 0.5 * (abs(1 / 3 - 4 / 6) + abs(2 / 3 - 2 / 6))
    expected = pd.DataFrame(
        {
            schema.TERM: pd.Series(["a", "b", "zz"], dtype=object),
            schema.COUNT: [2, 3, 0],
            schema.PARAGRAPHS: [1, 2, 0],
            "dp": [dp_a, dp_b, math.nan],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


def test_a_term_absent_from_the_filtered_paragraphs_is_listed_with_zero():
    got = summarise_dispersion(PARAGRAPHS, ["c", "a"], paragraphs=[4])
    assert got[[schema.TERM, schema.COUNT, schema.PARAGRAPHS]].values.tolist() == [["c", 0, 0], ["a", 1, 1]]
    assert math.isnan(got["dp"].iloc[0]) and got["dp"].iloc[1] == 0.0
