"""The linked-view selection in session state: read it, write it (``select_indicator`` is the one
writer of the chosen indicator), the on_select callbacks that turn a chart click into it (pillar
filter, term, indicator), the Clear button's callback, and the page switch a callback asks for.

The rules live in policylens.view.selection; the selection bar that shows it is ui/selection_bar.py.
"""

from __future__ import annotations

import streamlit as st

from policylens.text.kwic import query_for_term
from policylens.ui import state
from policylens.view import selection as model

KWIC_PAGE = "pages/kwic.py"
CORPUS_KWIC_PAGE = "pages/corpus_kwic.py"
CORPUS_TERM = "corpus_term"  # a click on a term of a corpus chart: read it in the corpus's contexts


def get_selection() -> model.Selection:
    """The current selection, read from the persistent state keys."""
    return model.Selection(
        pillars=state.get_pillars(),
        term=st.session_state.get(state.SELECTION_TERM),
        indicator=st.session_state.get(state.INDICATORS_SELECTED),
    )


def store_selection(selection: model.Selection) -> None:
    """Write a selection back to state; selectable charts are redrawn without a stale highlight."""
    st.session_state[state.GLOBAL_PILLARS] = list(selection.pillars)
    st.session_state[state.SELECTION_TERM] = selection.term
    if selection.indicator != st.session_state.get(state.INDICATORS_SELECTED):
        select_indicator(selection.indicator)
    st.session_state[state.SELECTION_NONCE] = st.session_state.get(state.SELECTION_NONCE, 0) + 1


def select_indicator(indicator_id: str | None) -> None:
    """Choose the indicator every view shows (None: no explicit choice). The only writer of
    state.INDICATORS_SELECTED: the pickers, chart clicks, the URL, the "open" buttons and a new upload
    all come here; the Indicators pickers (and their pillar) follow it on the next run."""
    st.session_state[state.INDICATORS_SELECTED] = indicator_id or None
    # the pillar picker may still hold a pillar without indicators the user was looking at: drop it
    st.session_state.pop(state.INDICATORS_PILLAR_PICKER, None)


def chart_key(base: str) -> str:
    """The widget key of a selectable chart: a handled click gives the chart a fresh key, so the
    clicked point does not stay selected (and dimmed around) once the state has taken it over."""
    return f"{base}.sel{st.session_state.get(state.SELECTION_NONCE, 0)}"


def selected_value(event: object, index: int = 0) -> object | None:
    """Item ``index`` of the customdata of the first selected point that has one (or the scalar)."""
    if isinstance(event, dict):
        points = event.get("selection", {}).get("points", [])
    else:
        points = getattr(getattr(event, "selection", None), "points", [])
    for point in points or []:
        custom = point.get("customdata")
        if isinstance(custom, (list, tuple)):
            custom = custom[index] if len(custom) > index else None
        if custom not in (None, ""):
            return custom
    return None


def apply_click(kind: str, value: object) -> None:
    """Apply one chart click: a pillar filters every view; a term is selected, added to the
    distribution view and opened in keyword in context; an indicator is selected."""
    before = get_selection()
    after = model.apply_click(before, kind, value)
    if after == before and kind != model.TERM:
        return
    store_selection(after)
    if kind == model.TERM and after.term:
        st.session_state[state.KWIC_QUERY] = query_for_term(after.term)
        st.session_state[state.NAV_PENDING] = KWIC_PAGE


def apply_corpus_term(value: object) -> None:
    """A term clicked on a corpus chart: selected, and opened in the corpus's keyword in context."""
    after = model.apply_click(get_selection(), model.TERM, value)
    if not after.term:
        return
    store_selection(after)
    st.session_state[state.CORPUS_KWIC_QUERY] = query_for_term(after.term)
    st.session_state[state.CORPUS_KWIC_PAGE] = 1
    request_page(CORPUS_KWIC_PAGE)


def handle_chart_click(key: str, kind: str, index: int = 0) -> None:
    """on_select callback of the chart with widget key ``key``."""
    value = selected_value(st.session_state.get(key), index)
    if kind == CORPUS_TERM:
        apply_corpus_term(value)
    else:
        apply_click(kind, value)


def request_page(page: str) -> None:
    """Switch to the page file `page` at the start of the next run (a callback cannot switch itself)."""
    st.session_state[state.NAV_PENDING] = page


def clear_selection() -> None:
    """on_click of the Clear button: all pillars, no term, no indicator."""
    store_selection(model.clear(get_selection()))


def run_pending_navigation() -> None:
    """Follow a page switch a callback asked for (callbacks cannot switch pages themselves)."""
    target = st.session_state.pop(state.NAV_PENDING, None)
    if target:
        st.switch_page(target)
