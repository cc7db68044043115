"""Co-occurrence network of the corpus by period: which terms occur in the same paragraphs, in one
year (or all years) of the filtered corpus; click a term to read it in context."""

import pandas as pd
import streamlit as st

from policylens.figures.analysis import MEASURE_LABELS, build_network_figure
from policylens.i18n import t
from policylens.text.network import MEASURES
from policylens.ui import corpus, selection, state
from policylens.ui.context import get_context
from policylens.ui.widgets import corpus as corpus_widgets
from policylens.ui.widgets import corpus_views, exports
from policylens.ui.widgets import elements as widgets

ALL = "all"

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("corpus.network.title", lang))
entry = corpus_widgets.require_corpus(lang)
where = corpus_widgets.render_corpus_filters(entry, codebook, lang)
years = corpus_widgets.periods_of(entry, where, "year")
options = [ALL, *years]
if st.session_state.get(state.CORPUS_NETWORK_PERIOD) not in options:
    st.session_state[state.CORPUS_NETWORK_PERIOD] = ALL
cols = st.columns([2, 2, 1, 1])
period = cols[0].selectbox(
    t("corpus.network.period", lang),
    options,
    format_func=lambda p: t("corpus.network.all", lang) if p == ALL else p,
    **state.bind(state.CORPUS_NETWORK_PERIOD),
)
top_n = cols[1].slider(t("network.top_n", lang), 10, 120, step=5, **state.bind(state.CORPUS_NETWORK_TOP_N))
measure = cols[2].selectbox(
    t("network.measure", lang),
    MEASURES,
    format_func=lambda m: t(MEASURE_LABELS[m], lang),
    **state.bind(state.CORPUS_NETWORK_MEASURE),
)
min_weight = cols[3].number_input(
    t("network.min_weight", lang), 0.0, 100.0, step=0.05, **state.bind(state.CORPUS_NETWORK_MIN_WEIGHT)
)
scoped = where if period == ALL else corpus_views.and_filter(where, f"date={period}")
graph, positions, communities, paragraphs = corpus.get_network(entry, scoped, top_n, measure, float(min_weight))
source = corpus_widgets.source_line(entry, scoped, lang)
fig = build_network_figure(
    graph, positions, communities, {}, codebook.colors, "community", lang, source, measure=measure, unit="paragraph"
)
widgets.render_chart(fig, key=state.CORPUS_CHART_NETWORK, on_click=selection.CORPUS_TERM)
st.caption(
    t(
        "corpus.network.caption",
        lang,
        paragraphs=paragraphs,
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
    )
)
with st.expander(t("network.edges", lang)):
    edges = pd.DataFrame(
        [(a, b, round(d.get("weight", 0), 3)) for a, b, d in graph.edges(data=True)],
        columns=["source", "target", "weight"],
    )
    edges.insert(0, "period", period)
    st.dataframe(edges, hide_index=True, width="stretch")
    exports.render_table_exports(edges, "corpus-network-links", lang)
