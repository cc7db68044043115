"""Codebook parsing and paragraph classification, in English (the seed) and Chinese."""

import pandas as pd
import pytest

from policylens import paths, schema
from policylens.documents.loader import load_document, load_document_bytes
from policylens.text.analysis import analyze_default
from policylens.text.pillars import CodebookError, assign_pillars, parse_codebook, score_paragraphs

FIXTURES = paths.ROOT / "tests" / "fixtures"

TINY = """
[classification]
min_score = 2.0
min_margin = 1.0

[[pillars]]
id = "a"
label_en = "A"
label_zh = "甲"
color = "#111111"
[pillars.terms.en]
"alpha" = 2.0
"Emerging Industries" = 1.0

[[pillars]]
id = "b"
label_en = "B"
label_zh = "乙"
color = "#222222"
[pillars.terms.en]
"beta" = 1.5
"""


def test_shipped_codebook_has_three_pillars_with_both_languages(codebook):
    assert codebook.ids == ("new", "strong", "fusion")
    for pillar in codebook.pillars:
        assert pillar.label_en and pillar.label_zh and pillar.color.startswith("#")
        assert len(pillar.terms("en")) >= 10 and len(pillar.terms("zh")) >= 10


def test_english_codebook_terms_are_normalised_like_tokens():
    tiny = parse_codebook(TINY)
    assert tiny.get("a").terms("en") == {"alpha": 2.0, "emerging industry": 1.0}


def test_score_and_assign_on_a_tiny_codebook():
    tiny = parse_codebook(TINY)
    scores = score_paragraphs([["alpha", "alpha", "beta"], ["beta"], ["alpha", "beta", "beta"]], tiny, "en")
    expected = pd.DataFrame(
        {
            schema.PARAGRAPH: [1, 1, 2, 2, 3, 3],
            schema.PILLAR: ["a", "b"] * 3,
            schema.SCORE: [4.0, 1.5, 0.0, 1.5, 2.0, 3.0],
            schema.EVIDENCE: [("alpha",), ("beta",), (), ("beta",), ("alpha",), ("beta",)],
        }
    )
    pd.testing.assert_frame_equal(scores, expected, check_dtype=False)
    assigned = assign_pillars(scores, tiny)
    # 1: a wins clearly; 2: too weak (1.5 < 2); 3: b leads by 1.0, exactly the margin
    assert assigned[schema.PILLAR].tolist() == ["a", None, "b"]
    assert assigned["margin"].tolist() == [2.5, 1.5, 1.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml = [", "not valid TOML"),
        ("[classification]\n", "no pillars"),
        ('[[pillars]]\nid = "x"\n', "lacks label_en"),
    ],
)
def test_bad_codebook_gets_a_specific_message(text, message):
    with pytest.raises(CodebookError, match=message):
        parse_codebook(text)


def test_seed_pillar_paragraphs_are_new_strong_fusion(codebook):
    analysis = analyze_default(load_document(paths.SEED_DOCUMENT), codebook)
    by_start = {
        analysis.document.paragraphs[r[schema.PARAGRAPH] - 1][:30]: r[schema.PILLAR]
        for r in analysis.assignment.to_dict("records")
    }
    assert by_start['To the "new" courage. Innovati'] == "new"
    assert by_start['Building a "strong" foundation'] == "strong"
    assert by_start['The "fusion" symbiosis. Cultiv'] == "fusion"
    assert by_start["□ Megan"] is None  # a byline has no evidence: general


def test_chinese_paragraphs_are_classified_with_evidence(codebook):
    analysis = analyze_default(load_document(FIXTURES / "zh_policy.txt"), codebook)
    assignment = analysis.assignment
    assert assignment[schema.PILLAR].tolist() == [None, "new", "strong", "fusion", None]
    evidence = dict(zip(assignment[schema.PILLAR], assignment[schema.EVIDENCE]))
    assert {"原始创新", "研发投入", "产业科技创新中心"} <= set(evidence["new"])
    assert {"2+6+6", "现代化产业体系", "未来产业"} <= set(evidence["strong"])
    assert {"创新链", "人才链", "有为政府"} <= set(evidence["fusion"])


def test_same_text_in_gb18030_gives_the_same_classification(codebook):
    raw = (FIXTURES / "zh_policy.txt").read_text(encoding="utf-8")
    utf8 = analyze_default(load_document_bytes(raw.encode("utf-8"), "a.txt"), codebook)
    gbk = analyze_default(load_document_bytes(raw.encode("gb18030"), "b.txt"), codebook)
    pd.testing.assert_frame_equal(utf8.assignment, gbk.assignment)


@pytest.mark.parametrize(
    ("color", "pillar_id", "message"),
    [("red;background:url(x)", "a", "colour"), ("#12345", "a", "colour"), ("#123456", "A b", "Pillar id")],
)
def test_codebook_rejects_colours_and_ids_that_could_reach_html(color, pillar_id, message):
    text = f'[[pillars]]\nid = "{pillar_id}"\nlabel_en = "A"\nlabel_zh = "甲"\ncolor = "{color}"\n'
    with pytest.raises(CodebookError, match=message):
        parse_codebook(text)
