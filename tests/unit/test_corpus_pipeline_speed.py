"""The corpus ingest's fast path (analyze_item on classify_pillars, batches as Arrow tables) gives the
rows of the full analyze_document path, on the documents written for the tests in tests/fixtures/corpus."""

import dataclasses
import pickle
import re
from collections import Counter

import pytest

from policylens import paths
from policylens.corpus.pipeline import (
    PARAGRAPHS_SCHEMA,
    TOKENS_SCHEMA,
    Failure,
    IngestSettings,
    analyze_batch,
    analyze_item,
    settings_digest,
)
from policylens.corpus.sources import read_source
from policylens.documents.errors import DocumentError
from policylens.documents.loader import load_document_bytes
from policylens.text.analysis import analyze_document, build_segmenter_config, tokenize_document
from policylens.text.classify import Example, classify_paragraphs, classify_pillars, codebook_model
from policylens.text.model import BIGRAM_PREFIX, TERM_PREFIX, raw_features
from policylens.text.pillars import Pattern
from policylens.text.segment import Segmenter

FIXTURES = paths.ROOT / "tests" / "fixtures" / "corpus"
SOURCES = (FIXTURES / "speed", FIXTURES / "basic", FIXTURES / "extra", FIXTURES / "items")


@pytest.fixture(scope="module")
def items():
    found = [item for folder in SOURCES for item in read_source(folder, split=True)[0]]
    assert len(found) > 15
    return found


def full_rows(data: bytes, filename: str, codebook, segmenter) -> dict:
    """The rows the ingest keeps, taken from the full analyze_document path."""
    document = load_document_bytes(data, filename)
    analysis = analyze_document(document, codebook, segmenter)
    assignment = analysis.assignment.sort_values("paragraph")
    numbers = [int(n) for n in assignment["paragraph"]]
    return {
        "paragraph": numbers,
        "text": [document.paragraphs[n - 1] for n in numbers],
        "pillar": [p if isinstance(p, str) else None for p in assignment["pillar"]],
        "secondary": [s if isinstance(s, str) else None for s in assignment["secondary"]],
        "confidence": [float(c) for c in assignment["confidence"]],
        "tokens": [t for terms in analysis.paragraph_terms for t in terms],
        "token_paragraph": [n for n, terms in enumerate(analysis.paragraph_terms, 1) for _ in terms],
    }


def assert_same_rows(paragraphs: dict, tokens: dict, expected: dict) -> None:
    for column in ("paragraph", "text", "pillar", "secondary"):
        assert paragraphs[column] == expected[column], column
    assert paragraphs["confidence"] == pytest.approx(expected["confidence"], abs=1e-6)
    assert tokens["token"] == expected["tokens"]
    assert tokens["paragraph"] == expected["token_paragraph"]


def test_every_fixture_item_gets_the_rows_of_the_full_analysis(items, codebook, segmenter):
    failures = 0
    for item in items:
        rows = analyze_item(item.doc_id, item.filename, item.data, codebook, segmenter)
        if isinstance(rows, Failure):
            with pytest.raises(DocumentError):
                load_document_bytes(item.data, item.filename)
            failures += 1
            continue
        expected = full_rows(item.data, item.filename, codebook, segmenter)
        assert_same_rows(rows.paragraphs, rows.tokens, expected)
        assert rows.paragraph_count == len(expected["paragraph"]) and rows.token_count == len(expected["tokens"])
    assert failures == 1  # broken.docx (empty.txt is refused by read_source already)


def test_a_batch_with_the_default_settings_matches_jieba_and_the_full_analysis(items, codebook, segmenter):
    """What an ingest worker returns (rjieba, Arrow tables) against analyze_document with jieba."""
    settings = IngestSettings.from_codebook_file()
    batch = analyze_batch([(i.doc_id, i.filename, i.data) for i in items], settings, settings_digest(settings))
    for table, schema in ((batch.paragraphs, PARAGRAPHS_SCHEMA), (batch.tokens, TOKENS_SCHEMA)):
        assert table.cast(schema).schema == schema
    assert batch.items == len(items) and [f.code for f in batch.failures] == ["docx"]
    paragraphs, tokens = batch.paragraphs.to_pylist(), batch.tokens.to_pylist()
    by_id = {item.doc_id: item for item in items}
    for figures in batch.documents:
        doc_id = figures["doc_id"]
        mine = {k: [r[k] for r in paragraphs if r["doc_id"] == doc_id] for k in PARAGRAPHS_SCHEMA.names}
        mine_tokens = {k: [r[k] for r in tokens if r["doc_id"] == doc_id] for k in TOKENS_SCHEMA.names}
        expected = full_rows(by_id[doc_id].data, by_id[doc_id].filename, codebook, segmenter)
        # the table keeps confidence as float32
        mine["confidence"] = [round(c, 4) for c in mine["confidence"]]
        assert_same_rows(mine, mine_tokens, expected)
        assert figures["tokens"] == len(expected["tokens"])


def test_a_batch_sends_each_doc_id_once(items):
    """The token rows name their item by a dictionary index: the pickle holds each doc_id once."""
    settings = IngestSettings.from_codebook_file()
    batch = analyze_batch([(i.doc_id, i.filename, i.data) for i in items], settings, settings_digest(settings))
    blob = pickle.dumps(batch)
    assert batch.tokens.num_rows > 300
    # its figures, and the dictionary of each table
    assert all(blob.count(f["doc_id"].encode()) <= 3 for f in batch.documents)


def _variants(codebook):
    """Codebooks that take every branch of the decision: rules alone, a lenient or strict secondary,
    a pillar the model does not know, a pattern that vetoes."""
    green = dataclasses.replace(codebook.pillars[0], id="green", terms_zh=(("碳达峰", 3.0), ("光伏", 3.0)))
    veto = Pattern("制造业", (("none", 50.0),))
    return {
        "shipped": codebook,
        "rules only": dataclasses.replace(codebook, model=""),
        "rules only, veto": dataclasses.replace(codebook, model="", patterns=(*codebook.patterns, veto)),
        "lenient secondary": dataclasses.replace(codebook, secondary_min=0.02),
        "strict secondary": dataclasses.replace(codebook, secondary_min=1.0),
        "unknown pillar": dataclasses.replace(codebook, pillars=(*codebook.pillars, green)),
        "wide margin": dataclasses.replace(codebook, model="", min_margin=4.0, min_score=1.0),
    }


@pytest.mark.parametrize(
    "name",
    [
        "shipped",
        "rules only",
        "rules only, veto",
        "lenient secondary",
        "strict secondary",
        "unknown pillar",
        "wide margin",
    ],
)
def test_classify_pillars_decides_as_classify_paragraphs(name, items, codebook):
    variant = _variants(codebook)[name]
    segmenter = Segmenter(build_segmenter_config(variant))
    texts = [p for item in items[:12] if item.filename.endswith(".md") for p in _paragraphs(item)]
    texts.append("全市推进碳达峰行动，新建光伏电站和碳达峰示范区。")
    for examples in ((), _examples(texts)):
        _, assignment = classify_paragraphs(texts, "zh", variant, segmenter.tokenize, examples=examples)
        decision = classify_pillars(texts, "zh", variant, segmenter.tokenize, examples=examples)
        assert decision.pillar == [p if isinstance(p, str) else None for p in assignment["pillar"]]
        assert decision.secondary == [s if isinstance(s, str) else None for s in assignment["secondary"]]
        assert decision.confidence == [float(c) for c in assignment["confidence"]]
    assert classify_pillars([], "zh", variant, segmenter.tokenize).pillar == []


def _paragraphs(item) -> list[str]:
    try:
        return list(load_document_bytes(item.data, item.filename).paragraphs)
    except DocumentError:
        return []


def _examples(texts: list[str]) -> list[Example]:
    """One paragraph confirmed as it stands (its label must win) and one close paraphrase of another."""
    return [
        Example(texts[0], "zh", "none", "confirmed ¶1"),
        Example(texts[1][: len(texts[1]) // 2], "zh", "fusion", "check ¶2"),
    ]


def test_the_model_encoding_is_the_training_vector_and_bigrams_stay_within_han_runs(items, codebook, segmenter):
    model = codebook_model(codebook)
    han_run = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
    for item in items:
        try:
            document = load_document_bytes(item.data, item.filename)
        except DocumentError:
            continue
        for text, terms in zip(document.paragraphs, tokenize_document(document, segmenter)):
            # the features as first written: prefixed terms, then the pairs of each Han run, in order
            expected = Counter(TERM_PREFIX + t.lower() for t in terms)
            if document.language == "zh":
                pairs = Counter(a + b for run in han_run.findall(text) for a, b in zip(run, run[1:]))
                expected.update({BIGRAM_PREFIX + pair: n for pair, n in pairs.items()})
            features = raw_features(terms, text, document.language)
            assert list(features.items()) == list(expected.items())
            rows, values = model.encode(terms, text, document.language)
            vector = model.vectorize(terms, text, document.language)
            assert [model._names[r] for r in rows] == list(vector)
            assert values.tolist() == pytest.approx(list(vector.values()), abs=1e-12)
