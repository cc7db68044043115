"""One self-contained, offline HTML report of a document under the current pillar filter: summary,
pillar overview, word clouds, key terms, keyword in context and indicator charts with sources.
"""

from __future__ import annotations

import html
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from policylens import schema
from policylens.documents.stats import summarise_document
from policylens.export.files import CHART_CONFIG, collect_figure_text
from policylens.export.images import build_font_face_css
from policylens.figures.clouds import CloudOptions, build_cloud_svg, render_cloud
from policylens.figures.indicators import DEFAULT_COLOR, build_indicator_figure, city_label
from policylens.figures.text import build_pillar_share_figure, pillar_color, pillar_label
from policylens.i18n import t
from policylens.indicators import table as indicators
from policylens.markup import is_web_url
from policylens.text.analysis import Analysis, summarise_pillars
from policylens.text.kwic import QueryError, build_kwic_html, build_token_spans, find_keyword_in_context
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.text.terms import assign_term_pillars, filter_paragraphs, summarise_terms

CSS = """
body{font-family:"Noto Sans SC",sans-serif;color:#262730;max-width:1040px;margin:0 auto;padding:1.5em;line-height:1.5}
h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #e0e0e0;padding-bottom:0.2em;margin-top:2em}
.meta{color:#6b6b6b;font-size:0.9em}table{border-collapse:collapse;font-size:0.92em}
th,td{border-bottom:1px solid #ececec;padding:0.25em 0.8em;text-align:left}td.num{text-align:right}
.swatch{display:inline-block;width:0.8em;height:0.8em;border-radius:2px;margin-right:0.4em;vertical-align:-0.05em}
.cloud{overflow-x:auto;margin:0.5em 0 1.5em}.kwic{font-size:0.92em;margin-bottom:1em}
.chart{margin:0.5em 0 1.5em}.note{color:#6b6b6b;font-size:0.88em}
"""
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
    city: str = "Nanjing"


def _t(key: str, lang: str, **values: object) -> str:
    return t(key, lang, **values)


def _esc(value: object) -> str:
    return html.escape(str(value))


class _Page:
    """Collects the report's sections and figures; figures are drawn by the one plotly.js."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figures: list[go.Figure] = []

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def add_figure(self, fig: go.Figure) -> None:
        self.figures.append(fig)
        div = pio.to_html(
            fig, full_html=False, include_plotlyjs=False, config=CHART_CONFIG, div_id=f"chart-{len(self.figures)}"
        )
        self.add(f'<div class="chart">{div}</div>')


def _table(headers: list[str], rows: list[list[str]], numeric: Collection[int] = ()) -> str:
    """An HTML table; cells are already escaped markup."""
    head = "".join(f"<th>{_esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _swatch(color: str) -> str:
    return f'<span class="swatch" style="background:{_esc(color)}"></span>'


def _summary(page: _Page, analysis: Analysis, lang: str) -> None:
    doc = analysis.document
    stats = summarise_document(doc, analysis.paragraph_terms)
    classified = int(analysis.assignment[schema.PILLAR].notna().sum())
    rows = [
        (_t("report.name", lang), doc.name),
        (_t("report.sha256", lang), doc.sha256),
        (t("overview.language", lang), t(f"language.{doc.language}", lang)),
        (t("overview.encoding", lang), doc.encoding),
        (t("overview.script", lang), t(f"script.{doc.script}", lang)),
        (t("overview.characters", lang), f"{stats.characters:,}"),
        (t("overview.paragraphs", lang), stats.paragraphs),
        (t("overview.classified", lang), classified),
        (t("overview.sentences", lang), stats.sentences),
        (t("overview.tokens", lang), f"{stats.tokens:,}"),
        (t("overview.vocabulary", lang), f"{stats.vocabulary:,}"),
    ]
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
    page.add(f'<h2 id="summary">{_esc(_t("report.summary", lang))}</h2><table>{body}</table>')


def _pillar_overview(page: _Page, analysis: Analysis, codebook: Codebook, pillars: tuple[str, ...], lang: str) -> None:
    summary = summarise_pillars(analysis, codebook)
    shown = summary if not pillars else summary[summary[schema.PILLAR].isin(pillars)]
    page.add(f'<h2 id="pillars">{_esc(_t("report.pillars", lang))}</h2>')
    source = t("figure.source.document", lang, name=analysis.document.name)
    page.add_figure(build_pillar_share_figure(shown, codebook, lang, source))


def _clouds(
    page: _Page,
    terms: pd.DataFrame,
    by_pillar: pd.DataFrame,
    term_pillars: dict,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    options: ReportOptions,
) -> None:
    page.add(f'<h2 id="clouds">{_esc(_t("report.clouds", lang))}</h2>')
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
    for title, table, cloud_options in jobs:
        result = render_cloud(dict(zip(table[schema.TERM], table[schema.COUNT])), colors, cloud_options)
        if not result.layout:
            continue
        page.add(f"<h3>{_esc(title)}</h3>")
        # The report's own @font-face covers the cloud's characters, so no second font inside.
        page.add(f'<div class="cloud">{build_cloud_svg(result, embed_font=False)}</div>')
        if result.missing_glyphs:
            page.add(
                f'<p class="note">{_esc(_t("report.cloud_missing", lang, terms="、".join(result.missing_glyphs)))}</p>'
            )


def _key_terms(
    page: _Page, terms: pd.DataFrame, term_pillars: dict, codebook: Codebook, lang: str, options: ReportOptions
) -> None:
    page.add(f'<h2 id="terms">{_esc(_t("report.terms", lang))}</h2>')
    rows = []
    for row in terms.head(options.top_terms).to_dict("records"):
        pillar = term_pillars.get(row[schema.TERM])
        pillar = pillar if pillar in codebook.ids else None
        rows.append(
            [
                _esc(row[schema.TERM]),
                f"{row[schema.COUNT]:,}",
                f"{row[schema.PARAGRAPHS]:,}",
                _swatch(pillar_color(codebook, pillar)) + _esc(pillar_label(codebook, pillar, lang)),
            ]
        )
    headers = [t("column.term", lang), t("column.count", lang), t("column.paragraphs", lang), t("column.pillar", lang)]
    page.add(_table(headers, rows, numeric={1, 2}))


def _kwic(
    page: _Page,
    analysis: Analysis,
    segmenter: Segmenter,
    terms: pd.DataFrame,
    term_pillars: dict,
    codebook: Codebook,
    pillars: tuple[str, ...],
    lang: str,
    options: ReportOptions,
) -> None:
    page.add(f'<h2 id="kwic">{_esc(_t("report.kwic", lang))}</h2>')
    doc = analysis.document
    spans = build_token_spans(doc, segmenter)
    by_paragraph = analysis.assignment.set_index(schema.PARAGRAPH)[schema.PILLAR].to_dict()
    window = options.kwic_window_zh if doc.language == "zh" else options.kwic_window_en
    for term in terms[schema.TERM].head(options.kwic_terms):
        try:
            table = find_keyword_in_context(
                doc.paragraphs, spans, f'"{term}"', window, by_paragraph, language=doc.language
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
        lines = "".join(build_kwic_html(row, color) for row in shown.to_dict("records"))
        count = _t("report.kwic_count", lang, shown=len(shown), n=len(table))
        page.add(f'<h3>{_esc(term)} <span class="note">{_esc(count)}</span></h3><div class="kwic">{lines}</div>')


def _source_item(title: str, url: str) -> str:
    if is_web_url(url):
        link = f'<a href="{_esc(url)}" rel="noopener noreferrer">{_esc(urlsplit(url).hostname)}</a>'
    else:  # never a javascript: or data: link from an uploaded table
        link = _esc(url)
    return f"<li>{_esc(title)} — {link}</li>"


def _indicators(
    page: _Page, table: pd.DataFrame, codebook: Codebook, pillars: tuple[str, ...], lang: str, options: ReportOptions
) -> None:
    if table.empty:
        return
    headline = indicators.select_headline_indicators(table, city=options.city, per_pillar=options.indicators_per_pillar)
    headline = headline[headline[schema.N_YEARS] >= 2]
    if pillars:
        headline = headline[headline[schema.PILLAR].isin(pillars)]
    if headline.empty:
        return
    page.add(f'<h2 id="indicators">{_esc(_t("report.indicators", lang))}</h2>')
    city = city_label(options.city, lang)
    page.add(f'<p class="note">{_esc(_t("report.indicators_note", lang, city=city))}</p>')
    used = []
    for row in headline.to_dict("records"):
        rows = table[table[schema.INDICATOR_ID] == row[schema.INDICATOR_ID]]
        color = codebook.get(row[schema.PILLAR]).color if row[schema.PILLAR] in codebook.ids else DEFAULT_COLOR
        page.add_figure(build_indicator_figure(rows, lang, pillar_color=color))
        used.append(rows)
    sources = (
        pd.concat(used)[[schema.SOURCE_TITLE, schema.SOURCE_URL]]
        .drop_duplicates()
        .sort_values([schema.SOURCE_TITLE, schema.SOURCE_URL], kind="stable")
    )
    items = "".join(_source_item(title, url) for title, url in sources.itertuples(index=False))
    page.add(f'<h3>{_esc(t("indicators.sources", lang))}</h3><ul class="sources">{items}</ul>')


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
    page = _Page()
    _summary(page, analysis, lang)
    _pillar_overview(page, analysis, codebook, pillars, lang)
    terms = summarise_terms(filter_paragraphs(analysis.term_counts, analysis.assignment, pillars))
    by_pillar = analysis.terms_by_pillar
    term_pillars = assign_term_pillars(
        list(terms[schema.TERM].head(max(options.cloud_words, options.top_terms))) + list(by_pillar[schema.TERM]),
        by_pillar,
        codebook,
        doc.language,
    )
    if terms.empty:
        page.add(f'<p class="note">{_esc(_t("report.no_terms", lang))}</p>')
    else:
        _clouds(page, terms, by_pillar, term_pillars, codebook, pillars, lang, options)
        _key_terms(page, terms, term_pillars, codebook, lang, options)
        _kwic(page, analysis, segmenter, terms, term_pillars, codebook, pillars, lang, options)
    _indicators(page, indicators_df, codebook, pillars, lang, options)

    shown = [pillar_label(codebook, p, lang) for p in codebook.ids if p in pillars] or [_t("report.all_pillars", lang)]
    time = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    title = _t("report.title", lang, name=doc.name)
    header = (
        f'<h1>{_esc(title)}</h1><p class="meta">'
        f"{_esc(_t('report.generated', lang, time=time, pillars=', '.join(shown)))}</p>"
    )
    footer = f'<p class="note">{_esc(_t("report.footer", lang))}</p>'
    body = header + "".join(page.parts) + footer
    font_css = build_font_face_css(html.unescape(body) + "".join(collect_figure_text(f) for f in page.figures))
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-Hans" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_esc(title)}</title><style>{font_css}{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head>\n'
        f"<body>{body}</body></html>\n"
    )
