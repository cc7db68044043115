"""Corpus overview: load or pick a corpus, filter it, see its documents over time and by place,
edit their metadata, and open one in the single-document views."""

import streamlit as st

from policylens.figures.corpus import build_documents_figure, build_field_figure
from policylens.i18n import t
from policylens.ui import state
from policylens.ui.context import get_context
from policylens.ui.widgets import corpus as corpus_widgets
from policylens.ui.widgets import corpus_views
from policylens.ui.widgets import elements as widgets

ctx = get_context()
lang, codebook = ctx.lang, ctx.codebook
st.title(t("corpus.title", lang))
st.caption(t("corpus.intro", lang))
entry = corpus_widgets.require_corpus(lang)

where = corpus_widgets.render_corpus_filters(entry, codebook, lang)
corpus_widgets.render_summary(entry, where, lang)
source = corpus_widgets.source_line(entry, where, lang)

by = corpus_widgets.render_period_picker(lang)
counts = corpus_widgets.query_or_warn(entry, "count_documents", by, where=where, lang=lang)
if counts is not None:
    periods = corpus_widgets.periods_of(entry, where, by)
    widgets.render_chart(
        build_documents_figure(counts, periods, by, lang, source),
        key=state.CORPUS_CHART_DOCUMENTS,
        data=corpus_widgets.with_provenance(counts, entry, where),
    )
field = corpus_widgets.render_field_picker(lang)
by_field = corpus_widgets.query_or_warn(entry, "count_documents_by", field, where=where, lang=lang)
if by_field is not None:
    widgets.render_chart(
        build_field_figure(by_field, field, lang, source),
        key=state.CORPUS_CHART_FIELD,
        data=corpus_widgets.with_provenance(by_field, entry, where),
    )

st.subheader(t("corpus.documents.title", lang))
corpus_views.render_document_table(entry, where, codebook, lang)
with st.expander(t("corpus.edit.title", lang), icon=":material/edit:"):
    st.caption(t("corpus.edit.help", lang))
    corpus_views.render_metadata_editor(entry, where, lang)
