"""PolicyLens entry point: page config and navigation over pages/ (each page draws the sidebar)."""

import streamlit as st

from policylens.i18n import t
from policylens.ui import state
from policylens.ui.context_doc import get_active_document

st.set_page_config(page_title="PolicyLens", page_icon="🔎", layout="wide")
state.init_state(get_active_document().language)
lang = state.get_lang()

PAGES = [
    st.Page("pages/overview.py", title=t("nav.overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/themes.py", title=t("nav.themes", lang), icon=":material/segment:", url_path="themes"),
    st.Page("pages/terms.py", title=t("nav.terms", lang), icon=":material/cloud:", url_path="terms"),
    st.Page("pages/indicators.py", title=t("nav.indicators", lang), icon=":material/monitoring:", url_path="indicators"),
]
page = st.navigation(PAGES, position="sidebar")
try:
    page.run()
except Exception as exc:  # a view failed: say so plainly, keep the app and the session alive
    st.error(t("error.generic", lang, error=type(exc).__name__))
