"""The one plotly template shared by every PolicyLens chart, and the source-line helper.

Figures carry their title, units and source inside the figure, so an exported image keeps them.
"""

from __future__ import annotations

import plotly.graph_objects as go

from policylens.markup import escape_plotly, unescape_plotly

# The bundled CJK font is served to the browser under this family name (see .streamlit/config.toml
# and policylens.fonts); the fallbacks cover machines where the web font has not loaded yet.
FONT_FAMILY = '"Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
GAP_COLOR = "#bdbdbd"
SOURCE_MARGIN = 100  # px below the plot: tick labels, axis title, then the source line
TEXT_COLOR = "#262730"

TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font=dict(family=FONT_FAMILY, size=13, color=TEXT_COLOR),
        title=dict(font=dict(size=16), x=0.0, xanchor="left"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=20, t=60, b=80),
        xaxis=dict(showgrid=False, linecolor="#9e9e9e", ticks="outside", automargin=True),
        yaxis=dict(gridcolor="#ececec", zeroline=False, automargin=True),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
    )
)


# Character widths a source line wraps at (a Chinese character counts two): 80 at the 10 px font is
# about 440 px, which fits between a chart's plot edge and its right edge in the main column of a
# 1024 px window (a ZH source of 106 widths ran past the edge there). Charts of a known width pass
# their own (set_source_width).
SOURCE_WRAP = 80


def is_wide(char: str) -> bool:
    """A CJK character (or symbol), drawn about twice as wide as a Latin one in a chart's labels."""
    return ord(char) > 0x2E80


def _width(text: str) -> int:
    return sum(2 if is_wide(c) else 1 for c in text)


def _pieces(word: str, width: int) -> list[str]:
    """`word` cut into pieces of at most `width` widths: a Chinese source has no spaces to wrap at."""
    pieces, piece, size = [], "", 0
    for char in word:
        cost = _width(char)
        if piece and size + cost > width:
            pieces.append(piece)
            piece, size = "", 0
        piece, size = piece + char, size + cost
    return [*pieces, piece]


def wrap_source(text: str, width: int = SOURCE_WRAP) -> str:
    """Break a long source line (plain text) into escaped lines of about `width` characters (plotly
    <br>), so it is not cut off at the figure's edge: at spaces, and inside a word (a run of Chinese
    has no spaces) only where it is longer than a line. Chinese characters count double."""
    lines, line, size = [], "", 0
    for word in (piece for spaced in text.split(" ") for piece in _pieces(spaced, width - 1)):
        cost = _width(word) + 1
        if line and size + cost > width:
            lines.append(line)
            line, size = word, cost
        else:
            line, size = (f"{line} {word}" if line else word), size + cost
    lines.append(line)
    return "<br>".join(escape_plotly(line) for line in lines)


SOURCE_CHAR_PX = 5.5  # the source line's average character width at its 10 px font (a Chinese character: 2)


def set_source_width(fig: go.Figure, chars: int, xshift: int = 0) -> go.Figure:
    """Re-wrap the source line (apply_style's) to about `chars` characters a line, `xshift` px from
    the plot's left edge (negative: into the left margin)."""
    for note in fig.layout.annotations:
        if note.yref == "paper" and note.y == 0 and note.xanchor == "left" and note.text:
            plain = unescape_plotly(note.text.replace("<br>", " "))
            text = wrap_source(plain, width=chars)
            # 14 px more bottom margin per line the new wrap adds (as apply_style sized it)
            bottom = (fig.layout.margin.b or SOURCE_MARGIN) + 14 * (text.count("<br>") - note.text.count("<br>"))
            note.update(text=text, yshift=-bottom + 2, xshift=xshift)
            fig.update_layout(margin=dict(b=bottom))
    return fig


def apply_style(fig: go.Figure, title: str, source: str | None = None) -> go.Figure:
    """Apply the shared template, set the title, and put the source line inside the figure.

    `title` and `source` are plain text (a file name, a codebook label, an indicator name): they are
    escaped here, once, for plotly's pseudo-HTML.
    """
    fig.update_layout(template=TEMPLATE, title_text=escape_plotly(title))
    if source:
        # The source line sits at the bottom edge of the figure, below the x-axis title, inside a
        # bottom margin made tall enough for both (14 px more per extra wrapped line).
        text = wrap_source(source)
        bottom = max(fig.layout.margin.b or 0, SOURCE_MARGIN + 14 * text.count("<br>"))
        fig.update_layout(margin=dict(b=bottom))
        fig.update_xaxes(title_standoff=8)
        fig.add_annotation(
            text=text,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            yshift=-bottom + 2,
            showarrow=False,
            align="left",
            font=dict(size=10, color="#6b6b6b"),
        )
    return fig
