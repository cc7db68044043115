"""The Overview's opening: what PolicyLens does and where to start, the document in view (its title,
what it is), and its summary numbers, for the pillar filter when one is set."""

from __future__ import annotations

import streamlit as st

from policylens.documents.loader import LANGUAGE_LABELS, Document
from policylens.documents.script import SCRIPT_LABELS
from policylens.documents.stats import DocumentSummary
from policylens.i18n import t
from policylens.markup import escape_markdown, t_md
from policylens.text.pillars import Codebook
from policylens.ui import cache

# Where a first-time reader goes next: (page file, icon, label key, what it answers).
START_LINKS = (
    ("pages/themes.py", ":material/segment:", "nav.themes", "overview.start.themes"),
    ("pages/terms.py", ":material/cloud:", "nav.terms", "overview.start.terms"),
    ("pages/indicators.py", ":material/monitoring:", "nav.indicators", "overview.start.indicators"),
    ("pages/corpus.py", ":material/library_books:", "nav.corpus", "overview.start.corpus"),
)


def render_intro(document: Document, codebook: Codebook, lang: str) -> None:
    """One line on what PolicyLens does, the document in view, and links to where to start."""
    pillars = " · ".join(f"{p.label_en} {p.label_zh}" for p in codebook.pillars)
    st.markdown(t_md("overview.intro", lang, pillars=pillars))
    with st.container(border=True):
        st.markdown(f"##### {escape_markdown(document.label)}")
        st.caption(describe_document(document, lang))
    with st.container(horizontal=True, gap="small"):
        for page, icon, label, hint in START_LINKS:
            st.page_link(page, label=t(label, lang), icon=icon, help=t(hint, lang))


def describe_document(document: Document, lang: str) -> str:
    """What the document is (for the bundled seed: a machine translation), its file and size."""
    parts = [t("overview.seed_note", lang)] if document.key == cache.get_seed_document().key else []
    parts.append(
        t_md(
            "overview.document_line",
            lang,
            name=document.name,
            language=t(LANGUAGE_LABELS[document.language], lang),
            paragraphs=len(document.paragraphs),
            characters=document.characters,
        )
    )
    return " · ".join(parts)


def render_document_summary(
    summary: DocumentSummary, shown: DocumentSummary | None, classified: int, pillars: str, lang: str
) -> None:
    """Paragraphs, sentences, characters, terms, vocabulary and classified paragraphs (for the
    filter's paragraphs when `shown` is set, against the whole document), then encoding and script.
    The metrics wrap to the width they get, so no label is cut."""
    view = shown or summary
    if shown is not None:
        st.info(
            t_md("overview.filtered", lang, pillars=pillars, paragraphs=shown.paragraphs, total=summary.paragraphs),
            icon=":material/filter_alt:",
        )
    with st.container(horizontal=True, gap="medium"):
        for key, value, whole in (
            ("overview.paragraphs", view.paragraphs, summary.paragraphs),
            ("overview.sentences", view.sentences, summary.sentences),
            ("overview.characters", view.characters, summary.characters),
            ("overview.tokens", view.tokens, summary.tokens),
            ("overview.vocabulary", view.vocabulary, summary.vocabulary),
        ):
            st.metric(
                t(key, lang),
                f"{value:,}",
                help=t("overview.of_document", lang, total=f"{whole:,}") if shown is not None else None,
                width="content",
            )
        if shown is None:
            st.metric(t("overview.classified", lang), f"{classified} / {summary.paragraphs}", width="content")
    encoding = t("script.n/a", lang) if summary.encoding == "n/a" else summary.encoding
    st.caption(t("overview.attributes", lang, encoding=encoding, script=t(SCRIPT_LABELS[summary.script], lang)))
