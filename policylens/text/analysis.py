"""One document analysed end to end: the shared entry point of the dashboard and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from policylens import schema
from policylens.documents.loader import Document
from policylens.text.classify import DETAIL, Example, PillarDecision, classify_paragraphs, classify_pillars
from policylens.text.keyterms import count_figures, count_key_terms, rank_key_terms
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter, SegmenterConfig
from policylens.text.terms import count_terms, count_terms_by_pillar, summarise_terms


@dataclass(frozen=True)
class Analysis:
    """Everything the views need about one document under one codebook."""

    document: Document
    paragraph_terms: tuple[tuple[str, ...], ...]
    term_counts: pd.DataFrame | None  # paragraph, term, count (None: built with term_tables=False)
    scores: pd.DataFrame  # paragraph, pillar, score, evidence (every paragraph x pillar)
    assignment: pd.DataFrame  # paragraph, pillar, secondary, confidence, score, margin, evidence, detail
    terms_by_pillar: pd.DataFrame | None  # pillar, term, count (terms.count_terms_by_pillar; None likewise)


def build_segmenter_config(codebook: Codebook) -> SegmenterConfig:
    """Segmenter settings that keep every codebook term whole."""
    return SegmenterConfig(extra_terms_en=codebook.all_terms("en"), extra_terms_zh=codebook.all_terms("zh"))


def tokenize_document(document: Document, segmenter: Segmenter) -> tuple[tuple[str, ...], ...]:
    """The content terms of every paragraph (the expensive step: jieba)."""
    return tuple(tuple(segmenter.tokenize(p, document.language)) for p in document.paragraphs)


def analyze_document(
    document: Document,
    codebook: Codebook,
    segmenter: Segmenter,
    examples: Sequence[Example] = (),
    paragraph_terms: tuple[tuple[str, ...], ...] | None = None,
    term_tables: bool = True,
) -> Analysis:
    """Tokenise, count and classify every paragraph of `document` (learning from confirmed `examples`).

    `paragraph_terms`, from tokenize_document with the same segmenter, saves the tokenising. With
    `term_tables=False` the two term-count tables are not built (a third of the time; the corpus
    ingest keeps its own token table, the evaluate command needs only the assignment)."""
    if paragraph_terms is None:
        paragraph_terms = tokenize_document(document, segmenter)
    scores, assignment = classify_paragraphs(
        document.paragraphs, document.language, codebook, segmenter.tokenize, paragraph_terms, examples
    )
    term_counts = count_terms(paragraph_terms) if term_tables else None
    return Analysis(
        document=document,
        paragraph_terms=paragraph_terms,
        term_counts=term_counts,
        scores=scores,
        assignment=assignment,
        terms_by_pillar=count_terms_by_pillar(term_counts, assignment) if term_tables else None,
    )


def classify_document(
    document: Document,
    codebook: Codebook,
    segmenter: Segmenter,
    examples: Sequence[Example] = (),
    paragraph_terms: tuple[tuple[str, ...], ...] | None = None,
) -> tuple[tuple[tuple[str, ...], ...], PillarDecision]:
    """analyze_document's tokens and pillar decision alone, (paragraph_terms, decision): no evidence,
    tables or term counts, for callers that keep only the classes (the corpus ingest)."""
    if paragraph_terms is None:
        paragraph_terms = tokenize_document(document, segmenter)
    decision = classify_pillars(
        document.paragraphs, document.language, codebook, segmenter.tokenize, paragraph_terms, examples
    )
    return paragraph_terms, decision


def summarise_pillars(analysis: Analysis, codebook: Codebook) -> pd.DataFrame:
    """Paragraphs and text share per pillar, plus a 'general' row (pillar None).

    Columns: pillar, paragraphs, share (of paragraphs), char_share (of characters).
    """
    lengths = pd.Series(
        [len(p) for p in analysis.document.paragraphs], index=range(1, len(analysis.document.paragraphs) + 1)
    )
    assigned = analysis.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    total_paragraphs, total_chars = len(assigned), int(lengths.sum())
    rows = []
    for pillar_id in (*codebook.ids, None):
        mask = assigned.isna() if pillar_id is None else assigned.eq(pillar_id)
        n = int(mask.sum())
        chars = int(lengths[mask[mask].index].sum())
        rows.append((pillar_id, n, n / total_paragraphs, chars / total_chars if total_chars else 0.0))
    return pd.DataFrame(rows, columns=[schema.PILLAR, schema.PARAGRAPHS, schema.SHARE, "char_share"])


def build_analysis_report(
    analysis: Analysis, codebook: Codebook, top: int = 100, segmenter: Segmenter | None = None
) -> dict:
    """The JSON-ready summary printed by `python -m policylens analyze`: the document, its pillars,
    every paragraph with its evidence, raw term counts, key terms (distinctive against general
    language) and the figures of the text (numbers and amounts, apart from the terms)."""
    doc = analysis.document
    pillars = summarise_pillars(analysis, codebook)
    scores = analysis.scores.pivot(index=schema.PARAGRAPH, columns=schema.PILLAR, values=schema.SCORE)
    terms = summarise_terms(analysis.term_counts).head(top)
    return {
        "document": {
            "name": doc.name,
            "language": doc.language,
            "encoding": doc.encoding,
            "script": doc.script,
            "characters": doc.characters,
            "paragraphs": len(doc.paragraphs),
            "sha256": doc.sha256,
        },
        "pillars": [
            {
                "id": p.id,
                "label_en": p.label_en,
                "label_zh": p.label_zh,
                "paragraphs": int(row[schema.PARAGRAPHS]),
                "share": round(float(row[schema.SHARE]), 4),
            }
            for p, row in zip(codebook.pillars, pillars.head(len(codebook.pillars)).to_dict("records"))
        ],
        "paragraphs": [_paragraph_report(doc, row, scores, codebook) for row in analysis.assignment.to_dict("records")],
        "terms": [{"term": r[schema.TERM], "count": int(r[schema.COUNT])} for r in terms.to_dict("records")],
        "key_terms": [
            {"term": r[schema.TERM], "score": round(float(r[schema.SCORE]), 2), "count": int(r[schema.COUNT])}
            for r in rank_key_terms(count_key_terms(analysis, segmenter)).head(top).to_dict("records")
        ],
        "figures": [
            {k: (int(v) if k != "figure" else v) for k, v in r.items()}
            for r in count_figures(doc.paragraphs, doc.language).head(top).to_dict("records")
        ],
    }


def _paragraph_report(doc: Document, row: dict, scores: pd.DataFrame, codebook: Codebook) -> dict:
    """One paragraph of the analyze JSON: its pillar, secondary, confidence and the evidence by kind."""
    detail = row.get(DETAIL) or {}
    notes = {p.pattern: p.note for p in codebook.patterns}
    return {
        "index": int(row[schema.PARAGRAPH]),
        "text": doc.paragraphs[int(row[schema.PARAGRAPH]) - 1],
        "pillar": row[schema.PILLAR] if isinstance(row[schema.PILLAR], str) else None,
        "secondary": row[schema.SECONDARY] if isinstance(row[schema.SECONDARY], str) else None,
        "confidence": round(float(row[schema.CONFIDENCE]), 4),
        "scores": {pid: round(float(scores.loc[row[schema.PARAGRAPH], pid]), 4) for pid in codebook.ids},
        "evidence": {
            "terms": list(row[schema.EVIDENCE]),
            "codebook": list(detail.get("codebook", [])),
            "model": [{"term": term, "weight": weight} for term, weight in detail.get("model", [])],
            "patterns": [
                {"pattern": rule, "note": notes.get(rule, ""), "pillar": cls, "weight": w}
                for rule, cls, w in detail.get("patterns", [])
            ],
            "examples": [
                {"text": text, "label": label, "source": source, "similarity": sim}
                for text, label, source, sim in detail.get("examples", [])
            ],
            "confirmed": detail.get("confirmed"),
        },
    }


def analyze_default(document: Document, codebook: Codebook) -> Analysis:
    """Analyse with a fresh segmenter built for `codebook` (the CLI path)."""
    return analyze_document(document, codebook, Segmenter(build_segmenter_config(codebook)))


def report_default(document: Document, codebook: Codebook, top: int = 100) -> dict:
    """analyze_default, then build_analysis_report with the same segmenter (the analyze command)."""
    segmenter = Segmenter(build_segmenter_config(codebook))
    return build_analysis_report(analyze_document(document, codebook, segmenter), codebook, top, segmenter)


def analyzer_for(codebook: Codebook, examples: Sequence[Example] = (), segmenter: Segmenter | None = None):
    """A function document -> assignment with one segmenter for all calls (the evaluate path)."""
    segmenter = segmenter or Segmenter(build_segmenter_config(codebook))
    return lambda document: analyze_document(document, codebook, segmenter, examples, term_tables=False).assignment
