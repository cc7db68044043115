"""Linked views in Streamlit: chart clicks become the selection (pillar filter, term, indicator)
through on_select callbacks, the selection bar every page shows, and its one-click clear.

The rules live in policylens.view.selection; this module only moves them in and out of session state.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from policylens import schema
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.markup import render_markdown_html, t_html
from policylens.text.kwic import query_for_term
from policylens.text.pillars import Codebook
from policylens.ui import state
from policylens.view import selection as model

KWIC_PAGE = "pages/kwic.py"


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
    st.session_state[state.INDICATORS_SELECTED] = selection.indicator
    st.session_state[state.SELECTION_NONCE] = st.session_state.get(state.SELECTION_NONCE, 0) + 1


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


def handle_chart_click(key: str, kind: str, index: int = 0) -> None:
    """on_select callback of the chart with widget key ``key``."""
    apply_click(kind, selected_value(st.session_state.get(key), index))


def clear_selection() -> None:
    """on_click of the Clear button: all pillars, no term, no indicator."""
    store_selection(model.clear(get_selection()))


def run_pending_navigation() -> None:
    """Follow a page switch a callback asked for (callbacks cannot switch pages themselves)."""
    target = st.session_state.pop(state.NAV_PENDING, None)
    if target:
        st.switch_page(target)


def _indicator_label(indicator_id: str, lang: str) -> str:
    from policylens.ui import cache

    table = cache.get_indicators()
    rows = table[table[schema.INDICATOR_ID] == indicator_id]
    if rows.empty:
        return indicator_id
    return str(rows.iloc[0][schema.INDICATOR_ZH if lang == "zh" else schema.INDICATOR_EN])


def describe_selection(
    selection: model.Selection, codebook: Codebook, lang: str, render: Callable[..., str] = t
) -> list[str]:
    """One display phrase per selected part, in the UI language: plain text, or HTML with
    ``render=markup.t_html`` (the pillar labels, term and indicator name escaped)."""
    parts = []
    if selection.pillars:
        names = ", ".join(pillar_label(codebook, p, lang) for p in selection.pillars if p in codebook.ids)
        parts.append(render("selection.pillars", lang, pillars=names))
    if selection.term:
        parts.append(render("selection.term", lang, term=selection.term))
    if selection.indicator:
        parts.append(render("selection.indicator", lang, indicator=_indicator_label(selection.indicator, lang)))
    return parts


def render_selection_bar(codebook: Codebook, lang: str) -> None:
    """The current selection at the top of the page with a one-click Clear (nothing when empty)."""
    selection = get_selection()
    if selection.is_empty:
        return
    text, button = st.columns([6, 1], vertical_alignment="center")
    bar = render_markdown_html(
        "selection_bar.html",
        label=t_html("selection.label", lang),
        parts=describe_selection(selection, codebook, lang, render=t_html),
    )
    text.markdown(bar, unsafe_allow_html=True)
    button.button(
        t("selection.clear", lang),
        key="selection.clear",
        on_click=clear_selection,
        icon=":material/close:",
        width="stretch",
    )
