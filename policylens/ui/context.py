"""The per-run context every page starts from: document, codebook, segmenter, analysis, filters,
and the record of what the page draws for the sidebar's view exports. The shell (ui.shell, drawn
once per rerun by dashboard.py) loads it; dashboard.py serves it to the page, which reads it with
get_context() and draws no shell of its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import streamlit as st

from policylens.documents.loader import Document
from policylens.i18n import t
from policylens.text.analysis import Analysis
from policylens.text.pillars import Codebook
from policylens.text.segment import Segmenter
from policylens.ui import cache, check, navigation, state
from policylens.ui.library import get_active_document
from policylens.ui.settings import get_codebook, get_segmenter, settings_key
from policylens.ui.widgets.exports import ViewExports, record_view


@dataclass(frozen=True)
class PageContext:
    """What the page of this run is about, loaded once by the shell."""

    document: Document
    codebook: Codebook
    analysis: Analysis
    segmenter: Segmenter
    lang: str
    pillars: tuple[str, ...]  # empty = all
    settings_key: str  # codebook + segmenter settings, for cache keys
    term: str | None = None  # the selected term (linked views)
    # What the page draws (charts, tables, clouds): the sidebar's bundle, drawn before the page, holds
    # this record and builds the ZIP from it on click.
    exports: ViewExports = field(default_factory=ViewExports, compare=False)

    @property
    def source_line(self) -> str:
        return t("figure.source.document", self.lang, name=self.document.label)


def load_context() -> PageContext:
    """Gather everything a page needs (cached underneath), after the sidebar has set the filters.
    Draws nothing: the shell calls it."""
    document = get_active_document()
    codebook = get_codebook()
    segmenter = get_segmenter(codebook)
    key = settings_key(codebook, segmenter)
    examples = check.session_examples(codebook.classes)  # confirmed paragraphs teach it (Check page)
    return PageContext(
        document=document,
        codebook=codebook,
        analysis=cache.get_analysis(
            document.key, key + check.examples_key(examples), document, codebook, segmenter, examples
        ),
        segmenter=segmenter,
        lang=state.get_lang(),
        pillars=state.get_pillars(),
        settings_key=key,
        term=st.session_state.get(state.SELECTION_TERM),
    )


# The context of the page running now, set around page.run(). A context variable, not session
# state: session state cannot be touched once st.stop or st.rerun is under way, and the context
# must be gone before a later run that skips dashboard.py (see get_context).
_SERVED: ContextVar[PageContext | None] = ContextVar("policylens_page_context", default=None)


@contextmanager
def serve_context(ctx: PageContext) -> Iterator[None]:
    """Make `ctx` this run's context while the page runs (dashboard.py wraps page.run() in it), and
    `ctx.exports` the record the page's export buttons add to."""
    token = _SERVED.set(ctx)
    try:
        with record_view(ctx.exports):
            yield
    finally:
        _SERVED.reset(token)


def get_context() -> PageContext:
    """The context dashboard.py's shell loaded for this run; every page starts with it.

    A page that finds none was run by Streamlit's legacy `pages/` mode instead of through
    dashboard.py (a deep link on a server's first run): it is handed back, and the rerun goes
    through dashboard.py (ui.navigation)."""
    ctx = _SERVED.get()
    if ctx is None:
        navigation.route_through_dashboard(state.get_lang())
    return ctx
