"""One self-contained, offline HTML report of a document under the current pillar filter: summary,
pillar overview, word clouds, key terms, keyword in context and indicator charts with sources.
The sections are gathered here as plain values and laid out by export/templates/report_body.html.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from policylens import schema
from policylens.documents.loader import LANGUAGE_LABELS
from policylens.documents.script import SCRIPT_LABELS
from policylens.documents.stats import summarise_document
from policylens.export.files import CHART_CONFIG, PAGE_TEMPLATES, collect_figure_text, render_page
from policylens.export.images import build_font_face_css
from policylens.figures.clouds import CloudOptions, build_cloud_svg, render_cloud
from policylens.figures.indicators import build_indicator_figure
from policylens.figures.text import build_pillar_share_figure, pillar_color, pillar_label
from policylens.i18n import t
from policylens.indicators import table as indicators
from policylens.indicators.labels import FOCUS_CITY, city_label
from policylens.markup import is_web_url
from policylens.text.analysis import Analysis, summarise_pillars
from policylens.text.kwic import QueryError, build_kwic_html, build_token_spans, find_keyword_in_context, query_for_term
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.text.terms import assign_term_pillars, filter_paragraphs, summarise_terms

# The browser may fetch nothing: scripts, styles, fonts and images are all inline or data: URLs.
CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"


@dataclass(frozen=True)
class ReportOptions:
    """How much of each section the report shows."""

    top_terms: int = 30
    cloud_words: int = 120
    pillar_cloud_words: int = 60
    kwic_terms: int = 3
    kwic_lines: int = 5
    kwic_window_zh: int = 25  # characters
    kwic_window_en: int = 10  # words
    indicators_per_pillar: int = 2
    city: str = FOCUS_CITY


def _t(key: str, lang: str, **values: object) -> str:
    return t(key, lang, **values)


class _Charts:
    """The report's figures in page order, each a div that the one inlined plotly.js draws."""

    def __init__(self) -> None:
        self.figures: list[go.Figure] = []

    def add(self, fig: go.Figure) -> Markup:
        self.figures.append(fig)
        return Markup(
            pio.to_html(
                fig, full_html=False, include_plotlyjs=False, config=CHART_CONFIG, div_id=f"chart-{len(self.figures)}"
            )
        )


def _summary(analysis: Analysis, lang: str) -> dict:
    doc = analysis.document
    stats = summarise_document(doc, analysis.paragraph_terms)
    classified = int(analysis.assignment[schema.PILLAR].notna().sum())
    rows = [
        (_t("report.name", lang), doc.name),
        (_t("report.sha256", lang), doc.sha256),
        (t("overview.language", lang), t(LANGUAGE_LABELS[doc.language], lang)),
        (t("overview.encoding", lang), doc.encoding),
        (t("overview.script", lang), t(SCRIPT_LABELS[doc.script], lang)),
        (t("overview.characters", lang), f"{stats.characters:,}"),
        (t("overview.paragraphs", lang), stats.paragraphs),
        (t("overview.classified", lang), classified),
        (t("overview.sentences", lang), stats.sentences),
        (t("overview.tokens", lang), f"{stats.tokens:,}"),
        (t("overview.vocabulary", lang), f"{stats.vocabulary:,}"),
    ]
    return {"heading": _t("report.summary", lang), "rows": rows}


def _pillar_overview(
    charts: _Charts, analysis: Analysis, codebook: Codebook, pillars: tuple[str, ...], lang: str
) -> dict:
    summary = summarise_pillars(analysis, codebook)
    shown = summary if not pillars else summary[summary[schema.PILLAR].isin(pillars)]
    source = t("figure.source.document", lang, name=analysis.document.name)
    chart = charts.add(build_pillar_share_figure(shown, codebook, lang, source))
    return {"heading": _t("report.pillars", lang), "chart": chart}


def _clouds(
    terms: pd.DataFrame,
    by_pillar: pd.DataFrame,
    term_pillars: dict,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    options: ReportOptions,
) -> dict:
    colors = {term: codebook.get(p).color for term, p in term_pillars.items() if p in codebook.ids}
    shown = [p for p in codebook.pillars if not pillars or p.id in pillars]
    top = terms.head(options.cloud_words)
    jobs = [(_t("report.cloud_all", lang), top, CloudOptions())]
    if len(shown) > 1:
        jobs += [
            (
                p.label(lang),
                by_pillar[by_pillar[schema.PILLAR] == p.id].head(options.pillar_cloud_words),
                CloudOptions(width=600, height=300),
            )
            for p in shown
        ]
    items = []
    for title, table, cloud_options in jobs:
        result = render_cloud(dict(zip(table[schema.TERM], table[schema.COUNT])), colors, cloud_options)
        if not result.layout:
            continue
        missing = "、".join(result.missing_glyphs)
        items.append(
            {
                "title": title,
                "svg": Markup(build_cloud_svg(result, embed_font=False)),
                "missing": _t("report.cloud_missing", lang, terms=missing) if missing else None,
            }
        )
    return {"heading": _t("report.clouds", lang), "entries": items}


def _key_terms(terms: pd.DataFrame, term_pillars: dict, codebook: Codebook, lang: str, options: ReportOptions) -> dict:
    rows = []
    for row in terms.head(options.top_terms).to_dict("records"):
        pillar = term_pillars.get(row[schema.TERM])
        pillar = pillar if pillar in codebook.ids else None
        rows.append(
            {
                "term": row[schema.TERM],
                "count": f"{row[schema.COUNT]:,}",
                "paragraphs": f"{row[schema.PARAGRAPHS]:,}",
                "color": pillar_color(codebook, pillar),
                "pillar": pillar_label(codebook, pillar, lang),
            }
        )
    headers = [t("column.term", lang), t("column.count", lang), t("column.paragraphs", lang), t("column.pillar", lang)]
    return {"heading": _t("report.terms", lang), "headers": headers, "rows": rows}


def _kwic(
    analysis: Analysis,
    segmenter: Segmenter,
    terms: pd.DataFrame,
    term_pillars: dict,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    options: ReportOptions,
) -> dict:
    groups = []
    doc = analysis.document
    spans = build_token_spans(doc, segmenter)
    by_paragraph = analysis.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR].to_dict()
    window = options.kwic_window_zh if doc.language == "zh" else options.kwic_window_en
    for term in terms[schema.TERM].head(options.kwic_terms):
        try:
            table = find_keyword_in_context(
                doc.paragraphs, spans, query_for_term(term), window, by_paragraph, language=doc.language
            )
        except QueryError:
            continue  # a term the query language cannot express (it contains a quote)
        if pillars:
            table = table[table[schema.PILLAR].isin(pillars)]
        if table.empty:
            continue
        pillar = term_pillars.get(term)
        color = pillar_color(codebook, pillar if pillar in codebook.ids else None)
        shown = table.head(options.kwic_lines)
        lines = Markup("".join(build_kwic_html(row, color) for row in shown.to_dict("records")))
        count = _t("report.kwic_count", lang, shown=len(shown), n=len(table))
        groups.append({"term": term, "count": count, "lines": lines})
    return {"heading": _t("report.kwic", lang), "groups": groups}


def _source(title: str, url: str) -> dict:
    """A source line's parts: a link (to the host name) only for an http(s) URL."""
    return {"title": title, "url": url, "host": urlsplit(url).hostname if is_web_url(url) else None}


def _indicators(
    charts: _Charts,
    table: pd.DataFrame,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    options: ReportOptions,
) -> dict | None:
    if table.empty:
        return None
    headline = indicators.select_headline_indicators(table, city=options.city, per_pillar=options.indicators_per_pillar)
    headline = headline[headline[schema.N_YEARS] >= 2]
    if pillars:
        headline = headline[headline[schema.PILLAR].isin(pillars)]
    if headline.empty:
        return None
    used, figures = [], []
    for row in headline.to_dict("records"):
        rows = table[table[schema.INDICATOR_ID] == row[schema.INDICATOR_ID]]
        figures.append(charts.add(build_indicator_figure(rows, lang)))
        used.append(rows)
    sources = (
        pd.concat(used)[[schema.SOURCE_TITLE, schema.SOURCE_URL]]
        .drop_duplicates()
        .sort_values([schema.SOURCE_TITLE, schema.SOURCE_URL], kind="stable")
    )
    return {
        "heading": _t("report.indicators", lang),
        "note": _t("report.indicators_note", lang, city=city_label(options.city, lang)),
        "charts": figures,
        "sources_heading": t("indicators.sources", lang),
        "sources": [_source(title, url) for title, url in sources.itertuples(index=False)],
    }


def build_report_html(
    analysis: Analysis,
    codebook: Codebook,
    segmenter: Segmenter,
    indicators_df: pd.DataFrame,
    pillars: tuple[str, ...] = (),
    lang: str = "en",
    options: ReportOptions = ReportOptions(),
    now: datetime | None = None,
) -> str:
    """The report as one HTML file that works offline on any machine.

    ``pillars`` filters every section (empty = all); ``indicators_df`` is a validated long
    indicator table (indicators.load_indicators; may be empty). plotly.js is inlined once, the
    CJK font as a WOFF subset of just the characters used; all document text is escaped.
    """
    doc = analysis.document
    charts = _Charts()
    summary = _summary(analysis, lang)
    pillar_overview = _pillar_overview(charts, analysis, codebook, pillars, lang)
    terms = summarise_terms(filter_paragraphs(analysis.term_counts, analysis.assignment, pillars))
    by_pillar = analysis.terms_by_pillar
    term_pillars = assign_term_pillars(
        list(terms[schema.TERM].head(max(options.cloud_words, options.top_terms))) + list(by_pillar[schema.TERM]),
        by_pillar,
        codebook,
        doc.language,
    )
    sections = {"no_terms": _t("report.no_terms", lang) if terms.empty else None}
    if not terms.empty:
        sections["clouds"] = _clouds(terms, by_pillar, term_pillars, codebook, pillars, lang, options)
        sections["terms"] = _key_terms(terms, term_pillars, codebook, lang, options)
        sections["kwic"] = _kwic(analysis, segmenter, terms, term_pillars, codebook, pillars, lang, options)
    indicator_section = _indicators(charts, indicators_df, codebook, pillars, lang, options)

    shown = [pillar_label(codebook, p, lang) for p in codebook.ids if p in pillars] or [_t("report.all_pillars", lang)]
    time = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    title = _t("report.title", lang, name=doc.name)
    body = PAGE_TEMPLATES.get_template("report_body.html").render(
        title=title,
        generated=_t("report.generated", lang, time=time, pillars=", ".join(shown)),
        summary=summary,
        pillars=pillar_overview,
        indicators=indicator_section,
        footer=_t("report.footer", lang),
        **sections,
    )
    # the font subset: every character the page shows, its text and its figures'
    font_css = build_font_face_css(html.unescape(body) + "".join(collect_figure_text(f) for f in charts.figures))
    return render_page(
        "report.html",
        lang="zh-Hans" if lang == "zh" else "en",
        csp=Markup(CSP),  # a constant: its quotes stay as written
        title=title,
        font_css=Markup(font_css),
        plotly_js=Markup(get_plotlyjs()),
        body=Markup(body),
    )
