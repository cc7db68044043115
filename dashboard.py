"""PolicyLens entry point: page config, the shell drawn once per rerun, and st.navigation over
pages/ (ui.navigation); each page reads the context the shell loaded (ui.context.get_context)."""

import streamlit as st

from policylens.i18n import t
from policylens.ui.context import serve_context
from policylens.ui.heavy import describe_stopped_view
from policylens.ui.library import get_active_document
from policylens.ui.navigation import NAV_POSITION, session_pages
from policylens.ui.shell import render_shell, restore_state
from policylens.workers import JobFailed

st.set_page_config(page_title="PolicyLens", page_icon="🔎", layout="wide")
lang = restore_state()  # before the page titles: a shared link may set the language
page = st.navigation(session_pages(lang), position=NAV_POSITION)
try:
    ctx = render_shell()  # the sidebar's Export buttons hold ctx.exports, which the page fills
    with serve_context(ctx):
        page.run()
except JobFailed as exc:  # a view's job in a worker hit its limit: say which, keep the rest
    st.error(describe_stopped_view(exc, get_active_document(), lang))
except Exception as exc:  # the shell or a view failed: say so plainly, keep the app and the session alive
    st.error(t("error.generic", lang, error=type(exc).__name__))
