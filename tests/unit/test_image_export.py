"""Tests for policylens.export.images: browser discovery, the ExportUnavailable path, the embedded font
subset, and real PNG/SVG renders in Debian's Chromium that must draw Chinese glyphs, not tofu.

The render tests skip without Chromium on a developer machine and fail when CI=true.
"""

import asyncio
import base64
import concurrent.futures
import io
import os
import re
import shutil

import numpy as np
import plotly.graph_objects as go
import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from wordcloud.wordcloud import FONT_PATH as LATIN_ONLY_FONT

from policylens.export import images as image_export
from policylens.export.images import ExportUnavailable, build_figure_image, build_font_face_css, embed_font_in_svg
from policylens.figures.indicator_axes import MAX_SOURCE_TITLES
from policylens.markup import unescape_plotly

TITLE = "新质生产力"
TITLE_SIZE = 60


def _title_figure() -> go.Figure:
    """Nothing but a large Chinese title on white, so every dark pixel belongs to the title."""
    return go.Figure(
        layout=dict(
            width=600,
            height=160,
            margin=dict(l=20, r=20, t=100, b=10),
            paper_bgcolor="white",
            title=dict(text=TITLE, font=dict(size=TITLE_SIZE, family="Noto Sans SC"), x=0.05, y=0.8),
            xaxis=dict(visible=False),
            yaxis=dict(visible=False),
        )
    )


def _glyph_runs(png: bytes) -> list[np.ndarray]:
    """The title's ink split at blank columns, each piece cropped to its own box."""
    gray = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    ink = gray < 200
    columns = ink.any(axis=0)
    runs, start = [], None
    for x, has_ink in enumerate([*columns, False]):
        if has_ink and start is None:
            start = x
        elif not has_ink and start is not None:
            rows = np.where(ink[:, start:x].any(axis=1))[0]
            runs.append(gray[rows.min() : rows.max() + 1, start:x])
            start = None
    return runs


def _ink_width(runs: list[np.ndarray]) -> int:
    return sum(r.shape[1] for r in runs)


def _is_tofu(runs: list[np.ndarray]) -> bool:
    """One identical box per character: what a browser draws when no font has the glyphs."""
    if len(runs) != len(TITLE) or len({r.shape for r in runs}) != 1:
        return False
    return max(np.abs(a - b).mean() for a in runs for b in runs) < 2.0


def _missing_browser(message: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so the image export tests may not be skipped)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def image_server():
    pytest.importorskip("kaleido")
    if image_export.find_browser() is None:
        _missing_browser("Chromium not found: install Debian's package (`apt-get install chromium`)")
    image_export.start_image_server()
    yield
    image_export.stop_image_server()


# --- no browser needed -----------------------------------------------------------------------
def test_find_browser_honours_browser_path(tmp_path, monkeypatch):
    fake = tmp_path / "my-chromium"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    assert image_export.find_browser() == fake


def test_no_browser_raises_export_unavailable_pointing_to_the_toolbar(monkeypatch):
    image_export.stop_image_server()
    monkeypatch.setattr(image_export, "find_browser", lambda: None)
    with pytest.raises(ExportUnavailable) as caught:
        build_figure_image(_title_figure(), "png")
    assert "chart toolbar" in str(caught.value) and "no Chromium" in str(caught.value)
    assert "工具栏" in caught.value.message("zh") and "Chromium" in caught.value.message("zh")
    assert not image_export.is_image_server_running()


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        build_figure_image(_title_figure(), "gif")


def test_font_face_subset_covers_exactly_the_characters_used():
    css = build_font_face_css("来源:统计公报 Nanjing")
    assert css.startswith('@font-face{font-family:"Noto Sans SC"')
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    font = TTFont(io.BytesIO(base64.b64decode(data)))
    cmap = font.getBestCmap()
    assert font.flavor == "woff"
    assert {ord(c) for c in "来源统计公报Nanjing"} <= set(cmap)
    assert ord("新") not in cmap  # a subset, not the 8 MB font
    assert len(data) < 60_000


def test_embed_font_in_svg_puts_the_style_inside_the_root_element():
    svg = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"><text>南京 &amp; 苏州</text></svg>'
    out = embed_font_in_svg(svg)
    assert out.startswith('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"><style>@font-face')
    assert out.endswith("<text>南京 &amp; 苏州</text></svg>")
    with pytest.raises(ValueError):
        embed_font_in_svg("<html></html>")


# --- real renders in Chromium ----------------------------------------------------------------
def _render_without_cjk_font(fig: go.Figure, tmp_path) -> bytes:
    """The same figure in a second browser whose fontconfig knows only a Latin font: tofu."""
    import kaleido

    font_dir = tmp_path / "latin-only"
    font_dir.mkdir()
    shutil.copy(LATIN_ONLY_FONT, font_dir)
    config = tmp_path / "fonts.conf"
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{font_dir}</dir><cachedir>{tmp_path / "cache"}</cachedir></fontconfig>',
        encoding="utf-8",
    )
    browser_cls = image_export._chromium_with_fontconfig(config)

    async def render() -> bytes:
        async with kaleido.Kaleido(path=str(image_export.find_browser()), mathjax=False, browser_cls=browser_cls) as k:
            return await k.calc_fig(fig, opts={"format": "png"})

    # In its own thread: Playwright's sync API (the browser tests) may keep an event loop running
    # in this one, and asyncio.run refuses to nest.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, render()).result()


def test_png_draws_chinese_glyphs_where_a_browser_without_the_font_draws_tofu(image_server, tmp_path):
    png = build_figure_image(_title_figure(), "png", scale=1)
    tofu = _render_without_cjk_font(_title_figure(), tmp_path)
    assert Image.open(io.BytesIO(png)).size == (600, 160)
    runs, tofu_runs = _glyph_runs(png), _glyph_runs(tofu)
    assert _is_tofu(tofu_runs), "the baseline should be five identical boxes"
    assert not _is_tofu(runs)
    # CJK glyphs are one em wide; a Latin font's missing-glyph box is about half that.
    assert _ink_width(runs) >= 0.85 * len(TITLE) * TITLE_SIZE > 1.3 * _ink_width(tofu_runs)


def test_png_size_follows_width_height_and_scale(image_server):
    png = build_figure_image(_title_figure(), "png", width=300, height=100, scale=2)
    assert Image.open(io.BytesIO(png)).size == (600, 200)


def test_svg_keeps_the_chinese_text_and_embeds_its_font(image_server):
    svg = build_figure_image(_title_figure(), "svg", scale=3).decode("utf-8")
    assert svg.startswith("<svg") and TITLE in svg
    assert 'width="600" height="160"' in svg  # scale is for PNG pixels only
    assert "@font-face" in svg and "data:font/woff;base64," in svg
    assert "Noto Sans SC" in svg


def test_a_stopped_server_starts_again_on_the_next_export(image_server):
    image_export.stop_image_server()
    assert not image_export.is_image_server_running()
    assert build_figure_image(_title_figure(), "png").startswith(b"\x89PNG")
    assert image_export.is_image_server_running()


def _many_sources_figure(lang: str = "en") -> go.Figure:
    """A bundled indicator chart whose sources are more than its source line names ("+N more")."""
    from policylens.figures.indicator_views import build_view_figure
    from policylens.indicators import table
    from policylens.indicators.views import ViewSpec

    return build_view_figure(table.load_indicators(), ViewSpec("gdp", ("Nanjing", "Suzhou", "Hangzhou")), lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_standalone_file_lists_every_source_and_aligns_the_title_with_the_plot(lang):
    fig = _many_sources_figure(lang)
    (in_app,) = [a for a in fig.layout.annotations if a.name == "policylens.sources"]
    titles = fig.layout.meta["sources"]
    hidden = len(titles) - MAX_SOURCE_TITLES
    assert hidden > 0  # the bundled chart has more sources than its source line names
    more = f"+{hidden} more" if lang == "en" else f"等另 {hidden} 项"
    assert more in in_app.text and titles[-1] in unescape_plotly(in_app.hovertext.replace("<br>", " "))  # in hover
    assert fig.layout.title.xref in (None, "container")
    standalone = image_export.prepare_standalone(fig)
    (note,) = [a for a in standalone.layout.annotations if a.name == "policylens.sources"]
    assert more not in note.text and note.hovertext is None
    for title in titles:  # every one, each on its own line
        assert f"· {title}" in unescape_plotly(note.text.replace("<br>", " "))
    extra = 14 * (note.text.count("<br>") - in_app.text.count("<br>"))
    assert standalone.layout.height == 500 + extra and standalone.layout.margin.b == fig.layout.margin.b + extra
    assert note.yshift == in_app.yshift - extra  # still at the bottom edge, the plot keeps its size
    assert (standalone.layout.title.xref, standalone.layout.title.x) == ("paper", 0)  # where the plot starts
    assert fig.layout.annotations[-1].text == in_app.text  # the app's figure is untouched


def test_exported_png_is_taller_by_the_source_lines_and_starts_its_title_at_the_plot(image_server):
    fig = _many_sources_figure()
    standalone = image_export.prepare_standalone(fig)
    png = Image.open(io.BytesIO(build_figure_image(fig, "png", scale=1)))
    assert png.size == (image_export.DEFAULT_WIDTH, standalone.layout.height)
    gray = np.asarray(png.convert("L"))
    title_band = gray[10:50]  # the title's row: its first ink is right of the image edge, past the y ticks
    first_ink = int(np.argmax((title_band < 128).any(axis=0)))
    assert first_ink >= 40, first_ink
