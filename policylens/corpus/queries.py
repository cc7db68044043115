"""Questions asked of an ingested corpus, as SQL over its Parquet tables with embedded DuckDB: term
trends and pillar shares by period, and the keyness of terms between two filtered sub-corpora.

A filter is `key=value` clauses joined by commas: `place=南京`, `type=通知|意见` (either), `date=2024`,
`date=2023-03`, `date=2021-01-01..2022-06-30` (either end may be left open), `doc_id=...`. The
second filter of a comparison may be `rest`: every document the first does not match.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from policylens.corpus.ingest import TABLES, read_manifest
from policylens.corpus.sources import METADATA_FIELDS
from policylens.text.keyness import PER_10K, log_likelihood
from policylens.text.segment import normalize_en_term

PERIODS = {
    "month": "strftime(d.date, '%Y-%m')",
    "quarter": "CAST(year(d.date) AS VARCHAR) || '-Q' || CAST(quarter(d.date) AS VARCHAR)",
    "year": "CAST(year(d.date) AS VARCHAR)",
}
FILTER_KEYS = (*(f for f in METADATA_FIELDS if f != "date"), "name", "doc_id", "language")
REST = "rest"
LOG_LIKELIHOOD = "log_likelihood"
LOG_RATIO = "log_ratio"
SIGNIFICANT_P05 = 3.84  # G2 with one degree of freedom at p < 0.05
_ASCII_TERM = re.compile(r"^[A-Za-z][A-Za-z0-9 .+&-]*$")


class CorpusQueryError(ValueError):
    """A query that cannot be answered: no corpus at the path, a bad filter, an empty sub-corpus."""


@dataclass(frozen=True)
class Filter:
    """A parsed filter: SQL over the documents alias `d`, its parameters, and the text it came from."""

    text: str
    sql: str
    params: tuple


class Corpus:
    """An ingested corpus opened for queries: a DuckDB connection with one view per table."""

    def __init__(self, folder: Path | str) -> None:
        import duckdb

        self.folder = Path(folder)
        self.manifest = read_manifest(self.folder)
        if self.manifest is None or not all((self.folder / f"{t}.parquet").is_file() for t in TABLES):
            raise CorpusQueryError(f"{self.folder} holds no ingested corpus (run `corpus ingest` first).")
        self.con = duckdb.connect()
        for table in TABLES:
            path = str(self.folder / f"{table}.parquet").replace("'", "''")
            self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")

    @property
    def pillar_ids(self) -> tuple[str, ...]:
        return tuple(self.manifest.get("pillars", ()))

    def query(self, sql: str, params: tuple | list = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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


def parse_filter(text: str) -> Filter:
    """A Filter from `key=value[|value],...` (see the module docstring); the empty text matches all."""
    clauses, params = [], []
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
        elif key in FILTER_KEYS:
            values = [v.strip() for v in value.split("|") if v.strip()]
            clauses.append(f"d.{key} IN ({', '.join('?' for _ in values)})")
            params += values
        else:
            raise CorpusQueryError(f"Unknown filter key '{key}'; use date, {', '.join(FILTER_KEYS)}.")
    return Filter(text or "", " AND ".join(f"({c})" for c in clauses) or "TRUE", tuple(params))


def _period(by: str) -> str:
    if by not in PERIODS:
        raise CorpusQueryError(f"Unknown period '{by}'; use one of {', '.join(PERIODS)}.")
    return PERIODS[by]


def normalize_query_term(term: str) -> str:
    """The form a typed term takes in the token table (English words as their lemma)."""
    term = term.strip()
    return normalize_en_term(term) if _ASCII_TERM.match(term) else term


def count_term_trends(corpus: Corpus, terms: list[str], by: str = "year", where: Filter | None = None) -> pd.DataFrame:
    """Occurrences of each term per period, also per 10,000 tokens of that period (dated documents).

    Columns: period, term (as typed), count, per_10k; every period x term, in period then term order."""
    if not terms:
        raise CorpusQueryError("Name at least one term.")
    where = where or parse_filter("")
    wanted = pd.DataFrame({"term": terms, "token": [normalize_query_term(t) for t in terms], "rank": range(len(terms))})
    corpus.con.register("wanted_terms", wanted)
    try:
        table = corpus.query(
            f"""
            WITH docs AS (
                SELECT d.doc_id, {_period(by)} AS period, d.tokens FROM documents d
                WHERE d.date IS NOT NULL AND {where.sql}),
            totals AS (SELECT period, sum(tokens) AS total FROM docs GROUP BY period),
            hits AS (
                SELECT docs.period, t.token, count(*) AS n FROM tokens t JOIN docs USING (doc_id)
                WHERE t.token IN (SELECT token FROM wanted_terms) GROUP BY docs.period, t.token)
            SELECT p.period, w.term, coalesce(h.n, 0)::BIGINT AS count,
                   CASE WHEN p.total > 0 THEN coalesce(h.n, 0) * 10000.0 / p.total ELSE 0 END AS {PER_10K}
            FROM totals p CROSS JOIN wanted_terms w LEFT JOIN hits h ON h.period = p.period AND h.token = w.token
            ORDER BY p.period, w.rank""",
            where.params,
        )
    finally:
        corpus.con.unregister("wanted_terms")
    return table.reset_index(drop=True)


def count_pillar_shares(corpus: Corpus, by: str = "year", where: Filter | None = None) -> pd.DataFrame:
    """Paragraphs per pillar and period and their share of the period's paragraphs (dated documents).

    Columns: period, pillar (None: general), paragraphs, share; every codebook pillar in every period,
    in codebook order, general last."""
    where = where or parse_filter("")
    pillars = pd.DataFrame({"pillar": [*corpus.pillar_ids, None], "rank": range(len(corpus.pillar_ids) + 1)})
    corpus.con.register("pillar_order", pillars)
    try:
        table = corpus.query(
            f"""
            WITH docs AS (
                SELECT d.doc_id, {_period(by)} AS period FROM documents d WHERE d.date IS NOT NULL AND {where.sql}),
            counts AS (
                SELECT docs.period, p.pillar, count(*) AS n FROM paragraphs p JOIN docs USING (doc_id)
                GROUP BY docs.period, p.pillar),
            totals AS (SELECT period, sum(n) AS total FROM counts GROUP BY period)
            SELECT t.period, o.pillar, coalesce(c.n, 0)::BIGINT AS paragraphs, coalesce(c.n, 0) / t.total AS share
            FROM totals t CROSS JOIN pillar_order o
            LEFT JOIN counts c ON c.period = t.period AND c.pillar IS NOT DISTINCT FROM o.pillar
            ORDER BY t.period, o.rank""",
            where.params,
        )
    finally:
        corpus.con.unregister("pillar_order")
    table["pillar"] = table["pillar"].astype(object).where(table["pillar"].notna(), None)
    return table.reset_index(drop=True)


def _subset(corpus: Corpus, where: Filter, exclude: Filter | None = None) -> tuple[pd.DataFrame, int, int]:
    """Token counts of a sub-corpus (term, n), its documents and its tokens."""
    sql = where.sql if exclude is None else f"NOT coalesce(({exclude.sql}), FALSE)"  # undated docs are rest too
    params = where.params if exclude is None else exclude.params
    docs = f"SELECT d.doc_id FROM documents d WHERE {sql}"
    size = corpus.query(f"SELECT count(*) AS n, coalesce(sum(tokens), 0) AS t FROM documents d WHERE {sql}", params)
    counts = corpus.query(
        f"SELECT token AS term, count(*) AS n FROM tokens WHERE doc_id IN ({docs}) GROUP BY token", params
    )
    return counts, int(size["n"].iloc[0]), int(size["t"].iloc[0])


def compare_subsets(
    corpus: Corpus, a: Filter, b: Filter | None, top: int = 30, min_g2: float = SIGNIFICANT_P05
) -> dict:
    """Keyness of terms between sub-corpus A and sub-corpus B (b None: every document not in A).

    Signed Dunning log-likelihood (text.keyness.log_likelihood; positive: more frequent in A) and
    Hardie's Log Ratio, log2 of the ratio of relative frequencies with 0.5 added to each count, as
    the effect size. Returns {"a": {filter, documents, tokens}, "b": {...}, "overlap": documents in
    both, "terms": rows with term, count_a, count_b, per_10k_a, per_10k_b, log_likelihood, log_ratio},
    the `top` most key terms of each side with G2 >= min_g2, A's first."""
    counts_a, docs_a, tokens_a = _subset(corpus, a)
    counts_b, docs_b, tokens_b = _subset(corpus, a, exclude=a) if b is None else _subset(corpus, b)
    for name, text, n in (("A", a.text, docs_a), ("B", REST if b is None else b.text, docs_b)):
        if not n:
            raise CorpusQueryError(f"Filter {name} ('{text}') matches no documents.")
    overlap = 0
    if b is not None:
        both = f"SELECT count(*) AS n FROM documents d WHERE ({a.sql}) AND ({b.sql})"
        overlap = int(corpus.query(both, (*a.params, *b.params))["n"].iloc[0])
    table = counts_a.merge(counts_b, on="term", how="outer", suffixes=("_a", "_b")).fillna(0)
    count_a, count_b = table["n_a"].to_numpy(float), table["n_b"].to_numpy(float)
    table = pd.DataFrame(
        {
            "term": table["term"],
            "count_a": count_a.astype(int),
            "count_b": count_b.astype(int),
            "per_10k_a": count_a * 10000 / max(tokens_a, 1),
            "per_10k_b": count_b * 10000 / max(tokens_b, 1),
            LOG_LIKELIHOOD: log_likelihood(count_a, count_b, float(tokens_a), float(tokens_b)),
            LOG_RATIO: np.log2(((count_a + 0.5) / max(tokens_a, 1)) / ((count_b + 0.5) / max(tokens_b, 1))),
        }
    )
    table = table[table[LOG_LIKELIHOOD].abs() >= min_g2]
    side_a = table[table[LOG_LIKELIHOOD] > 0].sort_values([LOG_LIKELIHOOD, "term"], ascending=[False, True])
    side_b = table[table[LOG_LIKELIHOOD] < 0].sort_values([LOG_LIKELIHOOD, "term"], ascending=[True, True])
    terms = pd.concat([side_a.head(top), side_b.head(top)], ignore_index=True)
    return {
        "a": {"filter": a.text, "documents": docs_a, "tokens": tokens_a},
        "b": {"filter": REST if b is None else b.text, "documents": docs_b, "tokens": tokens_b},
        "overlap": overlap,
        "terms": terms,
    }
