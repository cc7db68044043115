"""Term statistics: frequency, relative frequency, spread, and the keyness of each term per pillar."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from policylens import schema

PER_10K = "per_10k"
TOP_PILLAR = "top_pillar"
# G2 is chi-square distributed with one degree of freedom: 3.84 is p < 0.05, 6.63 is p < 0.01.
# With thousands of terms tested at once, the stricter cut keeps the chance hits down.
SIGNIFICANT_G2 = 6.63


def keyness_column(pillar_id: str) -> str:
    """Name of the keyness column of one pillar in build_term_statistics' table."""
    return f"keyness_{pillar_id}"


def _o_ln_o_over_e(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """O ln(O/E) per cell, with 0 ln 0 = 0 (its limit), so empty cells add nothing."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = observed * np.log(observed / expected)
    return np.where(observed > 0, terms, 0.0)


def log_likelihood(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Signed Dunning log-likelihood G2 of terms occurring `a` times in a part of `c` tokens and
    `b` times in the rest of `d` tokens; positive where the term is over-represented in the part.

    Dunning (1993), "Accurate methods for the statistics of surprise and coincidence"; the
    corpus-comparison layout of Rayson & Garside (2000). Over the full 2x2 contingency table

                    part     rest
        term        a        b
        other       c - a    d - b

    G2 = 2 * sum O ln(O / E), with E = row total * column total / N for each cell and
    0 ln 0 = 0. Rayson & Garside's shortcut keeps only the two cells of the term row; we sum all
    four so that G2 follows the chi-square (df 1) distribution the SIGNIFICANT_G2 cut relies on.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    n = c + d
    if c == 0 or d == 0:
        return np.zeros_like(a)
    row_term, row_other = a + b, n - (a + b)
    cells = ((a, row_term * c / n), (b, row_term * d / n), (c - a, row_other * c / n), (d - b, row_other * d / n))
    g2 = 2.0 * sum(_o_ln_o_over_e(o, e) for o, e in cells)
    g2 = np.maximum(g2, 0.0)  # rounding can leave -1e-13 where a term is spread evenly
    return np.where(a * d >= b * c, g2, -g2)


def build_term_statistics(
    term_counts: pd.DataFrame,
    assignment: pd.DataFrame,
    pillar_ids: Sequence[str],
    min_g2: float = SIGNIFICANT_G2,
) -> pd.DataFrame:
    """One row per term, most frequent first (ties by term).

    Each pillar's paragraphs are compared with all other paragraphs (other pillars and general).
    Columns: term, count, per_10k (occurrences per 10,000 tokens of the document), paragraphs
    (number containing the term), keyness_<pillar> for each of `pillar_ids` (signed G2, see
    log_likelihood), top_pillar (pillar with the highest positive keyness of at least `min_g2`,
    else None).
    """
    pillar_of = assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    counts = term_counts.assign(**{schema.PILLAR: term_counts[schema.PARAGRAPH].map(pillar_of)})
    grouped = counts.groupby(schema.TERM, sort=False)
    table = pd.DataFrame(
        {
            schema.COUNT: grouped[schema.COUNT].sum(),
            schema.PARAGRAPHS: grouped[schema.PARAGRAPH].nunique(),
        }
    )
    total = int(table[schema.COUNT].sum())
    table.insert(1, PER_10K, table[schema.COUNT] * 10_000 / total if total else 0.0)
    columns = [keyness_column(p) for p in pillar_ids]
    for pillar_id, column in zip(pillar_ids, columns):
        inside = counts[counts[schema.PILLAR] == pillar_id].groupby(schema.TERM)[schema.COUNT].sum()
        a = inside.reindex(table.index, fill_value=0).to_numpy(dtype=float)
        c = float(inside.sum())
        table[column] = log_likelihood(a, table[schema.COUNT].to_numpy(dtype=float) - a, c, total - c)
    table[TOP_PILLAR] = pd.Series(None, index=table.index, dtype="object")
    if columns:
        keyness = table[columns].to_numpy()
        best = keyness.argmax(axis=1)
        significant = keyness[np.arange(len(table)), best] >= min_g2
        table[TOP_PILLAR] = pd.Series(
            [pillar_ids[i] if ok else None for i, ok in zip(best, significant)], index=table.index, dtype="object"
        )
    table = table.rename_axis(schema.TERM).reset_index()
    table[schema.TERM] = table[schema.TERM].astype("object")
    return table.sort_values([schema.COUNT, schema.TERM], ascending=[False, True], kind="stable").reset_index(drop=True)
