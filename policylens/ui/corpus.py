"""The session's corpora: the ingested corpora the server offers, the ones this session ingested
from uploads (each in its own private temporary folder, removed with the session), the ingest job
running in the background with its progress and Cancel, the metadata edits, the corpus filter of
the corpus pages, and the cached queries they draw from.

Server corpora are cache folders named in the environment variable POLICYLENS_CORPORA (folders
separated by the path separator, `:` on Linux): `corpus ingest` on a cluster writes one, the
dashboard reads it (README, "A national corpus"). Metadata edits are the session's own overrides
(corpus.queries.Corpus `edits`): a shared corpus folder is never written by the dashboard.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import streamlit as st

from policylens import paths, workers
from policylens.corpus.ingest import MANIFEST, Progress, read_manifest
from policylens.corpus.queries import read_document_paragraphs, read_paragraph_terms
from policylens.corpus.sources import TABLE_EXTENSIONS, BadFile
from policylens.corpus.store import Corpus, CorpusQueryError, filter_text, merge_edits, parse_filter, split_terms
from policylens.documents.loader import Document, DocumentError, load_pasted_text
from policylens.i18n import t
from policylens.markup import clean_file_name
from policylens.ui import state

ENV_CORPORA = "POLICYLENS_CORPORA"
# An ingest started from the dashboard: its whole process tree's resident memory and its wall clock.
# Measured here (2 cores, 2 workers): the 2,215 新闻联播 transcripts (15.5 M characters, more than
# a 25 MB upload holds) ingest in 36 s, no process above 370 MB.
INGEST_LIMITS = workers.Limits(memory=2048 * workers.MiB, seconds=600.0)
STOP_GRACE = 15.0  # seconds a stopped ingest has to write what is finished before it is killed
PROGRESS_FILE, OUT_FILE, ERR_FILE = "progress.json", "ingest.json", "ingest.log"  # in a job's folder
SERVER_PREFIX, SESSION_PREFIX = "server:", "session:"
ZIP = ".zip"


@dataclass
class CorpusEntry:
    """A corpus the session can open: its id, label, cache folder and what its ingest left out."""

    id: str
    label: str
    folder: Path
    bad: tuple[BadFile, ...] = ()
    duplicates: tuple[str, ...] = ()
    root: Path | None = None  # the session's temporary folder (source + cache), removed with the entry

    def __post_init__(self) -> None:
        if self.root is not None:
            weakref.finalize(self, shutil.rmtree, self.root, True)

    @property
    def updated(self) -> str:
        """The version of the folder, the cache key of everything read from it: the manifest file's
        modification time and size (a stat, not a parse: every query asks)."""
        try:
            info = (self.folder / MANIFEST).stat()
        except OSError:
            return ""
        return f"{info.st_mtime_ns}-{info.st_size}"

    @property
    def ingested(self) -> str:
        """When the corpus was last ingested (the manifest's UTC time stamp), for provenance."""
        return str((read_manifest(self.folder) or {}).get("updated", ""))


@dataclass
class IngestJob:
    """An ingest running as `python -m policylens corpus ingest` in a process group of its own (with
    its pool of workers, at the workers' priority), so the server keeps serving every session; the
    page polls its progress file and `enforce_limits`. Cancel is SIGTERM: the command writes what is
    finished. A job past INGEST_LIMITS is stopped the same way (`stopped` says which limit), and
    killed STOP_GRACE seconds later if it has not ended. A job dropped with its session is stopped."""

    label: str
    root: Path
    source: Path
    out: Path
    split: str | None  # a corpus.sources.SPLIT_RULES name, or None
    process: subprocess.Popen | None = None
    started: float = field(default_factory=time.monotonic)
    cancel_requested: bool = False
    stopped: str | None = None  # "time" or "memory": the limit of INGEST_LIMITS that stopped it
    stopped_at: float | None = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def progress(self) -> Progress | None:
        try:
            return Progress(**json.loads((self.root / PROGRESS_FILE).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def memory(self) -> int:
        """The resident bytes of the command and every process it started (0 once it has ended)."""
        import psutil

        try:
            main = psutil.Process(self.process.pid)
            processes = [main, *main.children(recursive=True)]
        except (psutil.Error, AttributeError):
            return 0
        total = 0
        for process in processes:
            try:
                total += process.memory_info().rss
            except psutil.Error:  # it ended meanwhile
                pass
        return total

    def enforce_limits(self) -> None:
        """Stop the job at a limit of INGEST_LIMITS (as Cancel does); kill it when it outlives the grace."""
        if not self.running:
            return
        now = time.monotonic()
        if self.stopped is None:
            if now - self.started >= INGEST_LIMITS.seconds:
                self.stopped = "time"
            elif self.memory() > INGEST_LIMITS.memory:
                self.stopped = "memory"
            if self.stopped is not None:
                self.stopped_at = now
                self.request_cancel()
        elif now - self.stopped_at >= STOP_GRACE:
            _kill_group(self.process)

    def request_cancel(self) -> None:
        if self.running:
            self.process.send_signal(signal.SIGTERM)
        self.cancel_requested = True

    def outcome(self) -> tuple[dict | None, str | None]:
        """(the command's JSON summary, None) once it has finished well, else (None, its message).
        Whatever the command left running (its pool) is killed."""
        code = self.process.wait() if self.process is not None else 1
        if self.process is not None:
            _kill_group(self.process)
        if code == 0:
            try:
                return json.loads((self.root / OUT_FILE).read_text(encoding="utf-8")), None
            except (OSError, ValueError):
                return None, "no summary"
        errors = (self.root / ERR_FILE).read_text(encoding="utf-8", errors="replace").splitlines()
        reasons = [line.removeprefix("error: ") for line in errors if line.startswith("error: ")]
        return None, reasons[-1] if reasons else f"exit status {code}"


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the job's process group: the command and the pool it started (which outlive a killed command)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()


# ---- the corpora on offer ---------------------------------------------------------------------


@st.cache_data(show_spinner=False, ttl=60)
def server_corpora(setting: str) -> list[tuple[str, str, str]]:
    """(id, label, folder) of each ingested corpus named in POLICYLENS_CORPORA that holds a manifest."""
    out = []
    for raw in (p for p in setting.split(os.pathsep) if p.strip()):
        folder = Path(raw).expanduser()
        manifest = read_manifest(folder)
        if manifest is not None:  # named after what was ingested (a cache folder is often just "cache")
            label = Path(str(manifest.get("source") or folder)).name or folder.name
            out.append((SERVER_PREFIX + str(folder), label, str(folder)))
    return out


def get_corpora() -> dict[str, CorpusEntry]:
    """Every corpus this session can open: the server's, then the session's own ingests."""
    entries = {
        cid: CorpusEntry(cid, label, Path(folder))
        for cid, label, folder in server_corpora(os.environ.get(ENV_CORPORA, ""))
    }
    return {**entries, **st.session_state.get(state.CORPUS_OPENED, {})}


def get_active_corpus() -> CorpusEntry | None:
    corpora = get_corpora()
    active = st.session_state.get(state.CORPUS_ACTIVE)
    if active not in corpora:
        active = next(iter(corpora), None)
        st.session_state[state.CORPUS_ACTIVE] = active
    return corpora.get(active) if active else None


@st.cache_resource(show_spinner=False, max_entries=16)
def _open(folder: str, updated: str) -> Corpus:
    """One open corpus per folder and version, shared by the sessions (each query has its own cursor)."""
    return Corpus(folder)


def open_corpus(entry: CorpusEntry) -> Corpus:
    """The entry's corpus with this session's metadata edits applied."""
    return _open(str(entry.folder), entry.updated).with_edits(get_edits(entry.id))


# ---- metadata edits ---------------------------------------------------------------------------


def get_edits(corpus_id: str) -> pd.DataFrame | None:
    return st.session_state.get(state.CORPUS_EDITS, {}).get(corpus_id)


def store_edits(corpus_id: str, stored: pd.DataFrame, edited: pd.DataFrame) -> int:
    """Keep the cells of `edited` that differ from `stored` as this session's overrides of the corpus
    (corpus.store.merge_edits); returns how many documents now carry an edit."""
    table = merge_edits(get_edits(corpus_id), stored, edited)
    all_edits = dict(st.session_state.get(state.CORPUS_EDITS, {}))
    all_edits[corpus_id] = table
    st.session_state[state.CORPUS_EDITS] = all_edits
    return 0 if table is None else len(table)


def clear_edits(corpus_id: str) -> None:
    all_edits = dict(st.session_state.get(state.CORPUS_EDITS, {}))
    all_edits.pop(corpus_id, None)
    st.session_state[state.CORPUS_EDITS] = all_edits


# ---- the filter of the corpus pages ------------------------------------------------------------


def current_filter_text(extra_pillars: tuple[str, ...] | None = None) -> str:
    """The filter of the corpus pages: their date range, places and types, and the sidebar's pillars."""
    dates = st.session_state.get(state.CORPUS_DATES) or None
    pillars = state.get_pillars() if extra_pillars is None else extra_pillars
    return filter_text(
        dates=tuple(dates) if dates else None,
        pillars=pillars,
        place=st.session_state.get(state.CORPUS_PLACES) or (),
        type=st.session_state.get(state.CORPUS_TYPES) or (),
    )


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _cached(folder: str, updated: str, edits, name: str, where: str | None, args: tuple, options: tuple) -> object:
    from policylens.corpus import queries

    corpus = _open(folder, updated).with_edits(edits)
    function = getattr(queries, name)
    return function(corpus, *args, **dict(options), **({"where": parse_filter(where)} if where is not None else {}))


def run_query(entry: CorpusEntry, name: str, *args, where: str | None = "", **options) -> object:
    """corpus.queries.<name>(corpus, *args, where=parse_filter(where), **options) for this session
    (its edits applied), cached by the folder, its version, the edits (hashed by content), the
    filter and the arguments. Raises CorpusQueryError for a bad filter or an empty sub-corpus."""
    return _cached(
        str(entry.folder), entry.updated, get_edits(entry.id), name, where, tuple(args), tuple(options.items())
    )


def split_corpus_terms(entry: CorpusEntry, terms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The typed terms as the corpus's segmentation cuts them (store.split_terms), with the
    session's shared segmenter for the corpus's own codebook."""
    from policylens.text.analysis import build_segmenter_config
    from policylens.ui import cache

    codebook = cache.get_codebook_from_text(_open(str(entry.folder), entry.updated).codebook_text)
    return split_terms(terms, cache.get_segmenter(build_segmenter_config(codebook)).tokenize)


@st.cache_data(show_spinner=False, max_entries=32, ttl=3600)
def _kwic(folder: str, updated: str, edits, query: str, window: int, settings_key: str, where: str, _segmenter):
    from policylens.corpus.kwic import find_corpus_kwic

    corpus = _open(folder, updated).with_edits(edits)
    return find_corpus_kwic(corpus, query, window, _segmenter, parse_filter(where))


def find_kwic(entry: CorpusEntry, query: str, window: int, segmenter, settings_key: str, where: str):
    """corpus.kwic.find_corpus_kwic for this session, cached (the segmenter by its settings key).
    Raises text.kwic.QueryError for a query that cannot be read."""
    return _kwic(str(entry.folder), entry.updated, get_edits(entry.id), query, window, settings_key, where, segmenter)


@st.cache_data(show_spinner=False, max_entries=16, ttl=3600)
def _network(folder: str, updated: str, edits, where: str, top_n: int, measure: str, min_weight: float):
    from policylens.text.network import build_network

    corpus = _open(folder, updated).with_edits(edits)
    paragraph_terms = read_paragraph_terms(corpus, parse_filter(where))
    graph, positions, communities = build_network(paragraph_terms, top_n, "paragraph", measure, min_weight)
    return graph, positions, communities, len(paragraph_terms)


def get_network(entry: CorpusEntry, where: str, top_n: int, measure: str, min_weight: float):
    """(graph, positions, communities, paragraphs read) of the co-occurrence network of the filtered corpus."""
    return _network(str(entry.folder), entry.updated, get_edits(entry.id), where, top_n, measure, min_weight)


# ---- ingest in the background -------------------------------------------------------------------


def _codebook_text() -> str:
    return st.session_state.get(state.CUSTOM_CODEBOOK) or paths.PILLARS_CODEBOOK.read_text(encoding="utf-8")


def _write_uploads(files: list[tuple[str, bytes]], root: Path, lang: str) -> Path:
    """Put the uploads into `root`: one .zip or table is the source itself, several files a folder."""
    names = [clean_file_name(name, t("upload.unnamed", lang))[0] for name, _ in files]
    if len(files) == 1 and Path(names[0]).suffix.lower() in (ZIP, *TABLE_EXTENSIONS):
        path = root / Path(names[0]).name
        path.write_bytes(files[0][1])
        return path
    folder = root / "files"
    folder.mkdir()
    for name, (_, data) in zip(names, files):
        target = folder / Path(name).name
        stem, suffix, n = target.stem, target.suffix, 1
        while target.exists():  # two uploads of the same name keep both
            n += 1
            target = folder / f"{stem} ({n}){suffix}"
        target.write_bytes(data)
    return folder


def start_ingest(files: list[tuple[str, bytes]], split: str | None, lang: str) -> IngestJob:
    """Start the ingest of the uploads (launch_ingest, with the session's codebook) as the session's job."""
    job = launch_ingest(files, split, _codebook_text(), lang)
    st.session_state[state.CORPUS_JOB] = job
    return job


def launch_ingest(files: list[tuple[str, bytes]], split: str | None, codebook_text: str, lang: str) -> IngestJob:
    """Write the uploads and the codebook into a private temporary folder and start the ingest
    command on them, under INGEST_LIMITS."""
    root = Path(tempfile.mkdtemp(prefix="policylens-corpus-"))
    source = _write_uploads(files, root, lang)
    codebook = root / "codebook.toml"
    codebook.write_text(codebook_text, encoding="utf-8")
    label = files[0][0] if len(files) == 1 else t("corpus.load.files_label", lang, n=len(files))
    job = IngestJob(label=label, root=root, source=source, out=root / "cache", split=split)
    command = ["-m", "policylens", "corpus", "ingest", str(source), "--out", str(job.out)]
    command += ["--codebook", str(codebook), "--progress-file", str(root / PROGRESS_FILE)]
    command += ["--workers", str(os.cpu_count() or 1), *(["--split-items", split] if split else [])]
    # the alarm is the backstop for a job nobody polls any more; the page stops it at the limit first
    command = workers.limited_command(command, INGEST_LIMITS.seconds + 2 * STOP_GRACE)
    with open(root / OUT_FILE, "wb") as out, open(root / ERR_FILE, "wb") as err:
        job.process = subprocess.Popen(
            command, stdout=out, stderr=err, stdin=subprocess.DEVNULL, cwd=paths.ROOT, start_new_session=True
        )
    weakref.finalize(job, _stop, job.process)
    return job


def finish_ingest(job: IngestJob) -> tuple[CorpusEntry | None, dict | None, str | None]:
    """Once the job is done: add its corpus to the session (when anything was ingested) and make it
    the active one; the job leaves state. Returns (the entry or None, the summary, an error)."""
    st.session_state[state.CORPUS_JOB] = None
    summary, error = job.outcome()
    if summary is None or not summary.get("documents"):
        shutil.rmtree(job.root, ignore_errors=True)
        return None, summary, error
    digest = hashlib.sha256(f"{job.root}".encode()).hexdigest()[:12]
    entry = CorpusEntry(
        SESSION_PREFIX + digest,
        job.label,
        job.out,
        bad=tuple(BadFile(**b) for b in summary.get("bad", [])),
        duplicates=tuple(summary.get("duplicates", [])),
        root=job.root,
    )
    opened = dict(st.session_state.get(state.CORPUS_OPENED, {}))
    opened[entry.id] = entry
    st.session_state[state.CORPUS_OPENED] = opened
    st.session_state[state.CORPUS_ACTIVE] = entry.id
    return entry, summary, None


def remove_corpus(corpus_id: str) -> None:
    """Drop one of the session's own corpora (its folder goes with it)."""
    opened = dict(st.session_state.get(state.CORPUS_OPENED, {}))
    entry = opened.pop(corpus_id, None)
    st.session_state[state.CORPUS_OPENED] = opened
    clear_edits(corpus_id)
    if entry is not None and entry.root is not None:
        shutil.rmtree(entry.root, ignore_errors=True)
    if st.session_state.get(state.CORPUS_ACTIVE) == corpus_id:
        st.session_state[state.CORPUS_ACTIVE] = None


# ---- a corpus document in the single-document views ---------------------------------------------------


def corpus_document(entry: CorpusEntry, row: dict, lang: str) -> Document:
    """One document of the corpus as a Document of the library: its stored paragraphs, named by its
    date and title (so its date reaches the Targets view)."""
    paragraphs = read_document_paragraphs(open_corpus(entry), row["doc_id"])
    date = row.get("date")
    day = pd.Timestamp(date).date().isoformat() if date is not None and not pd.isna(date) else ""
    title = row.get("title") or row.get("name") or row["doc_id"]
    name, _ = clean_file_name(f"{day} {title}".strip()[:120] + ".txt", t("upload.unnamed", lang))
    try:
        return load_pasted_text("\n\n".join(paragraphs["text"]), name=name)
    except DocumentError as exc:  # an empty document cannot be in the corpus, but say so if it is
        raise CorpusQueryError(str(exc)) from exc
