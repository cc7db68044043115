"""Term counting per paragraph and per pillar, and the pillar colour of each term."""

import pandas as pd

from policylens import schema
from policylens.text.pillars import parse_codebook
from policylens.text.terms import (
    assign_term_pillars,
    count_terms,
    count_terms_by_pillar,
    filter_paragraphs,
    is_figure,
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


FIGURES = [
    "3.3万亿元",
    "8.1%",
    "10个",
    "2023年",
    "100万人",
    "3.5",
    "2023-2025",
    "14th",
    "三年",
    "两个",
    "五万亿元",
    "第一次",
]
DESIGNATIONS = [
    "5G",
    "3D",
    "PM2.5",
    "1+N",
    "2+6+6",
    "十四五",
    "一带一路",
    "三农",
    "两会",
    "半导体",
    "千家万户",
    "第三方",
]


def test_numbers_and_amounts_are_figures_and_designations_are_terms():
    assert [f for f in FIGURES if not is_figure(f)] == []
    assert [d for d in DESIGNATIONS if is_figure(d)] == []


def test_ranked_term_lists_leave_figures_out():
    paragraphs = [["新质生产力", "3.3万亿元", "10个", "2+6+6"], ["新质生产力", "2023年", "8.1%", "三年"], ["十四五"]]
    counts = count_terms(paragraphs)
    assert summarise_terms(counts)[schema.TERM].tolist() == ["新质生产力", "2+6+6", "十四五"]
    by_pillar = count_terms_by_pillar(counts, ASSIGNMENT)
    assert by_pillar[schema.TERM].tolist() == ["2+6+6", "新质生产力", "新质生产力"]
    assert len(count_terms(paragraphs)) == 9  # the per-paragraph counts keep them (KWIC, figures)
