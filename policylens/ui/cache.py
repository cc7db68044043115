"""Every st.cache_data / st.cache_resource wrapper. Arguments are small and hashable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens import analysis, indicators, paths
from policylens.clouds import CloudOptions, CloudResult, render_cloud
from policylens.documents import Document, load_document
from policylens.pillars import Codebook, load_codebook
from policylens.segment import Segmenter, SegmenterConfig


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


@st.cache_data(show_spinner=False, max_entries=16)
def get_analysis(document_sha: str, _document: Document, _codebook: Codebook, codebook_key: str) -> analysis.Analysis:
    """Analysis of a document, keyed by its content hash and the codebook."""
    segmenter = get_segmenter(analysis.build_segmenter_config(_codebook))
    return analysis.analyze_document(_document, _codebook, segmenter)


@st.cache_data(show_spinner=False)
def get_indicators() -> pd.DataFrame:
    """The bundled, validated indicator table."""
    return indicators.load_indicators(paths.INDICATORS_TABLE)


@st.cache_data(show_spinner=False, max_entries=32)
def get_cloud(frequencies: tuple[tuple[str, int], ...], colors: tuple[tuple[str, str], ...]) -> CloudResult:
    """A rendered word cloud (0.7-1.0 s for 150 words at 800x400, so cached by its inputs)."""
    return render_cloud(dict(frequencies), dict(colors), CloudOptions())
