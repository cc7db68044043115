"""The session's analysis settings: its codebook and its segmenter (locked terms, stopword edits)."""

from __future__ import annotations

import dataclasses
import hashlib

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
    the segmenter settings (user dictionary, stopword edits). A digest of their full repr, not hash():
    in CPython hash(-1.0) == hash(-2.0), so two codebooks would share the key of the cache that every
    session of the server shares."""
    return hashlib.sha256(f"{codebook!r}\0{segmenter.config!r}".encode()).hexdigest()[:32]
