"""The selection bar above every page: the current linked-view selection in words (pillar filter,
term, indicator) and its one-click Clear. The state and callbacks are ui/selection.py.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from policylens import schema
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.indicators.labels import indicator_name
from policylens.markup import render_markdown_html, t_html
from policylens.text.pillars import Codebook
from policylens.ui import cache, state
from policylens.ui.selection import clear_selection, get_selection
from policylens.view import selection as model


def _indicator_label(indicator_id: str, lang: str) -> str:
    """The selected indicator's name in the bundled table (its id when the table does not hold it)."""
    table = cache.get_indicators()
    rows = table[table[schema.INDICATOR_ID] == indicator_id]
    return indicator_id if rows.empty else indicator_name(rows.iloc[0], lang)


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
        key=state.SELECTION_CLEAR,
        on_click=clear_selection,
        icon=":material/close:",
        width="stretch",
    )
