"""One document analysed end to end: the shared entry point of the dashboard and the CLI."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from policylens import schema
from policylens.documents.loader import Document
from policylens.text.pillars import Codebook, assign_pillars, score_paragraphs
from policylens.text.segment import Segmenter, SegmenterConfig
from policylens.text.terms import count_terms, count_terms_by_pillar, summarise_terms


@dataclass(frozen=True)
class Analysis:
    """Everything the views need about one document under one codebook."""

    document: Document
    paragraph_terms: tuple[tuple[str, ...], ...]
    term_counts: pd.DataFrame  # paragraph, term, count
    scores: pd.DataFrame  # paragraph, pillar, score, evidence (every paragraph x pillar)
    assignment: pd.DataFrame  # paragraph, pillar, score, margin, evidence
    terms_by_pillar: pd.DataFrame  # pillar, term, count (terms.count_terms_by_pillar)


def build_segmenter_config(codebook: Codebook) -> SegmenterConfig:
    """Segmenter settings that keep every codebook term whole."""
    return SegmenterConfig(extra_terms_en=codebook.all_terms("en"), extra_terms_zh=codebook.all_terms("zh"))


def analyze_document(document: Document, codebook: Codebook, segmenter: Segmenter) -> Analysis:
    """Tokenise, count and classify every paragraph of `document`."""
    paragraph_terms = tuple(tuple(segmenter.tokenize(p, document.language)) for p in document.paragraphs)
    scores = score_paragraphs(paragraph_terms, codebook, document.language)
    term_counts = count_terms(paragraph_terms)
    assignment = assign_pillars(scores, codebook)
    return Analysis(
        document=document,
        paragraph_terms=paragraph_terms,
        term_counts=term_counts,
        scores=scores,
        assignment=assignment,
        terms_by_pillar=count_terms_by_pillar(term_counts, assignment),
    )


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


def build_analysis_report(analysis: Analysis, codebook: Codebook, top: int = 100) -> dict:
    """The JSON-ready summary printed by `python -m policylens analyze`."""
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
        "paragraphs": [
            {
                "index": int(row[schema.PARAGRAPH]),
                "text": doc.paragraphs[int(row[schema.PARAGRAPH]) - 1],
                "pillar": row[schema.PILLAR] if isinstance(row[schema.PILLAR], str) else None,
                "scores": {pid: float(scores.loc[row[schema.PARAGRAPH], pid]) for pid in codebook.ids},
                "evidence": list(row[schema.EVIDENCE]),
            }
            for row in analysis.assignment.to_dict("records")
        ],
        "terms": [{"term": r[schema.TERM], "count": int(r[schema.COUNT])} for r in terms.to_dict("records")],
    }


def analyze_default(document: Document, codebook: Codebook) -> Analysis:
    """Analyse with a fresh segmenter built for `codebook` (the CLI path)."""
    return analyze_document(document, codebook, Segmenter(build_segmenter_config(codebook)))
