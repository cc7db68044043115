"""Term frequencies per paragraph and per pillar, and the pillar colour of each term."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from policylens import schema
from policylens.text.pillars import Codebook


def count_terms(paragraph_terms: Sequence[Sequence[str]]) -> pd.DataFrame:
    """Term counts per paragraph. Columns: paragraph (1-based), term, count."""
    rows = [(index, term, n) for index, terms in enumerate(paragraph_terms, 1) for term, n in Counter(terms).items()]
    return pd.DataFrame(rows, columns=[schema.PARAGRAPH, schema.TERM, schema.COUNT]).astype(
        {schema.PARAGRAPH: "int64", schema.TERM: "object", schema.COUNT: "int64"}
    )


def filter_paragraphs(table: pd.DataFrame, assignment: pd.DataFrame, pillars: Sequence[str]) -> pd.DataFrame:
    """Rows of a paragraph-keyed table whose paragraph is assigned to one of `pillars` (all if empty)."""
    if not pillars:
        return table
    keep = assignment.loc[assignment[schema.PILLAR].isin(list(pillars)), schema.PARAGRAPH]
    return table[table[schema.PARAGRAPH].isin(keep)]


def summarise_terms(term_counts: pd.DataFrame) -> pd.DataFrame:
    """Totals over the given paragraphs, most frequent first (ties by term).

    Columns: term, count, paragraphs (number of paragraphs the term occurs in).
    """
    grouped = term_counts.groupby(schema.TERM, sort=False).agg(
        **{schema.COUNT: (schema.COUNT, "sum"), schema.PARAGRAPHS: (schema.PARAGRAPH, "nunique")}
    )
    return (
        grouped.reset_index()
        .sort_values([schema.COUNT, schema.TERM], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def count_terms_by_pillar(term_counts: pd.DataFrame, assignment: pd.DataFrame) -> pd.DataFrame:
    """Term counts summed over the paragraphs of each pillar (general paragraphs excluded).

    Columns: pillar, term, count; within a pillar, most frequent first.
    """
    merged = term_counts.merge(assignment[[schema.PARAGRAPH, schema.PILLAR]], on=schema.PARAGRAPH)
    merged = merged[merged[schema.PILLAR].notna()]
    out = merged.groupby([schema.PILLAR, schema.TERM], as_index=False)[schema.COUNT].sum()
    return out.sort_values(
        [schema.PILLAR, schema.COUNT, schema.TERM], ascending=[True, False, True], kind="stable"
    ).reset_index(drop=True)


def assign_term_pillars(
    terms: Sequence[str], by_pillar: pd.DataFrame, codebook: Codebook, language: str
) -> dict[str, str | None]:
    """The pillar each term is coloured by.

    A codebook term takes the pillar that weights it most; any other term takes the pillar in
    whose paragraphs it occurs most often; a term found only in general paragraphs gets None.
    """
    weights: dict[str, tuple[float, str]] = {}
    for pillar in codebook.pillars:
        for term, weight in pillar.terms(language).items():
            if term not in weights or weight > weights[term][0]:
                weights[term] = (weight, pillar.id)
    top = (
        by_pillar.sort_values([schema.COUNT, schema.PILLAR], ascending=[False, True], kind="stable")
        .drop_duplicates(schema.TERM)
        .set_index(schema.TERM)[schema.PILLAR]
    )
    return {t: weights[t][1] if t in weights else top.get(t) for t in terms}
