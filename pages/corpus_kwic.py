"""Keyword in context across the corpus: every occurrence with its document, date and place,
sortable, a page at a time, the whole table exportable."""

import streamlit as st

from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.kwic import LEFT, RIGHT, QueryError, query_for_term, sort_kwic
from policylens.ui import corpus, state
from policylens.ui.context import get_context
from policylens.ui.widgets import corpus as corpus_widgets
from policylens.ui.widgets import corpus_views, exports

SORT_LABELS = {
    "date": "corpus.kwic.sort.date",
    "title": "corpus.kwic.sort.title",
    LEFT: "corpus.kwic.sort.left",
    RIGHT: "corpus.kwic.sort.right",
}

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("corpus.kwic.title", lang))
entry = corpus_widgets.require_corpus(lang)
where = corpus_widgets.render_corpus_filters(entry, codebook, lang)

if not st.session_state.get(state.CORPUS_KWIC_QUERY) and ctx.term:  # the selected term, as a start
    st.session_state[state.CORPUS_KWIC_QUERY] = query_for_term(ctx.term)
cols = st.columns([3, 1, 1])
query = cols[0].text_input(t("kwic.query", lang), help=t("kwic.help", lang), **state.bind(state.CORPUS_KWIC_QUERY))
window = cols[1].number_input(
    t("kwic.window", lang), 3, 200, step=1, help=t("kwic.window_help", lang), **state.bind(state.CORPUS_KWIC_WINDOW)
)
sort = cols[2].selectbox(
    t("kwic.sort", lang),
    list(SORT_LABELS),
    format_func=lambda s: t(SORT_LABELS[s], lang),
    **state.bind(state.CORPUS_KWIC_SORT),
)
if not query.strip():
    st.info(t("corpus.kwic.empty", lang))
    st.stop()
try:
    lines, searched, total = corpus.find_kwic(entry, query, int(window), ctx.segmenter, ctx.settings_key, where)
except QueryError as exc:
    st.warning(t_md(exc.key, lang, **exc.values))
    st.stop()
if sort in (LEFT, RIGHT):
    lines = sort_kwic(lines, by=sort)
elif sort == "title":
    lines = lines.sort_values(["title", "date", "paragraph", "start"], kind="stable", na_position="last")
st.caption(
    t("corpus.kwic.count", lang, n=len(lines), documents=lines["doc_id"].nunique(), searched=searched, total=total)
)
if searched < total:
    st.info(t("corpus.kwic.capped", lang, searched=searched, total=total))
if lines.empty:
    st.info(t("kwic.none", lang))
    st.stop()
table = corpus_views.kwic_table(lines, codebook, lang)
pages = max(1, -(-len(table) // corpus_views.KWIC_PAGE_SIZE))
st.session_state[state.CORPUS_KWIC_PAGE] = min(max(1, int(st.session_state.get(state.CORPUS_KWIC_PAGE) or 1)), pages)
page = st.number_input(t("corpus.kwic.page", lang, pages=pages), 1, pages, step=1, **state.bind(state.CORPUS_KWIC_PAGE))
start = (int(page) - 1) * corpus_views.KWIC_PAGE_SIZE
corpus_views.render_kwic_table(table.iloc[start : start + corpus_views.KWIC_PAGE_SIZE], lang)
exports.render_table_exports(table, "corpus-kwic", lang)
