"""The session's document library: the bundled seed plus this user's uploads and pasted texts.

Uploads live in this session's state only, so one user's documents never reach another session.
A file that fails to load leaves the library and the active document as they were.

Each upload is read in a worker process (policylens.workers, under documents.loader.LOAD_LIMITS),
at most MAX_READING of one session's at a time and workers.MAX_RUNNING of the whole server's. The
uploader's callback waits QUICK_WAIT for them, so a usual file is in the library on the run that
follows the upload; a longer read shows a progress bar with Cancel (render_pending, a fragment
polling every POLL seconds). A session that ends takes its pending reads with it (a dropped
workers.Job kills its worker).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from policylens import workers
from policylens.documents.loader import (
    LOAD_LIMITS,
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
    "memory": "docs.error.memory",  # workers.JobFailed codes: a limit of LOAD_LIMITS, or Cancel
    "time": "docs.error.time",
    "cancelled": "docs.error.cancelled",
    "crashed": "docs.error.crashed",
}
QUICK_WAIT = 2.0  # seconds the uploader's callback waits for its reads before showing their progress
MAX_READING = 2  # one session's uploads read at once (the machine's cores); the rest wait their turn
POLL = 0.5  # seconds between two looks at the pending reads


def get_library() -> dict[str, Document]:
    """Document id -> Document, the seed first."""
    return {SEED_ID: cache.get_seed_document(), **st.session_state.get(state.DOCS_LOADED, {})}


def get_active_document() -> Document:
    library = get_library()
    return library.get(st.session_state.get(state.DOCS_ACTIVE, SEED_ID), library[SEED_ID])


def show_seed() -> None:
    """Make the seed the active document (the library keeps the others)."""
    st.session_state[state.DOCS_ACTIVE] = SEED_ID


def add_document(document: Document) -> None:
    """Add a document to the session's library (or replace the one with its key) and make it active."""
    doc_id = document.key
    loaded = dict(st.session_state.get(state.DOCS_LOADED, {}))
    loaded[doc_id] = document
    st.session_state[state.DOCS_LOADED] = loaded
    st.session_state[state.DOCS_ACTIVE] = doc_id


def describe_code(code: str, lang: str) -> str:
    """The short wording of an error code (a DocumentError's or a workers.JobFailed's)."""
    return t(ERROR_LABELS.get(code, "docs.error.unreadable"), lang, **LOAD_LIMITS.shown())


def describe_error(exc: Exception, lang: str) -> str:
    """The loader's specific message in English; in Chinese, the wording for its error code. A read
    stopped by a limit or by Cancel (workers.JobFailed) says which, in both languages."""
    if isinstance(exc, workers.JobFailed):
        return describe_code(exc.code, lang)
    code = getattr(exc, "code", "unreadable")
    return describe_code(code, lang) if lang == "zh" and code in ERROR_LABELS else str(exc)


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


def _failed(name: str, exc: Exception, note: dict[str, str] | None = None) -> dict[str, str]:
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


@dataclass
class PendingLoad:
    """An upload being read: its name as uploaded (the uploader's list marks it) and as kept, the
    note on a changed name, its bytes until its worker starts, then the worker's job."""

    upload_name: str
    name: str
    note: dict[str, str]
    data: bytes | None
    job: workers.Job | None = None
    cancelled: bool = False  # Cancel was pressed: the next settle takes it out, whatever its place

    @property
    def elapsed(self) -> float:
        return 0.0 if self.job is None else self.job.elapsed


def get_pending() -> list[PendingLoad]:
    return st.session_state.get(state.DOCS_PENDING, [])


def _start_reads(pending: list[PendingLoad]) -> None:
    reading = sum(p.job is not None for p in pending)
    for item in pending:
        if item.job is None and reading < MAX_READING:
            item.job = workers.Job.start(load_document_bytes, (item.data, item.name), LOAD_LIMITS)
            if item.job is None:  # the server's workers are all busy: it waits its turn
                return
            item.data = None
            reading += 1


def _finish(item: PendingLoad, refused: dict[str, str]) -> None:
    """Take a finished read's outcome into the library (or the refused files) and its notice; a
    queued upload that never started is cancelled."""
    try:
        if item.job is None:
            raise workers.JobFailed("cancelled", LOAD_LIMITS)
        document = item.job.result()
    except (DocumentError, workers.JobFailed) as exc:
        refused[item.upload_name] = getattr(exc, "code", "unreadable")
        INBOX.notify("error", _failed(item.name, exc, item.note))
        return
    refused.pop(item.upload_name, None)
    add_document(document)
    INBOX.notify("success", _loaded(document, item.note))


def settle(timeout: float) -> bool:
    """Wait up to `timeout` seconds for the pending reads, starting queued ones as others end, and
    take in those that have finished, in upload order (so the notices and the library keep the order
    of the files). Whether any finished."""
    pending = list(get_pending())
    refused = dict(get_refused())
    deadline = time.monotonic() + timeout
    finished = False
    for item in [p for p in pending if p.cancelled]:  # no library entry to keep in order: out at once
        pending.remove(item)
        _finish(item, refused)
        finished = True
    while pending:
        _start_reads(pending)
        first = pending[0]
        if first.job is not None and first.job.wait(min(0.05, max(0.0, deadline - time.monotonic()))):
            _finish(pending.pop(0), refused)
            finished = True
            continue
        if time.monotonic() >= deadline:
            break
    _start_reads(pending)
    st.session_state[state.DOCS_PENDING] = pending
    st.session_state[state.DOCS_REFUSED] = refused
    return finished


def cancel_read(upload_name: str) -> None:
    """on_click of a pending upload's Cancel: stop its worker (its outcome becomes "cancelled"). The
    fragment's run that follows takes it out (settle) and runs the whole app, which shows the notice."""
    for item in get_pending():
        if item.upload_name == upload_name:
            item.cancelled = True
            if item.job is not None:
                item.job.cancel()


def load_uploads() -> None:
    """on_change of the uploader: queue each new file for reading and wait QUICK_WAIT for the reads;
    each failure is reported by name, replacing the notices of the files before, and remembered so
    the uploader marks the file as not loaded."""
    lang = state.get_lang()
    pending = list(get_pending())
    for upload in st.session_state.get(state.widget_key(state.DOCS_UPLOAD)) or []:
        data = upload.getvalue()
        if INBOX.first_time(upload.name, data) is None:
            continue
        name, _ = clean_upload_name(upload.name, lang)  # a NUL or a bidi override must not be kept
        note = {code: clean_upload_name(upload.name, code)[1] for code in LANGUAGES}
        pending.append(PendingLoad(upload.name, name, note, data))
    st.session_state[state.DOCS_PENDING] = pending
    settle(QUICK_WAIT)


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


@st.fragment(run_every=POLL)
def render_pending(lang: str) -> None:
    """Each upload still being read: a bar of the time it has taken against LOAD_LIMITS.seconds,
    with Cancel; once any has finished, the whole app runs again on the new library."""
    if settle(0):
        st.rerun()
    for item in get_pending():
        waiting = item.job is None
        text = t_md(
            "docs.reading_queued" if waiting else "docs.reading",
            lang,
            name=item.name,
            seconds=f"{item.elapsed:.0f}",
            limit=f"{LOAD_LIMITS.seconds:g}",
        )
        st.progress(min(1.0, item.elapsed / LOAD_LIMITS.seconds), text=text)
        st.button(
            t("docs.cancel", lang),
            key=f"{state.DOCS_CANCEL}.{item.upload_name}",
            on_click=cancel_read,
            args=(item.upload_name,),
            icon=":material/stop:",
        )


def render_notices(lang: str) -> None:
    """The messages of the last loads, shown once, in a container the uploader's CSS can hide."""
    with st.container(key=NOTICES_BOX):
        INBOX.render_notices(lang)
