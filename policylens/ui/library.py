"""The session's document library: the bundled seed plus this user's uploads and pasted texts.

Uploads live in this session's state only, so one user's documents never reach another session.
A file that fails to load leaves the library and the active document as they were.
"""

from __future__ import annotations

import streamlit as st

from policylens.documents.loader import Document, DocumentError, load_document_bytes, load_pasted_text
from policylens.i18n import t
from policylens.markup import clean_file_name, t_md
from policylens.ui import cache, state
from policylens.ui.inbox import UploadInbox

SEED_ID = "seed"
# The Chinese wording of each DocumentError code; in English the loader's own, more detailed message is shown.
ERROR_LABELS = {
    "empty": "docs.error.empty",
    "too_large": "docs.error.too_large",
    "binary": "docs.error.binary",
    "encoding": "docs.error.encoding",
    "unsupported": "docs.error.unsupported",
    "docx": "docs.error.docx",
    "pdf": "docs.error.pdf",
    "pdf_encrypted": "docs.error.pdf_encrypted",
    "pdf_no_text": "docs.error.pdf_no_text",
    "no_text": "docs.error.no_text",
    "html": "docs.error.html",
    "unreadable": "docs.error.unreadable",
}


def get_library() -> dict[str, Document]:
    """Document id -> Document, the seed first."""
    return {SEED_ID: cache.get_seed_document(), **st.session_state.get(state.DOCS_LOADED, {})}


def get_active_document() -> Document:
    library = get_library()
    return library.get(st.session_state.get(state.DOCS_ACTIVE, SEED_ID), library[SEED_ID])


def add_document(document: Document) -> None:
    """Add a document to the session's library (or replace the one with its key) and make it active."""
    doc_id = document.key
    loaded = dict(st.session_state.get(state.DOCS_LOADED, {}))
    loaded[doc_id] = document
    st.session_state[state.DOCS_LOADED] = loaded
    st.session_state[state.DOCS_ACTIVE] = doc_id


def describe_error(exc: DocumentError, lang: str) -> str:
    """The loader's specific message in English; in Chinese, the wording for its error code."""
    key = ERROR_LABELS.get(getattr(exc, "code", "unreadable"))
    return t(key, lang) if lang == "zh" and key else str(exc)


INBOX = UploadInbox(state.DOCS_HANDLED, state.DOCS_NOTICES)
_notify = INBOX.notify


def clean_upload_name(raw: str, lang: str) -> tuple[str, str]:
    """(the name to keep, a Markdown note to add to the notice when the name had to be changed)."""
    name, renamed = clean_file_name(raw, t("upload.unnamed", lang))
    return name, (" " + t_md("upload.renamed", lang, name=name)) if renamed else ""


def load_uploads() -> None:
    """on_change of the uploader: load each new file; report each failure by name."""
    lang = state.get_lang()
    for upload in st.session_state.get(state.widget_key(state.DOCS_UPLOAD)) or []:
        data = upload.getvalue()
        if INBOX.first_time(upload.name, data) is None:
            continue
        name, note = clean_upload_name(upload.name, lang)  # a NUL or a bidi override must not be kept
        try:
            document = load_document_bytes(data, name)
        except DocumentError as exc:
            _notify("error", t_md("docs.failed", lang, name=name, reason=describe_error(exc, lang)) + note)
            continue
        add_document(document)
        _notify("success", t_md("docs.loaded", lang, name=document.name, encoding=document.encoding) + note)


def load_paste() -> None:
    """on_click of the paste button: load the pasted text as a document."""
    lang = state.get_lang()
    text = st.session_state.get(state.widget_key(state.DOCS_PASTE), "")
    try:
        document = load_pasted_text(text, name=t("docs.pasted_name", lang))
    except DocumentError as exc:
        _notify("error", t_md("docs.failed", lang, name=t("docs.pasted_name", lang), reason=describe_error(exc, lang)))
        return
    add_document(document)
    st.session_state[state.widget_key(state.DOCS_PASTE)] = ""
    _notify("success", t_md("docs.loaded", lang, name=document.name, encoding=document.encoding))


def render_notices() -> None:
    """The messages of the last loads, shown once."""
    INBOX.render_notices()
