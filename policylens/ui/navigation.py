"""The page table dashboard.py routes with (st.navigation over the files in pages/), and the
hand-back of a page that Streamlit ran on its own in its legacy `pages/` mode.

Why the hand-back: a `pages/` folder beside the entry script makes Streamlit start in its legacy
multipage mode (streamlit/runtime/pages_manager.py decides it when the first session starts; the
script runner then runs the page file the URL names, without dashboard.py:
runtime/scriptrunner/script_runner.py, `_mpa_v1`). The documented way out is st.navigation itself:
"As soon as any session of your app executes the st.navigation command, your app will ignore the
pages/ directory (across all sessions)" (commands/navigation.py, the docstring of st.navigation). So
a page that finds no shell around it calls st.navigation with the same table and reruns; the rerun
keeps the page (a page's hash is its URL path) and goes through dashboard.py. This happens on a
server's first run when it is a deep link, and in AppTest, which restores the legacy mode before
every run.
"""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from policylens.i18n import t
from policylens.ui import state

# The page menu sits in the header, one menu per section, so the sidebar opens on what a reader
# sets first (document, pillar filter, language) instead of twelve links pushing it below the fold.
NAV_POSITION = "top"


def build_pages(lang: str) -> dict[str, list[st.Page]]:
    """The st.navigation argument: the files in pages/ by section, titled in the UI language."""
    return {
        t("nav.section.read", lang): [
            st.Page("pages/overview.py", title=t("nav.overview", lang), icon=":material/dashboard:", default=True),
            st.Page("pages/themes.py", title=t("nav.themes", lang), icon=":material/segment:", url_path="themes"),
            st.Page("pages/kwic.py", title=t("nav.kwic", lang), icon=":material/format_quote:", url_path="kwic"),
        ],
        t("nav.section.analyse", lang): [
            st.Page("pages/terms.py", title=t("nav.terms", lang), icon=":material/cloud:", url_path="terms"),
            st.Page(
                "pages/statistics.py",
                title=t("nav.statistics", lang),
                icon=":material/table_chart:",
                url_path="statistics",
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
                "pages/indicators.py",
                title=t("nav.indicators", lang),
                icon=":material/monitoring:",
                url_path="indicators",
            ),
            st.Page("pages/coverage.py", title=t("nav.coverage", lang), icon=":material/grid_on:", url_path="coverage"),
            st.Page("pages/targets.py", title=t("nav.targets", lang), icon=":material/flag:", url_path="targets"),
        ],
        t("nav.section.corpus", lang): [
            st.Page("pages/corpus.py", title=t("nav.corpus", lang), icon=":material/library_books:", url_path="corpus"),
            st.Page(
                "pages/corpus_trends.py",
                title=t("nav.corpus_trends", lang),
                icon=":material/trending_up:",
                url_path="corpus_trends",
            ),
            st.Page(
                "pages/corpus_compare.py",
                title=t("nav.corpus_compare", lang),
                icon=":material/compare_arrows:",
                url_path="corpus_compare",
            ),
            st.Page(
                "pages/corpus_kwic.py",
                title=t("nav.corpus_kwic", lang),
                icon=":material/manage_search:",
                url_path="corpus_kwic",
            ),
            st.Page(
                "pages/corpus_network.py",
                title=t("nav.corpus_network", lang),
                icon=":material/share:",
                url_path="corpus_network",
            ),
        ],
        t("nav.section.settings", lang): [
            st.Page(
                "pages/dictionary.py",
                title=t("nav.dictionary", lang),
                icon=":material/spellcheck:",
                url_path="dictionary",
            ),
            st.Page("pages/codebook.py", title=t("nav.codebook", lang), icon=":material/tune:", url_path="codebook"),
            st.Page("pages/check.py", title=t("nav.check", lang), icon=":material/fact_check:", url_path="check"),
        ],
    }


def session_pages(lang: str) -> dict[str, list[st.Page]]:
    """build_pages(lang), built once per session and language: 18 st.Page objects, each resolving
    and checking its file, cost every rerun about 4 ms. Kept per session, not shared: st.navigation
    and Page.run mark the page they run."""
    kept = st.session_state.get(state.NAV_PAGES)
    if kept is None or kept[0] != lang:
        kept = (lang, build_pages(lang))
        st.session_state[state.NAV_PAGES] = kept
    return kept[1]


def route_through_dashboard(lang: str) -> NoReturn:
    """Hand a page run by the legacy `pages/` mode back to dashboard.py (see the module docstring)."""
    st.navigation(build_pages(lang), position=NAV_POSITION)
    st.rerun()
