"""Questions asked of an ingested corpus, as SQL over its Parquet tables with embedded DuckDB: term
trends and first appearances, pillar shares by period and by place, the documents and their sizes,
the paragraphs a keyword-in-context search reads, and the keyness of two filtered sub-corpora.
Every function takes a corpus.store.Corpus and a corpus.store.Filter (parse_filter).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from policylens.corpus.sources import METADATA_FIELDS
from policylens.corpus.store import (
    FILTER_KEYS,
    GENERAL,
    REST,
    Corpus,
    CorpusQueryError,
    Filter,
    parse_filter,
    period_sql,
    scoped_tokens,
    term_hits_sql,
    wanted_terms,
)
from policylens.text.keyness import PER_10K, log_likelihood

LOG_LIKELIHOOD = "log_likelihood"
LOG_RATIO = "log_ratio"
SIGNIFICANT_P05 = 3.84  # G2 with one degree of freedom at p < 0.05
_NON_WORD = re.compile(r"\W")


def count_term_trends(
    corpus: Corpus,
    terms: Sequence[str],
    by: str = "year",
    where: Filter | None = None,
    phrases: Sequence[Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Occurrences of each term per period, also per 10,000 tokens of that period (dated documents;
    with a pillar filter, of the paragraphs of those pillars). `phrases`: each term's tokens
    (store.split_terms), so a term the segmentation cuts counts as a phrase.

    Columns: period, term (as typed), count, per_10k; every period x term, in period then term order."""
    where = where or parse_filter("")
    hits, hit_params, hit_frames = term_hits_sql(terms, phrases)
    order = pd.DataFrame({"term": wanted_terms(terms), "rank": range(len(wanted_terms(terms)))})
    pillar_sql, pillar_params = where.paragraph_sql("p")
    if where.pillars:  # the terms of the pillars' paragraphs: their token counts, not a pass over the tokens
        totals = (
            f"SELECT docs.period, sum(p.tokens) AS total FROM paragraphs p JOIN docs USING (doc_id) WHERE {pillar_sql}"
        )
        totals, total_params = totals + " GROUP BY docs.period", pillar_params
        scope = f"JOIN paragraphs p ON p.doc_id = h.doc_id AND p.paragraph = h.paragraph AND {pillar_sql}"
    else:
        totals, total_params = "SELECT period, sum(tokens) AS total FROM docs GROUP BY period", ()
        scope, pillar_params = "", ()
    table = corpus.query(
        f"""
        WITH docs AS (
            SELECT d.doc_id, {period_sql(by)} AS period, d.tokens FROM documents d
            WHERE d.date IS NOT NULL AND {where.sql}),
        totals AS ({totals}),
        found AS ({hits}),
        counted AS (
            SELECT docs.period, h.term, count(*) AS n FROM found h JOIN docs ON docs.doc_id = h.doc_id {scope}
            GROUP BY docs.period, h.term)
        SELECT p.period, w.term, coalesce(c.n, 0)::BIGINT AS count,
               CASE WHEN p.total > 0 THEN coalesce(c.n, 0) * 10000.0 / p.total ELSE 0 END AS {PER_10K}
        FROM totals p CROSS JOIN term_order w LEFT JOIN counted c ON c.period = p.period AND c.term = w.term
        ORDER BY p.period, w.rank""",
        (*where.params, *total_params, *hit_params, *pillar_params),
        frames={"term_order": order, **hit_frames},
    )
    return table.reset_index(drop=True)


def top_terms(corpus: Corpus, n: int = 30, where: Filter | None = None) -> pd.DataFrame:
    """The `n` most frequent terms of two characters or more in the filtered corpus: term, count
    (most first, then by term). A single character (新, 的) is rarely a term worth a trend line."""
    where = where or parse_filter("")
    scoped, params = scoped_tokens(where)
    return corpus.query(
        f"""WITH docs AS (SELECT d.doc_id FROM documents d WHERE {where.sql})
            SELECT t.token AS term, count(*)::BIGINT AS count FROM {scoped}
            WHERE length(t.token) >= 2 GROUP BY t.token ORDER BY count DESC, term LIMIT {int(n)}""",
        (*where.params, *params),
    )


def first_appearances(
    corpus: Corpus, terms: Sequence[str], where: Filter | None = None, phrases: Sequence[Sequence[str]] | None = None
) -> pd.DataFrame:
    """The first dated document of each term (within the filter): term, date, doc_id, title.
    A term that never occurs has no row. `phrases` as in count_term_trends."""
    where = where or parse_filter("")
    hits, hit_params, hit_frames = term_hits_sql(terms, phrases)
    pillar_sql, pillar_params = where.paragraph_sql("p")
    scope = f"JOIN paragraphs p ON p.doc_id = h.doc_id AND p.paragraph = h.paragraph AND {pillar_sql}"
    table = corpus.query(
        f"""
        WITH docs AS (SELECT d.doc_id, d.date FROM documents d WHERE d.date IS NOT NULL AND {where.sql}),
        found AS ({hits}),
        firsts AS (
            SELECT h.term, min(h.rank) AS rank, arg_min(docs.doc_id, (docs.date, docs.doc_id)) AS doc_id,
                   min(docs.date) AS date
            FROM found h JOIN docs ON docs.doc_id = h.doc_id {scope if where.pillars else ""} GROUP BY h.term)
        SELECT f.term, f.date, f.doc_id, d.title FROM firsts f JOIN documents d ON d.doc_id = f.doc_id
        ORDER BY f.rank""",
        (*where.params, *hit_params, *(pillar_params if where.pillars else ())),
        frames=hit_frames,
    )
    table["date"] = [pd.Timestamp(d).date() for d in table["date"]]
    return table.reset_index(drop=True)


def _pillar_order(corpus: Corpus, where: Filter) -> pd.DataFrame:
    ids = [*corpus.pillar_ids, None]
    if where.pillars:
        ids = [p for p in ids if p in where.pillars]
    return pd.DataFrame({"pillar": pd.Series(ids, dtype=object), "rank": range(len(ids))})


def count_pillar_shares(corpus: Corpus, by: str = "year", where: Filter | None = None) -> pd.DataFrame:
    """Paragraphs per pillar and period and their share of the period's paragraphs (dated documents).

    Columns: period, pillar (None: general), paragraphs, share; every codebook pillar in every period
    (only the filter's pillars when it names some), in codebook order, general last."""
    return _pillar_shares(corpus, period_sql(by), where, "period", dated=True)


def count_pillar_shares_by(corpus: Corpus, field: str = "place", where: Filter | None = None) -> pd.DataFrame:
    """Pillar shares per value of a metadata field (a place x pillar table): columns `field`, pillar,
    paragraphs, share; documents without a value are left out."""
    if field not in FILTER_KEYS:
        raise CorpusQueryError(f"Unknown field '{field}'; use one of {', '.join(FILTER_KEYS)}.")
    table = _pillar_shares(corpus, f"d.{field}", where, field, dated=False)
    return table[table[field].notna() & (table[field] != "")].reset_index(drop=True)


def _pillar_shares(corpus: Corpus, group_sql: str, where: Filter | None, name: str, dated: bool) -> pd.DataFrame:
    where = where or parse_filter("")
    dated_sql = "d.date IS NOT NULL AND " if dated else ""
    table = corpus.query(
        f"""
        WITH docs AS (SELECT d.doc_id, {group_sql} AS grp FROM documents d WHERE {dated_sql}{where.sql}),
        counts AS (
            SELECT docs.grp, p.pillar, count(*) AS n FROM paragraphs p JOIN docs USING (doc_id)
            GROUP BY docs.grp, p.pillar),
        totals AS (SELECT grp, sum(n) AS total FROM counts GROUP BY grp)
        SELECT t.grp AS {name}, o.pillar, coalesce(c.n, 0)::BIGINT AS paragraphs, coalesce(c.n, 0) / t.total AS share
        FROM totals t CROSS JOIN pillar_order o
        LEFT JOIN counts c ON c.grp IS NOT DISTINCT FROM t.grp AND c.pillar IS NOT DISTINCT FROM o.pillar
        ORDER BY t.grp, o.rank""",
        where.params,
        frames={"pillar_order": _pillar_order(corpus, where)},
    )
    table["pillar"] = table["pillar"].astype(object).where(table["pillar"].notna(), None)
    return table.reset_index(drop=True)


def summarize_corpus(corpus: Corpus, where: Filter | None = None) -> dict:
    """Documents, characters, paragraphs, tokens, first and last date, undated documents and
    distinct places of the documents the filter matches (pillars do not narrow documents here)."""
    where = where or parse_filter("")
    row = corpus.query(
        f"""SELECT count(*) AS documents, coalesce(sum(characters), 0)::BIGINT AS characters,
                   coalesce(sum(paragraphs), 0)::BIGINT AS paragraphs, coalesce(sum(tokens), 0)::BIGINT AS tokens,
                   min(date) AS first, max(date) AS last, count(*) FILTER (WHERE date IS NULL) AS undated,
                   count(DISTINCT nullif(place, '')) AS places
            FROM documents d WHERE {where.sql}""",
        where.params,
    ).iloc[0]
    out = {}
    for key, value in row.items():
        if key in ("first", "last"):
            out[key] = None if pd.isna(value) else pd.Timestamp(value).date()
        else:
            out[key] = int(value)
    return out


def count_documents(corpus: Corpus, by: str = "year", where: Filter | None = None) -> pd.DataFrame:
    """Dated documents and their characters per period: columns period, documents, characters."""
    where = where or parse_filter("")
    return corpus.query(
        f"""SELECT {period_sql(by)} AS period, count(*)::BIGINT AS documents, sum(characters)::BIGINT AS characters
            FROM documents d WHERE d.date IS NOT NULL AND {where.sql} GROUP BY period ORDER BY period""",
        where.params,
    )


def count_documents_by(corpus: Corpus, field: str = "place", where: Filter | None = None) -> pd.DataFrame:
    """Documents and characters per value of a metadata field, most documents first (no value: None)."""
    if field not in FILTER_KEYS:
        raise CorpusQueryError(f"Unknown field '{field}'; use one of {', '.join(FILTER_KEYS)}.")
    where = where or parse_filter("")
    table = corpus.query(
        f"""SELECT nullif(d.{field}, '') AS {field}, count(*)::BIGINT AS documents,
                   sum(characters)::BIGINT AS characters
            FROM documents d WHERE {where.sql} GROUP BY 1 ORDER BY documents DESC, 1 NULLS LAST""",
        where.params,
    )
    table[field] = table[field].astype(object).where(table[field].notna(), None)
    return table


def field_values(corpus: Corpus, field: str) -> list[str]:
    """The distinct non-empty values of a metadata field, most documents first (the filter choices)."""
    table = count_documents_by(corpus, field)
    return [v for v in table[field] if v]


def share_column(pillar_id: str | None) -> str:
    """The list_documents column of a pillar's share (None: general)."""
    return "share_" + (GENERAL if pillar_id is None else _NON_WORD.sub("_", pillar_id))


def list_documents(corpus: Corpus, where: Filter | None = None) -> pd.DataFrame:
    """The documents the filter matches, by date: doc_id, name, date, title, place, level, issuer,
    type, source_url, characters, paragraphs, tokens, then one share column per pillar (share_column:
    the document's paragraphs of that pillar). With a pillar filter, only documents holding a
    paragraph of those pillars."""
    where = where or parse_filter("")
    pillar_sql, pillar_params = where.paragraph_sql("p")
    named = list(corpus.pillar_ids)
    shares = ", ".join(
        [f"coalesce(avg(CASE WHEN p.pillar = ? THEN 1.0 ELSE 0.0 END), 0) AS {share_column(pid)}" for pid in named]
        + [f"coalesce(avg(CASE WHEN p.pillar IS NULL THEN 1.0 ELSE 0.0 END), 0) AS {share_column(None)}"]
    )
    having = f"HAVING count(*) FILTER (WHERE {pillar_sql}) > 0" if where.pillars else ""
    fields = ", ".join(f"d.{f}" for f in METADATA_FIELDS if f != "date")
    return corpus.query(
        f"""SELECT d.doc_id, d.name, d.date, {fields}, d.characters, d.paragraphs, d.tokens, {shares}
            FROM documents d LEFT JOIN paragraphs p USING (doc_id) WHERE {where.sql}
            GROUP BY ALL {having} ORDER BY d.date NULLS LAST, d.name""",
        (*named, *where.params, *pillar_params),
    )


def read_document_paragraphs(corpus: Corpus, doc_id: str) -> pd.DataFrame:
    """One document's paragraphs in order: paragraph, pillar, secondary, confidence, text."""
    return corpus.query(
        "SELECT paragraph, pillar, secondary, confidence, text FROM paragraphs WHERE doc_id = ? ORDER BY paragraph",
        (doc_id,),
    )


def find_candidate_paragraphs(
    corpus: Corpus, needles: Sequence[str], tokens: Sequence[str], where: Filter | None = None, limit: int = 400
) -> tuple[pd.DataFrame, int]:
    """Paragraphs that may hold a keyword-in-context match: their text contains one of `needles`
    (case-insensitive) or their tokens match one of `tokens` (LIKE patterns). Returns the first
    `limit` by date (doc_id, name, date, place, title, type, language, paragraph, pillar, text) and
    how many there are in all."""
    where = where or parse_filter("")
    pillar_sql, pillar_params = where.paragraph_sql("p")
    tests, params = [], []
    for needle in needles:
        tests.append("contains(lower(p.text), ?)")
        params.append(needle.lower())
    if tokens:
        likes = " OR ".join("t.token LIKE ?" for _ in tokens)
        tests.append(
            f"EXISTS (SELECT 1 FROM tokens t WHERE t.doc_id = p.doc_id AND t.paragraph = p.paragraph AND ({likes}))"
        )
        params += list(tokens)
    if not tests:
        raise CorpusQueryError("Nothing to search for.")
    table = corpus.query(
        f"""
        WITH hits AS (
            SELECT d.doc_id, d.name, d.date, d.place, d.title, d.type, d.language, p.paragraph, p.pillar, p.text
            FROM paragraphs p JOIN documents d USING (doc_id)
            WHERE {where.sql} AND {pillar_sql} AND ({" OR ".join(tests)}))
        SELECT *, count(*) OVER () AS total FROM hits ORDER BY date NULLS LAST, name, paragraph LIMIT {int(limit)}""",
        (*where.params, *pillar_params, *params),
    )
    total = int(table["total"].iloc[0]) if len(table) else 0
    table = table.drop(columns="total")
    table["pillar"] = table["pillar"].astype(object).where(table["pillar"].notna(), None)
    return table, total


def read_paragraph_terms(corpus: Corpus, where: Filter | None = None, limit: int = 50_000) -> list[tuple[str, ...]]:
    """The terms of each paragraph the filter matches, at most `limit` paragraphs by date: the input
    of text.network's co-occurrence."""
    where = where or parse_filter("")
    pillar_sql, pillar_params = where.paragraph_sql("p")
    table = corpus.query(
        f"""
        WITH picked AS (
            SELECT p.doc_id, p.paragraph FROM paragraphs p JOIN documents d USING (doc_id)
            WHERE {where.sql} AND {pillar_sql} ORDER BY d.date NULLS LAST, p.doc_id, p.paragraph LIMIT {int(limit)})
        SELECT list(t.token ORDER BY t.position) AS terms
        FROM tokens t JOIN picked USING (doc_id, paragraph) GROUP BY t.doc_id, t.paragraph
        ORDER BY t.doc_id, t.paragraph""",
        (*where.params, *pillar_params),
    )
    return [tuple(terms) for terms in table["terms"]]


def _subset(corpus: Corpus, where: Filter, exclude: Filter | None = None) -> tuple[pd.DataFrame, int, int]:
    """Token counts of a sub-corpus (term, n), its documents and its tokens. `exclude`: every
    document the filter does not match (undated documents too), in the filter's pillars."""
    sql = where.sql if exclude is None else f"NOT coalesce(({exclude.sql}), FALSE)"
    params = where.params if exclude is None else exclude.params
    scoped, scope_params = scoped_tokens(where)
    docs = f"docs AS (SELECT d.doc_id FROM documents d WHERE {sql})"
    counts = corpus.query(
        f"WITH {docs} SELECT t.token AS term, count(*) AS n FROM {scoped} GROUP BY t.token", (*params, *scope_params)
    )
    size = corpus.query(f"WITH {docs} SELECT count(*) AS n FROM docs", params)
    return counts, int(size["n"].iloc[0]), int(counts["n"].sum())


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


def compare_texts(corpus: Corpus, a: str, b: str, top: int = 30) -> dict:
    """compare_subsets from two filter texts; `b` may be `rest` (every document A does not match)."""
    other = None if b.strip().lower() == REST else parse_filter(b)
    return compare_subsets(corpus, parse_filter(a), other, top=top)
