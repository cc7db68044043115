"""PolicyLens entry point: page config and navigation over pages/ (each page draws the sidebar)."""

import streamlit as st

from policylens.i18n import t
from policylens.ui import state, url_sync
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook

st.set_page_config(page_title="PolicyLens", page_icon="🔎", layout="wide")
state.init_state(get_active_document().language)
url_sync.restore_from_url(get_codebook())  # before the page titles: a shared link may set the language
lang = state.get_lang()

PAGES = {
    t("nav.section.read", lang): [
        st.Page("pages/overview.py", title=t("nav.overview", lang), icon=":material/dashboard:", default=True),
        st.Page("pages/themes.py", title=t("nav.themes", lang), icon=":material/segment:", url_path="themes"),
        st.Page("pages/kwic.py", title=t("nav.kwic", lang), icon=":material/format_quote:", url_path="kwic"),
    ],
    t("nav.section.analyse", lang): [
        st.Page("pages/terms.py", title=t("nav.terms", lang), icon=":material/cloud:", url_path="terms"),
        st.Page(
            "pages/statistics.py", title=t("nav.statistics", lang), icon=":material/table_chart:", url_path="statistics"
        ),
        st.Page("pages/network.py", title=t("nav.network", lang), icon=":material/hub:", url_path="network"),
        st.Page(
            "pages/distribution.py",
            title=t("nav.distribution", lang),
            icon=":material/linear_scale:",
            url_path="distribution",
        ),
    ],
    t("nav.section.numbers", lang): [
        st.Page(
            "pages/indicators.py", title=t("nav.indicators", lang), icon=":material/monitoring:", url_path="indicators"
        ),
        st.Page("pages/coverage.py", title=t("nav.coverage", lang), icon=":material/grid_on:", url_path="coverage"),
        st.Page("pages/targets.py", title=t("nav.targets", lang), icon=":material/flag:", url_path="targets"),
    ],
    t("nav.section.settings", lang): [
        st.Page(
            "pages/dictionary.py", title=t("nav.dictionary", lang), icon=":material/spellcheck:", url_path="dictionary"
        ),
        st.Page("pages/codebook.py", title=t("nav.codebook", lang), icon=":material/tune:", url_path="codebook"),
    ],
}
page = st.navigation(PAGES, position="sidebar")
try:
    page.run()
except Exception as exc:  # a view failed: say so plainly, keep the app and the session alive
    st.error(t("error.generic", lang, error=type(exc).__name__))
