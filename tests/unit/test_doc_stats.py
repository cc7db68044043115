"""Unit tests for policylens.documents.stats: the document summary and sentence counting."""

import dataclasses

import pytest

from policylens import paths, schema
from policylens.documents.loader import load_document, load_document_bytes, load_pasted_text
from policylens.documents.stats import DocumentSummary, count_sentences, summarise_document
from policylens.text.analysis import analyze_default
from policylens.text.pillars import load_codebook


@pytest.mark.parametrize(
    ("paragraph", "sentences"),
    [
        ("南京新质生产力发展要点", 1),  # a heading without an end mark
        ("以“新”为勇。坚持科技创新引领！要不要加快？", 3),
        ("他说：“好。”然后走了。", 2),  # a closing quote after 。 is no sentence
        ("第一句。。第二句？！", 2),
        ("Growth was 3.5 percent in 2024. It rose again! Why? Because.", 4),
        ('He said "ok." Then left.', 2),
        ("……", 0),
    ],
)
def test_count_sentences(paragraph, sentences):
    assert count_sentences(paragraph) == sentences


def test_summary_of_a_small_chinese_document():
    doc = load_pasted_text("南京新质生产力\n\n以“新”为勇。坚持科技创新引领！\n\n以“强”筑基。")
    terms = (("南京", "新质生产力"), ("新", "勇", "坚持", "科技创新", "引领"), ("强", "筑基"))
    assert summarise_document(doc, terms) == DocumentSummary(
        characters=7 + 16 + 7,
        tokens=9,
        vocabulary=9,
        paragraphs=3,
        sentences=4,
        language="zh",
        encoding="n/a",
        script="simplified",
    )


def test_summary_reports_encoding_and_script_of_a_traditional_big5_file():
    doc = load_document_bytes("南京新質生產力。推動發展。".encode("big5"), "tw.txt")
    summary = summarise_document(doc, (("南京", "新质生产力", "推动", "发展", "发展"),))
    assert dataclasses.asdict(summary) == {
        "characters": 13,
        "tokens": 5,
        "vocabulary": 4,
        "paragraphs": 1,
        "sentences": 2,
        "language": "zh",
        "encoding": "big5",
        "script": "traditional",
    }


def test_summary_agrees_with_the_analysis_of_the_seed():
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    analysis = analyze_default(load_document(paths.SEED_DOCUMENT), codebook)
    summary = summarise_document(analysis.document, analysis.paragraph_terms)
    assert summary.tokens == int(analysis.term_counts[schema.COUNT].sum())
    assert summary.vocabulary == analysis.term_counts[schema.TERM].nunique()
    assert (summary.paragraphs, summary.language, summary.encoding, summary.script) == (15, "en", "utf-8", "n/a")
    assert summary.characters == analysis.document.characters
    assert summary.paragraphs <= summary.sentences < summary.characters // 20


def test_term_lists_must_match_the_paragraphs():
    with pytest.raises(ValueError, match="1 term lists for 2 paragraphs"):
        summarise_document(load_pasted_text("a\n\nb"), (("a",),))
