"""render_* helpers that link an indicator to the text: the passages of the current document that
use an indicator's keywords, the indicator selected on another chart, and the indicators whose
keywords meet a term.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import schema
from policylens.documents.loader import LANGUAGE_LABELS
from policylens.i18n import t
from policylens.indicators.labels import indicator_name
from policylens.indicators.targets import KEYWORD, LANGUAGE
from policylens.indicators.upload import BUNDLED_DATASET, DATASET
from policylens.markup import t_md
from policylens.text.kwic import END, MATCH, START
from policylens.ui import indicator_cache, state
from policylens.ui.context import PageContext
from policylens.ui.indicator_data import IndicatorData
from policylens.ui.selection import select_indicator
from policylens.ui.widgets import elements as widgets

MAX_PARAGRAPHS = 10
KWIC_WINDOW = 20
INDICATORS_PAGE = "pages/indicators.py"


def _uploaded_rows(view: IndicatorData) -> pd.DataFrame | None:
    """The rows of the view that come from uploads (None when it is the bundled table alone): only
    they get keywords from their names; a bundled indicator has its own, or none on purpose."""
    if view.key == BUNDLED_DATASET:
        return None
    data = view.data
    return data[data[DATASET] != BUNDLED_DATASET] if DATASET in data else data


def render_indicator_text(ctx: PageContext, view: IndicatorData, indicator: pd.Series, lang: str) -> None:
    """The paragraphs and KWIC lines of the current document that speak about the indicator."""
    document = ctx.document
    keywords = indicator_cache.get_view_keywords(view.key, _uploaded_rows(view))
    mine = keywords[
        (keywords[schema.INDICATOR_ID] == indicator[schema.INDICATOR_ID]) & (keywords[LANGUAGE] == document.language)
    ][KEYWORD].tolist()
    if not mine:
        st.info(t("indicators.text.no_keywords", lang, language=t(LANGUAGE_LABELS[document.language], lang)))
        return
    st.caption(t_md("indicators.text.keywords", lang, keywords=", ".join(mine)))
    paragraphs, lines = indicator_cache.get_indicator_text_links(
        document.key,
        indicator[schema.INDICATOR_ID],
        document.language,
        KWIC_WINDOW,
        tuple(document.paragraphs),
        view.key,
        _uploaded_rows(view),
    )
    if not paragraphs:
        st.info(t_md("indicators.text.none", lang, name=document.name))
        return
    st.caption(t_md("indicators.text.count", lang, n=len(paragraphs), name=document.name))
    pillar_of = dict(zip(ctx.analysis.assignment[schema.PARAGRAPH], ctx.analysis.assignment[schema.PILLAR]))
    widgets.render_kwic_lines(
        lines.assign(**{schema.PILLAR: lines[schema.PARAGRAPH].map(pillar_of)}), ctx.codebook, lang
    )
    for paragraph in paragraphs[:MAX_PARAGRAPHS]:
        hits = lines[lines[schema.PARAGRAPH] == paragraph]
        widgets.render_paragraph(
            ctx.analysis,
            ctx.segmenter,
            ctx.codebook,
            paragraph,
            lang,
            spans=list(zip(hits[START], hits[END], hits[MATCH])),
        )


def render_selected_indicator_text(ctx: PageContext, view: IndicatorData, rows: pd.DataFrame, lang: str) -> None:
    """Under a chart whose points select an indicator: the selected indicator's passages in the
    document, and a button that opens it on the Indicators page."""
    selected = st.session_state.get(state.INDICATORS_SELECTED)
    picked = rows[rows[schema.INDICATOR_ID] == selected] if selected else rows.iloc[0:0]
    if picked.empty:
        return
    row = picked.iloc[0]
    st.subheader(t_md("coverage.selected", lang, name=indicator_name(row, lang)))
    st.button(
        t("coverage.open", lang),
        icon=":material/monitoring:",
        key=state.COVERAGE_OPEN,
        on_click=_open_indicator,
        args=(selected, INDICATORS_PAGE),
    )
    render_indicator_text(ctx, view, row, lang)


def _open_indicator(indicator_id: str, page: str | None = None) -> None:
    """on_click: choose this indicator, so the Indicators pickers show it (going to ``page`` first, if given)."""
    select_indicator(indicator_id)
    if page:
        st.session_state[state.NAV_PENDING] = page  # callbacks cannot switch pages; the shell does


def render_linked_indicators(ctx: PageContext, view: IndicatorData, lang: str) -> None:
    """The indicators whose keywords meet a term the user types (or the term selected in another
    view, e.g. a click in the term bars), else the codebook terms of the pillars in view."""
    typed = st.text_input(t("indicators.linked.term", lang), **state.bind(state.INDICATORS_LINK_TERM)).strip()
    term = typed or (st.session_state.get(state.SELECTION_TERM) or "").strip()
    if term:
        terms, what = (term,), t_md("indicators.linked.what_term", lang, term=term)  # Markdown
    else:
        pillars = [p for p in ctx.codebook.pillars if not ctx.pillars or p.id in ctx.pillars]
        terms = tuple(sorted({w for p in pillars for lang_ in ("zh", "en") for w in p.terms(lang_)}))
        what = t_md("indicators.linked.what_pillars", lang, names=", ".join(p.label(lang) for p in pillars))
    catalogue = indicator_cache.get_full_catalogue(view.key, view.data)
    linked = (
        catalogue.set_index(schema.INDICATOR_ID)
        .reindex(
            [
                i
                for i in indicator_cache.get_linked_indicators(terms, view.key, _uploaded_rows(view))
                if i in set(catalogue[schema.INDICATOR_ID])
            ]
        )
        .reset_index()
    )
    if linked.empty:
        st.info(t("indicators.linked.none", lang, what=what))
        return
    st.caption(t("indicators.linked.count", lang, n=len(linked), what=what))
    st.dataframe(
        pd.DataFrame(
            {
                t("column.pillar", lang): [
                    ctx.codebook.get(p).label(lang) if p in ctx.codebook.ids else p for p in linked[schema.PILLAR]
                ],
                t("column.indicator", lang): [indicator_name(r, lang) for r in linked.to_dict("records")],
                t("column.years_with_data", lang): linked[schema.N_YEARS],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in linked.to_dict("records")}
    pillar_of = dict(zip(linked[schema.INDICATOR_ID], linked[schema.PILLAR]))
    left, right = st.columns([4, 1])
    chosen = left.selectbox(
        t("indicators.indicator", lang),
        list(labels),
        format_func=labels.get,
        key=state.INDICATORS_LINKED_PICK,
        label_visibility="collapsed",
    )
    if pillar_of[chosen] in ctx.codebook.ids:
        right.button(
            t("indicators.linked.open", lang),
            key=state.INDICATORS_LINKED_OPEN,
            on_click=_open_indicator,
            args=(chosen,),
        )
