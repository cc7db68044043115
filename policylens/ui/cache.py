"""Every st.cache_data / st.cache_resource wrapper. Arguments are small and hashable.

Memory comes back two ways. What is derived from one document or dataset (`per_document`) is
shared by every session for what ships with the app (the seed, the bundled indicators) and held per
session for what a user loaded, so it goes when that session ends; it also expires after
DOCUMENT_TTL. And every st.cache_data entry counts against the server's byte budget
(`server.maxCacheDataSize` in .streamlit/config.toml), which evicts the least recently used, on top
of each function's max_entries.

Core modules are imported inside the wrappers that need them, on purpose and not to break a cycle:
heavy libraries (wordcloud, networkx, kaleido, openpyxl) and the indicator and figure modules load
on the first page that uses them, so the Overview does not pay for them at start-up.
"""

from __future__ import annotations

import datetime
import functools
import inspect

import pandas as pd
import streamlit as st

from policylens import paths, schema
from policylens.documents.loader import Document, load_document
from policylens.indicators import table as indicators
from policylens.text import analysis
from policylens.text.pillars import Codebook, load_codebook, parse_codebook
from policylens.text.segment import Segmenter, SegmenterConfig
from policylens.ui import heavy

TARGET_ROW = "target_row"  # in get_target_matches: the matched target's row in the targets table
DOCUMENT_TTL = "1h"  # how long a result derived from one document or dataset is kept (per_document)
KEYED_ON = ("document_key", "dataset_key", "dataset_ids")  # what a per_document result is derived from


@functools.cache
def _seed_key() -> str:
    return get_seed_document().key


def _ships_with_the_app(keys: dict) -> bool:
    """Whether every document or dataset named in `keys` (KEYED_ON) is bundled: the seed, "bundled"."""
    from policylens.indicators.upload import BUNDLED_DATASET

    document, dataset, datasets = (keys.get(name) for name in KEYED_ON)
    return (
        document in (None, _seed_key())
        and dataset in (None, BUNDLED_DATASET)
        and all(i == BUNDLED_DATASET for i in datasets or ())
    )


def per_document(**options):
    """st.cache_data(**options) for a function of one document or dataset (an argument named in
    KEYED_ON): one cache shared by every session for what ships with the app, one scoped to the
    session for a user's uploads (dropped when the session ends); both expire after DOCUMENT_TTL."""

    def wrap(function):
        shared = st.cache_data(show_spinner=False, ttl=DOCUMENT_TTL, **options)(function)
        own = st.cache_data(show_spinner=False, ttl=DOCUMENT_TTL, scope="session", **options)(function)
        signature = inspect.signature(function)
        if not any(name in signature.parameters for name in KEYED_ON):
            raise TypeError(f"{function.__name__} names no document or dataset ({', '.join(KEYED_ON)})")

        @functools.wraps(function)
        def call(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            keys = {name: bound.arguments.get(name) for name in KEYED_ON}
            return (shared if _ships_with_the_app(keys) else own)(*args, **kwargs)

        return call

    return wrap


@st.cache_resource(show_spinner=False)
def ensure_static_font() -> None:
    """Copy the CJK web font into static/ once per server process (not on every rerun)."""
    from policylens.fonts.bundled import install_static_font

    install_static_font()


@st.cache_resource(show_spinner=False)
def get_codebook() -> Codebook:
    """The shipped codebook (immutable dataclass)."""
    return load_codebook(paths.PILLARS_CODEBOOK)


SEGMENTERS = 6  # configurations kept: each Chinese dictionary built costs about 70 MB


@functools.lru_cache(maxsize=SEGMENTERS)
def get_segmenter(config: SegmenterConfig) -> Segmenter:
    """One read-only segmenter per configuration, shared by sessions (its jieba is private). An
    lru_cache, not st.cache_resource: the config is a frozen dataclass, hashed and compared as it is,
    where Streamlit's hasher walked its term lists on every call (3.5 ms of every rerun under load).
    Bounded: a session's every dictionary edit is a new configuration."""
    return Segmenter(config)


DRAWN_FIGURE_MAX_JSON = 256_000  # characters: larger figures (a word cloud's image) are not kept


@st.cache_resource(show_spinner=False, max_entries=128, ttl=DOCUMENT_TTL)
def _get_drawn_figure(spec: str, _figure: dict):
    import plotly.graph_objects as go

    return go.Figure(_figure)


def drawable_figure(figure):
    """What st.plotly_chart is given for a figure's plotly JSON: the plotly Figure built from it, one
    per distinct JSON, shared by every session and only ever read. Given a dict, st.plotly_chart
    builds that Figure on every rerun to validate it (3-5 ms a chart, 14 ms of an Overview rerun for
    figures the cached builders validated already); keyed by the whole JSON, a session can only get
    the figure it had. At most 128 figures of up to 256,000 characters each (32 MB); a larger one is
    handed over as it is."""
    if not isinstance(figure, dict):
        return figure
    import plotly.io as pio

    spec = pio.to_json(figure, validate=False)
    return figure if len(spec) > DRAWN_FIGURE_MAX_JSON else _get_drawn_figure(spec, figure)


@functools.cache
def get_seed_document() -> Document:
    """The seed, one object for the process: a Document is frozen, its text in strings and tuples,
    and the seed ships with the app. (st.cache_data unpickled a copy on each of the 26 calls of an
    Overview rerun, and even st.cache_resource's own bookkeeping cost 0.2 ms a call.)"""
    return load_document(paths.SEED_DOCUMENT)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_codebook_from_text(toml_text: str) -> Codebook:
    """An edited codebook, parsed once per distinct text."""
    return parse_codebook(toml_text)


@per_document(max_entries=16)
def get_analysis(
    document_key: str,
    settings_key: str,
    _document: Document,
    _codebook: Codebook,
    _segmenter: Segmenter,
    _examples: tuple = (),
) -> analysis.Analysis:
    """Analysis of a document, keyed by its content hash and the codebook + segmenter settings
    (which, with confirmed examples, include ui.check.examples_key of them). The tokens are cached
    apart, so a new confirmed example re-classifies without tokenising again."""
    if heavy.is_large(_document):  # tokenised and classified in a worker: the server stays free
        key = f"analysis:{document_key}:{settings_key}"
        return heavy.in_worker(
            key, analysis.analyze_document, _segmenter.config, _document, _codebook, examples=_examples
        )
    terms = get_paragraph_terms(document_key, repr(_segmenter.config), _document, _segmenter)
    return analysis.analyze_document(_document, _codebook, _segmenter, _examples, terms)


@per_document(max_entries=16)
def get_paragraph_terms(document_key: str, segmenter_key: str, _document: Document, _segmenter: Segmenter) -> tuple:
    """Every paragraph's content terms, keyed by the document and the segmenter's settings."""
    return analysis.tokenize_document(_document, _segmenter)


@st.cache_data(show_spinner=False)
def get_indicators() -> pd.DataFrame:
    """The bundled, validated indicator table."""
    return indicators.load_indicators(paths.INDICATORS_TABLE)


@st.cache_data(show_spinner=False, max_entries=32)
def get_cloud(frequencies: tuple[tuple[str, int], ...], colors: tuple[tuple[str, str], ...]):
    """A rendered word cloud (0.7-1.0 s for 150 words at 800x400, so cached by its inputs)."""
    from policylens.figures.clouds import CloudOptions, render_cloud  # wordcloud loads on first use

    return render_cloud(dict(frequencies), dict(colors), CloudOptions())


@per_document(max_entries=16)
def get_key_term_counts(document_key: str, settings_key: str, _analysis: analysis.Analysis, _segmenter: Segmenter):
    """The document's key-term candidates with its compounds merged (text.keyterms.count_key_terms)."""
    from policylens.text.keyterms import count_key_terms

    if heavy.is_large(_analysis.document):
        return heavy.in_worker(f"keyterms:{document_key}:{settings_key}", count_key_terms, _segmenter.config, _analysis)
    return count_key_terms(_analysis, _segmenter)


@per_document(max_entries=8)
def get_token_spans(document_key: str, settings_key: str, _document: Document, _segmenter: Segmenter) -> tuple:
    """Every raw token with its span, per paragraph (keyword in context)."""
    from policylens.text.kwic import build_token_spans

    if heavy.is_large(_document):
        return heavy.in_worker(f"spans:{document_key}:{settings_key}", build_token_spans, _segmenter.config, _document)
    return build_token_spans(_document, _segmenter)


@per_document(max_entries=8)
def get_term_statistics(
    document_key: str, settings_key: str, _analysis: analysis.Analysis, pillar_ids: tuple[str, ...]
) -> pd.DataFrame:
    """Counts, relative frequencies and keyness per pillar for every term."""
    from policylens.text.keyness import build_term_statistics

    return build_term_statistics(_analysis.term_counts, _analysis.assignment, pillar_ids)


@per_document(max_entries=16)
def get_network(
    document_key: str,
    settings_key: str,
    _analysis: analysis.Analysis,
    top_n: int,
    unit: str,
    measure: str,
    min_weight: float,
    min_frequency: int = 1,
    links: str = "backbone",
) -> tuple:
    """(graph, positions, communities) of the co-occurrence network of the top terms."""
    from policylens.text.network import build_network  # networkx loads inside the functions that build a graph

    return build_network(
        _analysis.paragraph_terms, top_n, unit, measure, min_weight, min_frequency=min_frequency, links=links
    )


@st.cache_data(show_spinner=False)
def get_headline_indicators(city: str) -> pd.DataFrame:
    """The city's best-covered indicators per pillar at their latest year (Overview)."""
    return indicators.select_headline_indicators(get_indicators(), city=city)


# ---- indicator views: every function is keyed on the dataset in view ("bundled", an upload id, or
# several joined by "+"); the table itself is passed as `_data`, outside the hash.


@per_document(max_entries=8)
def get_combined_indicators(
    dataset_ids: tuple[str, ...], _uploads: tuple[tuple[str, pd.DataFrame], ...]
) -> pd.DataFrame:
    """Several datasets stacked with a `dataset` column (indicator_io.combine_indicator_tables)."""
    from policylens.indicators.upload import BUNDLED_DATASET, combine_indicator_tables

    uploads = dict(_uploads)
    return combine_indicator_tables({i: get_indicators() if i == BUNDLED_DATASET else uploads[i] for i in dataset_ids})


@per_document(max_entries=64)
def get_indicator_catalogue(dataset_key: str, pillar_id: str, _data: pd.DataFrame) -> pd.DataFrame:
    """Indicators of one pillar in the dataset, best covered first (indicators.list_indicators)."""
    catalogue = indicators.list_indicators(_data, (pillar_id,))
    return catalogue.sort_values([schema.N_YEARS, schema.INDICATOR_ID], ascending=[False, True], kind="stable")


@per_document(max_entries=32)
def get_full_catalogue(dataset_key: str, _data: pd.DataFrame) -> pd.DataFrame:
    """Every indicator of the dataset (indicators.list_indicators)."""
    return indicators.list_indicators(_data)


@per_document(max_entries=128)
def get_view_series(dataset_key: str, spec, _data: pd.DataFrame) -> pd.DataFrame:
    """One indicator for the chosen cities in the chosen measure, within the time range (indicator_views)."""
    from policylens.indicators.views import view_series

    return view_series(_data, spec)


@per_document(max_entries=128)
def get_view_figure(dataset_key: str, spec, lang: str, _data: pd.DataFrame) -> dict:
    """The figure of a view spec as plotly JSON (the data is cached; Streamlit draws a fresh figure)."""
    from policylens.figures.indicator_views import build_view_figure

    return build_view_figure(_data, spec, lang).to_plotly_json()


@per_document(max_entries=64)
def get_coverage_figure(
    dataset_key: str,
    cities: tuple[str, ...],
    pillar_ids: tuple[str, ...],
    lang: str,
    source: str,
    _data: pd.DataFrame,
) -> dict | None:
    """The indicator × year coverage of the chosen cities and pillars as plotly JSON; None when empty."""
    from policylens.figures.indicators import build_coverage_figure
    from policylens.indicators.labels import indicator_name

    rows = _data[_data[schema.CITY].isin(cities) & _data[schema.PILLAR].isin(pillar_ids)]
    if rows.empty:
        return None
    catalogue = indicators.list_indicators(rows)
    labels = {r[schema.INDICATOR_ID]: indicator_name(r, lang) for r in catalogue.to_dict("records")}
    return build_coverage_figure(indicators.summarise_coverage(rows), lang, labels, source or None).to_plotly_json()


@st.cache_data(show_spinner=False)
def get_indicator_keywords() -> pd.DataFrame:
    """data/indicators/keywords.csv (targets.load_indicator_keywords)."""
    from policylens.indicators.targets import load_indicator_keywords

    return load_indicator_keywords()


@per_document(max_entries=16)
def get_view_keywords(dataset_key: str, _table: pd.DataFrame | None) -> pd.DataFrame:
    """The keywords of the indicators in view (dataset ids `dataset_key`): the bundled ones, plus an
    uploaded indicator's own names (targets.keywords_for_table)."""
    from policylens.indicators.targets import keywords_for_table

    bundled = get_indicator_keywords()
    return bundled if _table is None else keywords_for_table(_table, bundled)


@per_document(max_entries=64)
def get_linked_indicators(
    terms: tuple[str, ...], dataset_key: str = "bundled", _table: pd.DataFrame | None = None
) -> list[str]:
    """Indicator ids whose keywords meet the terms (targets.find_linked_indicators)."""
    from policylens.indicators.targets import find_linked_indicators

    return find_linked_indicators(terms, get_view_keywords(dataset_key, _table))


@per_document(max_entries=64)
def get_indicator_text_links(
    document_key: str,
    indicator_id: str,
    language: str,
    window: int,
    _paragraphs: tuple[str, ...],
    dataset_key: str = "bundled",
    _table: pd.DataFrame | None = None,
) -> tuple[list[int], pd.DataFrame]:
    """The paragraphs that speak about the indicator (targets.find_linked_paragraphs) and the KWIC
    lines of its keywords in them (kwic.KWIC_COLUMNS); `dataset_key` names the datasets in view."""
    from policylens.indicators.targets import find_linked_paragraphs, fold_text, keyword_patterns
    from policylens.text.kwic import find_patterns_in_context

    keywords = get_view_keywords(dataset_key, _table)
    paragraphs = find_linked_paragraphs(_paragraphs, indicator_id, keywords, language)
    patterns = keyword_patterns(indicator_id, keywords, language)
    return paragraphs, find_patterns_in_context(_paragraphs, patterns, window, language=language, fold=fold_text)


@per_document(max_entries=16)
def get_targets(
    document_key: str, _paragraphs: tuple[str, ...], language: str, date: datetime.date | None = None
) -> pd.DataFrame:
    """The document's numeric targets (targets.extract_targets), years judged against its `date`."""
    from policylens.indicators.targets import extract_targets

    return extract_targets(_paragraphs, language if language in ("zh", "en") else "en", document_date=date)


@per_document(max_entries=32)
def get_target_matches(
    document_key: str, dataset_key: str, _targets: pd.DataFrame, _data: pd.DataFrame
) -> pd.DataFrame:
    """Targets paired with the indicators of the dataset they name (targets.match_targets_to_indicators),
    with TARGET_ROW: the target's row in the targets table."""
    from policylens.indicators.targets import SENTENCE, START, match_targets_to_indicators

    numbered = _targets.reset_index(drop=True)
    matches = match_targets_to_indicators(numbered, get_full_catalogue(dataset_key, _data), get_indicator_keywords())
    identity = [schema.PARAGRAPH, START, SENTENCE]
    order = {tuple(r): i for i, r in enumerate(numbered[identity].itertuples(index=False))}
    return matches.assign(**{TARGET_ROW: [order[tuple(r)] for r in matches[identity].itertuples(index=False)]})


@per_document(max_entries=32)
def get_target_figure(
    dataset_key: str,
    document_key: str,
    target: int,
    indicator_id: str,
    city: str,
    lang: str,
    document_name: str,
    _data: pd.DataFrame,
    _targets: pd.DataFrame,
) -> tuple[dict, bool]:
    """A target against one city's series, as plotly JSON, and whether the target could be drawn."""
    from policylens.figures.indicator_views import build_target_figure

    rows = _data[(_data[schema.INDICATOR_ID] == indicator_id) & (_data[schema.CITY] == city)]
    figure, drawn = build_target_figure(rows, _targets.iloc[target].to_dict(), document_name, lang)
    return figure.to_plotly_json(), drawn


@st.cache_resource(show_spinner=False)
def get_image_export_problem():
    """Why this server cannot make PNG/SVG (image_export.ExportUnavailable), or None; checked once."""
    from policylens.export.images import check_image_export

    return check_image_export()


@st.cache_data(show_spinner=False, max_entries=32)
def get_cloud_figure(
    frequencies: tuple[tuple[str, int], ...], colors: tuple[tuple[str, str], ...], title: str, source: str
) -> dict:
    """The interactive cloud (same layout as get_cloud's image) as plotly JSON: rebuilt per run, not held."""
    from policylens.figures.clouds import build_cloud_figure

    return build_cloud_figure(get_cloud(frequencies, colors), title, source).to_plotly_json()


@per_document(max_entries=64)
def get_overview_summary(document_key: str, settings_key: str, pillars: tuple[str, ...], _analysis) -> tuple:
    """(summary, filtered summary or None, classified paragraphs) of the Overview
    (figures.overview.summarise_view): drawn before its charts are built."""
    from policylens.figures.overview import summarise_view

    view = summarise_view(_analysis, pillars)
    return view.summary, view.shown, view.classified


@per_document(max_entries=64)
def get_overview(
    document_key: str,
    settings_key: str,
    pillars: tuple[str, ...],
    lang: str,
    source: str,
    highlight: str | None,
    _analysis: analysis.Analysis,
    _codebook: Codebook,
) -> tuple:
    """(pillar-share chart, ((pillar id, top-term chart or None), ...)) of the Overview, as plotly
    JSON: a filter change back to a view seen before costs no figure build."""
    from policylens.figures.overview import build_overview

    view = build_overview(_analysis, _codebook, pillars, lang, source, highlight)
    return (
        view.share_figure.to_plotly_json(),
        tuple((pid, None if fig is None else fig.to_plotly_json()) for pid, fig in view.term_figures),
    )
