"""An ingested corpus opened for queries, and the filter language of every query.

A filter is `key=value` clauses joined by commas: `place=南京`, `type=通知|意见` (either), `date=2024`,
`date=2023-03`, `date=2021-01-01..2022-06-30` (either end may be left open), `doc_id=...`, and
`pillar=new|strong` (`general` for unclassified), which keeps only the paragraphs of those pillars.
The second filter of a comparison may be `rest`: every document the first does not match.

Metadata edits made in the dashboard are not written into the corpus (a corpus folder may be shared
by many users): a Corpus takes them as a table of overrides, applied to every query's documents.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from policylens import paths
from policylens.corpus.ingest import CODEBOOK_FILE, TABLES, read_manifest
from policylens.corpus.parts import table_files
from policylens.corpus.sources import METADATA_FIELDS
from policylens.text.segment import normalize_en_term

PERIODS = {
    "month": "strftime(d.date, '%Y-%m')",
    "quarter": "CAST(year(d.date) AS VARCHAR) || '-Q' || CAST(quarter(d.date) AS VARCHAR)",
    "year": "CAST(year(d.date) AS VARCHAR)",
}
FILTER_KEYS = (*(f for f in METADATA_FIELDS if f != "date"), "name", "doc_id", "language")
PILLAR_KEY = "pillar"
GENERAL = "general"  # the pillar filter's name for unclassified paragraphs
EDITABLE_FIELDS = METADATA_FIELDS  # what the dashboard's metadata table may override
REST = "rest"
_ASCII_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9 .+&-]*$")


class CorpusQueryError(ValueError):
    """A query that cannot be answered: no corpus at the path, a bad filter, an empty sub-corpus."""


@dataclass(frozen=True)
class Filter:
    """A parsed filter: SQL over the documents alias `d`, its parameters, and the text it came from."""

    text: str
    sql: str
    params: tuple
    pillars: tuple[str | None, ...] = ()  # paragraphs of these pillars only (None: general); () all

    def paragraph_sql(self, alias: str = "p") -> tuple[str, tuple]:
        """SQL over a paragraphs alias that keeps the filter's pillars, and its parameters."""
        if not self.pillars:
            return "TRUE", ()
        named = [p for p in self.pillars if p is not None]
        parts = [f"{alias}.pillar IN ({', '.join('?' for _ in named)})"] if named else []
        if None in self.pillars:
            parts.append(f"{alias}.pillar IS NULL")
        return "(" + " OR ".join(parts) + ")", tuple(named)


class Corpus:
    """An ingested corpus opened for queries: a DuckDB connection with one view per table.

    Each query runs on its own cursor, so one Corpus may serve several threads (Streamlit sessions).
    `edits` (doc_id and any of EDITABLE_FIELDS, None where not edited) override the documents'
    metadata in every query."""

    def __init__(self, folder: Path | str, edits: pd.DataFrame | None = None) -> None:
        import duckdb

        self.folder = Path(folder)
        self.manifest = read_manifest(self.folder)
        files = {t: table_files(self.folder, self.manifest, t) for t in TABLES} if self.manifest else {}
        if not files or not all(files[t] and all(p.is_file() for p in files[t]) for t in TABLES):
            raise CorpusQueryError(f"{self.folder} holds no ingested corpus (run `corpus ingest` first).")
        self.con = duckdb.connect()
        for table in TABLES:
            paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files[table])
            name = "stored_documents" if table == "documents" else table
            self.con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{paths}])")
        self.edits = _edits_frame(edits)

    @property
    def codebook_text(self) -> str:
        """The codebook the corpus was analysed with (the shipped one for a cache that lacks it)."""
        saved = self.folder / CODEBOOK_FILE
        return (saved if saved.is_file() else paths.PILLARS_CODEBOOK).read_text(encoding="utf-8")

    @property
    def pillar_ids(self) -> tuple[str, ...]:
        return tuple(self.manifest.get("pillars", ()))

    def with_edits(self, edits: pd.DataFrame | None) -> Corpus:
        """The same open corpus with other metadata edits (shares the connection)."""
        other = object.__new__(Corpus)
        other.folder, other.manifest, other.con = self.folder, self.manifest, self.con
        other.edits = _edits_frame(edits)
        return other

    def query(self, sql: str, params: tuple | list = (), frames: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """Run `sql` with `documents` as the stored documents with the edits applied; `frames` are
        registered as tables for this query only."""
        cursor = self.con.cursor()
        try:
            cursor.register("metadata_edits", self.edits)
            for name, frame in (frames or {}).items():
                cursor.register(name, frame)
            return cursor.execute(_with_documents(sql), list(params)).df()
        finally:
            cursor.close()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def merge_edits(previous: pd.DataFrame | None, stored: pd.DataFrame, edited: pd.DataFrame) -> pd.DataFrame | None:
    """The overrides after an edit: `previous` ones (or None) plus every cell of `edited` that
    differs from `stored` (both indexed by doc_id with EDITABLE_FIELDS columns; dates compared as
    ISO days, a cleared cell kept as ""). None when no document carries an edit."""
    stored = stored.reindex(columns=list(EDITABLE_FIELDS)).astype(object)
    edited = edited.reindex(index=stored.index, columns=list(EDITABLE_FIELDS)).astype(object)
    rows = {r["doc_id"]: r for r in previous.to_dict("records")} if previous is not None else {}
    for doc_id in stored.index:
        for column in EDITABLE_FIELDS:
            old, new = _as_text(stored.at[doc_id, column]), _as_text(edited.at[doc_id, column])
            if column == "date":
                old, new = (v[:10] if v else v for v in (old, new))
            if old != new:
                rows.setdefault(doc_id, {"doc_id": doc_id})[column] = "" if new is None else new
    return pd.DataFrame(list(rows.values()), columns=["doc_id", *EDITABLE_FIELDS]) if rows else None


def _as_text(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.isoformat() if isinstance(value, (datetime.date, pd.Timestamp)) else str(value)


def _edits_frame(edits: pd.DataFrame | None) -> pd.DataFrame:
    """The overrides as strings (dates as ISO text), one row per document, every editable column."""
    columns = ["doc_id", *EDITABLE_FIELDS]
    if edits is None or edits.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    frame = edits.reindex(columns=columns).astype(object)
    frame = frame.where(frame.notna(), None).drop_duplicates("doc_id", keep="last")
    frame["date"] = [None if v is None else str(v)[:10] for v in frame["date"]]
    return frame.reset_index(drop=True)


def _documents_sql() -> str:
    picked = ", ".join(
        "coalesce(TRY_CAST(e.date AS DATE), s.date) AS date" if f == "date" else f"coalesce(e.{f}, s.{f}) AS {f}"
        for f in EDITABLE_FIELDS
    )
    rest = ", ".join(f"s.{c}" for c in ("name", "language", "script", "encoding", "characters", "paragraphs", "tokens"))
    return (
        f"documents AS (SELECT s.doc_id, {rest}, {picked} FROM stored_documents s "
        "LEFT JOIN metadata_edits e ON e.doc_id = s.doc_id)"
    )


def _with_documents(sql: str) -> str:
    """`sql` with the `documents` CTE (stored metadata, edits applied) in front of its own CTEs."""
    body = sql.lstrip()
    if body[:5].upper() == "WITH ":
        return f"WITH {_documents_sql()}, {body[5:]}"
    return f"WITH {_documents_sql()} {body}"


def _date_bounds(value: str) -> tuple[datetime.date | None, datetime.date | None]:
    """[start, end) of `2024`, `2024-03`, `2024-03-05`, or `A..B` with either end open."""

    def parse(part: str, end: bool) -> datetime.date | None:
        part = part.strip()
        if not part:
            return None
        try:
            if re.fullmatch(r"\d{4}", part):
                year = int(part)
                return datetime.date(year + 1, 1, 1) if end else datetime.date(year, 1, 1)
            if re.fullmatch(r"\d{4}-\d{1,2}", part):
                year, month = map(int, part.split("-"))
                first = datetime.date(year, month, 1)
                return (first + datetime.timedelta(days=32)).replace(day=1) if end else first
            day = datetime.date.fromisoformat(part)
            return day + datetime.timedelta(days=1) if end else day
        except ValueError:
            raise CorpusQueryError(f"'{part}' is not a date (use 2024, 2024-03 or 2024-03-05).") from None

    low, sep, high = value.partition("..")
    if not sep:
        return parse(value, False), parse(value, True)
    return parse(low, False), parse(high, True)


def period_of(day: datetime.date, by: str) -> str:
    """The label of the period holding `day`, as PERIODS writes it (2024, 2024-Q1, 2024-03)."""
    period_sql(by)
    if by == "year":
        return str(day.year)
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def period_range(first: datetime.date | None, last: datetime.date | None, by: str) -> list[str]:
    """Every period from the one holding `first` to the one holding `last`, in order: a chart's time
    axis, on which a period without documents is a gap rather than missing."""
    if first is None or last is None:
        return []
    periods, day = [], datetime.date(first.year, first.month, 1)
    while day <= last:
        label = period_of(day, by)
        if not periods or periods[-1] != label:
            periods.append(label)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return periods


def parse_filter(text: str) -> Filter:
    """A Filter from `key=value[|value],...` (see the module docstring); the empty text matches all."""
    clauses, params, pillars = [], [], []
    for clause in (c.strip() for c in re.split(r"[,，;]", text or "")):
        if not clause:
            continue
        key, sep, value = (s.strip() for s in clause.partition("="))
        key = key.lower()
        if not sep or not value:
            raise CorpusQueryError(f"'{clause}' is not key=value (keys: date, {', '.join(FILTER_KEYS)}).")
        if key == "date":
            start, end = _date_bounds(value)
            if start:
                clauses.append("d.date >= ?")
                params.append(start)
            if end:
                clauses.append("d.date < ?")
                params.append(end)
        elif key == PILLAR_KEY:
            pillars += [None if v.strip().lower() == GENERAL else v.strip() for v in value.split("|") if v.strip()]
        elif key in FILTER_KEYS:
            values = [v.strip() for v in value.split("|") if v.strip()]
            clauses.append(f"d.{key} IN ({', '.join('?' for _ in values)})")
            params += values
        else:
            raise CorpusQueryError(f"Unknown filter key '{key}'; use date, {', '.join(FILTER_KEYS)}, {PILLAR_KEY}.")
    sql = " AND ".join(f"({c})" for c in clauses) or "TRUE"
    return Filter(text or "", sql, tuple(params), tuple(dict.fromkeys(pillars)))


def filter_text(
    dates: tuple[datetime.date | str | None, datetime.date | str | None] | None = None,
    pillars: Sequence[str | None] = (),
    **fields: Sequence[str],
) -> str:
    """The filter text parse_filter reads, from plain values (the dashboard's controls): a date
    range, pillar ids (None: general) and metadata values per field (`place=["南京", "苏州"]`)."""
    clauses = []
    if dates and any(dates):
        low, high = (str(d) if d else "" for d in dates)
        clauses.append(f"date={low}..{high}")
    for key, values in fields.items():
        values = [str(v).replace(",", " ").replace("|", " ") for v in values if str(v).strip()]
        if values:
            clauses.append(f"{key}={'|'.join(values)}")
    if pillars:
        clauses.append(f"{PILLAR_KEY}={'|'.join(GENERAL if p is None else p for p in pillars)}")
    return ",".join(clauses)


def period_sql(by: str) -> str:
    if by not in PERIODS:
        raise CorpusQueryError(f"Unknown period '{by}'; use one of {', '.join(PERIODS)}.")
    return PERIODS[by]


def normalize_query_term(term: str) -> str:
    """The form a typed term takes in the token table (English words as their lemma)."""
    term = term.strip()
    return normalize_en_term(term) if _ASCII_TERM.match(term) else term


def scoped_tokens(where: Filter, docs: str = "docs") -> tuple[str, tuple]:
    """FROM-clause SQL of the tokens of the CTE `docs` (doc_id, ...) inside the filter's pillars."""
    if not where.pillars:
        return f"tokens t JOIN {docs} USING (doc_id)", ()
    pillar_sql, params = where.paragraph_sql("p")
    return (
        f"tokens t JOIN {docs} USING (doc_id) JOIN paragraphs p "
        f"ON p.doc_id = t.doc_id AND p.paragraph = t.paragraph AND {pillar_sql}",
        params,
    )


def wanted_terms(terms: Sequence[str]) -> list[str]:
    """The distinct non-empty terms, in order (a query needs one)."""
    terms = [t for t in dict.fromkeys(t.strip() for t in terms) if t]
    if not terms:
        raise CorpusQueryError("Name at least one term.")
    return terms


def language_of(term: str) -> str:
    """How a typed term is segmented: English when it is Latin letters, else Chinese."""
    return "en" if _ASCII_TERM.match(term.strip()) else "zh"


def split_terms(terms: Sequence[str], tokenize: Callable[[str, str], list[str]]) -> tuple[tuple[str, ...], ...]:
    """Each term as the token sequence the ingest's segmentation gives it (数字经济 -> 数字, 经济),
    so a term the dictionary cuts is still found, as a phrase; `tokenize(text, language)` is the
    segmenter's. A term it drops whole (a stopword) stays one token as typed."""
    return tuple(tuple(tokenize(t, language_of(t))) or (normalize_query_term(t),) for t in wanted_terms(terms))


def term_hits_sql(
    terms: Sequence[str], phrases: Sequence[Sequence[str]] | None = None
) -> tuple[str, tuple, dict[str, pd.DataFrame]]:
    """SQL of a relation (term, rank, doc_id, paragraph), one row per occurrence of each term, its
    parameters and the frames it reads: the one-token terms in one pass over the token table (a
    join with the frame `term_tokens`), each phrase as consecutive tokens of a paragraph. `phrases`
    from split_terms; None: each term is one token (normalize_query_term)."""
    terms = wanted_terms(terms)
    phrases = phrases or [(normalize_query_term(t),) for t in terms]
    if len(phrases) != len(terms):
        raise CorpusQueryError("Every term needs its tokens.")
    single = [(t, rank, tokens[0]) for rank, (t, tokens) in enumerate(zip(terms, phrases)) if len(tokens) == 1]
    frame = pd.DataFrame(single, columns=["term", "rank", "token"]).astype({"term": object, "token": object})
    parts = ["SELECT w.term, w.rank, t.doc_id, t.paragraph FROM tokens t JOIN term_tokens w ON t.token = w.token"]
    params: list = []
    for rank, (term, tokens) in enumerate(zip(terms, phrases)):
        if len(tokens) == 1:
            continue
        joins = " ".join(
            f"JOIN tokens t{k} ON t{k}.doc_id = t0.doc_id AND t{k}.paragraph = t0.paragraph "
            f"AND t{k}.position = t0.position + {k}"
            for k in range(1, len(tokens))
        )
        tests = " AND ".join(f"t{k}.token = ?" for k in range(len(tokens)))
        parts.append(f"SELECT ? AS term, {rank} AS rank, t0.doc_id, t0.paragraph FROM tokens t0 {joins} WHERE {tests}")
        params += [term, *tokens]
    return " UNION ALL ".join(parts), tuple(params), {"term_tokens": frame}
