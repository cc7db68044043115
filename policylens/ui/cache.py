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


@st.cache_data(show_spinner=False, max_entries=64)
def get_headline_grid(city: str, pillars: tuple[str, ...], lang: str, pillar_labels: tuple[tuple[str, str], ...]):
    """HTML of the city's best-covered indicators per pillar at their latest year (the Overview's
    cards; None when the filter's pillars have none): a short string, where the table behind it
    cost every rerun an unpickled DataFrame and a dozen template renders."""
    from policylens.figures.overview import build_headline_grid

    table = indicators.select_headline_indicators(get_indicators(), city=city)
    if pillars:
        table = table[table[schema.PILLAR].isin(pillars)]
    return build_headline_grid(table, dict(pillar_labels), lang)


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
