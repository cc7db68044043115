"""Download buttons: under every chart (HTML, data CSV, PNG/SVG), under tables (CSV, XLSX), for the
word cloud (PNG at a chosen size, SVG), and in the sidebar for the whole view (ZIP bundle) and the
report (HTML).

Every file is built on click (ui.downloads: PolicyLens's own download route, or a deferred
st.download_button where that route is not mounted), never on a rerun: the page only records what
it shows (ViewExports) so that the bundle can be made from it later. The export modules (plotly.js,
kaleido, openpyxl, fontTools) are imported inside the build functions, so only a click pays for them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from policylens import workers
from policylens.i18n import t
from policylens.ui import cache, state
from policylens.ui.downloads import Download, render_download, render_downloads
from policylens.ui.indicator_data import get_view_data
from policylens.ui.library import get_active_document
from policylens.ui.selection import get_selection

_UNSAFE = re.compile(r"[^\w.-]+")
_SLUG_UNSAFE = re.compile(r"[^\w]+")  # Unicode letters stay (the download route sends UTF-8 names)
CLOUD_WIDTHS = (800, 1200, 1600, 2400, 3200)
# The report and the view bundle are built in a worker (policylens.workers): the report of a
# 617,000-character document took 14.5 s of the server's interpreter. The bundle's worker has no
# address-space bound (memory 0): kaleido's Chromium, which draws its PNG and SVG, reserves far more
# address space than it uses; its time bound still holds.
REPORT_LIMITS = workers.Limits(memory=4096 * workers.MiB, seconds=120.0)
BUNDLE_LIMITS = workers.Limits(memory=0, seconds=120.0)
# A table's XLSX of more cells than this is built in a worker: openpyxl writes about 4,500 cells in
# 0.1 s of the interpreter every session shares (7,682 rows x 4 columns: 1.7 s). A smaller one is
# built in the server, faster than a worker starts.
XLSX_IN_SERVER_CELLS = 5_000
XLSX_LIMITS = workers.Limits(memory=2048 * workers.MiB, seconds=120.0)
PREFIX = "policylens"
MAX_SUBJECT_CHARS = 60


@dataclass
class ViewExports:
    """What the current run drew, for the bundle: charts, tables and word clouds by name."""

    charts: list[tuple[str, go.Figure | dict, pd.DataFrame | None]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    clouds: dict = field(default_factory=dict)  # name -> clouds.CloudResult
    indicator: str | None = None  # the indicator a page shows (its default too, which the selection lacks)
    subject: str | None = None  # what the page's files are named after (else the document), e.g. "gdp_nanjing-suzhou"


_RECORDING: ContextVar[ViewExports | None] = ContextVar("policylens_view_exports", default=None)


@contextmanager
def record_view(view: ViewExports) -> Iterator[None]:
    """While the page runs, its export buttons add what they show to `view` (ui.context.serve_context)."""
    token = _RECORDING.set(view)
    try:
        yield
    finally:
        _RECORDING.reset(token)


def current_view() -> ViewExports:
    """The record of the page running now, the one the sidebar's bundle button holds; outside a
    page's run, a loose record that nothing exports."""
    view = _RECORDING.get()
    return view if view is not None else ViewExports()


def slug(text: str, limit: int = MAX_SUBJECT_CHARS) -> str:
    """A lower-case file-name part: every run of characters other than letters and digits is one "-"."""
    return _SLUG_UNSAFE.sub("-", str(text).replace("_", "-")).strip("-").lower()[:limit].rstrip("-")


def build_file_stem(view: str, subject: str = "", day: date | None = None) -> str:
    """`policylens_<view>_<subject>_<date>`, each part sanitised (slug), e.g.
    policylens_indicators_gdp_nanjing-suzhou_2026-12-02; an empty part is left out."""
    parts = [PREFIX, slug(view), subject, (day or date.today()).isoformat()]
    return "_".join(p for p in parts if p)


def indicator_subject(indicator_id: str, cities) -> str:
    """The name part of an indicator view's files: the indicator and its cities, "gdp_nanjing-suzhou"."""
    return "_".join(p for p in (slug(indicator_id), slug("-".join(cities))) if p)


def file_stem(name: str) -> str:
    """A file-name stem for the export `name` (a widget key such as "indicators.chart" or "kwic"): the
    view (the name, "indicators-table"; a page's "<page>.chart" is the page), what the page shows
    (ViewExports.subject, else the active document's name without extension) and today's date:
    policylens_indicators_gdp_nanjing-suzhou_2026-12-02."""
    view = (_UNSAFE.sub("-", name).strip("-.") or "export").removesuffix(".chart").replace(".", "-")
    subject = current_view().subject or slug(get_active_document().name.rsplit(".", 1)[0])
    return build_file_stem(view, subject)


def _download(label: str, build, file_name: str, mime: str, key: str, **options) -> None:
    render_download(label, build, file_name, mime, key=key, document_key=get_active_document().key, **options)


def _as_figure(fig: go.Figure | dict) -> go.Figure:
    return fig if isinstance(fig, go.Figure) else go.Figure(fig)


def image_problem():
    """Why PNG/SVG cannot be made on this server (an ExportUnavailable), or None."""
    return cache.get_image_export_problem()


def render_chart_exports(fig: go.Figure | dict, name: str, lang: str, data: pd.DataFrame | None = None) -> None:
    """A compact Export menu under a chart; each file is made when its button is clicked."""
    current_view().charts.append((name, fig, data))
    stem, key = file_stem(name), f"export.{name}"

    def chart_html(plotly_js: str):
        def build() -> bytes:
            from policylens.export.files import build_chart_html

            figure = _as_figure(fig)
            title = figure.layout.title.text or name
            return build_chart_html(figure, title, lang=lang, plotly_js=plotly_js).encode("utf-8")

        return build

    def chart_csv() -> bytes:
        from policylens.export.files import build_chart_data, build_csv

        return build_csv(data if data is not None else build_chart_data(_as_figure(fig)))

    def chart_image(fmt: str):
        def build() -> bytes:
            from policylens.export.images import build_figure_image

            return build_figure_image(_as_figure(fig), fmt)

        return build

    with st.popover(t("export.menu", lang), icon=":material/download:"):
        items = [  # one file that works offline (plotly.js inline, about 4.9 MB), or a small one that loads it
            Download(t("export.html", lang), chart_html("inline"), f"{stem}.html", "text/html", f"{key}.html"),
            Download(
                t("export.html_cdn", lang), chart_html("cdn"), f"{stem}_online.html", "text/html", f"{key}.html_cdn"
            ),
            Download(t("export.csv", lang), chart_csv, f"{stem}.csv", "text/csv", f"{key}.csv"),
        ]
        problem = image_problem()
        if problem is None:
            items.append(Download(t("export.png", lang), chart_image("png"), f"{stem}.png", "image/png", f"{key}.png"))
            items.append(
                Download(t("export.svg", lang), chart_image("svg"), f"{stem}.svg", "image/svg+xml", f"{key}.svg")
            )
        render_downloads(items, document_key=get_active_document().key)
        if problem is not None:
            st.caption(problem.message(lang))


def build_table_xlsx(table: pd.DataFrame, name: str) -> bytes:
    """The XLSX of one table (sheet `name`), in a worker past XLSX_IN_SERVER_CELLS."""
    from policylens.export.files import build_xlsx

    if table.size <= XLSX_IN_SERVER_CELLS:
        return build_xlsx({name: table})
    return workers.run(build_xlsx, ({name: table},), XLSX_LIMITS)


def render_table_exports(table: pd.DataFrame, name: str, lang: str) -> None:
    """CSV (UTF-8 with BOM) and XLSX buttons for a table, formula-like cells neutralised."""
    current_view().tables[name] = table
    stem, key = file_stem(name), f"export.{name}"

    def table_csv() -> bytes:
        from policylens.export.files import build_csv

        return build_csv(table)

    def table_xlsx() -> bytes:
        return build_table_xlsx(table, name)

    csv_col, xlsx_col, _ = st.columns([1, 1, 3])
    _download(
        t("export.table_csv", lang),
        table_csv,
        f"{stem}.csv",
        "text/csv",
        f"{key}.csv",
        icon=":material/download:",
        container=csv_col,
    )
    _download(
        t("export.table_xlsx", lang),
        table_xlsx,
        f"{stem}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{key}.xlsx",
        icon=":material/download:",
        container=xlsx_col,
    )


def render_cloud_exports(cloud, name: str, lang: str) -> None:  # a clouds.CloudResult
    """PNG of the cloud redrawn at a chosen width, and SVG with the font subset embedded."""
    if not cloud.layout:
        return
    current_view().clouds[name] = cloud
    stem, key = file_stem(name), f"export.{name}"
    width_col, png_col, svg_col = st.columns([2, 1, 1], vertical_alignment="bottom")
    width = width_col.selectbox(
        t("terms.cloud_width", lang),
        CLOUD_WIDTHS,
        format_func=lambda w: f"{w} × {w * cloud.options.height // cloud.options.width}",
        **state.bind(state.TERMS_CLOUD_WIDTH),
    )

    def cloud_png() -> bytes:
        from policylens.export.files import build_cloud_png

        return build_cloud_png(cloud, int(width))

    def cloud_svg() -> bytes:
        from policylens.figures.clouds import build_cloud_svg

        return build_cloud_svg(cloud, embed_font=True).encode("utf-8")

    _download(
        t("export.cloud_png", lang),
        cloud_png,
        f"{stem}_{width}.png",
        "image/png",
        f"{key}.png",
        icon=":material/download:",
        container=png_col,
    )
    _download(
        t("export.cloud_svg", lang),
        cloud_svg,
        f"{stem}.svg",
        "image/svg+xml",
        f"{key}.svg",
        icon=":material/download:",
        container=svg_col,
    )


def render_view_exports(ctx) -> None:  # a ui.context.PageContext
    """Sidebar: the export bundle of this view and the report for the current filters. The shell
    draws this before the page runs; the button holds ``ctx.exports``, which the page then fills,
    and the ZIP is made from it on click."""

    lang, document, view = ctx.lang, ctx.document, ctx.exports
    selection = get_selection()
    cities = tuple(st.session_state.get(state.INDICATORS_CITIES) or ())
    years = tuple(st.session_state.get(state.INDICATORS_YEARS) or ())
    images = image_problem() is None
    indicator_table = get_view_data(lang).data  # the indicator datasets in view (cached tables)

    def bundle() -> bytes:
        from policylens.export.files import ChartExport, ViewFilters, build_export_bundle, build_provenance

        charts = [ChartExport(name, _as_figure(fig), data) for name, fig, data in view.charts]
        filters = ViewFilters(
            pillars=selection.pillars,
            term=selection.term,
            indicator=view.indicator or selection.indicator,
            cities=cities,
            years=years,
        )
        provenance = build_provenance(document, ctx.codebook, ctx.segmenter.config, filters)
        options = {"clouds": view.clouds, "tables": view.tables, "images": images, "lang": lang}
        return workers.run(partial(build_export_bundle, **options), (charts, provenance), BUNDLE_LIMITS)

    def report() -> bytes:
        from policylens.export.report import build_report_html
        from policylens.text.segment import with_segmenter

        options = {"indicators_df": indicator_table, "pillars": ctx.pillars, "lang": lang}
        build = partial(with_segmenter, build_report_html, ctx.segmenter.config, **options)
        return workers.run(build, (ctx.analysis, ctx.codebook), REPORT_LIMITS).encode("utf-8")

    with st.sidebar:
        st.markdown(f"**{t('export.view', lang)}**")
        stem = file_stem(document.name.rsplit(".", 1)[0])
        render_download(
            t("export.bundle", lang),
            bundle,
            f"{stem}_view.zip",
            "application/zip",
            key=state.EXPORT_BUNDLE,
            document_key=document.key,
            help=t("export.bundle_help", lang),
            icon=":material/folder_zip:",
        )
        render_download(
            t("export.report", lang),
            report,
            f"{stem}_report.html",
            "text/html",
            key=state.EXPORT_REPORT,
            document_key=document.key,
            help=t("export.report_help", lang),
            icon=":material/description:",
        )
