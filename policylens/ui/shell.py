"""The app shell dashboard.py draws once per rerun around the page st.navigation picks: state
defaults and the view state from the URL (before st.navigation, whose titles follow the language a
shared link may set), then the page switch a chart click asked for, the CJK web font, the global
sidebar with the view's Export section, the URL write, and the URL notices and selection bar above
the page. It returns the page's context (ui.context); pages draw no shell. The widgets keep their
values across pages through the persistent keys of ui/state.py.
"""

from __future__ import annotations

import functools
import json

import streamlit as st

from policylens import paths
from policylens.fonts.web import URL_PREFIX, ensure_font_css
from policylens.ui import cache, downloads, heavy, selection, selection_bar, state, url_sync
from policylens.ui.context import PageContext, load_context
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook
from policylens.ui.sidebar import render_sidebar
from policylens.ui.widgets.exports import render_view_exports


def restore_state() -> str:
    """Put the defaults in state and, on a session's first run, the view state of the URL; returns
    the UI language."""
    state.init_state(get_active_document().language)
    url_sync.restore_from_url(get_codebook())
    return state.get_lang()


@functools.cache
def _font_stylesheet() -> str | None:
    return ensure_font_css(paths.STATIC_DIR)


def render_font_faces() -> None:
    """Link the sliced CJK web font's stylesheet (fonts.web.ensure_font_css) when the theme declares
    no face: the launcher empties theme.fontFaces once the slices are built. A bare `streamlit run
    dashboard.py` keeps config.toml's one face of the whole font, and links nothing more."""
    declared = st.get_option("theme.fontFaces")
    if isinstance(declared, str):
        declared = json.loads(declared or "[]")
    name = None if declared else _font_stylesheet()
    if name:
        base = (st.get_option("server.baseUrlPath") or "").strip("/")
        href = ("/" + base if base else "") + f"/{URL_PREFIX}{name}"
        st.html(f'<style>@import url("{href}");</style>')


def render_shell() -> PageContext:
    """Follow a page switch a chart click asked for (st.switch_page: after st.navigation), draw the
    sidebar and its view exports, write the URL, and show URL notices and the selection. Returns the
    context of the page to run; its `exports` record is the one the sidebar's bundle button holds,
    so whatever the page draws afterwards is in the bundle."""
    selection.run_pending_navigation()
    cache.ensure_static_font()  # once per server process; `make run` has normally done it already
    render_font_faces()
    codebook = get_codebook()
    downloads.render_download_style()
    render_sidebar(get_active_document(), codebook)
    with heavy.analysing(get_active_document(), state.get_lang()):  # a large one: a notice and Cancel
        ctx = load_context()  # after the sidebar: the document, filters and language it has just set
    render_view_exports(ctx)
    url_sync.write_url()
    url_sync.render_url_notices(ctx.lang)
    selection_bar.render_selection_bar(ctx.codebook, ctx.lang)
    return ctx
