"""Plotly builders for the analysis views: term network, term dispersion strip and pillar keyness bars.

Scatter and bar traces only, so Streamlit selection events work; every clickable point carries the
term (and paragraph) in customdata. Title, units and source line sit inside each figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import networkx as nx
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from policylens import i18n, schema
from policylens.figures.network_layout import FONT_SIZE as LABEL_FONT_SIZE
from policylens.figures.network_layout import PLOT_HEIGHT, PLOT_WIDTH, fit_positions, place_labels
from policylens.figures.style import apply_style
from policylens.figures.text import GENERAL_COLOR
from policylens.markup import escape_plotly
from policylens.text.keyness import SIGNIFICANT_G2, keyness_column
from policylens.text.network import FREQUENCY, TREE, WEIGHT

# Paul Tol's "muted" qualitative scheme (colour-blind safe); communities past it are grey.
COMMUNITY_COLORS = ("#CC6677", "#332288", "#DDCC77", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933", "#AA4499")
EDGE_COLOR = "rgba(90, 90, 90, 0.45)"  # spanning-tree links (and all links when no tree is marked)
EXTRA_EDGE_COLOR = "rgba(130, 130, 130, 0.28)"  # the strongest links beyond the tree
EDGE_WIDTHS = (0.6, 1.4, 2.6, 4.2)  # one line trace per quarter of the weight range
NODE_SIZE = (9.0, 32.0)  # px, least and most frequent term (area by frequency)
NETWORK_TOP_MARGIN = 92  # px: the title and two subtitle lines (the legend sits below the plot)
BUBBLE_SIZE = (6.0, 24.0)
HIGHLIGHT_COLOR = "rgba(255, 214, 0, 0.28)"  # the selected term's row
# The label of each network measure (text.network.MEASURES) and node colouring, in the figure and its pickers.
MEASURE_LABELS = {
    "count": "figure.network.measure.count",
    "jaccard": "figure.network.measure.jaccard",
    "dice": "figure.network.measure.dice",
}
COLOR_BY_LABELS = {"pillar": "figure.network.color.pillar", "community": "figure.network.color.community"}
# The links drawn (text.network.LINKS), in the figure's subtitle and the page's picker.
LINKS_LABELS = {
    "backbone": "figure.network.links.backbone",
    "tree": "figure.network.links.tree",
    "all": "figure.network.links.all",
}


def _t(key: str, lang: str, **values: object) -> str:
    return i18n.t(key, lang, **values)


def _objects(values) -> np.ndarray:
    """Per-point data as a numpy object array: plotly validates a Python list element by element,
    which takes seconds for the tens of thousands of points of a long document."""
    return np.array(list(values), dtype=object)


def _empty_note(fig: go.Figure, text: str) -> None:
    fig.add_annotation(text=text, xref="paper", yref="paper", x=0.5, y=0.5, showarrow=False)


def _pillar_name(pillar_id: str | None, labels: Mapping[str, str], lang: str) -> str:
    """A pillar's label escaped for plotly (codebooks are user-editable)."""
    return escape_plotly(labels.get(pillar_id, pillar_id) if isinstance(pillar_id, str) else _t("pillar.general", lang))


def build_network_figure(
    graph: nx.Graph,
    positions: Mapping[str, tuple[float, float]],
    communities: Mapping[str, int],
    term_pillars: Mapping[str, str | None],
    pillar_colors: Mapping[str, str],
    color_by: str,
    lang: str,
    source: str,
    *,
    measure: str = "count",
    unit: str = "paragraph",
    window: int = 5,
    links: str = "backbone",
    pillar_labels: Mapping[str, str] | None = None,
) -> go.Figure:
    """Term network: grey edges (width by weight), one node trace sized by frequency.

    `positions` (any scale, e.g. text.network.layout_graph's) are stretched to a plot frame of
    network_layout.PLOT_WIDTH x PLOT_HEIGHT px; the axes span that frame. Labels go around their
    node without overlapping (network_layout.place_labels, most frequent term first); a label
    with no room is hidden (its text ""), its hover kept, and the subtitle counts them. Node colour
    is the term's pillar (color_by "pillar", grey = general) or its community ("community").
    Traces: edge line traces (no hover; spanning-tree links darker than the other links), then the
    node trace (mode markers+text, customdata = term, meta "nodes", one textposition per node),
    then legend-only traces (no points).
    """
    if color_by not in COLOR_BY_LABELS:
        raise ValueError(f"color_by must be 'pillar' or 'community', not {color_by!r}")
    labels = dict(pillar_labels or {})
    fig = go.Figure()
    nodes = list(graph.nodes)
    placed = fit_positions({n: positions[n] for n in nodes})
    weights = [d[WEIGHT] for _, _, d in graph.edges(data=True)]
    top = max(weights, default=1.0) or 1.0
    buckets: dict[tuple[float, str], list[tuple[str, str]]] = {}
    for a, b, data in graph.edges(data=True):
        width = EDGE_WIDTHS[min(int(len(EDGE_WIDTHS) * data[WEIGHT] / top), len(EDGE_WIDTHS) - 1)]
        color = EDGE_COLOR if data.get(TREE, True) else EXTRA_EDGE_COLOR
        buckets.setdefault((width, color), []).append((a, b))
    for (width, color), edges in sorted(buckets.items()):
        # None (JSON null) between segments breaks the line
        xs = _objects(v for a, b in edges for v in (placed[a][0], placed[b][0], None))
        ys = _objects(v for a, b in edges for v in (placed[a][1], placed[b][1], None))
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines", line=dict(width=width, color=color), hoverinfo="skip", showlegend=False
            )
        )
    frequencies = [graph.nodes[n].get(FREQUENCY, 0) for n in nodes]
    biggest = max(frequencies, default=1) or 1
    sizes = [NODE_SIZE[0] + (NODE_SIZE[1] - NODE_SIZE[0]) * math.sqrt(f / biggest) for f in frequencies]
    order = sorted(range(len(nodes)), key=lambda i: -frequencies[i])  # stable: ties keep the graph's order
    where = place_labels([(nodes[i], *placed[nodes[i]], sizes[i]) for i in order])

    def color_of(term: str) -> str:
        if color_by == "community":
            number = communities.get(term, len(COMMUNITY_COLORS))
            return COMMUNITY_COLORS[number] if number < len(COMMUNITY_COLORS) else GENERAL_COLOR
        return pillar_colors.get(term_pillars.get(term), GENERAL_COLOR)

    fig.add_trace(
        go.Scatter(
            x=[placed[n][0] for n in nodes],
            y=[placed[n][1] for n in nodes],
            mode="markers+text",
            meta="nodes",
            showlegend=False,
            cliponaxis=False,
            text=[escape_plotly(n) if where[n] else "" for n in nodes],
            textposition=[where[n] or "top center" for n in nodes],
            textfont=dict(size=LABEL_FONT_SIZE),
            customdata=nodes,
            marker=dict(size=sizes, color=[color_of(n) for n in nodes], line=dict(width=1, color="white"), opacity=0.9),
            hovertext=[
                _t(
                    "figure.network.hover",
                    lang,
                    term=escape_plotly(n),
                    frequency=f,
                    links=graph.degree(n),
                    community=communities.get(n, "–"),
                    pillar=_pillar_name(term_pillars.get(n), labels, lang),
                )
                for n, f in zip(nodes, frequencies)
            ],
            hoverinfo="text",
        )
    )
    if color_by == "community":
        legend = [
            (_t("figure.network.community", lang, n=c), COMMUNITY_COLORS[c])
            for c in sorted(set(communities.values()))
            if c < len(COMMUNITY_COLORS)
        ]
    else:
        present = list(dict.fromkeys(term_pillars.get(n) for n in nodes))
        ordered = [p for p in pillar_colors if p in present] + ([None] if None in present else [])
        legend = [(_pillar_name(p, labels, lang), pillar_colors.get(p, GENERAL_COLOR)) for p in ordered]
    for name, color in legend:
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=name, marker=dict(size=10, color=color), hoverinfo="skip"
            )
        )
    if not nodes:
        _empty_note(fig, _t("figure.network.empty", lang))
    hidden = dict(visible=False, showgrid=False, zeroline=False)
    fig.update_xaxes(**hidden, range=[0, PLOT_WIDTH])
    fig.update_yaxes(**hidden, range=[0, PLOT_HEIGHT])
    fig.update_layout(margin=dict(l=20, r=20, t=NETWORK_TOP_MARGIN), hovermode="closest")
    apply_style(fig, _t("figure.network.title", lang), source)
    # the legend below the plot, above the source line; margins never grow (autoexpand off), so
    # the plot area stays the frame the labels were placed in
    fig.update_layout(
        legend=dict(x=0, xanchor="left", y=-0.01, yanchor="top"),
        margin=dict(autoexpand=False),
    )
    unit_text = (
        _t("figure.network.unit.window", lang, window=window)
        if unit == "window"
        else _t("figure.network.unit.paragraph", lang)
    )
    subtitle = _t(
        "figure.network.subtitle",
        lang,
        n=len(nodes),
        measure=_t(MEASURE_LABELS[measure], lang),
        unit=unit_text,
        color_by=_t(COLOR_BY_LABELS[color_by], lang),
    )
    shown = _t(LINKS_LABELS[links], lang, n=graph.number_of_edges())
    unlabelled = sum(1 for n in nodes if where[n] is None)
    if unlabelled:
        shown += _t("figure.network.hidden_labels", lang, n=unlabelled)
    # the plot area keeps its height whatever the source line's margin: labels were placed for it
    fig.update_layout(
        title_subtitle_text=f"{subtitle}<br>{shown}",
        height=PLOT_HEIGHT + fig.layout.margin.t + fig.layout.margin.b,
    )
    return fig


def build_dispersion_figure(
    dispersion: pd.DataFrame,
    terms: Sequence[str],
    assignment: pd.DataFrame,
    pillar_colors: Mapping[str, str],
    lang: str,
    source: str,
    *,
    pillar_labels: Mapping[str, str] | None = None,
    highlight: str | None = None,
    paragraphs: int | None = None,
    filtered: Sequence[str] = (),
) -> go.Figure:
    """A Bubblelines-like strip: one row per term, x = paragraph, bubble area by count.

    The x-axis spans paragraphs 1 to `paragraphs` (the document's count; default the last one in
    `assignment`), so a filtered view keeps the whole document's axis. `filtered` names the pillars
    of the filter (plain labels) when `assignment` and `dispersion` hold only their paragraphs:
    the subtitle then says so, with how many paragraphs are in view. Every term keeps its row; a
    term without occurrences reads "term (0)" and, under a filter, the subtitle names it.

    `dispersion` is distribution.build_term_dispersion output. The top row ("Pillar") shows each
    paragraph's assigned pillar as a square; bubbles take the colour of their paragraph's pillar.
    Per pillar present (in `pillar_colors` order, general last) there is a band trace (meta
    "band", in the legend, customdata ("", paragraph)) and a bubble trace (meta "terms",
    customdata (term, paragraph)), sharing a legend group. One colour per trace keeps plotly's
    validation fast on long documents. Terms without occurrences keep their (empty) row. The row
    of `highlight` (the selected term), when shown, gets a pale yellow band and a bold label.
    """
    labels = dict(pillar_labels or {})
    band = _t("figure.pillar", lang)
    pillar_of = {
        int(p): (v if isinstance(v, str) else None)
        for p, v in zip(assignment[schema.PARAGRAPH], assignment[schema.PILLAR])
    }
    present = set(pillar_of.values())
    groups = [p for p in pillar_colors if p in present] + ([None] if None in present else [])
    rows = dispersion[dispersion[schema.TERM].isin(list(terms))].to_dict("records")
    biggest = max((int(r[schema.COUNT]) for r in rows), default=1)
    fig = go.Figure()
    for pillar in groups:
        name, color = _pillar_name(pillar, labels, lang), pillar_colors.get(pillar, GENERAL_COLOR)
        numbers = sorted(p for p, v in pillar_of.items() if v == pillar)
        fig.add_trace(
            go.Scatter(
                x=np.array(numbers, dtype=int),
                y=_objects([band] * len(numbers)),
                mode="markers",
                name=name,
                meta="band",
                legendgroup=str(pillar),
                marker=dict(symbol="square", size=11, color=color),
                customdata=_objects(("", p) for p in numbers),
                hovertext=_objects(_t("figure.dispersion.band_hover", lang, paragraph=p, pillar=name) for p in numbers),
                hoverinfo="text",
            )
        )
        records = [r for r in rows if pillar_of.get(int(r[schema.PARAGRAPH])) == pillar]
        fig.add_trace(
            go.Scatter(
                x=np.array([r[schema.PARAGRAPH] for r in records], dtype=int),
                y=_objects(escape_plotly(r[schema.TERM]) for r in records),
                mode="markers",
                name=name,
                meta="terms",
                legendgroup=str(pillar),
                showlegend=False,
                marker=dict(
                    size=np.array(
                        [
                            BUBBLE_SIZE[0] + (BUBBLE_SIZE[1] - BUBBLE_SIZE[0]) * math.sqrt(r[schema.COUNT] / biggest)
                            for r in records
                        ],
                        dtype=float,
                    ),
                    color=color,
                    opacity=0.8,
                    line=dict(width=0.5, color="white"),
                ),
                customdata=_objects((r[schema.TERM], r[schema.PARAGRAPH]) for r in records),
                hovertext=_objects(
                    _t(
                        "figure.dispersion.hover",
                        lang,
                        term=escape_plotly(r[schema.TERM]),
                        paragraph=r[schema.PARAGRAPH],
                        count=r[schema.COUNT],
                        relative=r["relative"],
                    )
                    for r in records
                ),
                hoverinfo="text",
            )
        )
    n = paragraphs or max(pillar_of, default=1)
    fig.update_xaxes(title_text=_t("figure.paragraph", lang), range=[0.5, n + 0.5], dtick=1 if n <= 40 else None)
    categories = [band, *(escape_plotly(t) for t in terms)]
    occurring = {r[schema.TERM] for r in rows}
    absent = [term for term in terms if term not in occurring]
    ticks = [
        band,
        *(_t("figure.dispersion.zero", lang, term=c) if t in absent else c for t, c in zip(terms, categories[1:])),
    ]
    # an explicit range, top row first: plotly's autorange stops at the last row with a point
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=categories,
        range=[len(categories) - 0.5, -0.5],
        tickmode="array",
        tickvals=categories,
        ticktext=ticks,
        title_text=None,
        gridcolor="#f0f0f0",
    )
    if highlight is not None and highlight in terms:
        row = 1 + list(terms).index(highlight)  # category positions count from 0 (the pillar band)
        fig.add_shape(
            type="rect",
            xref="paper",
            x0=0,
            x1=1,
            yref="y",
            y0=row - 0.5,
            y1=row + 0.5,
            fillcolor=HIGHLIGHT_COLOR,
            line_width=0,
            layer="below",
        )
        fig.update_yaxes(ticktext=[f"<b>{c}</b>" if i == row else c for i, c in enumerate(ticks)])
    fig.update_layout(height=max(280, 190 + 30 * (len(terms) + 1)))
    apply_style(fig, _t("figure.dispersion.title", lang), source)
    if filtered:
        notes = [
            _t(
                "figure.dispersion.filtered",
                lang,
                pillars=", ".join(escape_plotly(p) for p in filtered),
                shown=len(pillar_of),
                total=n,
            )
        ]
        if absent:
            notes.append(_t("figure.dispersion.absent", lang, terms=", ".join(escape_plotly(t) for t in absent)))
        fig.update_layout(title_subtitle_text="<br>".join(notes), margin=dict(t=60 + 16 * len(notes)))
    return fig


def build_keyness_figure(
    stats: pd.DataFrame,
    pillar_id: str,
    n: int,
    pillar_color: str,
    lang: str,
    source: str,
    *,
    pillar_label: str | None = None,
) -> go.Figure:
    """Diverging horizontal bars: the `n` most over- and `n` most under-represented terms of a pillar.

    `stats` is keyness.build_term_statistics output. Over-represented bars take the pillar colour,
    under-represented ones grey; bars below the significance cut (|G2| < SIGNIFICANT_G2, dotted
    lines) are paler. One bar trace, most positive on top; customdata = term.
    """
    column = keyness_column(pillar_id)
    by_g2 = stats[[schema.TERM, column]].sort_values([column, schema.TERM], ascending=[False, True], kind="stable")
    positive = by_g2[by_g2[column] > 0].head(n)
    negative = by_g2[by_g2[column] < 0].tail(n)
    shown = pd.concat([positive, negative])
    terms, values = shown[schema.TERM].tolist(), shown[column].astype(float).tolist()
    significant = [abs(v) >= SIGNIFICANT_G2 for v in values]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[escape_plotly(t) for t in terms],
            orientation="h",
            customdata=terms,
            marker=dict(
                color=[pillar_color if v > 0 else GENERAL_COLOR for v in values],
                opacity=[1.0 if s else 0.45 for s in significant],
            ),
            hovertext=[
                _t(
                    "figure.keyness.hover",
                    lang,
                    term=escape_plotly(t),
                    g2=v,
                    note=_t("figure.keyness.significant", lang) if s else "",
                )
                for t, v, s in zip(terms, values, significant)
            ],
            hoverinfo="text",
        )
    )
    for x in (SIGNIFICANT_G2, -SIGNIFICANT_G2):
        fig.add_vline(x=x, line=dict(dash="dot", width=1, color="#9e9e9e"))
    if not terms:
        _empty_note(fig, _t("figure.keyness.empty", lang))
    fig.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=[escape_plotly(t) for t in terms],
        autorange="reversed",
        title_text=None,
    )
    fig.update_xaxes(title_text=_t("figure.keyness.x", lang), zeroline=True, zerolinecolor="#9e9e9e")
    fig.update_layout(height=max(260, 120 + 22 * len(terms)), showlegend=False, bargap=0.25)
    title = _t("figure.keyness.title", lang, pillar=pillar_label or pillar_id)
    return apply_style(fig, title, source)
