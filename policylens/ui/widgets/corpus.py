"""render_* helpers of the corpus pages: the corpus bar (pick, load, ingest progress and Cancel),
the corpus filter, the overview figures, the metadata editor and the document table."""

from __future__ import annotations

import datetime
import time

import pandas as pd
import streamlit as st

from policylens import workers
from policylens.corpus.ingest import read_manifest
from policylens.corpus.sources import (
    SPLIT_RULES,
    SUPPORTED_EXTENSIONS,
    TABLE_EXTENSIONS,
    BadFile,
    SourceError,
    check_zip_bytes,
)
from policylens.corpus.store import CorpusQueryError, period_range
from policylens.figures.corpus import FIELD_LABELS
from policylens.figures.text import pillar_label
from policylens.i18n import format_count, t
from policylens.markup import clean_file_name, t_md
from policylens.text.pillars import Codebook
from policylens.ui import corpus, state
from policylens.ui.widgets import exports

PERIOD_LABELS = {"year": "corpus.period.year", "quarter": "corpus.period.quarter", "month": "corpus.period.month"}
PERIODS = tuple(PERIOD_LABELS)
FIELDS = ("place", "type", "level", "issuer")  # the fields a by-field view groups on
SPLIT_LABELS = {  # "none", then the rules of corpus.sources.SPLIT_RULES
    "none": "corpus.load.split.none",
    "h2": "corpus.load.split.h2",
    "h1": "corpus.load.split.h1",
    "heading": "corpus.load.split.heading",
    "rule": "corpus.load.split.rule",
}
DEFAULT_TERMS = 5  # the term trends open on the corpus's most frequent terms


def render_corpus_bar(lang: str) -> corpus.CorpusEntry | None:
    """Pick a corpus, load one from files, follow an ingest. Returns the corpus in view (None: none
    yet; the page then says how to load one)."""
    job = st.session_state.get(state.CORPUS_JOB)
    corpora = corpus.get_corpora()
    entry = corpus.get_active_corpus()
    cols = st.columns([3, 1], vertical_alignment="bottom")
    if corpora:
        st.session_state[state.widget_key(state.CORPUS_ACTIVE)] = entry.id if entry else None
        cols[0].selectbox(
            t("corpus.pick", lang),
            list(corpora),
            format_func=lambda cid: (
                corpora[cid].label + (f" ({t('corpus.server', lang)})" if cid.startswith(corpus.SERVER_PREFIX) else "")
            ),
            key=state.widget_key(state.CORPUS_ACTIVE),
            on_change=state.store_widget,
            args=(state.CORPUS_ACTIVE,),
        )
        if entry is not None and entry.root is not None:
            cols[1].button(
                t("corpus.remove", lang),
                key=state.CORPUS_REMOVE,
                on_click=corpus.remove_corpus,
                args=(entry.id,),
                icon=":material/delete:",
            )
    with st.expander(t("corpus.load.title", lang), expanded=not corpora and job is None):
        render_loader(lang, busy=job is not None)
    if job is not None:
        render_job(lang)
    notice = st.session_state.pop(state.CORPUS_NOTICE, None)
    if notice:
        getattr(st, notice[0])(notice[1])
    return corpus.get_active_corpus()


def require_corpus(lang: str) -> corpus.CorpusEntry:
    """The corpus bar of a corpus page; with no corpus yet, how to load one, and the page stops."""
    entry = render_corpus_bar(lang)
    if entry is None:
        st.info(t("corpus.none", lang))
        st.stop()
    return entry


def render_field_picker(lang: str) -> str:
    """Which metadata field the by-field views group on (place, type, level, issuer)."""
    return st.segmented_control(
        t("corpus.field_picker", lang),
        FIELDS,
        format_func=lambda f: field_label(f, lang),
        selection_mode="single",
        required=True,
        **state.bind(state.CORPUS_FIELD),
    )


def render_loader(lang: str, busy: bool) -> None:
    """The uploader of a corpus: one .zip, one CSV/XLSX with a text column, or many documents."""
    st.caption(t("corpus.load.help", lang, types=", ".join(SUPPORTED_EXTENSIONS)))
    st.file_uploader(
        t("corpus.load.upload", lang),
        accept_multiple_files=True,
        key=state.widget_key(state.CORPUS_UPLOAD),
        help=t("corpus.load.upload_help", lang, tables=", ".join(TABLE_EXTENSIONS)),
    )
    st.selectbox(
        t("corpus.load.split", lang),
        list(SPLIT_LABELS),
        format_func=lambda rule: t(SPLIT_LABELS[rule], lang),
        help=t("corpus.load.split_help", lang),
        **state.bind(state.CORPUS_SPLIT),
    )
    st.button(
        t("corpus.load.ingest", lang),
        key=state.CORPUS_INGEST,
        on_click=_start,
        args=(lang,),
        disabled=busy,
        type="primary",
        icon=":material/play_arrow:",
    )


ZIP_CHECK_LIMITS = workers.Limits(memory=512 * workers.MiB, seconds=30.0)  # reading a zip's directory
ZIP_LIMIT_LABELS = {"package_entries": "corpus.zip.package_entries", "package_unpacked": "corpus.zip.package_unpacked"}


def _start(lang: str) -> None:
    files = [(f.name, f.getvalue()) for f in st.session_state.get(state.widget_key(state.CORPUS_UPLOAD)) or []]
    if not files:
        st.session_state[state.CORPUS_NOTICE] = ("warning", t("corpus.load.nothing", lang))
        return
    if len(files) == 1 and files[0][0].lower().endswith(corpus.ZIP):
        name = clean_file_name(files[0][0], t("upload.unnamed", lang))[0]
        try:  # its directory, before anything is written or started; in a worker (50,000 entries: 0.9 s)
            workers.run(check_zip_bytes, (files[0][1],), ZIP_CHECK_LIMITS)
        except SourceError as exc:
            refused = t_md(ZIP_LIMIT_LABELS[exc.code], lang, name=name, **exc.values)
        except workers.JobFailed:
            refused = t_md("corpus.zip.unchecked", lang, name=name, **ZIP_CHECK_LIMITS.shown())
        else:
            refused = None
        if refused is not None:
            st.session_state[state.CORPUS_NOTICE] = ("error", refused)
            return
    rule = st.session_state.get(state.CORPUS_SPLIT)
    corpus.start_ingest(files, rule if rule in SPLIT_RULES else None, lang)


def _cancel() -> None:
    job = st.session_state.get(state.CORPUS_JOB)
    if job is not None:
        job.request_cancel()


def _eta(seconds: float | None) -> str:
    if seconds is None:
        return "…"
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


@st.fragment(run_every=1.0)
def render_job(lang: str) -> None:
    """The running ingest: a progress bar with the ETA and Cancel; once it is done, its result."""
    job = st.session_state.get(state.CORPUS_JOB)
    if job is None:
        return
    job.enforce_limits()
    if job.running:
        p = job.progress
        done, total = (p.done, p.total) if p else (0, 0)
        text = (
            t("corpus.job.starting", lang, name=job.label)
            if not total
            else t(
                "corpus.job.progress",
                lang,
                name=job.label,
                done=done,
                total=total,
                elapsed=_eta(time.monotonic() - job.started),
                eta=_eta(p.eta if p else None),
            )
        )
        cols = st.columns([5, 1], vertical_alignment="center")
        cols[0].progress(done / total if total else 0.0, text=text)
        cols[1].button(
            t("corpus.job.cancel", lang),
            key=state.CORPUS_CANCEL,
            on_click=_cancel,
            disabled=job.cancel_requested,
            icon=":material/stop:",
        )
        return
    entry, summary, error = corpus.finish_ingest(job)
    st.session_state[state.CORPUS_NOTICE] = _job_notice(job, entry, summary, error, lang)
    st.rerun()  # the whole page, now on the new corpus


STOPPED_LABELS = {"time": "corpus.job.limit.time", "memory": "corpus.job.limit.memory"}  # IngestJob.stopped


def _job_notice(job, entry, summary: dict | None, error: str | None, lang: str) -> tuple[str, str]:
    if job.stopped is not None:
        limit = t(STOPPED_LABELS[job.stopped], lang, **corpus.INGEST_LIMITS.shown())
        if entry is None:
            return "error", t_md("corpus.job.stopped_empty", lang, name=job.label, limit=limit)
        return "warning", t_md("corpus.job.stopped", lang, name=job.label, limit=limit, documents=summary["documents"])
    if error:
        return "error", t_md("corpus.job.failed", lang, name=job.label, reason=error)
    bad = len((summary or {}).get("bad", []))
    if entry is None:
        return "error", t_md("corpus.job.empty", lang, name=job.label, bad=bad)
    key = "corpus.job.cancelled" if summary.get("cancelled") else "corpus.job.done"
    level = "warning" if summary.get("cancelled") or bad else "success"
    values = dict(name=job.label, documents=summary["documents"], bad=bad, seconds=summary.get("seconds", 0.0))
    return level, t_md(key, lang, **values)


def _store_dates(key: str) -> None:
    """on_change of a date range: ISO (from, to) once both ends are picked; None when cleared."""
    value = st.session_state.get(state.widget_key(key))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        st.session_state[key] = tuple(d.isoformat() for d in value)
    elif not value:
        st.session_state[key] = None


def render_date_range(key: str, first, last, default: tuple[str, str] | None, lang: str, container=st):
    """A date range bound to the persistent `key` (ISO from, to), kept within [first, last]; returns
    the chosen (from, to) as ISO strings, or `default` while none is chosen."""
    chosen = st.session_state.get(key) or default
    low = _clamp_date(chosen[0], first, last, first) if chosen else first
    high = _clamp_date(chosen[1], first, last, last) if chosen else last
    st.session_state[state.widget_key(key)] = (low, max(low, high))
    container.date_input(
        t("corpus.filter.dates", lang),
        min_value=first,
        max_value=last,
        format="YYYY-MM-DD",
        key=state.widget_key(key),
        on_change=_store_dates,
        args=(key,),
    )
    return st.session_state.get(key) or default


def render_corpus_filters(entry: corpus.CorpusEntry, codebook: Codebook, lang: str) -> str:
    """Date range, places and types (the sidebar's pillar filter applies too); returns the filter text."""
    summary = corpus.run_query(entry, "summarize_corpus", where="")
    places = corpus.run_query(entry, "field_values", "place", where=None)
    types = corpus.run_query(entry, "field_values", "type", where=None)
    st.session_state[state.CORPUS_PLACES] = [p for p in st.session_state.get(state.CORPUS_PLACES, []) if p in places]
    st.session_state[state.CORPUS_TYPES] = [p for p in st.session_state.get(state.CORPUS_TYPES, []) if p in types]
    cols = st.columns([3, 2, 2])
    first, last = summary["first"], summary["last"]
    if first and last:
        render_date_range(state.CORPUS_DATES, first, last, None, lang, cols[0])
    cols[1].multiselect(
        t("corpus.filter.places", lang),
        places,
        placeholder=t("corpus.filter.all", lang) if places else t("corpus.filter.none", lang),
        disabled=not places,
        **state.bind(state.CORPUS_PLACES),
    )
    cols[2].multiselect(
        t("corpus.filter.types", lang),
        types,
        placeholder=t("corpus.filter.all", lang) if types else t("corpus.filter.none", lang),
        disabled=not types,
        **state.bind(state.CORPUS_TYPES),
    )
    where = corpus.current_filter_text()
    pillars = state.get_pillars()
    if pillars:
        names = ", ".join(pillar_label(codebook, p, lang) for p in pillars)
        st.caption(t_md("corpus.filter.pillars", lang, pillars=names))
    return where


def _clamp_date(value: str, first: datetime.date, last: datetime.date, default: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return default
    return min(max(day, first), last)


def source_line(entry: corpus.CorpusEntry, where: str, lang: str, documents: int | None = None) -> str:
    """The source line of a corpus chart: the corpus, its documents and the filter."""
    summary = corpus.run_query(entry, "summarize_corpus", where=where)
    return t(
        "corpus.source",
        lang,
        name=entry.label,
        documents=summary["documents"] if documents is None else documents,
        first=summary["first"] or "–",
        last=summary["last"] or "–",
        filter=where or t("corpus.filter.everything", lang),
    )


def with_provenance(table: pd.DataFrame, entry: corpus.CorpusEntry, where: str) -> pd.DataFrame:
    """A chart's data with where it comes from on every row: the corpus, its folder's time stamp
    and the filter (a CSV taken out of the app still says what it counts)."""
    return table.assign(corpus=entry.label, ingested=entry.ingested, filter=where)


def periods_of(entry: corpus.CorpusEntry, where: str, by: str) -> list[str]:
    summary = corpus.run_query(entry, "summarize_corpus", where=where)
    return period_range(summary["first"], summary["last"], by)


def render_period_picker(lang: str, container=st) -> str:
    return container.segmented_control(
        t("corpus.by", lang),
        PERIODS,
        format_func=lambda p: t(PERIOD_LABELS[p], lang),
        selection_mode="single",
        required=True,
        **state.bind(state.CORPUS_BY),
    )


def query_or_warn(entry: corpus.CorpusEntry, name: str, *args, where: str | None = "", lang: str = "en", **options):
    """run_query, or a warning on the page and None when the query cannot be answered."""
    try:
        return corpus.run_query(entry, name, *args, where=where, **options)
    except CorpusQueryError as exc:
        st.warning(t_md("corpus.query_failed", lang, reason=str(exc)))
        return None


def render_summary(entry: corpus.CorpusEntry, where: str, lang: str) -> None:
    whole = corpus.run_query(entry, "summarize_corpus", where="")
    shown = corpus.run_query(entry, "summarize_corpus", where=where)
    cols = st.columns(3)  # three: at 1024 px a fourth headline number no longer fits its column
    cols[0].metric(
        t("corpus.metric.documents", lang),
        format_count(shown["documents"], lang),
        help=t_md("corpus.metric.of", lang, shown=f"{shown['documents']:,}", n=f"{whole['documents']:,}"),
    )
    cols[1].metric(
        t("corpus.metric.characters", lang),
        format_count(shown["characters"], lang),
        help=t("corpus.metric.sizes", lang, characters=shown["characters"], paragraphs=shown["paragraphs"]),
    )
    cols[2].metric(t("corpus.metric.places", lang), f"{shown['places']:,}")
    manifest = read_manifest(entry.folder) or {}
    span = t(
        "corpus.metric.span_help", lang, first=shown["first"] or "–", last=shown["last"] or "–", n=shown["undated"]
    )
    status = t_md(
        "corpus.status",
        lang,
        updated=manifest.get("updated", "–"),
        analysed=manifest.get("analysed", 0),
        reused=manifest.get("reused", 0),
        bad=len(manifest.get("bad", [])),
    )
    st.caption(f"{t('corpus.metric.span', lang)}: {span} · {status}")  # the span holds only dates and a count
    bad = list(entry.bad) or [BadFile(**b) for b in manifest.get("bad", []) if isinstance(b, dict)]
    if bad:
        with st.expander(t("corpus.bad.title", lang, n=len(bad)), icon=":material/warning:"):
            table = pd.DataFrame([(b.name, b.reason) for b in bad], columns=["file", "reason"])
            st.dataframe(
                table,
                hide_index=True,
                width="stretch",
                column_config={"file": t("corpus.bad.file", lang), "reason": t("corpus.bad.reason", lang)},
            )
            exports.render_table_exports(table, "corpus-bad-files", lang)


def field_label(field: str, lang: str) -> str:
    return t(FIELD_LABELS[field], lang)
