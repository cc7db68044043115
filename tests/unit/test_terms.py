"""Term counting per paragraph and per pillar, and the pillar colour of each term."""

import pandas as pd

from policylens import schema
from policylens.text.pillars import parse_codebook
from policylens.text.terms import (
    assign_term_pillars,
    count_terms,
    count_terms_by_pillar,
    filter_paragraphs,
    summarise_terms,
)

PARAGRAPHS = [["x", "y", "x"], ["y", "z"], ["z"]]
ASSIGNMENT = pd.DataFrame({schema.PARAGRAPH: [1, 2, 3], schema.PILLAR: pd.Series(["a", "b", None], dtype=object)})


def test_count_terms_per_paragraph():
    expected = pd.DataFrame(
        {
            schema.PARAGRAPH: [1, 1, 2, 2, 3],
            schema.TERM: ["x", "y", "y", "z", "z"],
            schema.COUNT: [2, 1, 1, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(count_terms(PARAGRAPHS), expected, check_dtype=False)


def test_summarise_terms_orders_by_count_then_term():
    expected = pd.DataFrame({schema.TERM: ["x", "y", "z"], schema.COUNT: [2, 2, 2], schema.PARAGRAPHS: [1, 2, 2]})
    pd.testing.assert_frame_equal(summarise_terms(count_terms(PARAGRAPHS)), expected, check_dtype=False)


def test_filter_paragraphs_by_pillar():
    counts = count_terms(PARAGRAPHS)
    assert filter_paragraphs(counts, ASSIGNMENT, ("b",))[schema.PARAGRAPH].unique().tolist() == [2]
    assert len(filter_paragraphs(counts, ASSIGNMENT, ())) == len(counts)


def test_count_terms_by_pillar_excludes_general_paragraphs():
    expected = pd.DataFrame(
        {
            schema.PILLAR: ["a", "a", "b", "b"],
            schema.TERM: ["x", "y", "y", "z"],
            schema.COUNT: [2, 1, 1, 1],
        }
    )
    got = count_terms_by_pillar(count_terms(PARAGRAPHS), ASSIGNMENT)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_term_pillar_prefers_codebook_then_usage():
    codebook = parse_codebook(
        '[[pillars]]\nid="a"\nlabel_en="A"\nlabel_zh="甲"\ncolor="#111111"\n'
        '[[pillars]]\nid="b"\nlabel_en="B"\nlabel_zh="乙"\ncolor="#222222"\n[pillars.terms.en]\n"x" = 1.0\n'
    )
    by_pillar = count_terms_by_pillar(count_terms(PARAGRAPHS), ASSIGNMENT)
    # x is a codebook term of b although it is used in a; y ties 1-1 (a wins alphabetically); w is unused
    assert assign_term_pillars(["x", "y", "z", "w"], by_pillar, codebook, "en") == {
        "x": "b",
        "y": "a",
        "z": "b",
        "w": None,
    }
