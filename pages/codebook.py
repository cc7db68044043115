"""Codebook: edit the pillars and their weighted terms, preview the classification, apply or reset."""

import streamlit as st

from policylens.i18n import t
from policylens.ui import state
from policylens.ui.context import get_context
from policylens.ui.widgets import codebook as codebook_widgets

ctx = get_context()
st.title(t("codebook.title", ctx.lang))
st.caption(t("codebook.intro", ctx.lang))
if st.session_state.get(state.CUSTOM_CODEBOOK):
    st.warning(t("codebook.custom_in_use", ctx.lang))

# settings across the top; the term table beside the live preview; the other tables across the page
settings, (editor, preview), tables = st.container(), st.columns([5, 2]), st.container()
edited = codebook_widgets.render_codebook_editor(ctx, settings, editor, tables)
with preview:
    st.subheader(t("codebook.preview", ctx.lang))
    if edited is not None:
        codebook_widgets.render_preview(ctx, edited)
        st.button(
            t("codebook.apply", ctx.lang),
            type="primary",
            on_click=codebook_widgets.apply_codebook,
            args=(edited,),
            disabled=edited == ctx.codebook,
            key=state.CODEBOOK_APPLY,
        )
    st.button(
        t("codebook.reset", ctx.lang),
        on_click=codebook_widgets.reset_codebook,
        key=state.CODEBOOK_RESET,
        disabled=not st.session_state.get(state.CUSTOM_CODEBOOK),
    )
codebook_widgets.render_codebook_files(ctx)
