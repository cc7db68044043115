"""Word clouds drawn with the bundled CJK font: the image, its word layout, an SVG export and an
interactive plotly twin of the same layout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
from PIL import Image, ImageDraw, ImageFont
from wordcloud import WordCloud

from policylens.figures.style import apply_style
from policylens.fonts.bundled import find_missing_glyphs, resolve_cjk_font
from policylens.markup import escape_plotly

DEFAULT_COLOR = "#6b6b6b"
HORIZONTAL = 0
VERTICAL = 90  # wordcloud's Image.ROTATE_90: turned counter-clockwise, read bottom to top
# plotly.js Drawing.textPointPosition: a "middle" text's baseline sits 0.75 - 0.5 = 0.25 em below its point
PLOTLY_MIDDLE_BASELINE = 0.25


@dataclass(frozen=True)
class CloudOptions:
    """Canvas and layout settings; frozen so it can be part of a cache key.

    The default canvas is the size the interactive cloud is shown at (one canvas pixel is one
    screen pixel): 540 px plus the figure's 20 px of side margins fit the Terms page's column at a
    1024 px wide window with the sidebar open (564 px). A wider figure would be squeezed to the
    column by the browser while its font sizes stay in pixels, so words would overlap and be cut.
    Exports redraw the same layout at any size (``scale``).
    """

    width: int = 540
    height: int = 270
    max_words: int = 150
    background: str = "white"
    random_state: int = 42
    prefer_horizontal: float = 0.9
    scale: float = 1

    def __post_init__(self) -> None:
        if self.width <= 0 or self.height <= 0 or self.max_words <= 0 or self.scale <= 0:
            raise ValueError(f"width, height, max_words and scale must be positive: {self}")
        if not 0 <= self.prefer_horizontal <= 1:
            raise ValueError(f"prefer_horizontal must be in [0, 1], got {self.prefer_horizontal}")


@dataclass(frozen=True)
class PlacedWord:
    """One word of ``WordCloud.layout_``, in unscaled canvas pixels (origin top left).

    ``x``/``y`` are the left/top of the drawn text; ``width``/``height`` are the extent of its
    box as drawn (already turned for vertical words); ``orientation`` is HORIZONTAL or VERTICAL.
    ``origin_x``/``origin_y`` is where the text's baseline starts (the pen origin; for a vertical
    word, turned with it: its baseline runs upwards from there) and ``advance`` the text's advance
    width, both as the font lays the word out: what a browser needs to draw it in the same place.
    """

    term: str
    font_size: int
    x: int
    y: int
    orientation: int
    color: str
    width: int
    height: int
    origin_x: float = 0.0
    origin_y: float = 0.0
    advance: float = 0.0

    @property
    def center(self) -> tuple[float, float]:
        return (self.x + self.width / 2, self.y + self.height / 2)


@dataclass(frozen=True)
class CloudResult:
    """A rendered cloud; picklable, so ``st.cache_data`` can keep it.

    ``image`` is None and ``layout`` empty when nothing could be drawn. ``missing_glyphs`` maps
    each word the font cannot draw (left out of the cloud) to its missing characters.
    """

    image: Image.Image | None
    layout: tuple[PlacedWord, ...]
    missing_glyphs: dict[str, list[str]]
    font_path: Path
    options: CloudOptions = field(default_factory=CloudOptions)


def render_cloud(
    frequencies: Mapping[str, float],
    term_colors: Mapping[str, str],
    options: CloudOptions = CloudOptions(),
) -> CloudResult:
    """Lay out and draw a cloud of ``frequencies`` with the bundled CJK font.

    Each word is coloured by ``term_colors`` (term -> colour, default DEFAULT_COLOR). Words with
    characters the font lacks are dropped and reported rather than drawn as boxes; non-positive
    weights are ignored. The same inputs and ``options.random_state`` give the same layout.
    """
    font_path = resolve_cjk_font()
    weights = {term: float(weight) for term, weight in frequencies.items() if weight > 0 and term.strip()}
    missing = find_missing_glyphs(weights, font_path)
    # wordcloud sorts by weight with a stable sort, so ties would follow the mapping's insertion
    # order; ordering ties by term makes the layout depend on the content alone.
    drawable = dict(
        sorted(((t, w) for t, w in weights.items() if t not in missing), key=lambda item: (-item[1], item[0]))
    )
    if not drawable:
        return CloudResult(None, (), missing, font_path, options)

    def color_by_term(word: str, **_: object) -> str:
        return term_colors.get(word, DEFAULT_COLOR)

    cloud = _build_wordcloud(options, font_path, color_by_term)
    cloud.generate_from_frequencies(drawable)
    layout = _read_layout(cloud.layout_, font_path)
    return CloudResult(cloud.to_image(), layout, missing, font_path, options)


def restore_layout(cloud: WordCloud, result: CloudResult) -> WordCloud:
    """Give `cloud` the layout of `result` (wordcloud's layout_ tuples): its to_svg and to_image read
    only layout_ and the canvas settings, so a cloud is redrawn without being laid out again."""
    cloud.layout_ = [
        (
            (w.term, 1.0),
            w.font_size,
            (w.y, w.x),
            Image.Transpose.ROTATE_90 if w.orientation == VERTICAL else None,
            w.color,
        )
        for w in result.layout
    ]
    return cloud


def build_cloud_svg(result: CloudResult, embed_font: bool = True) -> str:
    """Return the cloud as SVG text via ``WordCloud.to_svg``.

    With ``embed_font`` (the default) a WOFF subset of the CJK font holding just the cloud's
    characters is embedded, so viewers without Noto Sans SC still draw Chinese.
    """
    if not result.layout:
        raise ValueError("The cloud is empty; there is nothing to export.")
    cloud = _build_wordcloud(result.options, result.font_path, lambda *_, **__: DEFAULT_COLOR)
    return restore_layout(cloud, result).to_svg(embed_font=embed_font)


def build_cloud_figure(result: CloudResult, title: str, source: str | None = None) -> go.Figure:
    """Return an interactive plotly version of the cloud's layout, every word where the image has it.

    Trace 0 holds one point per placed word with the word's colour and font size, ``customdata`` =
    term (for click and selection handlers) and a hover showing the term. Plotly cannot turn
    scatter text, so a vertical word's point carries empty text and the label of an invisible
    line shape, turned by -90 degrees, draws it instead; the point keeps hover, click and selection
    working for it. Transparent markers the size of the word's shorter side widen the hover target.
    One axis unit is one pixel of the image and the figure has a fixed size, so font sizes (px in
    both) match it: show it at its own width, not stretched or squeezed.

    Each text is placed by its baseline, from the font's own layout of the word (the pen origin and
    advance of ``_read_layout``), not by the box of its ink: plotly puts a "middle center" scatter
    text's baseline a quarter of the font size below its point, so centring the point on the ink
    box drew every word about a tenth of its size too high, and cut the top row at the plot's edge.
    """
    opts = result.options
    words = result.layout
    points = [_plotly_point(w) for w in words]
    fig = go.Figure(
        go.Scatter(
            x=[p[0] for p in points],
            y=[p[1] for p in points],
            mode="text+markers",
            text=[escape_plotly(w.term) if w.orientation == HORIZONTAL else "" for w in words],
            textposition="middle center",
            textfont=dict(size=[w.font_size for w in words], color=[w.color for w in words]),
            marker=dict(size=[min(w.width, w.height) for w in words], color="rgba(0,0,0,0)", line=dict(width=0)),
            customdata=[w.term for w in words],  # the raw term, for a click
            # escaped hover text, not %{customdata} in a template: plotly would draw the term's markup
            hovertext=[escape_plotly(w.term) for w in words],
            hoverinfo="text",
            cliponaxis=False,  # a word touching the canvas edge keeps its antialiased pixel row
            name="words",
            showlegend=False,
        )
    )
    for w in words:
        if w.orientation == VERTICAL:
            # A line shape's label with yanchor "top" has its baseline one font size from the line's
            # midpoint, across the turned text (plotly.js shapes/draw.js): placed by the font size
            # alone, never by a measured box, which a browser takes before the web font has loaded.
            mx, my = w.origin_x - w.font_size, w.origin_y - w.advance / 2
            fig.add_shape(
                type="line",
                xref="x",
                yref="y",
                x0=mx,
                x1=mx,
                y0=my - 0.5,
                y1=my + 0.5,
                line=dict(width=0),
                layer="below",
                label=dict(
                    text=escape_plotly(w.term),
                    textangle=-90,
                    xanchor="center",
                    yanchor="top",
                    padding=0,
                    font=dict(size=w.font_size, color=w.color),
                ),
            )
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10))
    apply_style(fig, title, source)
    margin = fig.layout.margin
    fig.update_layout(
        width=opts.width + margin.l + margin.r,
        height=opts.height + margin.t + margin.b,
        autosize=False,
        plot_bgcolor=opts.background,
        hovermode="closest",
        # y grows downwards, as in the image; fixed ranges, so the browser never rescales the canvas.
        xaxis=dict(range=[0, opts.width], visible=False, fixedrange=True),
        yaxis=dict(range=[opts.height, 0], visible=False, fixedrange=True),
    )
    return fig


def _plotly_point(word: PlacedWord) -> tuple[float, float]:
    """The scatter point of a word: the anchor of its text, or the centre of a vertical word's box."""
    if word.orientation == VERTICAL:
        return word.center
    return (word.origin_x + word.advance / 2, word.origin_y - PLOTLY_MIDDLE_BASELINE * word.font_size)


def _build_wordcloud(options: CloudOptions, font_path: Path, color_func: Callable[..., str]) -> WordCloud:
    # A fresh WordCloud per call: it keeps a Random seeded from random_state, so reusing one
    # instance would give a different layout on the second call. color_func is always given,
    # which also keeps wordcloud from importing matplotlib for a colormap.
    return WordCloud(
        font_path=str(font_path),
        width=options.width,
        height=options.height,
        max_words=options.max_words,
        background_color=options.background,
        random_state=options.random_state,
        prefer_horizontal=options.prefer_horizontal,
        scale=options.scale,
        color_func=color_func,
    )


def _read_layout(raw_layout: list, font_path: Path) -> tuple[PlacedWord, ...]:
    # layout_ entries are ((word, normalised weight), font_size, (row, column), orientation,
    # colour); orientation is None or Image.ROTATE_90. PIL draws the word's box (pen start to
    # advance across, ink top to ink bottom, "ls" bbox) with its top left at (column, row), turned
    # counter-clockwise for ROTATE_90; the pen origin follows from that box.
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    fonts: dict[int, ImageFont.FreeTypeFont] = {}
    placed = []
    for (term, _), font_size, (row, column), orientation, color in raw_layout:
        if font_size not in fonts:
            fonts[font_size] = ImageFont.truetype(str(font_path), font_size)
        font = ImageFont.TransposedFont(fonts[font_size], orientation=orientation)
        left, top, right, bottom = measure.textbbox((int(column), int(row)), term, font=font)
        box_left, box_top, box_right, _ = fonts[font_size].getbbox(term, anchor="ls")
        if orientation is None:
            origin = (int(column) - box_left, int(row) - box_top)
        else:  # turned: the box's top edge (ascender side) faces left, its start is at the bottom
            origin = (int(column) - box_top, int(row) + box_right)
        placed.append(
            PlacedWord(
                term=term,
                font_size=int(font_size),
                x=int(column),
                y=int(row),
                orientation=HORIZONTAL if orientation is None else VERTICAL,
                color=color,
                width=right - left,
                height=bottom - top,
                origin_x=float(origin[0]),
                origin_y=float(origin[1]),
                advance=float(fonts[font_size].getlength(term)),
            )
        )
    return tuple(placed)
