"""The Overview of one document view: its summary numbers (summarise_view, cheap, drawn first), the
pillar-share chart and the top-term chart of each pillar in view (build_overview)."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go

from policylens import schema
from policylens.documents.stats import DocumentSummary, summarise_document
from policylens.figures.text import build_pillar_share_figure, build_term_bar_figure
from policylens.i18n import t
from policylens.text.analysis import Analysis, summarise_pillars
from policylens.text.pillars import Codebook
from policylens.text.terms import assign_term_pillars

TOP_TERMS = 10


@dataclass(frozen=True)
class ViewSummary:
    summary: DocumentSummary  # the whole document
    shown: DocumentSummary | None  # the paragraphs of the filter's pillars (None: no filter)
    classified: int  # paragraphs with a pillar


@dataclass(frozen=True)
class Overview(ViewSummary):
    share_figure: go.Figure
    term_figures: tuple[tuple[str, go.Figure | None], ...]  # (pillar id, chart or None without terms)


def summarise_view(analysis: Analysis, pillars: tuple[str, ...]) -> ViewSummary:
    """The summary numbers of the document, and of the paragraphs of `pillars` when set."""
    assigned = analysis.assignment
    keep = set(assigned.loc[assigned[schema.PILLAR].isin(pillars), schema.PARAGRAPH]) if pillars else None
    return ViewSummary(
        summary=summarise_document(analysis.document, analysis.paragraph_terms),
        shown=None if keep is None else summarise_document(analysis.document, analysis.paragraph_terms, keep),
        classified=int(assigned[schema.PILLAR].notna().sum()),
    )


def build_overview(
    analysis: Analysis,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    source: str,
    highlight: str | None = None,
) -> Overview:
    """Everything the Overview draws for the pillar filter `pillars` (empty = all)."""
    shares = summarise_pillars(analysis, codebook)
    by_pillar = analysis.terms_by_pillar
    term_pillars = assign_term_pillars(by_pillar[schema.TERM].unique(), by_pillar, codebook, analysis.document.language)
    term_figures = []
    for pillar in (p for p in codebook.pillars if not pillars or p.id in pillars):
        top = by_pillar[by_pillar[schema.PILLAR] == pillar.id].head(TOP_TERMS)
        figure = (
            None
            if top.empty
            else build_term_bar_figure(
                top,
                term_pillars,
                codebook,
                lang,
                t("figure.top_terms.title", lang, pillar=pillar.label(lang)),
                source,
                highlight=highlight,
                pillar=pillar.id,  # one colour per pillar's panel
            )
        )
        term_figures.append((pillar.id, figure))
    view = summarise_view(analysis, pillars)
    return Overview(
        summary=view.summary,
        shown=view.shown,
        classified=view.classified,
        # every pillar stays a bar (the filtered ones stand out), so another can be clicked
        share_figure=build_pillar_share_figure(shares, codebook, lang, source, selected=pillars),
        term_figures=tuple(term_figures),
    )
