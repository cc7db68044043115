"""Static PNG/SVG of plotly figures from one persistent kaleido browser (Debian's Chromium) that sees
the bundled CJK font through fontconfig, and the web-font subset that exported SVG and HTML embed.
"""

from __future__ import annotations

import base64
import html
import importlib.util
import os
import shutil
import tempfile
import threading
import time
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Literal

import plotly.graph_objects as go

from policylens.figures.indicator_axes import (
    META_EXTRA,
    META_LANG,
    META_SOURCES,
    SOURCES_ANNOTATION,
    build_full_source_lines,
)
from policylens.fonts import bundled as fonts
from policylens.markup import escape_plotly

ImageFormat = Literal["png", "svg"]
IMAGE_FORMATS: tuple[str, ...] = ("png", "svg")
# kaleido honours BROWSER_PATH; then Debian's package path; then whatever PATH offers.
BROWSER_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
RENDER_TIMEOUT_S = 60  # one image; kaleido cancels the render after this
START_TIMEOUT_S = 90  # browser launch plus the first render (about 8 s on a cold machine)
DEFAULT_WIDTH = 900  # px when neither the call nor the figure sets a width
DEFAULT_HEIGHT = 500  # px, kaleido's and plotly's default
SOURCE_LINE_PX = 14  # one more wrapped line of the source annotation (figures.style.apply_style)
FONT_FAMILY = "Noto Sans SC"  # figure_style.FONT_FAMILY's first choice, the bundled font's name
# Characters plotly or our formatters may draw that are not in the figure's JSON text.
BASE_CHARACTERS = "".join(map(chr, range(0x20, 0x7F))) + "−×…≥≈·–—•’“”°‰%，。：；（）、"


class ExportUnavailable(RuntimeError):
    """No browser engine for server-side PNG/SVG; every other export still works.

    ``message(lang)`` gives the user-facing text; ``reason_key``/``values`` name the cause.
    """

    key = "export.image_unavailable"

    def __init__(self, reason_key: str, **values: object) -> None:
        self.reason_key, self.values = reason_key, values
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        reason = _text(self.reason_key, lang, **self.values)
        return _text(self.key, lang, reason=reason)


def _text(key: str, lang: str, **values: object) -> str:
    from policylens.i18n import t

    return t(key, lang, **values)


def find_browser() -> Path | None:
    """The Chromium kaleido should drive: BROWSER_PATH, /usr/bin/chromium, then PATH; None if none."""
    candidates = [os.environ.get("BROWSER_PATH"), *BROWSER_PATHS, *map(shutil.which, BROWSER_NAMES)]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def check_image_export() -> ExportUnavailable | None:
    """Why server-side PNG/SVG cannot work here (no browser, no kaleido), or None; starts nothing."""
    if find_browser() is None:
        return ExportUnavailable("export.reason.no_browser")
    if importlib.util.find_spec("kaleido") is None:
        return ExportUnavailable("export.reason.no_kaleido")
    return None


# --- the persistent server -------------------------------------------------------------------
# kaleido.start_sync_server() keeps one browser in a daemon thread that serves a task queue; its
# call_function() shares one result queue, so concurrent callers (Streamlit sessions are threads)
# could swap results: every call goes through _LOCK.
_LOCK = threading.RLock()
_running = False


def _fontconfig_dir() -> Path:
    # Per user and stable, so Chromium's fontconfig cache of the 8 MB font survives restarts.
    return Path(tempfile.gettempdir()) / f"policylens-fontconfig-{os.getuid()}"


def _chromium_with_fontconfig(fontconfig_file: Path) -> type:
    """choreographer's Chromium launching the browser with FONTCONFIG_FILE set, so that the
    family "Noto Sans SC" resolves to the bundled font without touching this process's env."""
    from choreographer.browsers import Chromium

    class FontconfigChromium(Chromium):
        def get_env(self) -> dict[str, str]:
            env = super().get_env()
            env["FONTCONFIG_FILE"] = str(fontconfig_file)
            return env

    return FontconfigChromium


def is_image_server_running() -> bool:
    return _running


def start_image_server(browser: Path | None = None) -> None:
    """Start the persistent kaleido browser (idempotent) and prove it with one small render.

    Raises ExportUnavailable when there is no browser or kaleido, or the browser fails to start.
    Costs about 450 MB of memory while it runs; stop it with stop_image_server().
    """
    global _running
    with _LOCK:
        if _running:
            return
        path = browser or find_browser()
        if path is None:
            raise ExportUnavailable("export.reason.no_browser")
        try:
            import kaleido
        except ImportError:
            raise ExportUnavailable("export.reason.no_kaleido") from None
        browser_cls = _chromium_with_fontconfig(fonts.write_fontconfig(_fontconfig_dir()))
        # mathjax=False: kaleido's page would otherwise load MathJax from a CDN.
        kaleido.start_sync_server(
            path=str(path),
            browser_cls=browser_cls,
            mathjax=False,
            timeout=RENDER_TIMEOUT_S,
            silence_warnings=True,
        )
        _running = True
        try:
            _warm_up(kaleido)
        except BaseException:
            stop_image_server()
            raise


def _warm_up(kaleido: ModuleType) -> None:
    """First render in a helper thread: if the browser never starts, kaleido's server thread
    dies and a direct call would wait on its queue forever."""
    outcome: list[BaseException | bytes] = []
    figure = go.Figure(layout=dict(width=40, height=40))
    worker = threading.Thread(
        target=lambda: outcome.append(_call_guarded(kaleido, figure, {"format": "png"})), daemon=True
    )
    worker.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    server_thread = getattr(kaleido._global_server, "_thread", None)  # kaleido 1.5 internals
    while worker.is_alive() and time.monotonic() < deadline:
        worker.join(0.2)
        if server_thread is not None and not server_thread.is_alive():
            break
    if not outcome:
        raise ExportUnavailable("export.reason.failed", error="the browser did not start")
    if isinstance(outcome[0], BaseException):
        raise ExportUnavailable("export.reason.failed", error=outcome[0]) from outcome[0]


def _call_guarded(kaleido: ModuleType, figure: go.Figure, opts: dict) -> BaseException | bytes:
    try:
        return kaleido.calc_fig_sync(figure, opts=opts)
    except BaseException as exc:  # handed back to the waiting thread
        return exc


def stop_image_server() -> None:
    """Close the persistent browser (idempotent); kaleido also does this at interpreter exit."""
    global _running
    with _LOCK:
        if not _running:
            return
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _running = False


def prepare_standalone(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` drawn as a file of its own (PNG, SVG, HTML) rather than inside the app:

    - the title starts where the plot starts (paper x = 0, like the source line), not flush with the
      image's left edge;
    - the source line lists every source (layout.meta, figures.indicator_axes.style_indicator_figure),
      wrapped, instead of "+N more" with the rest in a hover no file can show; the bottom margin and
      the height grow by one line per extra line, so the plot keeps its size.
    """
    fig = go.Figure(fig)
    title = fig.layout.title
    if title.text and (title.xref in (None, "container")) and not title.x:
        fig.update_layout(title=dict(xref="paper", x=0, xanchor="left"))
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    notes = [a for a in fig.layout.annotations if a.name == SOURCES_ANNOTATION]
    if not notes or not meta.get(META_SOURCES):
        return fig
    note = notes[-1]
    full = build_full_source_lines(list(meta[META_SOURCES]), meta.get(META_LANG, "en"))
    text = "<br>".join([full, *map(escape_plotly, meta.get(META_EXTRA, []))])
    extra = SOURCE_LINE_PX * (text.count("<br>") - (note.text or "").count("<br>"))
    note.text, note.hovertext = text, None
    if extra > 0:
        note.yshift = (note.yshift or 0) - extra
        fig.update_layout(
            margin=dict(b=(fig.layout.margin.b or 0) + extra), height=(fig.layout.height or DEFAULT_HEIGHT) + extra
        )
    return fig


def build_figure_image(
    fig: go.Figure,
    fmt: ImageFormat = "png",
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 2,
    embed_font: bool = True,
    font_css: str | None = None,
) -> bytes:
    """PNG or SVG bytes of ``fig`` as a standalone file (prepare_standalone), starting the persistent
    browser on first use.

    Width defaults to the figure's (else DEFAULT_WIDTH), height to the figure's (else kaleido's
    500). ``scale`` multiplies PNG pixels only. An SVG gets the font subset it needs embedded
    (``embed_font``; ``font_css`` reuses a rule from build_font_face_css that covers its text),
    so Chinese renders without Noto Sans SC installed. Raises ExportUnavailable.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"format must be one of {IMAGE_FORMATS}, got {fmt!r}")
    fig = prepare_standalone(fig)
    from choreographer.browsers import BrowserClosedError, BrowserFailedError

    # An SVG is drawn at its nominal size: kaleido's scale would double its width and height too.
    opts = {"format": fmt, "width": width or fig.layout.width or DEFAULT_WIDTH, "scale": scale if fmt == "png" else 1}
    if height or fig.layout.height:
        opts["height"] = height or fig.layout.height
    with _LOCK:
        start_image_server()
        import kaleido

        try:
            data = kaleido.calc_fig_sync(fig, opts=opts)
        except (BrowserClosedError, BrowserFailedError) as exc:
            stop_image_server()  # the next call launches a fresh browser
            raise ExportUnavailable("export.reason.failed", error=exc) from exc
    if fmt == "svg" and embed_font:
        return embed_font_in_svg(data.decode("utf-8"), font_css).encode("utf-8")
    return data


# --- web-font subsets ------------------------------------------------------------------------
@lru_cache(maxsize=16)
def _subset_woff(characters: str) -> bytes:
    # About 1 s for a few hundred characters (0.5 s of it loading the 8 MB OTF); hence the cache.
    # WOFF (zlib) rather than WOFF2: these subsets are inlined in SVG and HTML files that must
    # open in any viewer, and are tiny anyway.
    return fonts.subset_font(fonts.resolve_cjk_font(), "woff", text=characters)


def build_font_face_css(text: str, family: str = FONT_FAMILY) -> str:
    """An @font-face rule for ``family`` holding a WOFF subset of the bundled font with just the
    characters of ``text`` (plus ASCII and common punctuation), inlined as a base64 data URL."""
    characters = "".join(sorted({c for c in text + BASE_CHARACTERS if c.isprintable()}))
    data = base64.b64encode(_subset_woff(characters)).decode("ascii")
    return (
        f'@font-face{{font-family:"{family}";font-style:normal;font-weight:400;'
        f'src:url(data:font/woff;base64,{data}) format("woff");}}'
    )


def embed_font_in_svg(svg: str, font_css: str | None = None) -> str:
    """Insert a <style> with the font subset the SVG's text needs (or ``font_css``) after its root tag."""
    root_start = svg.find("<svg")
    root_end = svg.find(">", root_start)
    if root_start < 0 or root_end < 0:
        raise ValueError("not an SVG document")
    style = f"<style>{font_css or build_font_face_css(html.unescape(svg))}</style>"
    return svg[: root_end + 1] + style + svg[root_end + 1 :]
