"""Every st.cache_data / st.cache_resource wrapper. Arguments are small and hashable.

Heavy libraries (wordcloud, networkx) are imported inside the wrappers that need them, so the
Overview does not pay for them at start-up.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import analysis, indicators, paths, schema
from policylens.documents import Document, load_document
from policylens.pillars import Codebook, load_codebook, parse_codebook
from policylens.segment import Segmenter, SegmenterConfig


@st.cache_resource(show_spinner=False)
def ensure_static_font() -> None:
    """Copy the CJK web font into static/ once per server process (not on every rerun)."""
    from policylens.fonts import install_static_font

    install_static_font()


@st.cache_resource(show_spinner=False)
def get_codebook() -> Codebook:
    """The shipped codebook (immutable dataclass)."""
    return load_codebook(paths.PILLARS_CODEBOOK)


@st.cache_resource(show_spinner=False)
def get_segmenter(config: SegmenterConfig) -> Segmenter:
    """One read-only segmenter per configuration, shared by sessions (its jieba is private)."""
    return Segmenter(config)


@st.cache_data(show_spinner=False)
def get_seed_document() -> Document:
    return load_document(paths.SEED_DOCUMENT)


@st.cache_resource(show_spinner=False, max_entries=16)
def get_codebook_from_text(toml_text: str) -> Codebook:
    """An edited codebook, parsed once per distinct text."""
    return parse_codebook(toml_text)


@st.cache_data(show_spinner=False, max_entries=16)
def get_analysis(
    document_key: str, settings_key: str, _document: Document, _codebook: Codebook, _segmenter: Segmenter
) -> analysis.Analysis:
    """Analysis of a document, keyed by its content hash and the codebook + segmenter settings."""
    return analysis.analyze_document(_document, _codebook, _segmenter)


@st.cache_data(show_spinner=False)
def get_indicators() -> pd.DataFrame:
    """The bundled, validated indicator table."""
    return indicators.load_indicators(paths.INDICATORS_TABLE)


@st.cache_data(show_spinner=False, max_entries=32)
def get_cloud(frequencies: tuple[tuple[str, int], ...], colors: tuple[tuple[str, str], ...]):
    """A rendered word cloud (0.7-1.0 s for 150 words at 800x400, so cached by its inputs)."""
    from policylens.clouds import CloudOptions, render_cloud  # wordcloud loads on first use

    return render_cloud(dict(frequencies), dict(colors), CloudOptions())


@st.cache_data(show_spinner=False, max_entries=8)
def get_token_spans(document_key: str, settings_key: str, _document: Document, _segmenter: Segmenter) -> tuple:
    """Every raw token with its span, per paragraph (keyword in context)."""
    from policylens.kwic import build_token_spans

    return build_token_spans(_document, _segmenter)


@st.cache_data(show_spinner=False, max_entries=8)
def get_term_statistics(document_key: str, settings_key: str, _analysis: analysis.Analysis, pillar_ids: tuple[str, ...]) -> pd.DataFrame:
    """Counts, relative frequencies and keyness per pillar for every term."""
    from policylens.keyness import build_term_statistics

    return build_term_statistics(_analysis.term_counts, _analysis.assignment, pillar_ids)


@st.cache_data(show_spinner=False, max_entries=16)
def get_network(
    document_key: str, settings_key: str, _analysis: analysis.Analysis, top_n: int, unit: str, measure: str, min_weight: float
) -> tuple:
    """(graph, positions, communities) of the co-occurrence network of the top terms."""
    # networkx takes about 0.5 s to import: only the network page pays for it
    from policylens.network import (
        build_cooccurrence,
        build_term_graph,
        count_term_frequencies,
        detect_communities,
        layout_graph,
    )

    edges = build_cooccurrence(_analysis.paragraph_terms, top_n, unit=unit, measure=measure)
    graph = build_term_graph(edges, count_term_frequencies(_analysis.paragraph_terms), min_weight)
    return graph, layout_graph(graph), detect_communities(graph)


@st.cache_data(show_spinner=False)
def get_headline_indicators(city: str) -> pd.DataFrame:
    """The city's best-covered indicators per pillar at their latest year (Overview)."""
    return indicators.select_headline_indicators(get_indicators(), city=city)


@st.cache_data(show_spinner=False, max_entries=64)
def get_indicator_catalogue(cities: tuple[str, ...], pillar_id: str) -> pd.DataFrame:
    """Indicators of one pillar with data for these cities, best covered first."""
    data = get_indicators()
    catalogue = indicators.list_indicators(data[data[schema.CITY].isin(cities)], (pillar_id,))
    return catalogue.sort_values([schema.N_YEARS, schema.INDICATOR_ID], ascending=[False, True], kind="stable")


@st.cache_data(show_spinner=False, max_entries=128)
def get_indicator_figure(indicator_id: str, cities: tuple[str, ...], lang: str, color: str) -> dict:
    """The indicator chart as plotly JSON (the data is cached; Streamlit draws a fresh figure)."""
    from policylens.indicator_figures import build_indicator_figure

    data = get_indicators()
    rows = data[(data[schema.INDICATOR_ID] == indicator_id) & data[schema.CITY].isin(cities)]
    return build_indicator_figure(rows, lang=lang, pillar_color=color).to_plotly_json()


@st.cache_resource(show_spinner=False)
def get_image_export_problem():
    """Why this server cannot make PNG/SVG (image_export.ExportUnavailable), or None; checked once."""
    from policylens.image_export import check_image_export

    return check_image_export()


@st.cache_data(show_spinner=False, max_entries=32)
def get_cloud_figure(frequencies: tuple[tuple[str, int], ...], colors: tuple[tuple[str, str], ...], title: str,
                     source: str) -> dict:
    """The interactive cloud (same layout as get_cloud's image) as plotly JSON: rebuilt per run, not held."""
    from policylens.clouds import build_cloud_figure

    return build_cloud_figure(get_cloud(frequencies, colors), title, source).to_plotly_json()
