"""The URL as view state: read st.query_params into session state once per session (what cannot be
restored gets a notice), and write the current state back on every run, so the address bar can be
shared. The rules are in policylens.view.url_state; the page is the URL path (st.navigation).
"""

from __future__ import annotations

import streamlit as st

from policylens import schema
from policylens.documents.loader import Document
from policylens.i18n import t
from policylens.indicators.labels import FOCUS_CITY, YEAR_BOUNDS
from policylens.markup import t_md
from policylens.text.kwic import query_for_term
from policylens.text.pillars import Codebook
from policylens.ui import cache, corpus, state
from policylens.ui.library import SEED_ID, get_library
from policylens.ui.selection import select_indicator
from policylens.ui.settings import get_segmenter, settings_key
from policylens.view import url_state

DEFAULT_CITIES = [FOCUS_CITY]


def _server_corpora() -> dict[str, str]:
    """Name -> id of the corpora the server offers (the ones a link can name)."""
    return {e.label: cid for cid, e in corpus.get_corpora().items() if cid.startswith(corpus.SERVER_PREFIX)}


def _known(codebook: Codebook, vocabulary: frozenset[str] | None, documents: frozenset[str]) -> url_state.KnownValues:
    table = cache.get_indicators()
    years = (int(table[schema.YEAR].min()), int(table[schema.YEAR].max())) if len(table) else YEAR_BOUNDS
    return url_state.KnownValues(
        pillars=frozenset(codebook.ids),
        terms=vocabulary,
        documents=documents,
        indicators=frozenset(table[schema.INDICATOR_ID]),
        cities=frozenset(table[schema.CITY]),
        years=years,
        corpora=frozenset(_server_corpora()),
    )


def _vocabulary(document: Document, codebook: Codebook) -> frozenset[str]:

    segmenter = get_segmenter(codebook)
    analysis = cache.get_analysis(document.key, settings_key(codebook, segmenter), document, codebook, segmenter)
    return frozenset(analysis.term_counts[schema.TERM])


# The session-state key of each page control a link carries (url_state.CONTROLS).
CONTROL_KEYS = {
    "net_n": state.NETWORK_TOP_N,
    "net_minf": state.NETWORK_MIN_FREQUENCY,
    "net_minw": state.NETWORK_MIN_WEIGHT,
    "net_links": state.NETWORK_LINKS,
    "net_unit": state.NETWORK_UNIT,
    "net_measure": state.NETWORK_MEASURE,
    "net_color": state.NETWORK_COLOR_BY,
}
# The session-state keys a URL holds (current_view_state); Back to a URL without one restores its default.
VIEW_KEYS = (
    state.GLOBAL_PILLARS,
    state.SELECTION_TERM,
    state.DOCS_ACTIVE,
    state.INDICATORS_CITIES,
    state.INDICATORS_YEARS,
    state.INDICATORS_MEASURE,
    state.INDICATORS_SCALE,
    state.INDICATORS_VIEW,
    state.INDICATORS_BASE_YEAR,
    state.INDICATORS_BAR_YEAR,
    state.CORPUS_DATES,
    state.CORPUS_PLACES,
    state.CORPUS_TYPES,
    state.CORPUS_BY,
    state.CORPUS_TERMS,
    *CONTROL_KEYS.values(),
)


def reset_view_state() -> None:
    """Every key a URL holds back at its default (the indicator: none picked, the page's default)."""
    for key in VIEW_KEYS:
        value = state.DEFAULTS.get(key)
        st.session_state[key] = list(value) if isinstance(value, list) else value
    select_indicator(None)


def is_history_navigation() -> bool:
    """Whether this run is the browser's Back or Forward: the frontend reruns the app on the address
    it went back to and says so (ScriptRunContext.is_history_navigation, the flag Streamlit's own
    query-bound widgets follow). A page switch also changes the address (st.switch_page clears the
    query), so a changed address alone does not tell."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(getattr(ctx, "is_history_navigation", False))


def restore_from_url(codebook: Codebook) -> None:
    """Put the URL's valid view state into session state and keep notices for the rest: on a
    session's first run, and on the browser's Back or Forward to an address other than the one this
    app last wrote, so Back undoes a filter."""
    params = st.query_params.to_dict()
    if st.session_state.get(state.URL_RESTORED):
        if params == st.session_state.get(state.URL_WRITTEN, params) or not is_history_navigation():
            return
        reset_view_state()  # Back or Forward: what the address leaves out goes back to its default
    st.session_state[state.URL_RESTORED] = True
    if not params:
        return
    library = get_library()
    by_name = {doc.name: doc_id for doc_id, doc in library.items() if doc_id != SEED_ID}
    wanted = url_state.requested_document(params)
    if wanted in by_name:
        st.session_state[state.DOCS_ACTIVE] = by_name[wanted]
    document = library[st.session_state.get(state.DOCS_ACTIVE, SEED_ID)]
    vocabulary = _vocabulary(document, codebook) if params.get(url_state.TERM) else None
    view, notices = url_state.parse_view_state(params, _known(codebook, vocabulary, frozenset(by_name)))
    apply_view_state(view)
    st.session_state[state.URL_NOTICES] = notices


def apply_view_state(view: url_state.ViewState) -> None:
    """Session state from a parsed URL; parts the URL leaves out keep their defaults."""
    ss = st.session_state
    if view.pillars:
        ss[state.GLOBAL_PILLARS] = list(view.pillars)
    if view.term:
        ss[state.SELECTION_TERM] = view.term
        ss[state.KWIC_QUERY] = query_for_term(view.term)
    if view.lang:
        ss[state.GLOBAL_LANG] = view.lang
        ss[state.GLOBAL_LANG_SET_BY_USER] = True
    if view.indicator:
        select_indicator(view.indicator)
    if view.cities:
        ss[state.INDICATORS_CITIES] = list(view.cities)
    if view.years:
        ss[state.INDICATORS_YEARS] = view.years
    if view.mode:
        ss[state.INDICATORS_MEASURE] = view.mode
    if view.scale:
        ss[state.INDICATORS_SCALE] = view.scale
    if view.view:
        ss[state.INDICATORS_VIEW] = view.view
    if view.base_year:
        ss[state.INDICATORS_BASE_YEAR] = view.base_year
    if view.bar_year:
        ss[state.INDICATORS_BAR_YEAR] = view.bar_year
    if view.corpus:
        ss[state.CORPUS_ACTIVE] = _server_corpora().get(view.corpus)
    if view.corpus_dates:
        ss[state.CORPUS_DATES] = view.corpus_dates
    if view.places:
        ss[state.CORPUS_PLACES] = list(view.places)
    if view.types:
        ss[state.CORPUS_TYPES] = list(view.types)
    if view.by:
        ss[state.CORPUS_BY] = view.by
    if view.corpus_terms:
        ss[state.CORPUS_TERMS] = list(view.corpus_terms)
    for param, value in view.controls:
        ss[CONTROL_KEYS[param]] = value


def current_view_state() -> url_state.ViewState:
    """The shareable part of the session state (defaults left out)."""
    ss = st.session_state
    active = ss.get(state.DOCS_ACTIVE, SEED_ID)
    document = get_library().get(active) if active != SEED_ID else None
    cities = list(ss.get(state.INDICATORS_CITIES) or [])
    active = ss.get(state.CORPUS_ACTIVE) or ""
    entry = corpus.get_corpora().get(active) if active.startswith(corpus.SERVER_PREFIX) else None
    years = ss.get(state.INDICATORS_YEARS)
    return url_state.ViewState(
        pillars=state.get_pillars(),
        term=ss.get(state.SELECTION_TERM) or None,
        document=document.name if document is not None else None,
        lang=state.get_lang() if ss.get(state.GLOBAL_LANG_SET_BY_USER) else None,
        indicator=ss.get(state.INDICATORS_SELECTED) or None,
        cities=tuple(cities) if cities != DEFAULT_CITIES else (),
        years=tuple(years) if years else None,
        mode=ss.get(state.INDICATORS_MEASURE) if ss.get(state.INDICATORS_MEASURE) != url_state.MODES[0] else None,
        scale=ss.get(state.INDICATORS_SCALE) if ss.get(state.INDICATORS_SCALE) != url_state.SCALES[0] else None,
        view=ss.get(state.INDICATORS_VIEW) if ss.get(state.INDICATORS_VIEW) != url_state.VIEWS[0] else None,
        # the base and bar years only mean something in their measure and view
        base_year=ss.get(state.INDICATORS_BASE_YEAR) if ss.get(state.INDICATORS_MEASURE) == "indexed" else None,
        bar_year=ss.get(state.INDICATORS_BAR_YEAR) if ss.get(state.INDICATORS_VIEW) == "bar" else None,
        corpus=entry.label if entry is not None else None,
        corpus_dates=tuple(ss[state.CORPUS_DATES]) if ss.get(state.CORPUS_DATES) else None,
        places=tuple(ss.get(state.CORPUS_PLACES) or ()),
        types=tuple(ss.get(state.CORPUS_TYPES) or ()),
        by=ss.get(state.CORPUS_BY) if ss.get(state.CORPUS_BY) != state.DEFAULTS[state.CORPUS_BY] else None,
        corpus_terms=tuple(ss.get(state.CORPUS_TERMS) or ()),
        controls=tuple(
            (param, ss[key]) for param, key in CONTROL_KEYS.items() if key in ss and ss[key] != state.DEFAULTS.get(key)
        ),
    )


def write_url() -> None:
    """Keep the address bar equal to the current view state (only writes when it differs)."""
    wanted = url_state.build_query_params(current_view_state())
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)  # a new entry in the browser's history (Back returns to this one)
    st.session_state[state.URL_WRITTEN] = dict(wanted)


def dismiss_notices() -> None:
    st.session_state[state.URL_NOTICES] = []


def render_url_notices(lang: str) -> None:
    """What the opening link asked for but could not be shown, until dismissed."""
    notices = st.session_state.get(state.URL_NOTICES) or []
    if not notices:
        return
    lines = [t_md(n.key, lang, **n.values) for n in notices]  # the values come from the URL
    st.warning(
        t("url.notice.title", lang) + "\n\n" + "\n".join(f"- {line}" for line in lines), icon=":material/link_off:"
    )
    st.button(t("url.notice.dismiss", lang), key=state.URL_DISMISS, on_click=dismiss_notices)
