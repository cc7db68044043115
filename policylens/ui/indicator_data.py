"""The session's indicator datasets: the bundled table plus this user's uploads, and which are in view.

Uploads live in this session's state only. A file that fails validation changes nothing: the
datasets loaded before and the choice in view stay as they were, and every problem is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import pandas as pd
import streamlit as st

from policylens import schema, workers
from policylens.i18n import t
from policylens.indicators.labels import FOCUS_CITY
from policylens.indicators.upload import (
    BUNDLED_DATASET,
    MAX_UPLOAD_BYTES,
    READ_LIMITS,
    IndicatorUploadError,
    check_upload_size,
    read_indicator_upload,
)
from policylens.indicators.upload.problems import fail
from policylens.markup import escape_markdown, t_md
from policylens.ui import cache, indicator_cache, locale, state
from policylens.ui.inbox import UploadInbox
from policylens.ui.library import clean_upload_name
from policylens.ui.selection import select_indicator
from policylens.ui.settings import get_codebook

UPLOAD_LIMIT_MB = MAX_UPLOAD_BYTES // 10**6  # the uploader refuses a larger file in the browser
MAX_NEW_CITIES = 6  # cities shown at first from a new upload (the user can add the others)
# The short form of each upload problem code (policylens.indicators.upload) in the UI language.
PROBLEM_LABELS = {
    "too_large": "indicator_upload.error.too_large",
    "empty": "indicator_upload.error.empty",
    "no_rows": "indicator_upload.error.no_rows",
    "unsupported": "indicator_upload.error.unsupported",
    "encoding": "indicator_upload.error.encoding",
    "binary": "indicator_upload.error.binary",
    "xlsx": "indicator_upload.error.xlsx",
    "xlsx_unpacked": "indicator_upload.error.xlsx_unpacked",
    "xlsx_entries": "indicator_upload.error.xlsx_entries",
    "xlsx_xml": "indicator_upload.error.xlsx_xml",
    "too_many_rows": "indicator_upload.error.too_many_rows",
    "too_many_columns": "indicator_upload.error.too_many_columns",
    "too_many_cells": "indicator_upload.error.too_many_cells",
    "cell_too_long": "indicator_upload.error.cell_too_long",
    "missing_columns": "indicator_upload.error.missing_columns",
    "duplicate_column": "indicator_upload.error.duplicate_column",
    "ambiguous_layout": "indicator_upload.error.ambiguous_layout",
    "empty_cell": "indicator_upload.error.empty_cell",
    "invalid_year": "indicator_upload.error.invalid_year",
    "year_out_of_range": "indicator_upload.error.year_out_of_range",
    "non_numeric": "indicator_upload.error.non_numeric",
    "unit_mismatch": "indicator_upload.error.unit_mismatch",
    "qualifier_conflict": "indicator_upload.error.qualifier_conflict",
    "unknown_qualifier": "indicator_upload.error.unknown_qualifier",
    "unknown_unit": "indicator_upload.error.unknown_unit",
    "unknown_unit_code": "indicator_upload.error.unknown_unit_code",
    "unknown_pillar": "indicator_upload.error.unknown_pillar",
    "missing_pillar": "indicator_upload.error.missing_pillar",
    "duplicate_conflict": "indicator_upload.error.duplicate_conflict",
    "dataset_conflict": "indicator_upload.error.dataset_conflict",
    "bad_source_url": "indicator_upload.error.bad_source_url",
    "memory": "indicator_upload.error.memory",  # workers.JobFailed codes: a limit of READ_LIMITS
    "time": "indicator_upload.error.time",
    "crashed": "indicator_upload.error.crashed",
}
STOPPED_LABELS = {  # the English detail of each workers.JobFailed code an indicator read can end with
    "memory": "indicator_upload.stopped.memory",
    "time": "indicator_upload.stopped.time",
    "crashed": "indicator_upload.stopped.crashed",
}


@dataclass(frozen=True)
class UploadedDataset:
    name: str
    table: pd.DataFrame  # validated long table (schema.INDICATOR_COLUMNS)


@dataclass(frozen=True)
class IndicatorData:
    """The data in view: a cache key naming the datasets, the table, their display names, and a
    warning (Markdown) when the chosen datasets could not be combined."""

    key: str
    data: pd.DataFrame
    names: tuple[str, ...]
    warning: str | None = None


def get_uploads() -> dict[str, UploadedDataset]:
    return st.session_state.get(state.INDICATORS_DATASETS, {})


def dataset_label(dataset_id: str, lang: str) -> str:
    """Plain text (a selectbox option, a figure's source line); escape it for Markdown."""
    if dataset_id == BUNDLED_DATASET:
        return t("indicators.dataset.bundled", lang)
    upload = get_uploads()[dataset_id]
    return t("indicators.dataset.upload", lang, name=upload.name, rows=f"{len(upload.table):,}")


INBOX = UploadInbox(state.INDICATORS_UPLOAD_HANDLED, state.INDICATORS_NOTICES)
_notify = INBOX.notify


def describe_problems(exc: IndicatorUploadError, lang: str) -> tuple[str, ...]:
    """One Markdown item per problem: its short form in the UI language, the file rows, the detail
    (the cells it quotes escaped, so that a cell shows as written)."""
    lines = []
    for problem in exc.problems:
        key = PROBLEM_LABELS.get(problem.code)
        short = t(key, lang) if key else escape_markdown(problem.code)
        rows = t("indicator_upload.rows", lang, rows=", ".join(map(str, problem.rows[:20]))) if problem.rows else ""
        detail = (
            t_md("indicators.upload.detail", lang, text=problem.message)
            if lang == "zh"
            else escape_markdown(problem.message)
        )
        lines.append(" ".join(filter(None, [f"**{short}**", rows, "—", detail])))
    return tuple(lines)


def _show(dataset_id: str, table: pd.DataFrame) -> None:
    """Put a new dataset in view, opened on its first indicator and its cities (Nanjing first)."""
    # the upload first (what opens, and what stays if the two cannot be combined), the bundled table kept in view
    st.session_state[state.INDICATORS_DATASET_CHOICE] = [dataset_id, BUNDLED_DATASET]
    select_indicator(table.iloc[0][schema.INDICATOR_ID])
    cities = list(dict.fromkeys(table[schema.CITY]))
    st.session_state[state.INDICATORS_CITIES] = sorted(cities, key=lambda c: c != FOCUS_CITY)[:MAX_NEW_CITIES]
    st.session_state[state.INDICATORS_YEARS] = None


def _read(data: bytes, name: str) -> pd.DataFrame:
    """read_indicator_upload in a worker process under READ_LIMITS (this session's thread waits; the
    server's others go on); a limit reached is an upload problem like any other."""
    try:
        return workers.run(partial(read_indicator_upload, codebook=get_codebook()), (data, name), READ_LIMITS)
    except workers.JobFailed as exc:
        detail = t(STOPPED_LABELS.get(exc.code, STOPPED_LABELS["crashed"]), "en", **READ_LIMITS.shown())
        raise fail(exc.code, detail) from None


def load_indicator_uploads() -> None:
    """on_change of the uploader: validate each new file; keep it as a dataset or report every problem."""
    lang = state.get_lang()
    for upload in st.session_state.get(state.widget_key(state.INDICATORS_UPLOAD)) or []:
        name, note = clean_upload_name(upload.name, lang)
        try:
            check_upload_size(upload.size)
            data = upload.getvalue()
            digest = INBOX.first_time(upload.name, data)
            if digest is None:
                continue
            table = _read(data, name)  # with the pillars in use
        except IndicatorUploadError as exc:
            problems = describe_problems(exc, lang)
            rows_note = t("indicator_upload.rows_note", lang) if any(p.rows for p in exc.problems) else None
            key = "indicators.upload.failed_one" if len(problems) == 1 else "indicators.upload.failed"
            _notify("error", t_md(key, lang, name=name, n=len(problems)) + note, problems, rows_note)
            continue
        dataset_id = f"upload:{digest[:12]}"
        datasets = dict(get_uploads())
        datasets[dataset_id] = UploadedDataset(name, table)
        st.session_state[state.INDICATORS_DATASETS] = datasets
        _show(dataset_id, table)
        _notify(
            "success",
            t_md(
                "indicators.upload.loaded",
                lang,
                name=name,
                rows=f"{len(table):,}",
                indicators=table[schema.INDICATOR_ID].nunique(),
                cities=table[schema.CITY].nunique(),
            )
            + note,
        )


def get_view_data(lang: str) -> IndicatorData:
    """The datasets in view, combined when there are several (cached by their ids)."""
    uploads = get_uploads()
    chosen = [
        i for i in st.session_state.get(state.INDICATORS_DATASET_CHOICE, []) if i == BUNDLED_DATASET or i in uploads
    ]
    warning = None if chosen else t("indicators.no_dataset", lang)
    chosen = chosen or [BUNDLED_DATASET]
    names = tuple(dataset_label(i, lang) for i in chosen)
    if len(chosen) > 1:
        tables = tuple((i, uploads[i].table) for i in chosen if i != BUNDLED_DATASET)
        try:
            return IndicatorData(
                "+".join(chosen), indicator_cache.get_combined_indicators(tuple(chosen), tables), names
            )
        except IndicatorUploadError as exc:
            warning = t_md("indicators.combine_failed", lang, reason=str(exc), name=names[0])
            chosen, names = chosen[:1], names[:1]
    data = cache.get_indicators() if chosen[0] == BUNDLED_DATASET else uploads[chosen[0]].table
    return IndicatorData(chosen[0], data, names, warning)


def render_dataset_picker(lang: str, upload: bool = False) -> IndicatorData:
    """The datasets in view (and, on the Indicators page, the uploader); returns the data in view."""
    options = [BUNDLED_DATASET, *get_uploads()]
    st.session_state[state.INDICATORS_DATASET_CHOICE] = [
        i for i in st.session_state.get(state.INDICATORS_DATASET_CHOICE, []) if i in options
    ]
    view = get_view_data(lang)
    # in view, not in a collapsed expander: which data the charts show, and where to add one's own
    datasets, uploader = st.columns([1, 1] if upload else [1, 0.001], gap="medium")
    datasets.multiselect(
        t("indicators.datasets", lang),
        options,
        format_func=lambda i: dataset_label(i, lang),
        help=t("indicators.datasets_help", lang),
        placeholder=locale.multiselect_placeholder(options, lang),
        **state.bind(state.INDICATORS_DATASET_CHOICE),
    )
    if upload:
        key = state.widget_key(state.INDICATORS_UPLOAD)
        uploader.file_uploader(
            # no `type=` (see ui/sidebar.py): read_indicator_upload refuses other types itself
            t("indicators.upload", lang),
            accept_multiple_files=True,
            key=key,
            on_change=load_indicator_uploads,
            max_upload_size=UPLOAD_LIMIT_MB,
            help=t("indicators.upload_help", lang, limit=UPLOAD_LIMIT_MB),
        )
        locale.render_uploader_chrome(key, UPLOAD_LIMIT_MB, lang)
    INBOX.render_notices(lang)
    if view.warning:
        st.warning(view.warning)
    return view
