"""Keyword in context: every occurrence of a term or query, sortable, filtered by pillar."""

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.kwic import END, LEFT, RIGHT, START, QueryError, find_keyword_in_context, sort_kwic
from policylens.ui import cache, state
from policylens.ui import kwic as kwic_view
from policylens.ui.context import get_context
from policylens.ui.widgets import elements as widgets
from policylens.ui.widgets import exports

SORT_LABELS = {"position": "kwic.sort.position", LEFT: "kwic.sort.left", RIGHT: "kwic.sort.right"}

ctx = get_context()
lang, codebook, analysis = ctx.lang, ctx.codebook, ctx.analysis
st.title(t("kwic.title", lang))

kwic_view.open_query(ctx)  # the document's top key term unless the link, a chart or the user chose one
cols = st.columns([3, 1, 1])
query = cols[0].text_input(t("kwic.query", lang), help=t("kwic.help", lang), **state.bind(state.KWIC_QUERY))
window = cols[1].number_input(
    t("kwic.window", lang), 3, 200, step=1, help=t("kwic.window_help", lang), **state.bind(state.KWIC_WINDOW)
)
sort = cols[2].selectbox(
    t("kwic.sort", lang),
    list(SORT_LABELS),
    format_func=lambda s: t(SORT_LABELS[s], lang),
    **state.bind(state.KWIC_SORT),
)
inside_words = kwic_view.render_match_mode(ctx)
if not query.strip():
    st.info(t("kwic.error.empty", lang))
    st.stop()

spans = cache.get_token_spans(ctx.document.key, ctx.settings_key, ctx.document, ctx.segmenter)
pillar_of = dict(zip(analysis.assignment[schema.PARAGRAPH], analysis.assignment[schema.PILLAR]))
try:
    lines = find_keyword_in_context(
        ctx.document.paragraphs,
        spans,
        query,
        int(window),
        pillar_of,
        language=ctx.document.language,
        inside_words=inside_words,
    )
except QueryError as exc:
    st.warning(t_md(exc.key, lang, **exc.values))  # the values quote the query
    st.stop()
if ctx.pillars:
    lines = lines[lines[schema.PILLAR].isin(ctx.pillars)]
lines = sort_kwic(lines, by=sort)
st.caption(kwic_view.count_line(len(lines), lines[schema.PARAGRAPH].nunique(), lang))
if lines.empty:
    st.info(t("kwic.none", lang))
widgets.render_kwic_lines(lines, codebook, lang, pager_key=state.KWIC_PAGE)
if not lines.empty:
    st.space("small")  # the buttons apart from the last line
    exports.render_table_exports(widgets.build_kwic_table(lines, codebook, lang), "kwic", lang)

if not lines.empty:
    paragraph = st.selectbox(
        t("kwic.read", lang),
        sorted(lines[schema.PARAGRAPH].unique()),
        format_func=lambda p: f"¶{p}",
        key=state.KWIC_READ_PARAGRAPH,
    )
    hits = lines[lines[schema.PARAGRAPH] == paragraph]
    widgets.render_paragraph(
        analysis,
        ctx.segmenter,
        codebook,
        int(paragraph),
        lang,
        spans=list(zip(hits[START], hits[END], hits[schema.TERM])),
    )
