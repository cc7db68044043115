"""The app shell every page needs: state defaults, the CJK web font and the global sidebar.

dashboard.py draws it before routing. Streamlit still runs a page file on its own when a `pages/`
folder sits beside the entry script (its legacy multipage mode, used for the first run of a server
process and by AppTest), so each page also calls ensure_shell(), which draws it only if missing.
"""

from __future__ import annotations

import streamlit as st

from policylens.fonts import install_static_font
from policylens.ui import cache, state, widgets
from policylens.ui.context import get_active_document

_SHELL_DRAWN = "global.shell_drawn"


def render_shell() -> None:
    """Initialise state and draw the sidebar for this run."""
    install_static_font()  # cheap when present; `make run` has normally done it already
    document = get_active_document()
    state.init_state(document.language)
    widgets.render_sidebar(document, cache.get_codebook())
    st.session_state[_SHELL_DRAWN] = True


def end_run() -> None:
    """Mark the end of a run, so the next run draws the shell again."""
    st.session_state[_SHELL_DRAWN] = False


def ensure_shell() -> None:
    """Draw the shell unless dashboard.py already did in this run."""
    if not st.session_state.get(_SHELL_DRAWN):
        render_shell()
