"""The one plotly template shared by every PolicyLens chart, and the source-line helper.

Figures carry their title, units and source inside the figure, so an exported image keeps them.
"""

from __future__ import annotations

import plotly.graph_objects as go

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


def apply_style(fig: go.Figure, title: str, source: str | None = None) -> go.Figure:
    """Apply the shared template, set the title, and put the source line inside the figure."""
    fig.update_layout(template=TEMPLATE, title_text=title)
    if source:
        # The source line sits at the bottom edge of the figure, below the x-axis title, inside a
        # bottom margin made tall enough for both.
        bottom = max(fig.layout.margin.b or 0, SOURCE_MARGIN)
        fig.update_layout(margin=dict(b=bottom))
        fig.update_xaxes(title_standoff=8)
        fig.add_annotation(
            text=source, xref="paper", yref="paper", x=0, y=0, xanchor="left", yanchor="bottom",
            yshift=-bottom + 2, showarrow=False, align="left", font=dict(size=10, color="#6b6b6b"),
        )
    return fig
