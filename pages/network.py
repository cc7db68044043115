"""Co-occurrence network of the top terms; click a term to read it in context."""

import pandas as pd
import streamlit as st

from policylens.figures.analysis import COLOR_BY_LABELS, MEASURE_LABELS, build_network_figure
from policylens.i18n import t
from policylens.text.network import LINKS, MEASURES, UNITS
from policylens.text.terms import assign_term_pillars
from policylens.ui import cache, state
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

UNIT_LABELS = {"paragraph": "network.unit.paragraph", "window": "network.unit.window"}  # one per UNITS
LINK_LABELS = {"backbone": "network.links.backbone", "tree": "network.links.tree", "all": "network.links.all"}

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis
st.title(t("network.title", lang))

cols = st.columns(4)
top_n = cols[0].slider(t("network.top_n", lang), 10, 150, step=5, **state.bind(state.NETWORK_TOP_N))
min_frequency = cols[1].number_input(
    t("network.min_frequency", lang),
    1,
    1000,
    step=1,
    help=t("network.min_frequency_help", lang),
    **state.bind(state.NETWORK_MIN_FREQUENCY),
)
min_weight = cols[2].number_input(
    t("network.min_weight", lang), 0.0, 100.0, step=0.05, **state.bind(state.NETWORK_MIN_WEIGHT)
)
links = cols[3].selectbox(
    t("network.links", lang),
    LINKS,
    format_func=lambda v: t(LINK_LABELS[v], lang),
    help=t("network.links_help", lang),
    **state.bind(state.NETWORK_LINKS),
)
cols = st.columns(4)
unit = cols[0].selectbox(
    t("network.unit", lang), UNITS, format_func=lambda u: t(UNIT_LABELS[u], lang), **state.bind(state.NETWORK_UNIT)
)
measure = cols[1].selectbox(
    t("network.measure", lang),
    MEASURES,
    format_func=lambda m: t(MEASURE_LABELS[m], lang),
    **state.bind(state.NETWORK_MEASURE),
)
color_by = cols[2].selectbox(
    t("network.color_by", lang),
    list(COLOR_BY_LABELS),
    format_func=lambda c: t(COLOR_BY_LABELS[c], lang),
    **state.bind(state.NETWORK_COLOR_BY),
)

graph, positions, communities = cache.get_network(
    ctx.document.key,
    ctx.settings_key,
    analysis,
    top_n,
    unit,
    measure,
    float(min_weight),
    int(min_frequency),
    links,
)
by_pillar = analysis.terms_by_pillar
term_pillars = assign_term_pillars(list(graph.nodes), by_pillar, codebook, ctx.document.language)
if ctx.pillars:
    graph = graph.subgraph([n for n in graph.nodes if term_pillars.get(n) in ctx.pillars])
fig = build_network_figure(
    graph,
    positions,
    communities,
    term_pillars,
    codebook.colors,
    color_by,
    lang,
    ctx.source_line,
    measure=measure,
    unit=unit,
    links=links,
    pillar_labels={p.id: p.label(lang) for p in codebook.pillars},
)
widgets.render_chart(fig, key=state.NETWORK_CHART, on_click="term")
st.caption(t("network.click_hint", lang))
with st.expander(t("network.edges", lang)):
    edges = pd.DataFrame(
        [(a, b, round(d.get("weight", 0), 3)) for a, b, d in graph.edges(data=True)],
        columns=["source", "target", "weight"],
    )
    st.dataframe(
        edges,
        hide_index=True,
        width="stretch",
        column_config={
            "source": t("network.column.source", lang),
            "target": t("network.column.target", lang),
            "weight": t("network.column.weight", lang),
        },
    )
    exports.render_table_exports(edges, "network-links", lang)
