"""Corpus trends: pillar shares over time and by place, term trends with each term's first
appearance, and a pillar's share of the text beside indicator series on one time axis."""

import streamlit as st

from policylens.corpus.store import period_of
from policylens.figures.corpus import (
    build_pillar_trend_figure,
    build_place_heatmap,
    build_term_trend_figure,
    field_in_text,
)
from policylens.i18n import t
from policylens.ui import corpus, selection, state
from policylens.ui.context import get_context
from policylens.ui.widgets import corpus as corpus_widgets
from policylens.ui.widgets import corpus_trends
from policylens.ui.widgets import elements as widgets

MEASURE_LABELS = {"per_10k": "corpus.trends.measure.per_10k", "count": "corpus.trends.measure.count"}

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("corpus.trends.title", lang))
entry = corpus_widgets.require_corpus(lang)
where = corpus_widgets.render_corpus_filters(entry, codebook, lang)
source = corpus_widgets.source_line(entry, where, lang)
by = corpus_widgets.render_period_picker(lang)
periods = corpus_widgets.periods_of(entry, where, by)

# ---- pillar shares over time and by place ----
st.subheader(t("corpus.trends.pillars", lang))
show_general = st.toggle(t("corpus.trends.show_general", lang), key="corpus.trends.show_general")
shares = corpus_widgets.query_or_warn(entry, "count_pillar_shares", by, where=where, lang=lang)
if shares is not None:
    if not show_general:
        shares = shares[shares["pillar"].notna()]
    widgets.render_chart(
        build_pillar_trend_figure(shares, periods, by, codebook, lang, source),
        key=state.CORPUS_CHART_PILLARS,
        on_click="pillar",
        data=corpus_widgets.with_provenance(
            corpus_trends.pillar_share_table(shares, codebook, lang, "period"), entry, where
        ),
    )
    st.caption(t("corpus.trends.pillars_hint", lang))
field = corpus_widgets.render_field_picker(lang)
by_place = corpus_widgets.query_or_warn(entry, "count_pillar_shares_by", field, where=where, lang=lang)
if by_place is not None:
    if by_place.empty:
        st.info(t("corpus.trends.no_field", lang, field=field_in_text(field, lang)))
    else:
        widgets.render_chart(
            build_place_heatmap(by_place, field, codebook, lang, source),
            key=state.CORPUS_CHART_HEATMAP,
            data=corpus_widgets.with_provenance(
                corpus_trends.pillar_share_table(by_place, codebook, lang, field), entry, where
            ),
        )

# ---- term trends ----
st.subheader(t("corpus.trends.terms", lang))
top = corpus_widgets.query_or_warn(entry, "top_terms", 40, where=where, lang=lang)
chosen = [t_ for t_ in st.session_state.get(state.CORPUS_TERMS) or [] if t_]
term = ctx.term
if not chosen and term:
    chosen = [term]
if not chosen and top is not None:  # as Voyant opens: the most frequent terms of the corpus
    chosen = top["term"].head(corpus_widgets.DEFAULT_TERMS).tolist()
options = list(dict.fromkeys([*chosen, *([] if top is None else top["term"].tolist())]))
st.session_state[state.CORPUS_TERMS] = chosen
cols = st.columns([3, 2], vertical_alignment="bottom")
terms = cols[0].multiselect(
    t("corpus.trends.term_picker", lang),
    options,
    accept_new_options=True,
    max_selections=8,
    placeholder=t("corpus.trends.term_placeholder", lang),
    help=t("corpus.trends.term_help", lang),
    **state.bind(state.CORPUS_TERMS),
)
measure = cols[1].segmented_control(
    t("corpus.trends.measure", lang),
    tuple(MEASURE_LABELS),
    format_func=lambda m: t(MEASURE_LABELS[m], lang),
    selection_mode="single",
    required=True,
    **state.bind(state.CORPUS_MEASURE),
)
if terms:
    phrases = corpus.split_corpus_terms(entry, tuple(terms))  # 数字经济 counts as 数字 + 经济
    trends = corpus_widgets.query_or_warn(
        entry, "count_term_trends", tuple(terms), by, where=where, lang=lang, phrases=phrases
    )
    firsts = corpus_widgets.query_or_warn(
        entry, "first_appearances", tuple(terms), where=where, lang=lang, phrases=phrases
    )
    if trends is not None and firsts is not None:
        # a first appearance is marked only where the term emerges, after the first period in view
        emerging = firsts[[period_of(d, by) != (periods[0] if periods else None) for d in firsts["date"]]]
        first_period = {r["term"]: period_of(r["date"], by) for r in emerging.to_dict("records")}
        widgets.render_chart(
            build_term_trend_figure(trends, emerging, periods, by, measure, lang, source, first_period),
            key=state.CORPUS_CHART_TERMS,
            on_click=selection.CORPUS_TERM,
            data=corpus_widgets.with_provenance(trends, entry, where),
        )
        for row in emerging.to_dict("records"):
            st.caption(t("corpus.trends.first", lang, term=row["term"], date=row["date"], title=row["title"] or ""))
        never = [x for x in terms if x not in set(firsts["term"])]
        if never:
            st.caption(t("corpus.trends.never", lang, terms="、".join(never) if lang == "zh" else ", ".join(never)))
else:
    st.info(t("corpus.trends.no_terms", lang))

# ---- text beside numbers ----
st.subheader(t("corpus.numbers.title", lang))
st.caption(t("corpus.numbers.help", lang))
corpus_trends.render_text_beside_numbers(entry, codebook, lang)
