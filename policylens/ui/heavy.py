"""Work on a large document in a worker process (policylens.workers) from inside a script run, so
the server's interpreter keeps answering every other session while it is tokenised and analysed.

A document of WORKER_CHARACTERS or more, or with a paragraph of WORKER_PARAGRAPH characters, is
analysed this way (below that the work costs the server under a second, less than starting a
worker). The run waits on the job with Streamlit's stop/rerun check: a click elsewhere reruns at
once and the job goes on (it is kept in session state, and the next run waits on the same job); the
Cancel of `analysing` stops it and goes back to the seed; a session that ends drops its jobs, whose
workers are then killed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import ScriptControlException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_run_yield_check

from policylens import workers
from policylens.documents.loader import Document
from policylens.i18n import LANGUAGES, t
from policylens.markup import t_md
from policylens.text.segment import SegmenterConfig, with_segmenter
from policylens.ui import state

# Measured on this machine (2 cores): tokenising costs the server about 6 µs a character, so a
# 100,000-character document held it for 0.6 s and a 620,000-character one 3.6 s (its analysis
# 5.5 s, key terms 1.6 s, keyword-in-context spans 2.5 s). In a worker the 620,000-character
# analysis took 7-10 s and 768 MB of address space; a worker's own start (imports, jieba's
# dictionary) costs about 1.5 s.
# A long paragraph costs more than its length: jieba's time grows faster than the length of a run it
# cannot split (one character repeated 2,000 times: 0.05 s; 10,000 times: 0.58 s, against 0.13 s for a
# 10,000-character paragraph of ordinary prose), so a document with such a paragraph goes to a worker too.
WORKER_CHARACTERS = 100_000
WORKER_PARAGRAPH = 5_000
ANALYSIS_LIMITS = workers.Limits(memory=1536 * workers.MiB, seconds=60.0)


STOPPED_LABELS = {  # workers.JobFailed codes an analysis can end with
    "memory": "docs.analysis_stopped.memory",
    "time": "docs.analysis_stopped.time",
    "crashed": "docs.analysis_stopped.crashed",
}


VIEW_STOPPED_LABELS = {  # the same codes, for a view's own job (key terms, keyword-in-context spans)
    "memory": "error.view_stopped.memory",
    "time": "error.view_stopped.time",
    "crashed": "error.view_stopped.crashed",
}


def describe_stopped_view(exc: workers.JobFailed, document: Document, lang: str) -> str:
    """What a page says when a job it waited on (cache.get_key_term_counts, get_token_spans) hit its
    limit: the document's analysis passed, but this view's own computation did not."""
    key = VIEW_STOPPED_LABELS.get(exc.code, VIEW_STOPPED_LABELS["crashed"])
    return t_md(key, lang, name=document.name, **exc.limits.shown())


def is_large(document: Document) -> bool:
    """Whether `document` is analysed in a worker: WORKER_CHARACTERS in all, or one paragraph of
    WORKER_PARAGRAPH characters."""
    return document.characters >= WORKER_CHARACTERS or max(map(len, document.paragraphs)) >= WORKER_PARAGRAPH


def in_worker(key: str, function: Callable, config: SegmenterConfig, *args: Any, **kwargs: Any) -> Any:
    """`function(*args, segmenter=Segmenter(config), **kwargs)` in a worker under ANALYSIS_LIMITS;
    `key` (the cache key of the result) names the job, so a rerun waits on the same one."""
    jobs = st.session_state.setdefault(state.HEAVY_JOBS, {})
    job = jobs.get(key)
    if job is None:
        job = jobs[key] = workers.Job(partial(with_segmenter, function, config, **kwargs), args, ANALYSIS_LIMITS)
    try:
        value = job.result(check=get_run_yield_check())
    except ScriptControlException:  # a rerun or a stop: the job goes on for the next run
        raise
    except BaseException:
        jobs.pop(key, None)
        raise
    jobs.pop(key, None)
    return value


def cancel(document_key: str, name: str) -> None:
    """on_click of Cancel: stop the document's jobs, go back to the seed, and say so."""
    from policylens.ui import library

    jobs = st.session_state.get(state.HEAVY_JOBS, {})
    for key in [k for k in jobs if document_key in k]:
        jobs.pop(key).cancel()
    library.show_seed()
    library.INBOX.notify("warning", {lang: t_md("docs.analysis_cancelled", lang, name=name) for lang in LANGUAGES})


@contextmanager
def analysing(document: Document, lang: str) -> Iterator[None]:
    """Around the analysis of the active document: for a large one not analysed yet in this session,
    a notice with Cancel above the page while it is worked out. A job stopped by a limit goes back
    to the seed with a notice."""
    done = st.session_state.setdefault(state.HEAVY_DONE, set())
    if not is_large(document) or document.key in done:
        yield
        return
    box = st.empty()
    with box.container():
        seconds = f"{ANALYSIS_LIMITS.seconds:g}"
        st.info(t_md("docs.analysing", lang, name=document.name, characters=document.characters, limit=seconds))
        st.button(
            t("docs.cancel", lang),
            key=state.HEAVY_CANCEL,
            on_click=cancel,
            args=(document.key, document.name),
            icon=":material/stop:",
        )
    try:
        yield
    except workers.JobFailed as exc:
        from policylens.ui import library

        box.empty()
        key = STOPPED_LABELS.get(exc.code, STOPPED_LABELS["crashed"])
        shown = ANALYSIS_LIMITS.shown()
        if document.key == library.get_library()[library.SEED_ID].key:  # no seed to go back to: a rerun
            st.error(describe_stopped_view(exc, document, lang))  # would only fail again
            st.stop()
        library.show_seed()
        library.INBOX.notify("error", {k: t_md(key, k, name=document.name, **shown) for k in LANGUAGES})
        st.rerun()
    box.empty()
    done.add(document.key)
