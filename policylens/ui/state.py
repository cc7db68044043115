"""Session-state keys (namespaced constants) and their defaults; all view state lives here."""

from __future__ import annotations

import streamlit as st

from policylens.i18n import LANGUAGES
from policylens.indicators.labels import FOCUS_CITY

GLOBAL_PILLARS = "global.pillars"
GLOBAL_LANG = "global.lang"
GLOBAL_LANG_SET_BY_USER = "global.lang_set_by_user"
THEMES_SHOW_GENERAL = "themes.show_general"
THEMES_PAGE = "themes.page"  # the page of paragraph cards (widgets.elements.render_pager)
PAGER_SCROLL = "pager.scroll"  # the pager whose bottom buttons turned the page: the next run scrolls to its top
KWIC_PAGE = "kwic.page"  # the page of KWIC lines
TERMS_TOP_N = "terms.top_n"
TERMS_RANK = "terms.rank"  # "key" (distinctive against general language) or "count"
INDICATORS_CITIES = "indicators.cities"
# issue 4: indicators UI
INDICATORS_DATASETS = "indicators.datasets"  # dataset id -> UploadedDataset (this session's uploads)
INDICATORS_DATASET_CHOICE = "indicators.dataset_choice"  # ids of the datasets in view ("bundled", uploads)
INDICATORS_UPLOAD = "indicators.upload"
INDICATORS_UPLOAD_HANDLED = "indicators.upload_handled"  # (name, sha256) of uploads already loaded or refused
INDICATORS_NOTICES = "indicators.notices"
# The indicator in view is INDICATORS_SELECTED alone (below); the two pickers are widget keys seeded
# from it each run (the pillar is the chosen indicator's own).
INDICATORS_PILLAR_PICKER = "widget.indicators.pillar"
INDICATORS_INDICATOR_PICKER = "widget.indicators.indicator"
INDICATORS_YEARS = "indicators.years"  # (first, last) of the time range, or None for all years
INDICATORS_MEASURE = "indicators.measure"  # absolute | indexed | growth
INDICATORS_BASE_YEAR = "indicators.base_year"
INDICATORS_SCALE = "indicators.scale"  # linear | log
INDICATORS_VIEW = "indicators.view"  # chart | bar | table | compare
INDICATORS_BAR_YEAR = "indicators.bar_year"
INDICATORS_LINK_TERM = "indicators.link_term"
TARGETS_PICK = "targets.pick"
TARGETS_CITY = "targets.city"
DOCS_LOADED = "docs.loaded"  # document id -> Document (this session's uploads)
DOCS_ACTIVE = "docs.active"
DOCS_UPLOAD = "docs.upload"
DOCS_PASTE = "docs.paste"
DOCS_NOTICES = "docs.notices"
DOCS_HANDLED = "docs.handled"  # (name, sha256) of uploads already loaded or refused
DOCS_REFUSED = "docs.refused"  # file name -> short reason, for the uploader's files that did not load
DOCS_PENDING = "docs.pending"  # ui.library.PendingLoad of each upload still being read, oldest first
DOCS_CANCEL = "docs.cancel"  # the Cancel buttons of the pending uploads (one key per upload: + its index)
HEAVY_JOBS = "heavy.jobs"  # ui.heavy: cache key -> the workers.Job computing it for a large document
HEAVY_DONE = "heavy.done"  # ui.heavy: keys of the large documents this session has analysed
HEAVY_CANCEL = "heavy.cancel"  # the Cancel button of a large document's analysis
CUSTOM_USER_WORDS = "custom.user_words"  # the session user dictionary (locked terms)
CUSTOM_STOPWORD_EDITS = "custom.stopword_edits"  # ((language, "add"|"remove", word), ...)
KWIC_QUERY = "kwic.query"  # None until the page opens: then the document's top key term (ui.kwic)
KWIC_OPENED_ON = "kwic.opened_on"  # (document key, query) the page filled in itself
KWIC_WHOLE_WORDS = "kwic.whole_words"  # Chinese: whole tokens only, not inside longer words
KWIC_WINDOW = "kwic.window"
KWIC_SORT = "kwic.sort"
STATS_PILLAR = "statistics.pillar"
NETWORK_TOP_N = "network.top_n"
NETWORK_UNIT = "network.unit"
NETWORK_MEASURE = "network.measure"
NETWORK_MIN_WEIGHT = "network.min_weight"
NETWORK_COLOR_BY = "network.color_by"
NETWORK_MIN_FREQUENCY = "network.min_frequency"  # terms occurring fewer times take no part
NETWORK_LINKS = "network.links"  # text.network.LINKS: backbone | tree | all
DISTRIBUTION_TERMS = "distribution.terms"
DICTIONARY_OWN_TERMS = "dictionary.own_terms"
DICTIONARY_LAST_LOCK = "dictionary.last_lock"
CUSTOM_CODEBOOK = "custom.codebook"  # TOML text of an edited codebook, or None for the shipped one
CHECK_LABELS = "check.labels"  # {document key: {paragraph: ui.check.ConfirmedLabel}}, replaced on change
CHECK_LEARN = "check.learn"  # confirmed paragraphs teach the classifier (default on)
# issue 5: linked views, shareable URL and exports
SELECTION_TERM = "global.term"  # the selected term (linked views), or None
SELECTION_NONCE = "global.selection_nonce"  # bumped when a click is handled: selectable charts start fresh
# The chosen indicator id (pickers, chart clicks, links, uploads), or None: no choice yet, the first
# indicator of the first pillar in view. Written only by ui.selection.select_indicator.
INDICATORS_SELECTED = "indicators.selected"
DISTRIBUTION_SEEN_TERM = "distribution.seen_term"  # the selected term already added to the distribution
NAV_PENDING = "nav.pending"  # a page file to switch to at the start of the next run (set by callbacks)
URL_RESTORED = "url.restored"  # the URL was read into state (once per session)
URL_NOTICES = "url.notices"  # url_state.Notice list of what the opening URL could not restore
URL_WRITTEN = "url.written"  # the query parameters write_url last put in the address bar
NAV_PAGES = "nav.pages"  # ui.navigation.session_pages: (language, the st.navigation table) of this session
DOWNLOAD_OWNER = "export.download_owner"  # ui.downloads owner object: its tokens live as long as the session
TERMS_CLOUD_WIDTH = "terms.cloud_width"  # PNG export width of the cloud, px
# issue 12: corpus mode (ui/corpus.py)
CORPUS_OPENED = "corpus.opened"  # corpus id -> ui.corpus.CorpusEntry (this session's own ingests)
CORPUS_ACTIVE = "corpus.active"  # the id of the corpus in view, or None (the first on offer)
CORPUS_JOB = "corpus.job"  # the running ui.corpus.IngestJob, or None
CORPUS_NOTICE = "corpus.notice"  # (level, Markdown) of the last ingest, shown once
CORPUS_EDITS = "corpus.edits"  # corpus id -> DataFrame of metadata overrides (doc_id + fields), or None
CORPUS_DATES = "corpus.dates"  # (from, to) ISO dates of the corpus filter (either may be ""), or None
CORPUS_PLACES = "corpus.places"
CORPUS_TYPES = "corpus.types"
CORPUS_BY = "corpus.by"  # month | quarter | year
CORPUS_FIELD = "corpus.field"  # the metadata field of the by-place views (place, type, level, issuer)
CORPUS_TERMS = "corpus.terms"  # the terms of the trend chart
CORPUS_MEASURE = "corpus.measure"  # per_10k | count
CORPUS_SPLIT = "corpus.split"  # how .txt/.md files are cut into documents: "none" or a sources.SPLIT_RULES name
CORPUS_UPLOAD = "corpus.upload"
CORPUS_COMPARE_A = "corpus.compare_a"  # filter text of sub-corpus A
CORPUS_COMPARE_B = "corpus.compare_b"  # filter text of sub-corpus B ("rest": everything else)
CORPUS_KWIC_QUERY = "corpus.kwic_query"
CORPUS_KWIC_WINDOW = "corpus.kwic_window"
CORPUS_KWIC_SORT = "corpus.kwic_sort"
CORPUS_KWIC_PAGE = "corpus.kwic_page"
CORPUS_NETWORK_PERIOD = "corpus.network_period"
CORPUS_NETWORK_TOP_N = "corpus.network_top_n"
CORPUS_NETWORK_MEASURE = "corpus.network_measure"
CORPUS_NETWORK_MIN_WEIGHT = "corpus.network_min_weight"
CORPUS_NUMBERS_PILLAR = "corpus.numbers_pillar"
CORPUS_NUMBERS_INDICATOR = "corpus.numbers_indicator"
CORPUS_NUMBERS_CITIES = "corpus.numbers_cities"

# Widget keys: each widget's stable identity (values that are read back live in the keys above).
CHECK_ORDER = "check.order"
CORPUS_CANCEL = "corpus.cancel"
CORPUS_INGEST = "corpus.ingest"
CORPUS_REMOVE = "corpus.remove"
CORPUS_PICK = "corpus.pick"
CORPUS_EDITOR = "corpus.editor"
CORPUS_EDITS_APPLY = "corpus.edits_apply"
CORPUS_EDITS_CLEAR = "corpus.edits_clear"
CORPUS_EDITS_UPLOAD = "corpus.edits_upload"
CORPUS_DOCUMENTS = "corpus.documents"
CORPUS_OPEN_DOCUMENT = "corpus.open_document"
CORPUS_OPEN_PICK = "corpus.open_pick"  # the document the Open button opens
CORPUS_DOCUMENTS_ROW = "corpus.documents_row"  # the table row selected last (it sets the pick once)
CORPUS_CHART_DOCUMENTS = "corpus.chart.documents"
CORPUS_CHART_FIELD = "corpus.chart.field"
CORPUS_CHART_PILLARS = "corpus.chart.pillars"
CORPUS_CHART_HEATMAP = "corpus.chart.heatmap"
CORPUS_CHART_TERMS = "corpus.chart.terms"
CORPUS_CHART_COMPARE = "corpus.chart.compare"
CORPUS_CHART_NETWORK = "corpus.chart.network"
CORPUS_CHART_NUMBERS = "corpus.chart.numbers"
CHECK_UNCONFIRMED_ONLY = "check.unconfirmed_only"
CHECK_PAGE = "check.page"
CHECK_LEARN_TOGGLE = "check.learn_toggle"
CHECK_DOWNLOAD = "check.download"
CHECK_UPLOAD = "check.upload"
CHECK_IMPORT = "check.import"
CHECK_CLEAR = "check.clear"
CHECK_IMPORT_RESULT = "check.import_result"  # what the last import found, shown after its rerun
CHECK_LABEL_PREFIX = "check.label."  # + document key + "." + paragraph: the label control of one paragraph
CODEBOOK_APPLY = "codebook.apply"
CODEBOOK_APPLY_UPLOAD = "codebook.apply_upload"
CODEBOOK_DOWNLOAD = "codebook.download"
CODEBOOK_MIN_MARGIN = "codebook.min_margin"
CODEBOOK_MIN_SCORE = "codebook.min_score"
CODEBOOK_RULE_WEIGHT = "codebook.rule_weight"
CODEBOOK_SECONDARY_MIN = "codebook.secondary_min"
CODEBOOK_USE_MODEL = "codebook.use_model"
CODEBOOK_IGNORE = "codebook.ignore"
CODEBOOK_PATTERNS_EDITOR = "codebook.patterns_editor"
CODEBOOK_PILLARS_EDITOR = "codebook.pillars_editor"
CODEBOOK_RESET = "codebook.reset"
CODEBOOK_TERMS_EDITOR = "codebook.terms_editor"
CODEBOOK_UPLOAD = "codebook.upload"
COVERAGE_CHART = "coverage.chart"
COVERAGE_OPEN = "coverage.open"
DICTIONARY_ADD = "dictionary.add"
DICTIONARY_ADD_BUTTON = "dictionary.add_button"
DICTIONARY_APPLY_UPLOAD = "dictionary.apply_upload"
DICTIONARY_DOWNLOAD = "dictionary.download"
DICTIONARY_LOCK = "dictionary.lock"
DICTIONARY_REMOVE = "dictionary.remove"
DICTIONARY_REMOVE_BUTTON = "dictionary.remove_button"
DICTIONARY_STOP_APPLY = "dictionary.stop_apply"
DICTIONARY_STOP_DOWNLOAD = "dictionary.stop_download"
DICTIONARY_STOP_UPLOAD = "dictionary.stop_upload"
DICTIONARY_STOPWORD_LANGUAGE = "dictionary.stopword_language"
DICTIONARY_UPLOAD = "dictionary.upload"
DICTIONARY_USER_WORDS = "dictionary.user_words"
DISTRIBUTION_CHART = "distribution.chart"
DOCS_PASTE_BUTTON = "docs.paste_button"
EXPORT_BUNDLE = "export.bundle"
EXPORT_REPORT = "export.report"
INDICATORS_CHART = "indicators.chart"
INDICATORS_LINKED_OPEN = "indicators.linked_open"
INDICATORS_LINKED_PICK = "indicators.linked_pick"
KWIC_READ_PARAGRAPH = "kwic.read_paragraph"
NETWORK_CHART = "network.chart"
OVERVIEW_SHARE = "overview.share"
OVERVIEW_TERMS = "overview.terms"
SELECTION_CLEAR = "selection.clear"
STATISTICS_KEYNESS = "statistics.keyness"
STATISTICS_KEYNESS_PILLAR = "statistics.keyness_pillar"
TARGETS_CHART = "targets.chart"
TERMS_BAR = "terms.bar"
TERMS_CLOUD = "terms.cloud"
THEMES_MAP = "themes.map"
URL_DISMISS = "url.dismiss"

DEFAULTS: dict[str, object] = {
    GLOBAL_PILLARS: [],
    THEMES_SHOW_GENERAL: True,
    THEMES_PAGE: 1,
    KWIC_PAGE: 1,
    TERMS_TOP_N: 40,
    TERMS_RANK: "key",
    INDICATORS_CITIES: [FOCUS_CITY],
    INDICATORS_DATASET_CHOICE: ["bundled"],
    INDICATORS_YEARS: None,
    INDICATORS_MEASURE: "absolute",
    INDICATORS_BASE_YEAR: None,
    INDICATORS_SCALE: "linear",
    INDICATORS_VIEW: "chart",
    INDICATORS_BAR_YEAR: None,
    INDICATORS_LINK_TERM: "",
    TARGETS_PICK: 0,
    TARGETS_CITY: FOCUS_CITY,
    DOCS_ACTIVE: "seed",
    CUSTOM_USER_WORDS: (),
    CUSTOM_STOPWORD_EDITS: (),
    CUSTOM_CODEBOOK: None,
    DICTIONARY_OWN_TERMS: "",
    KWIC_QUERY: None,
    KWIC_WHOLE_WORDS: False,
    KWIC_WINDOW: 20,
    KWIC_SORT: "position",
    STATS_PILLAR: None,
    NETWORK_TOP_N: 30,
    NETWORK_UNIT: "paragraph",
    NETWORK_MEASURE: "jaccard",
    NETWORK_MIN_WEIGHT: 0.2,
    NETWORK_COLOR_BY: "pillar",
    NETWORK_MIN_FREQUENCY: 2,
    NETWORK_LINKS: "backbone",
    DISTRIBUTION_TERMS: [],
    SELECTION_TERM: None,
    SELECTION_NONCE: 0,
    INDICATORS_SELECTED: None,
    TERMS_CLOUD_WIDTH: 1600,
    CORPUS_OPENED: {},
    CORPUS_ACTIVE: None,
    CORPUS_JOB: None,
    CORPUS_EDITS: {},
    CORPUS_DATES: None,
    CORPUS_PLACES: [],
    CORPUS_TYPES: [],
    CORPUS_BY: "year",
    CORPUS_FIELD: "place",
    CORPUS_TERMS: [],
    CORPUS_MEASURE: "per_10k",
    CORPUS_SPLIT: "h2",
    CORPUS_COMPARE_A: "",
    CORPUS_COMPARE_B: "rest",
    CORPUS_KWIC_QUERY: "",
    CORPUS_KWIC_WINDOW: 20,
    CORPUS_KWIC_SORT: "date",
    CORPUS_KWIC_PAGE: 1,
    CORPUS_NETWORK_PERIOD: None,
    CORPUS_NETWORK_TOP_N: 40,
    CORPUS_NETWORK_MIN_WEIGHT: 0.15,
    CORPUS_NETWORK_MEASURE: "jaccard",
    CORPUS_NUMBERS_PILLAR: None,
    CORPUS_NUMBERS_INDICATOR: "rd_intensity_pct",
    CORPUS_NUMBERS_CITIES: [FOCUS_CITY],
}


def init_state(document_language: str) -> None:
    """Put every default in session state once; the UI language follows the document at first."""
    for key, value in DEFAULTS.items():
        fresh = list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict) else value
        st.session_state.setdefault(key, fresh)  # a session's own list or dict, never the shared default
    if not st.session_state.get(GLOBAL_LANG_SET_BY_USER):
        st.session_state[GLOBAL_LANG] = document_language if document_language in LANGUAGES else "en"


def get_lang() -> str:
    """The UI language; anything unexpected in state falls back to English."""
    lang = st.session_state.get(GLOBAL_LANG)
    return lang if lang in LANGUAGES else "en"


def get_pillars() -> tuple[str, ...]:
    """The pillar filter as a tuple of ids; empty means all pillars."""
    return tuple(st.session_state.get(GLOBAL_PILLARS, []))


def widget_key(key: str) -> str:
    """The key of the widget that edits the persistent state `key`.

    Streamlit ties a widget's value to the page that draws it, so the sidebar widgets (drawn by
    every page) keep their value in a plain state key and the widget is re-seeded from it each run.
    """
    return f"widget.{key}"


def seed_widget(key: str) -> str:
    """Copy the persistent value into the widget's key before the widget is drawn; return that key."""
    st.session_state[widget_key(key)] = st.session_state[key]
    return widget_key(key)


def bind(key: str) -> dict:
    """Keyword arguments that tie a widget to the persistent state `key`: `st.slider(..., **bind(K))`."""
    return {"key": seed_widget(key), "on_change": store_widget, "args": (key,)}


def store_widget(key: str) -> None:
    """on_change callback: copy the widget's new value back into the persistent key."""
    st.session_state[key] = st.session_state[widget_key(key)]
    if key == GLOBAL_LANG:
        # once the user picks a language, the document no longer decides it
        st.session_state[GLOBAL_LANG_SET_BY_USER] = True
