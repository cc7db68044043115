"""The per-run context every page starts from: document, codebook, analysis and filters."""

from __future__ import annotations

from dataclasses import dataclass

from policylens.analysis import Analysis, build_segmenter_config
from policylens.documents import Document
from policylens.pillars import Codebook
from policylens.segment import Segmenter
from policylens.ui import cache, state
from policylens.ui.context_doc import get_active_document
from policylens.ui.shell import render_shell


@dataclass(frozen=True)
class PageContext:
    document: Document
    codebook: Codebook
    analysis: Analysis
    segmenter: Segmenter
    lang: str
    pillars: tuple[str, ...]  # empty = all

    @property
    def source_line(self) -> str:
        from policylens.i18n import t

        return t("figure.source.document", self.lang, name=self.document.name)


def build_context() -> PageContext:
    """Gather everything a page needs; cheap on reruns (cached underneath)."""
    render_shell()
    document = get_active_document()
    codebook = cache.get_codebook()
    return PageContext(
        document=document,
        codebook=codebook,
        analysis=cache.get_analysis(document.sha256, document, codebook, str(hash(codebook))),
        segmenter=cache.get_segmenter(build_segmenter_config(codebook)),
        lang=state.get_lang(),
        pillars=state.get_pillars(),
    )
