"""The Overview of one document view: its summary numbers (summarise_view, cheap, drawn first), the
pillar-share chart and the top-term chart of each pillar in view (build_overview)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from policylens import schema
from policylens.documents.stats import DocumentSummary, summarise_document
from policylens.figures.indicators import format_value
from policylens.figures.style import SOURCE_CHAR_PX, is_wide, set_source_width
from policylens.figures.text import build_pillar_share_figure, build_term_bar_figure
from policylens.i18n import t
from policylens.indicators.labels import QUALIFIER_LABELS
from policylens.markup import build_source_line, build_source_link, render_markdown_html
from policylens.text.analysis import Analysis, summarise_pillars
from policylens.text.pillars import Codebook
from policylens.text.terms import assign_term_pillars

TOP_TERMS = 10
TERM_CHART_WIDTH = 280  # px: a pillar's top-term panel; the panels wrap on a narrow page instead of shrinking


@dataclass(frozen=True)
class ViewSummary:
    summary: DocumentSummary  # the whole document
    shown: DocumentSummary | None  # the paragraphs of the filter's pillars (None: no filter)
    classified: int  # paragraphs with a pillar


@dataclass(frozen=True)
class Overview(ViewSummary):
    share_figure: go.Figure
    term_figures: tuple[tuple[str, go.Figure | None], ...]  # (pillar id, chart or None without terms)


LABEL_PX = (6.5, 12.5)  # width of a Latin and of a CJK character of the bars' 12 px tick labels
MAX_LABEL_SHARE = 0.5  # of the figure's width; a longer term is shortened with "…" (the hover keeps it)


def _label_px(text: str) -> float:
    return sum(LABEL_PX[is_wide(c)] for c in text)


def fit_to_width(fig: go.Figure, width: int) -> go.Figure:
    """A horizontal-bar figure at a fixed `width`: a left margin that holds its labels (at most
    MAX_LABEL_SHARE of the width, longer labels shortened), and the source line wrapped to the whole
    figure from its left edge, so nothing is cut at either side."""
    (trace,) = fig.data
    room = width * MAX_LABEL_SHARE
    labels = []
    for label in trace.y:
        short = label
        while _label_px(short) > room and len(short) > 2:
            short = short[:-2] + "…"
        labels.append(short)
    left = int(max(_label_px(x) for x in labels) + 12) if labels else 20
    fig.update_yaxes(automargin=False, tickmode="array", tickvals=list(trace.y), ticktext=labels)
    fig.update_layout(width=width, margin=dict(l=left, r=16))
    set_source_width(fig, chars=int((width - 8) / SOURCE_CHAR_PX), xshift=-left + 4)
    return fig


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
        if figure is not None:
            fit_to_width(figure, TERM_CHART_WIDTH)
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


def build_headline_grid(table: pd.DataFrame, pillar_labels: dict[str, str], lang: str) -> Markup | None:
    """HTML of the headline indicators (indicators.select_headline_indicators' rows): one card each,
    its pillar and indicator, the value, the year and qualifier, and its linked source; None for no
    rows."""
    if table.empty:
        return None
    cards = [
        {
            "pillar": pillar_labels.get(row[schema.PILLAR], row[schema.PILLAR]),
            "indicator": row[schema.INDICATOR_ZH] if lang == "zh" else row[schema.INDICATOR_EN],
            "value": format_value(row[schema.VALUE], row[schema.UNIT_CODE], row[schema.QUALIFIER], lang),
            "as_of": t(
                "indicators.as_of",
                lang,
                year=row[schema.YEAR],
                qualifier=t(QUALIFIER_LABELS[row[schema.QUALIFIER]], lang),
            ),
            "source": build_source_line([build_source_link(row[schema.SOURCE_TITLE], row[schema.SOURCE_URL])], lang),
        }
        for row in table.to_dict("records")
    ]
    return render_markdown_html("headline_card.html", cards=cards)
