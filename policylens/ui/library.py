"""The session's document library: the bundled seed plus this user's uploads and pasted texts.

Uploads live in this session's state only, so one user's documents never reach another session.
A file that fails to load leaves the library and the active document as they were.
"""

from __future__ import annotations

import streamlit as st

from policylens.documents.loader import (
    NO_ENCODING,
    Document,
    DocumentError,
    load_document_bytes,
    load_pasted_text,
)
from policylens.i18n import LANGUAGES, t
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
    "package_entries": "docs.error.package_entries",  # documents.formats.package_problem
    "package_unpacked": "docs.error.package_unpacked",
    "package_xml": "docs.error.package_xml",
    "pdf": "docs.error.pdf",
    "pdf_encrypted": "docs.error.pdf_encrypted",
    "pdf_no_text": "docs.error.pdf_no_text",
    "no_text": "docs.error.no_text",
    "html": "docs.error.html",
    "unreadable": "docs.error.unreadable",
    "too_long": "docs.error.too_long",
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
NOTICES_BOX = "docs.notices_box"  # the key of the notices' container (locale.render_uploader_chrome hides it)


def _each_language(key: str, note: dict[str, str] | None = None, **values: object) -> dict[str, str]:
    """A notice in every UI language: the language may change before it is drawn (a first upload of a
    Chinese document switches the UI to Chinese unless the user chose a language)."""
    return {lang: t_md(key, lang, **values) + (note or {}).get(lang, "") for lang in LANGUAGES}


def _loaded(document: Document, note: dict[str, str] | None = None) -> dict[str, str]:
    if document.encoding == NO_ENCODING:  # pasted text, .docx, .pdf: no text encoding to report
        return _each_language("docs.loaded_plain", note, name=document.name)
    return _each_language("docs.loaded", note, name=document.name, encoding=document.encoding.upper())


def _failed(name: str, exc: DocumentError, note: dict[str, str] | None = None) -> dict[str, str]:
    return {
        lang: t_md("docs.failed", lang, name=name, reason=describe_error(exc, lang)) + (note or {}).get(lang, "")
        for lang in LANGUAGES
    }


def clean_upload_name(raw: str, lang: str) -> tuple[str, str]:
    """(the name to keep, a Markdown note to add to the notice when the name had to be changed)."""
    name, renamed = clean_file_name(raw, t("upload.unnamed", lang))
    return name, (" " + t_md("upload.renamed", lang, name=name)) if renamed else ""


def get_refused() -> dict[str, str]:
    """Upload name -> the error code of each listed file that did not load (the uploader marks it)."""
    return st.session_state.get(state.DOCS_REFUSED, {})


def load_uploads() -> None:
    """on_change of the uploader: load each new file; report each failure by name, replacing the
    notices of the files before, and remember it so the uploader marks the file as not loaded."""
    lang = state.get_lang()
    refused = dict(get_refused())
    for upload in st.session_state.get(state.widget_key(state.DOCS_UPLOAD)) or []:
        data = upload.getvalue()
        if INBOX.first_time(upload.name, data) is None:
            continue
        name, _ = clean_upload_name(upload.name, lang)  # a NUL or a bidi override must not be kept
        note = {code: clean_upload_name(upload.name, code)[1] for code in LANGUAGES}
        try:
            document = load_document_bytes(data, name)
        except DocumentError as exc:
            refused[upload.name] = getattr(exc, "code", "unreadable")
            INBOX.notify("error", _failed(name, exc, note))
            continue
        refused.pop(upload.name, None)
        add_document(document)
        INBOX.notify("success", _loaded(document, note))
    st.session_state[state.DOCS_REFUSED] = refused


def load_paste() -> None:
    """on_click of the paste button: load the pasted text as a document."""
    lang = state.get_lang()
    text = st.session_state.get(state.widget_key(state.DOCS_PASTE), "")
    try:
        document = load_pasted_text(text, name=t("docs.pasted_name", lang))
    except DocumentError as exc:
        INBOX.notify("error", _failed(t("docs.pasted_name", lang), exc))
        return
    add_document(document)
    st.session_state[state.widget_key(state.DOCS_PASTE)] = ""
    INBOX.notify("success", _loaded(document))


def render_notices(lang: str) -> None:
    """The messages of the last loads, shown once, in a container the uploader's CSS can hide."""
    with st.container(key=NOTICES_BOX):
        INBOX.render_notices(lang)
