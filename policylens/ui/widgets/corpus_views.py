"""render_* helpers of the corpus pages, continued: the metadata editor, the document table (a row
opens in the single-document views), the two sides of a comparison, the KWIC table, the export
tables of the trend charts, and the text-beside-numbers view."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from policylens.corpus.queries import share_column
from policylens.corpus.sources import METADATA_FIELDS, read_sidecar
from policylens.corpus.store import EDITABLE_FIELDS, REST, CorpusQueryError, filter_text, parse_filter
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.markup import t_md
from policylens.text.pillars import Codebook
from policylens.ui import corpus, library, locale, selection, state
from policylens.ui.widgets import exports
from policylens.ui.widgets.corpus import field_label, render_date_range

KWIC_PAGE_SIZE = 50
PREVIEW_ROWS = 2000  # rows of the metadata editor and the document table at once


def render_metadata_editor(entry: corpus.CorpusEntry, where: str, lang: str) -> None:
    """The documents' metadata in an editable table (the session's overrides), a CSV download that
    works as the sidecar of a re-ingest, and an upload of such a CSV."""
    documents = corpus.run_query(entry, "list_documents", where=where)
    shown = documents.head(PREVIEW_ROWS)
    stored = shown.set_index("doc_id")[list(EDITABLE_FIELDS)].copy()
    stored["date"] = pd.to_datetime(stored["date"]).dt.date
    if len(documents) > PREVIEW_ROWS:
        st.caption(t("corpus.edit.first_rows", lang, n=PREVIEW_ROWS, total=len(documents)))
    editor = stored.reset_index()
    editor.insert(1, "name", shown["name"].to_numpy())
    st.data_editor(
        editor,
        key=state.CORPUS_EDITOR,
        hide_index=True,
        width="stretch",
        disabled=["doc_id", "name"],
        column_config={
            "doc_id": None,
            "name": st.column_config.TextColumn(t("corpus.field.name", lang)),
            "date": st.column_config.DateColumn(field_label("date", lang), format="YYYY-MM-DD"),
            "source_url": st.column_config.TextColumn(field_label("source_url", lang)),
            **{f: st.column_config.TextColumn(field_label(f, lang)) for f in EDITABLE_FIELDS if f not in ("date",)},
        },
    )
    cols = st.columns([1, 1, 2])
    cols[0].button(
        t("corpus.edit.apply", lang),
        key=state.CORPUS_EDITS_APPLY,
        on_click=_apply_edits,
        args=(entry.id, editor, lang),
        type="primary",
    )
    if corpus.get_edits(entry.id) is not None:
        cols[1].button(
            t("corpus.edit.clear", lang), key=state.CORPUS_EDITS_CLEAR, on_click=corpus.clear_edits, args=(entry.id,)
        )
    sidecar = documents[["name", *METADATA_FIELDS]].copy()
    sidecar["date"] = pd.to_datetime(sidecar["date"]).dt.date
    exports.render_table_exports(sidecar.rename(columns={"name": "file"}), "corpus-metadata", lang)
    st.file_uploader(
        t("corpus.edit.upload", lang),
        type=["csv"],
        key=state.widget_key(state.CORPUS_EDITS_UPLOAD),
        on_change=_upload_edits,
        args=(entry, lang),
        help=t("corpus.edit.upload_help", lang),
    )


def _apply_edits(corpus_id: str, original: pd.DataFrame, lang: str) -> None:
    changes = st.session_state.get(state.CORPUS_EDITOR) or {}
    edited = original.copy()
    for row, values in (changes.get("edited_rows") or {}).items():
        for column, value in values.items():
            if column in EDITABLE_FIELDS:
                edited.at[int(row), column] = value
    stored = original.set_index("doc_id")[list(EDITABLE_FIELDS)]
    n = corpus.store_edits(corpus_id, stored, edited.set_index("doc_id")[list(EDITABLE_FIELDS)])
    st.session_state[state.CORPUS_NOTICE] = ("success", t("corpus.edit.applied", lang, n=n))


def _upload_edits(entry: corpus.CorpusEntry, lang: str) -> None:
    upload = st.session_state.get(state.widget_key(state.CORPUS_EDITS_UPLOAD))
    if upload is None:
        return
    try:
        rows = read_sidecar(upload.getvalue())
    except (ValueError, UnicodeDecodeError) as exc:
        st.session_state[state.CORPUS_NOTICE] = ("error", t_md("corpus.edit.upload_failed", lang, reason=str(exc)))
        return
    documents = corpus.run_query(entry, "list_documents", where="")
    stored = documents.set_index("doc_id")[list(EDITABLE_FIELDS)].copy()
    stored["date"] = pd.to_datetime(stored["date"]).dt.date
    edited = stored.copy()
    matched = 0
    for doc_id, name in zip(documents["doc_id"], documents["name"]):
        values = rows.get(name) or rows.get(name.split("#", 1)[0] if "#" not in name else "")
        if values:
            matched += 1
            for column, value in values.items():
                if column in EDITABLE_FIELDS:
                    edited.at[doc_id, column] = value
    n = corpus.store_edits(entry.id, stored, edited)
    level = "success" if matched else "warning"
    st.session_state[state.CORPUS_NOTICE] = (level, t("corpus.edit.uploaded", lang, matched=matched, n=n))


def document_table(documents: pd.DataFrame, codebook: Codebook, lang: str) -> pd.DataFrame:
    """The export form of list_documents: named columns, shares in percent."""
    table = documents[["doc_id", "date", "place", "type", "title", "name", "characters", "paragraphs"]].copy()
    table["date"] = pd.to_datetime(table["date"]).dt.date
    for pid in (*codebook.ids, None):
        column = share_column(pid)
        if column in documents:
            table[f"{column}_pct"] = (documents[column] * 100).round(1)
    text = ["place", "type", "title"]
    table[text] = table[text].astype(object).where(table[text].notna(), "")  # empty, not "None"
    return table


def render_document_table(entry: corpus.CorpusEntry, where: str, codebook: Codebook, lang: str) -> None:
    """The documents by date with their pillar shares; a selected row opens in the single-document views."""
    documents = corpus.run_query(entry, "list_documents", where=where)
    table = document_table(documents, codebook, lang)
    shown = table.head(PREVIEW_ROWS)
    if len(table) > PREVIEW_ROWS:
        st.caption(t("corpus.documents.first_rows", lang, n=PREVIEW_ROWS, total=len(table)))
    pct = {
        f"{share_column(pid)}_pct": st.column_config.ProgressColumn(
            pillar_label(codebook, pid, lang), format="%.0f%%", min_value=0, max_value=100
        )
        for pid in (*codebook.ids, None)
    }
    event = st.dataframe(
        shown,
        key=state.CORPUS_DOCUMENTS,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "doc_id": None,
            "date": st.column_config.DateColumn(field_label("date", lang), format="YYYY-MM-DD"),
            "place": field_label("place", lang),
            "type": field_label("type", lang),
            "title": field_label("title", lang),
            "name": t("corpus.field.name", lang),
            "characters": st.column_config.NumberColumn(t("corpus.metric.characters", lang), format="%d"),
            "paragraphs": st.column_config.NumberColumn(t("corpus.metric.paragraphs", lang), format="%d"),
            **pct,
        },
    )
    exports.render_table_exports(table, "corpus-documents", lang)
    if shown.empty:
        return
    # the document to open: picked in the list, or by selecting its row in the table
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    row_id = shown.iloc[rows[0]]["doc_id"] if rows else None
    if row_id is not None and st.session_state.get(state.CORPUS_DOCUMENTS_ROW) != row_id:
        st.session_state[state.CORPUS_OPEN_PICK] = row_id
    st.session_state[state.CORPUS_DOCUMENTS_ROW] = row_id
    if st.session_state.get(state.CORPUS_OPEN_PICK) not in set(shown["doc_id"]):
        st.session_state[state.CORPUS_OPEN_PICK] = shown.iloc[0]["doc_id"]
    by_id = shown.set_index("doc_id")
    cols = st.columns([4, 1], vertical_alignment="bottom")
    doc_id = cols[0].selectbox(
        t("corpus.documents.pick", lang),
        list(shown["doc_id"]),
        format_func=lambda d: f"{by_id.at[d, 'date'] or '–'} · {by_id.at[d, 'title'] or by_id.at[d, 'name']}",
        key=state.CORPUS_OPEN_PICK,
        help=t("corpus.documents.hint", lang),
    )
    cols[1].button(
        t("corpus.documents.open", lang),
        key=state.CORPUS_OPEN_DOCUMENT,
        on_click=_open_document,
        args=(entry, {"doc_id": doc_id, **by_id.loc[doc_id].to_dict()}, lang),
        type="primary",
        icon=":material/open_in_new:",
    )


def _open_document(entry: corpus.CorpusEntry, row: dict, lang: str) -> None:
    try:
        document = corpus.corpus_document(entry, row, lang)
    except CorpusQueryError as exc:
        st.session_state[state.CORPUS_NOTICE] = ("error", t_md("corpus.query_failed", lang, reason=str(exc)))
        return
    library.add_document(document)
    selection.request_page("pages/overview.py")


MODE_LABELS = {
    "rest": "corpus.compare.mode.rest",
    "period": "corpus.compare.mode.period",
    "place": "corpus.compare.mode.place",
    "type": "corpus.compare.mode.type",
    "document": "corpus.compare.mode.document",
    "filter": "corpus.compare.mode.filter",
}
SIDE_MODES = {"a": tuple(m for m in MODE_LABELS if m != "rest"), "b": tuple(MODE_LABELS)}
SIDE_LABELS = {"a": "corpus.compare.side_a", "b": "corpus.compare.side_b"}
HEADING_LABELS = {"a": "corpus.compare.heading_a", "b": "corpus.compare.heading_b"}


def _side_key(side: str, part: str, default) -> str:
    """The persistent key of one control of a comparison side (kept while the user visits other pages)."""
    key = f"corpus.compare.{side}.{part}"
    st.session_state.setdefault(key, default)
    return key


def render_side(entry: corpus.CorpusEntry, side: str, lang: str) -> str:
    """The controls of one side of a comparison; returns its filter text (`rest` for B's default)."""
    st.markdown(f"**{t(HEADING_LABELS[side], lang)}**")
    mode = st.selectbox(
        t("corpus.compare.mode", lang),
        SIDE_MODES[side],
        format_func=lambda m: t(MODE_LABELS[m], lang),
        **state.bind(_side_key(side, "mode", SIDE_MODES[side][0])),
    )
    summary = corpus.run_query(entry, "summarize_corpus", where="")
    if mode == "rest":
        return REST
    if mode == "period":
        first, last = summary["first"], summary["last"]
        if not first:
            st.info(t("corpus.compare.no_dates", lang))
            return ""
        middle = first + (last - first) / 2
        default = (first.isoformat(), middle.isoformat()) if side == "a" else (middle.isoformat(), last.isoformat())
        return filter_text(dates=render_date_range(_side_key(side, "dates", default), first, last, default, lang))
    if mode in ("place", "type"):
        values = corpus.run_query(entry, "field_values", mode, where=None)
        if not values:
            st.info(t("corpus.compare.no_values", lang, field=field_label(mode, lang)))
            return ""
        key = _side_key(side, mode, [values[0 if side == "a" else min(1, len(values) - 1)]])
        st.session_state[key] = [v for v in st.session_state[key] if v in values]
        picked = st.multiselect(
            field_label(mode, lang), values, placeholder=locale.multiselect_placeholder(values, lang), **state.bind(key)
        )
        return filter_text(**{mode: picked}) if picked else ""
    if mode == "document":
        documents = corpus.run_query(entry, "list_documents", where="").head(PREVIEW_ROWS)
        labels = {
            r["doc_id"]: f"{pd.Timestamp(r['date']).date() if pd.notna(r['date']) else '–'} · {r['title'] or r['name']}"
            for r in documents.to_dict("records")
        }
        key = _side_key(side, "document", next(iter(labels), None))
        if st.session_state.get(key) not in labels:
            st.session_state[key] = next(iter(labels), None)
        doc_id = st.selectbox(
            t("corpus.compare.document", lang), list(labels), format_func=labels.get, **state.bind(key)
        )
        return filter_text(doc_id=[doc_id]) if doc_id else ""
    key = _side_key(side, "text", "")
    return st.text_input(
        t("corpus.compare.filter", lang), help=t("corpus.compare.filter_help", lang), **state.bind(key)
    )


def and_filter(text: str, clause: str) -> str:
    """A filter text with one more clause (both must hold)."""
    return f"{text},{clause}" if text.strip() else clause


def with_pillars(text: str) -> str:
    """A side's filter text with the sidebar's pillars added (rest stays rest: it takes A's pillars)."""
    pillars = state.get_pillars()
    if text.strip().lower() == REST or not pillars:
        return text
    extra = filter_text(pillars=pillars)
    return f"{text},{extra}" if text.strip() else extra


def compare_label(entry: corpus.CorpusEntry, text: str, lang: str) -> str:
    """How a comparison side is named in a chart: its filter in words (2020-01-01 – 2023-04-13;
    南京, 苏州; a document's title), "the rest of the corpus", or the filter as typed."""
    if text.strip().lower() == REST:
        return t("corpus.compare.rest", lang)
    words = []
    for clause in (c.strip() for c in text.split(",") if c.strip()):
        key, _, value = clause.partition("=")
        if key == "date":
            low, sep, high = value.partition("..")
            words.append(f"{low or '…'} – {high or '…'}" if sep else value)
        elif key == "doc_id":
            titles = corpus.run_query(entry, "list_documents", where=clause).get("title", [])
            words.append(next((str(v) for v in titles if v), value))
        elif key == "pillar":
            continue  # the sidebar's pillars: shown with the filter above
        else:
            words.append(value.replace("|", ", "))
    return "; ".join(words) or t("corpus.filter.everything", lang)


def check_filter(text: str) -> str | None:
    """The parser's message for a filter text that cannot be read, else None."""
    if text.strip().lower() == REST:
        return None
    try:
        parse_filter(text)
    except CorpusQueryError as exc:
        return str(exc)
    return None


def kwic_table(lines: pd.DataFrame, codebook: Codebook, lang: str) -> pd.DataFrame:
    """The export form of the corpus KWIC lines: date, place, title, document, paragraph, pillar,
    left, match, right."""
    return pd.DataFrame(
        {
            "date": pd.to_datetime(lines["date"]).dt.date,
            "place": lines["place"],
            "title": lines["title"],
            "document": lines["name"],
            "paragraph": lines["paragraph"].astype(int),
            "pillar": [pillar_label(codebook, p, lang) for p in lines["pillar"]],
            "left": lines["left"],
            "match": lines["match"],
            "right": lines["right"],
        }
    )


def render_kwic_table(table: pd.DataFrame, lang: str) -> None:
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "date": st.column_config.DateColumn(field_label("date", lang), format="YYYY-MM-DD", width="small"),
            "place": st.column_config.TextColumn(field_label("place", lang), width="small"),
            "title": st.column_config.TextColumn(field_label("title", lang), width="medium"),
            "document": st.column_config.TextColumn(t("corpus.field.name", lang), width="small"),
            "paragraph": st.column_config.NumberColumn("¶", format="%d", width="small"),
            "pillar": st.column_config.TextColumn(t("corpus.kwic.pillar", lang), width="small"),
            "left": st.column_config.TextColumn(t("corpus.kwic.left", lang), width="large"),
            "match": st.column_config.TextColumn(t("corpus.kwic.match", lang), width="small"),
            "right": st.column_config.TextColumn(t("corpus.kwic.right", lang), width="large"),
        },
    )
