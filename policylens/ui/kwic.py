"""The keyword-in-context page's state: the query it opens on, the Chinese match mode, the count line."""

from __future__ import annotations

import streamlit as st

from policylens import schema
from policylens.i18n import t
from policylens.text.keyterms import SCORE, rank_key_terms
from policylens.text.kwic import query_for_term
from policylens.text.terms import filter_paragraphs
from policylens.ui import cache, state
from policylens.ui.context import PageContext


def top_key_term(ctx: PageContext) -> str | None:
    """The first term of the key-term ranking the Terms page shows (same pillars), or None."""
    analysis = ctx.analysis
    key_counts = cache.get_key_term_counts(ctx.document.key, ctx.settings_key, analysis, ctx.segmenter)
    kept = filter_paragraphs(analysis.assignment, analysis.assignment, ctx.pillars)[schema.PARAGRAPH].to_list()
    ranked = rank_key_terms(key_counts, kept if ctx.pillars else None)
    ranked = ranked[ranked[SCORE] > 0]
    return None if ranked.empty else str(ranked[schema.TERM].iloc[0])


def open_query(ctx: PageContext) -> None:
    """Before the search box is drawn: a page that has no query yet (None; a link's or a chart's
    term is one) opens on the document's top key term. A query the page filled in itself follows
    the document when another one is chosen; one the user typed or cleared stays."""
    ss = st.session_state
    query, opened = ss.get(state.KWIC_QUERY), ss.get(state.KWIC_OPENED_ON)
    stale = opened is not None and opened[1] == query and opened[0] != ctx.document.key
    if query is None or stale:
        term = top_key_term(ctx)
        ss[state.KWIC_QUERY] = query_for_term(term) if term else ""
        ss[state.KWIC_OPENED_ON] = (ctx.document.key, ss[state.KWIC_QUERY])


def render_match_mode(ctx: PageContext) -> bool:
    """For a Chinese document, one line saying that a word also matches inside longer words, with the
    switch to whole words (jieba's tokens). Returns `inside_words` for find_keyword_in_context."""
    if ctx.document.language != "zh":
        return False
    whole = bool(st.session_state.get(state.KWIC_WHOLE_WORDS))  # the switch's on_change has stored it
    row = st.container(horizontal=True, vertical_alignment="center", gap="medium")  # wraps when narrow
    row.caption(t("kwic.mode_whole" if whole else "kwic.mode_inside", ctx.lang), width="stretch")
    row.toggle(
        t("kwic.whole_words", ctx.lang), help=t("kwic.whole_words_help", ctx.lang), **state.bind(state.KWIC_WHOLE_WORDS)
    )
    return not whole


def count_line(n: int, paragraphs: int, lang: str) -> str:
    """ "1 occurrence in 1 paragraph", "12 occurrences in 5 paragraphs"; Chinese has no plural."""
    return t(
        "kwic.count",
        lang,
        occurrences=t("kwic.occurrences.one" if n == 1 else "kwic.occurrences.other", lang, n=n),
        paragraphs=t("kwic.paragraphs.one" if paragraphs == 1 else "kwic.paragraphs.other", lang, n=paragraphs),
    )
