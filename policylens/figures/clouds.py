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


@dataclass(frozen=True)
class CloudOptions:
    """Canvas and layout settings; frozen so it can be part of a cache key."""

    width: int = 800
    height: int = 400
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
    """

    term: str
    font_size: int
    x: int
    y: int
    orientation: int
    color: str
    width: int
    height: int

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
    """Return an interactive plotly version of the cloud's layout.

    Trace 0 holds one point per placed word, at the centre of the word's box, with the word's
    colour and font size, ``customdata`` = term (for click and selection handlers) and a hover
    showing the term. Plotly cannot turn scatter text, so a vertical word's point carries empty
    text and a layout annotation with ``textangle=-90`` draws it instead; the point keeps hover,
    click and selection working for it. Transparent markers the size of the word's shorter side
    widen the hover target. One axis unit is one pixel of the image and the figure has a fixed
    size, so font sizes match the image: show it at its own width, not stretched.
    """
    opts = result.options
    words = result.layout
    centers = [w.center for w in words]
    fig = go.Figure(
        go.Scatter(
            x=[c[0] for c in centers],
            y=[c[1] for c in centers],
            mode="text+markers",
            text=[escape_plotly(w.term) if w.orientation == HORIZONTAL else "" for w in words],
            textposition="middle center",
            textfont=dict(size=[w.font_size for w in words], color=[w.color for w in words]),
            marker=dict(size=[min(w.width, w.height) for w in words], color="rgba(0,0,0,0)", line=dict(width=0)),
            customdata=[w.term for w in words],  # the raw term, for a click
            # escaped hover text, not %{customdata} in a template: plotly would draw the term's markup
            hovertext=[escape_plotly(w.term) for w in words],
            hoverinfo="text",
            name="words",
            showlegend=False,
        )
    )
    for w, (cx, cy) in zip(words, centers):
        if w.orientation == VERTICAL:
            fig.add_annotation(
                x=cx,
                y=cy,
                xref="x",
                yref="y",
                text=escape_plotly(w.term),
                textangle=-90,
                showarrow=False,
                xanchor="center",
                yanchor="middle",
                font=dict(size=w.font_size, color=w.color),
            )
    fig.update_layout(margin=dict(l=10, r=10, t=50, b=10))
    apply_style(fig, title, source)
    margin = fig.layout.margin
    fig.update_layout(
        width=opts.width + margin.l + margin.r,
        height=opts.height + margin.t + margin.b,
        plot_bgcolor=opts.background,
        hovermode="closest",
        # y grows downwards, as in the image.
        xaxis=dict(range=[0, opts.width], visible=False),
        yaxis=dict(range=[opts.height, 0], visible=False, scaleanchor="x", scaleratio=1),
    )
    return fig


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
    # colour); orientation is None or Image.ROTATE_90, and the text is drawn at (column, row).
    measure = ImageDraw.Draw(Image.new("L", (1, 1)))
    fonts: dict[int, ImageFont.FreeTypeFont] = {}
    placed = []
    for (term, _), font_size, (row, column), orientation, color in raw_layout:
        if font_size not in fonts:
            fonts[font_size] = ImageFont.truetype(str(font_path), font_size)
        font = ImageFont.TransposedFont(fonts[font_size], orientation=orientation)
        left, top, right, bottom = measure.textbbox((int(column), int(row)), term, font=font)
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
            )
        )
    return tuple(placed)
