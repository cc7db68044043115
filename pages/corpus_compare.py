"""Compare two parts of a corpus (period A vs B, place A vs B, one document vs the rest): the terms
that set them apart, by log-likelihood with Hardie's Log Ratio as the effect size."""

import pandas as pd
import streamlit as st

from policylens.figures.corpus import build_compare_figure
from policylens.i18n import t
from policylens.markup import t_md
from policylens.ui import selection, state
from policylens.ui.context import get_context
from policylens.ui.widgets import corpus as corpus_widgets
from policylens.ui.widgets import corpus_views, exports
from policylens.ui.widgets import elements as widgets

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("corpus.compare.title", lang))
st.caption(t("corpus.compare.help", lang))
entry = corpus_widgets.require_corpus(lang)

left, right = st.columns(2)
with left:
    a_text = corpus_views.render_side(entry, "a", lang)
with right:
    b_text = corpus_views.render_side(entry, "b", lang)
top = st.slider(t("corpus.compare.top", lang), 10, 60, 25, step=5, key="corpus.compare_top")
problems = [p for p in (corpus_views.check_filter(a_text), corpus_views.check_filter(b_text)) if p]
if problems:
    for problem in problems:
        st.warning(t_md("corpus.query_failed", lang, reason=problem))
    st.stop()
a_where, b_where = corpus_views.with_pillars(a_text), corpus_views.with_pillars(b_text)
report = corpus_widgets.query_or_warn(entry, "compare_texts", a_where, b_where, top, where=None, lang=lang)
if report is None:
    st.stop()
label_a, label_b = (corpus_views.compare_label(entry, text, lang) for text in (a_text, b_text))
cols = st.columns(3)
for col, side, name in ((cols[0], "a", label_a), (cols[1], "b", label_b)):
    size = report[side]
    col.metric(
        t(corpus_views.SIDE_LABELS[side], lang, name=name),
        f"{size['documents']:,}",
        help=t("corpus.compare.size", lang, documents=size["documents"], tokens=size["tokens"]),
    )
cols[2].metric(t("corpus.compare.overlap", lang), f"{report['overlap']:,}")
if report["overlap"]:
    st.warning(t("corpus.compare.overlap_warning", lang, n=report["overlap"]))
source = t("corpus.compare.source", lang, name=entry.label, a=label_a, b=label_b)
terms = report["terms"]
widgets.render_chart(
    build_compare_figure(terms, label_a, label_b, lang, source),
    key=state.CORPUS_CHART_COMPARE,
    on_click=selection.CORPUS_TERM,
    data=terms.assign(a=a_where, b=b_where, corpus=entry.label, ingested=entry.ingested),
)
st.caption(t("corpus.compare.click_hint", lang))
table = pd.DataFrame(terms).round({"per_10k_a": 3, "per_10k_b": 3, "log_likelihood": 2, "log_ratio": 3})
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "term": t("corpus.compare.column.term", lang),
        "count_a": t("corpus.compare.column.count_a", lang),
        "count_b": t("corpus.compare.column.count_b", lang),
        "per_10k_a": t("corpus.compare.column.per_10k_a", lang),
        "per_10k_b": t("corpus.compare.column.per_10k_b", lang),
        "log_likelihood": t("corpus.compare.column.g2", lang),
        "log_ratio": t("corpus.compare.column.log_ratio", lang),
    },
)
exports.render_table_exports(table, "corpus-compare", lang)
