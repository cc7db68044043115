"""The app shell every page draws first: routing guard, state defaults, the view state from the
URL (and back), the CJK web font, the global sidebar, and the selection bar above the page. Pages
draw it (through context.build_context); the widgets keep their values across pages through the
persistent keys of ui/state.py.
"""

from __future__ import annotations

import streamlit as st

from policylens.ui import cache, downloads, selection, state, url_sync
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook
from policylens.ui.sidebar import render_sidebar


def ensure_navigation() -> None:
    """Route through dashboard.py even on a server's first run.

    A `pages/` folder beside the entry script makes Streamlit start in its legacy multipage mode,
    which runs a deep-linked page file directly (no dashboard.py, wrong sidebar) until some run
    calls st.navigation. When a page finds itself run that way, it switches the legacy mode off
    and reruns, so dashboard.py's st.navigation resolves the same URL.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def render_shell() -> None:
    """Initialise state (from the URL on a session's first run), follow a page switch a chart
    click asked for, draw the sidebar, write the URL, and show URL notices and the selection."""
    ensure_navigation()
    cache.ensure_static_font()  # once per server process; `make run` has normally done it already
    state.init_state(get_active_document().language)
    codebook = get_codebook()
    url_sync.restore_from_url(codebook)
    selection.run_pending_navigation()
    downloads.render_download_style()
    render_sidebar(get_active_document(), codebook)
    url_sync.write_url()
    lang = state.get_lang()
    url_sync.render_url_notices(lang)
    selection.render_selection_bar(codebook, lang)
