"""The app shell every page draws first: state defaults, the CJK web font and the global sidebar.

Pages draw it (through context.build_context), not dashboard.py: Streamlit runs a page file on its
own when a `pages/` folder sits beside the entry script (its legacy multipage mode, used for the
first run of a server process and by AppTest), and the sidebar must be there in both cases. The
widgets keep their values across pages because every page draws them with the same keys.
"""

from __future__ import annotations

from policylens.fonts import install_static_font
from policylens.ui import state
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook
from policylens.ui.sidebar import render_sidebar


def render_shell() -> None:
    """Initialise state and draw the sidebar for this run."""
    install_static_font()  # cheap when present; `make run` has normally done it already
    document = get_active_document()
    state.init_state(document.language)
    render_sidebar(document, get_codebook())
