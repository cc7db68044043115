"""Downloads: tables as CSV (UTF-8 with BOM) and XLSX with formula injection neutralised, charts as
standalone offline HTML plus their data, word clouds as PNG/SVG, and the export bundle (ZIP).
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata

import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.io._utils import plotly_cdn_url
from plotly.offline import get_plotlyjs
from wordcloud import WordCloud

from policylens.documents.loader import Document
from policylens.export.images import ExportUnavailable, build_figure_image, build_font_face_css, prepare_standalone
from policylens.figures.clouds import CloudResult, build_cloud_svg, restore_layout
from policylens.markup import unescape_plotly
from policylens.text.codebook_io import format_codebook
from policylens.text.pillars import Codebook
from policylens.text.segment import SegmenterConfig

# OWASP CSV injection: a text cell starting with one of these is read as a formula by Excel,
# LibreOffice or Sheets (full-width forms too, which some spreadsheet locales fold to ASCII).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PROVENANCE_PACKAGES = ("streamlit", "plotly", "pandas", "jieba", "wordcloud", "kaleido")
CHART_CONFIG = {"displaylogo": False, "responsive": True}
# How a chart page gets plotly.js (measured on one indicator chart, 2026-12): "inline" puts all of it in
# the file (4.9 MB; opens offline, e.g. from an e-mail on a plane); "cdn" links the pinned version on
# cdn.plot.ly (0.08 MB; needs the internet when opened, never when the app runs). A ZIP of the page and
# one shared plotly.min.js (1.5 MB) was left out: opened from inside the ZIP, the page finds no script.
PLOTLY_JS_MODES = ("inline", "cdn")
# Columns of build_chart_data.
TRACE, SERIES, X, Y, LABEL, CUSTOMDATA = "trace", "series", "x", "y", "label", "customdata"
_UNSAFE_NAME = re.compile(r"[^\w.-]+")  # Unicode letters stay: zipfile flags UTF-8 names
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# The chart page and the report (export/templates/): files opened in a browser, so autoescape suffices.
PAGE_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("policylens.export", "templates"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


def neutralise_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with ' (OWASP); other values,
    numbers included, are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _flatten(value: object) -> object:
    # Evidence and customdata cells hold tuples; a spreadsheet wants text.
    if isinstance(value, (tuple, list)):
        return "; ".join(str(v) for v in value)
    return value


def neutralise_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` safe to open in a spreadsheet: tuple/list cells joined with "; ", text
    cells and column names neutralised; numeric columns keep their dtype."""
    out = table.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(lambda v: neutralise_cell(_flatten(v)), na_action="ignore")
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def build_csv(table: pd.DataFrame) -> bytes:
    """CSV bytes in UTF-8 with a BOM (so Excel reads Chinese), without the index, neutralised."""
    return neutralise_table(table).to_csv(index=False).encode("utf-8-sig")


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'") or "Sheet"
    candidate, n = base[:31], 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def build_xlsx(tables: pd.DataFrame | Mapping[str, pd.DataFrame]) -> bytes:
    """XLSX bytes (openpyxl), one sheet per table, header row frozen, cells neutralised.

    ``tables`` is one DataFrame or a mapping of sheet name to DataFrame; names are cut to Excel's
    31 characters and made unique.
    """
    named = {"Sheet1": tables} if isinstance(tables, pd.DataFrame) else dict(tables)
    buffer, taken = io.BytesIO(), set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, table in named.items():
            sheet = _sheet_name(str(name), taken)
            neutralise_table(table).to_excel(writer, sheet_name=sheet, index=False)
            writer.sheets[sheet].freeze_panes = "A2"
    return buffer.getvalue()


def render_page(template: str, **values: object) -> str:
    """A standalone page from export/templates/`template`, ending in a newline. Values are
    autoescaped (a file, not Markdown: HTML escaping is all it needs) unless they are Markup."""
    return PAGE_TEMPLATES.get_template(template).render(**values) + "\n"


def collect_figure_text(fig: go.Figure) -> str:
    """Every character of the figure's JSON (titles, labels, hover text), non-ASCII unescaped and
    plotly's &lt; &gt; &amp; decoded (the characters the figure draws)."""
    return html.unescape(json.dumps(json.loads(pio.to_json(fig, validate=False)), ensure_ascii=False))


def build_chart_html(
    fig: go.Figure, title: str = "", font_css: str | None = None, lang: str = "en", plotly_js: str = "inline"
) -> str:
    """One chart as a standalone HTML page (images.prepare_standalone: every source listed): plotly.js
    inline (about 4.8 MB, works offline) or, with ``plotly_js`` "cdn", loaded from cdn.plot.ly when
    the page is opened (PLOTLY_JS_MODES); unless ``font_css`` is "", a subset of the CJK font so
    Chinese renders without Noto Sans SC installed.

    ``font_css`` None builds the subset for this figure (about 1 s, cached by character set).
    ``title`` is plain text or a figure's own (plotly-escaped) title text.
    """
    if plotly_js not in PLOTLY_JS_MODES:
        raise ValueError(f"plotly_js must be one of {PLOTLY_JS_MODES}, got {plotly_js!r}")
    fig = prepare_standalone(fig)
    title = unescape_plotly(title)
    if font_css is None:
        font_css = build_font_face_css(collect_figure_text(fig) + title)
    div = pio.to_html(fig, full_html=False, include_plotlyjs=False, config=CHART_CONFIG)
    inline = plotly_js == "inline"
    return render_page(
        "chart.html",
        lang=lang,
        title=title,
        font_css=Markup(font_css),
        plotly_js=Markup(get_plotlyjs() if inline else ""),
        plotly_src=None if inline else plotly_cdn_url(),
        plotly_integrity=None if inline else plotly_integrity(),
        chart=Markup(div),
    )


@lru_cache(maxsize=1)
def plotly_integrity() -> str:
    """Subresource integrity of the bundled plotly.js, as plotly.io.to_html(include_plotlyjs="cdn")
    writes it: the browser runs the CDN's file only if it is the very version this app bundles."""
    digest = hashlib.sha256(get_plotlyjs().encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def _points(trace: go.BaseTraceType, name: str, n: int | None = None) -> list:
    value = getattr(trace, name, None)
    if value is None or isinstance(value, str):  # absent, or one label for every point
        return [value] * (n or 0)
    return [_flatten(v) for v in value]


def build_chart_data(fig: go.Figure) -> pd.DataFrame:
    """The plotted points of a figure's traces, one row per point with both x and y.

    Columns: trace (index), series (trace name), x, y, label (the drawn text), customdata.
    A trace without x (or y) counts its points 0, 1, 2, ...; legend-only points and gaps (None)
    are left out.
    """
    rows = []
    for index, trace in enumerate(fig.data):
        xs, ys = _points(trace, "x"), _points(trace, "y")
        n = max(len(xs), len(ys))
        xs, ys = xs or list(range(n)), ys or list(range(n))
        columns = zip(xs, ys, _points(trace, "text", n), _points(trace, "customdata", n))
        for x, y, label, custom in columns:
            if x is not None and y is not None:  # the data as plain text, not escaped for plotly
                rows.append(
                    (
                        index,
                        unescape_plotly(trace.name or ""),
                        unescape_plotly(x),
                        unescape_plotly(y),
                        unescape_plotly(label),
                        custom,
                    )
                )
    return pd.DataFrame(rows, columns=[TRACE, SERIES, X, Y, LABEL, CUSTOMDATA])


def build_cloud_png(result: CloudResult, width: int | None = None) -> bytes:
    """PNG of a cloud, redrawn (not resized) at ``width`` pixels, the height following the canvas
    ratio; default: the canvas size. Raises ValueError for an empty cloud."""
    if not result.layout:
        raise ValueError("The cloud is empty; there is nothing to export.")
    opts = result.options
    scale = (width / opts.width) if width else opts.scale
    # color_func keeps wordcloud from importing matplotlib for a colormap; layout_ has the colours.
    cloud = WordCloud(
        font_path=str(result.font_path),
        width=opts.width,
        height=opts.height,
        background_color=opts.background,
        scale=scale,
        color_func=lambda *_, **__: "#000",
    )
    buffer = io.BytesIO()
    restore_layout(cloud, result).to_image().save(buffer, format="PNG", optimize=True)  # drawn at `scale`
    return buffer.getvalue()


@dataclass(frozen=True)
class ViewFilters:
    """The view state an export was made under (recorded in provenance.json)."""

    pillars: tuple[str, ...] = ()  # empty = all
    term: str | None = None
    indicator: str | None = None
    cities: tuple[str, ...] = ()
    years: tuple[int, ...] = ()  # e.g. (first, last)


@dataclass(frozen=True)
class ChartExport:
    """One chart of the current view; ``data`` None exports build_chart_data(figure)."""

    name: str
    figure: go.Figure = field(compare=False)
    data: pd.DataFrame | None = field(default=None, compare=False)


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def build_provenance(
    document: Document,
    codebook: Codebook,
    segmenter: SegmenterConfig,
    filters: ViewFilters,
    now: datetime | None = None,
) -> dict:
    """What an export was made from: document identity, codebook TOML, session dictionary and
    stopword edits, filters, package versions and the UTC time (JSON-ready)."""
    return {
        "generated_utc": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
        "document": {
            "name": document.name,
            "sha256": document.sha256,
            "encoding": document.encoding,
            "language": document.language,
            "script": document.script,
            "paragraphs": len(document.paragraphs),
            "characters": document.characters,
        },
        "codebook_toml": format_codebook(codebook),
        "user_dictionary": list(segmenter.user_words_zh),
        "stopword_edits": [
            {"language": lang, "action": action, "word": word} for lang, action, word in segmenter.stopword_edits
        ],
        "filters": {
            "pillars": list(filters.pillars),
            "term": filters.term,
            "indicator": filters.indicator,
            "cities": list(filters.cities),
            "years": list(filters.years),
        },
        "packages": {name: _version(name) for name in PROVENANCE_PACKAGES},
    }


def _safe_name(name: str, taken: set[str]) -> str:
    base = _UNSAFE_NAME.sub("_", name).strip("._") or "chart"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def build_export_bundle(
    charts: Sequence[ChartExport],
    provenance: Mapping,
    *,
    clouds: Mapping[str, CloudResult] | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    images: bool = True,
    lang: str = "en",
) -> bytes:
    """ZIP of the current view: charts/NAME.html always, charts/NAME.png and .svg when a browser
    engine is available (``images``), data/NAME.csv per chart, clouds/NAME.png and .svg, tables/NAME.csv,
    and provenance.json (``provenance`` plus the file list and why images are missing, if they are).
    """
    record = dict(provenance)
    names: set[str] = set()
    files: dict[str, bytes] = {}
    prepared = [(_safe_name(c.name, names), c) for c in charts]
    # One font subset for every chart page: the characters of all of them, subset once.
    font_css = build_font_face_css("".join(collect_figure_text(c.figure) for _, c in prepared)) if prepared else ""
    for name, chart in prepared:
        files[f"charts/{name}.html"] = build_chart_html(chart.figure, name, font_css, lang).encode("utf-8")
        data = chart.data if chart.data is not None else build_chart_data(chart.figure)
        files[f"data/{name}.csv"] = build_csv(data)
    if images and prepared:
        try:
            for name, chart in prepared:
                for fmt in ("png", "svg"):
                    files[f"charts/{name}.{fmt}"] = build_figure_image(chart.figure, fmt, font_css=font_css)
        except Exception as exc:  # images are optional: say why, keep the rest
            reason = exc if isinstance(exc, ExportUnavailable) else ExportUnavailable("export.reason.failed", error=exc)
            record["images_unavailable"] = reason.message(lang)
            files = {k: v for k, v in files.items() if not k.endswith((".png", ".svg"))}
    for cloud_name, result in (clouds or {}).items():
        if result.layout:
            name = _safe_name(cloud_name, names)
            files[f"clouds/{name}.png"] = build_cloud_png(result)
            files[f"clouds/{name}.svg"] = build_cloud_svg(result, embed_font=True).encode("utf-8")
    for table_name, table in (tables or {}).items():
        files[f"tables/{_safe_name(table_name, names)}.csv"] = build_csv(table)
    record["files"] = sorted(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("provenance.json", json.dumps(record, ensure_ascii=False, indent=2))
        for path, data in files.items():
            bundle.writestr(path, data)
    return buffer.getvalue()
