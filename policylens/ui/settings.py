"""The session's analysis settings: its codebook and its segmenter (locked terms, stopword edits)."""

from __future__ import annotations

import dataclasses

import streamlit as st

from policylens.text.analysis import build_segmenter_config
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.ui import cache, state


def get_codebook() -> Codebook:
    """The session's edited codebook, or the shipped one."""
    custom = st.session_state.get(state.CUSTOM_CODEBOOK)
    return cache.get_codebook_from_text(custom) if custom else cache.get_codebook()


def get_segmenter(codebook: Codebook) -> Segmenter:
    """The segmenter for this codebook plus the session's locked terms and stopword edits."""
    config = dataclasses.replace(
        build_segmenter_config(codebook),
        user_words_zh=tuple(st.session_state.get(state.CUSTOM_USER_WORDS, ())),
        stopword_edits=tuple(st.session_state.get(state.CUSTOM_STOPWORD_EDITS, ())),
    )
    return cache.get_segmenter(config)


def settings_key(codebook: Codebook, segmenter: Segmenter) -> str:
    """The cache key of everything besides the document that changes an analysis: the codebook and
    the segmenter settings (user dictionary, stopword edits)."""
    return f"{hash(codebook)}:{hash(segmenter.config)}"
