"""Where terms sit along the document: per-paragraph counts and how evenly each term is spread."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from policylens import schema

RELATIVE = "relative"  # occurrences per 1,000 content terms of the paragraph
DP = "dp"


def build_term_dispersion(paragraph_terms: Sequence[Sequence[str]], terms: Sequence[str]) -> pd.DataFrame:
    """Occurrences of each of `terms` in each paragraph where it occurs (count > 0 only).

    Paragraphs without the term are not listed: the gaps are the paragraphs missing from a term's
    rows, and the paragraph count comes from the document (or the assignment table), which the
    dispersion figure uses for its x range. A term that never occurs has no row.
    Columns: term (in the order of `terms`), paragraph (1-based, ascending), count, relative
    (count per 1,000 content terms of that paragraph).
    """
    wanted = list(dict.fromkeys(terms))
    wanted_set = set(wanted)
    per_paragraph = [Counter(t for t in paragraph if t in wanted_set) for paragraph in paragraph_terms]
    rows = [
        (term, index, counts[term], 1000 * counts[term] / len(paragraph))
        for term in wanted
        for index, (paragraph, counts) in enumerate(zip(paragraph_terms, per_paragraph), 1)
        if counts[term]
    ]
    return pd.DataFrame(
        {
            schema.TERM: pd.Series([r[0] for r in rows], dtype="object"),
            schema.PARAGRAPH: pd.Series([r[1] for r in rows], dtype="int64"),
            schema.COUNT: pd.Series([r[2] for r in rows], dtype="int64"),
            RELATIVE: pd.Series([r[3] for r in rows], dtype="float64"),
        }
    )


def summarise_dispersion(paragraph_terms: Sequence[Sequence[str]], terms: Sequence[str]) -> pd.DataFrame:
    """How evenly each term is spread over the paragraphs: Gries' deviation of proportions.

    DP = 0.5 * sum_i |v_i - s_i|, where s_i is paragraph i's share of all content terms and v_i
    its share of the term's occurrences (Gries 2008, "Dispersions and adjusted frequencies in
    corpora"). 0 = spread exactly in proportion to paragraph length; near 1 = all in one short
    paragraph. Columns: term, count, paragraphs (number containing it), dp (NaN if count is 0).
    """
    sizes = [len(p) for p in paragraph_terms]
    total = sum(sizes)
    table = build_term_dispersion(paragraph_terms, terms)
    rows = []
    for term in dict.fromkeys(terms):
        part = table[table[schema.TERM] == term]
        count = int(part[schema.COUNT].sum())
        observed = dict(zip(part[schema.PARAGRAPH], part[schema.COUNT]))
        dp = (
            0.5 * sum(abs(observed.get(i, 0) / count - size / total) for i, size in enumerate(sizes, 1))
            if count
            else float("nan")
        )
        rows.append((term, count, len(part), dp))
    return pd.DataFrame(rows, columns=[schema.TERM, schema.COUNT, schema.PARAGRAPHS, DP]).astype(
        {schema.TERM: "object", schema.COUNT: "int64", schema.PARAGRAPHS: "int64", DP: "float64"}
    )
