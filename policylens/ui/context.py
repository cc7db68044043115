"""The per-run context every page starts from: document, codebook, segmenter, analysis, filters."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from policylens.documents.loader import Document
from policylens.i18n import t
from policylens.text.analysis import Analysis
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.ui import cache, state
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook, get_segmenter
from policylens.ui.shell import render_shell
from policylens.ui.widgets import exports


@dataclass(frozen=True)
class PageContext:
    document: Document
    codebook: Codebook
    analysis: Analysis
    segmenter: Segmenter
    lang: str
    pillars: tuple[str, ...]  # empty = all
    settings_key: str  # codebook + segmenter settings, for cache keys
    term: str | None = None  # the selected term (linked views)

    @property
    def source_line(self) -> str:
        return t("figure.source.document", self.lang, name=self.document.name)


def build_context() -> PageContext:
    """Draw the shell, then gather everything a page needs (cached underneath); the sidebar's view
    exports (bundle, report) are drawn here, and the page's charts and tables join the bundle."""
    render_shell()
    document = get_active_document()
    codebook = get_codebook()
    segmenter = get_segmenter(codebook)
    key = f"{hash(codebook)}:{hash(segmenter.config)}"
    ctx = PageContext(
        document=document,
        codebook=codebook,
        analysis=cache.get_analysis(document.key, key, document, codebook, segmenter),
        segmenter=segmenter,
        lang=state.get_lang(),
        pillars=state.get_pillars(),
        settings_key=key,
        term=st.session_state.get(state.SELECTION_TERM),
    )
    exports.render_view_exports(ctx, exports.begin_view())
    return ctx
