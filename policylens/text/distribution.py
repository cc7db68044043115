"""Where terms sit along the document: per-paragraph counts and how evenly each term is spread."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence

import pandas as pd

from policylens import schema

RELATIVE = "relative"  # occurrences per 1,000 content terms of the paragraph
DP = "dp"


def _kept(paragraph_terms: Sequence[Sequence[str]], paragraphs: Collection[int] | None) -> list[int]:
    """The 1-based numbers of the paragraphs in view: all, or those of `paragraphs` (a filter)."""
    numbers = range(1, len(paragraph_terms) + 1)
    if paragraphs is None:
        return list(numbers)
    wanted = {int(i) for i in paragraphs}
    return [i for i in numbers if i in wanted]


def build_term_dispersion(
    paragraph_terms: Sequence[Sequence[str]], terms: Sequence[str], paragraphs: Collection[int] | None = None
) -> pd.DataFrame:
    """Occurrences of each of `terms` in each paragraph where it occurs (count > 0 only).

    `paragraphs` (1-based numbers, e.g. those a pillar filter keeps) limits the rows to those
    paragraphs; None is every paragraph. Paragraphs without the term are not listed: the gaps are
    the paragraphs missing from a term's rows, and the paragraph count comes from the document,
    which the dispersion figure uses for its x range. A term that never occurs has no row.
    Columns: term (in the order of `terms`), paragraph (1-based, ascending), count, relative
    (count per 1,000 content terms of that paragraph).
    """
    wanted = list(dict.fromkeys(terms))
    wanted_set = set(wanted)
    kept = _kept(paragraph_terms, paragraphs)
    per_paragraph = {i: Counter(t for t in paragraph_terms[i - 1] if t in wanted_set) for i in kept}
    rows = [
        (term, index, per_paragraph[index][term], 1000 * per_paragraph[index][term] / len(paragraph_terms[index - 1]))
        for term in wanted
        for index in kept
        if per_paragraph[index][term]
    ]
    return pd.DataFrame(
        {
            schema.TERM: pd.Series([r[0] for r in rows], dtype="object"),
            schema.PARAGRAPH: pd.Series([r[1] for r in rows], dtype="int64"),
            schema.COUNT: pd.Series([r[2] for r in rows], dtype="int64"),
            RELATIVE: pd.Series([r[3] for r in rows], dtype="float64"),
        }
    )


def summarise_dispersion(
    paragraph_terms: Sequence[Sequence[str]], terms: Sequence[str], paragraphs: Collection[int] | None = None
) -> pd.DataFrame:
    """How evenly each term is spread over the paragraphs: Gries' deviation of proportions.

    DP = 0.5 * sum_i |v_i - s_i|, where s_i is paragraph i's share of all content terms and v_i
    its share of the term's occurrences (Gries 2008, "Dispersions and adjusted frequencies in
    corpora"). 0 = spread exactly in proportion to paragraph length; near 1 = all in one short
    paragraph. With `paragraphs` (1-based numbers, a filter) everything is counted in those
    paragraphs alone: the part of the document in view is the corpus. Every one of `terms` has a
    row, a term absent from the paragraphs with count 0. Columns: term, count, paragraphs (number
    containing it), dp (NaN if count is 0).
    """
    kept = _kept(paragraph_terms, paragraphs)
    sizes = {i: len(paragraph_terms[i - 1]) for i in kept}
    total = sum(sizes.values())
    table = build_term_dispersion(paragraph_terms, terms, kept)
    rows = []
    for term in dict.fromkeys(terms):
        part = table[table[schema.TERM] == term]
        count = int(part[schema.COUNT].sum())
        observed = dict(zip(part[schema.PARAGRAPH], part[schema.COUNT]))
        dp = (
            0.5 * sum(abs(observed.get(i, 0) / count - size / total) for i, size in sizes.items())
            if count
            else float("nan")
        )
        rows.append((term, count, len(part), dp))
    return pd.DataFrame(rows, columns=[schema.TERM, schema.COUNT, schema.PARAGRAPHS, DP]).astype(
        {schema.TERM: "object", schema.COUNT: "int64", schema.PARAGRAPHS: "int64", DP: "float64"}
    )
