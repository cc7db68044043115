"""Term frequencies per paragraph and per pillar, the pillar colour of each term, and the rule that
tells a figure (a number or amount) from a term."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import pandas as pd

from policylens import schema
from policylens.text.pillars import Codebook

_LATIN = re.compile(r"[A-Za-z]")
_STARTS_NUMERIC = re.compile(r"^[+\-−~～$¥￥€£]?\d")
_ORDINAL_EN = re.compile(r"^\d+(?:st|nd|rd|th|s)$")  # 14th, 3rd, 1990s
_NUMERALS_ZH = "零〇一二三四五六七八九十百千万亿两几半"
# units and measure words after a Chinese numeral (三年, 两个, 五万亿元, 百分之三)
_MEASURES_ZH = (
    "万亿元|亿元|万元|千元|美元|元|万亿|亿|万|千|百|个百分点|百分点|周年|年度|年|月|日|天|小时|周|季度|"
    "平方公里|公里|千米|米|吨|家|所|座|个|项|件|台|套|户|人次|人|名|位|倍|成|条|批次|批|次|轮|届|期|类|种|"
    "处|支|部|门|片|股"
)
_NUMERAL_AMOUNT = re.compile(
    rf"^(?:第?[{_NUMERALS_ZH}]+(?:{_MEASURES_ZH})|第[{_NUMERALS_ZH}]+|百分之[{_NUMERALS_ZH}点.\d]+)$"
)


@lru_cache(maxsize=100_000)
def is_figure(term: str) -> bool:
    """True for a number or an amount, which is listed as a figure and never ranked as a term.

    The rule: a token that starts with a digit (after an optional sign or currency symbol) and
    holds no Latin letter and no "+" (3.3万亿元, 8.1%, 10个, 2023年, 100万人, 3.5, 2023-2025); an
    English ordinal or decade (14th, 1990s); a Chinese numeral with a unit or measure word, or an
    ordinal (三年, 两个, 五万亿元, 第一次, 百分之三). Codes and designations stay terms: 5G, 3D,
    PM2.5, 1+N, 2+6+6, 十四五, 一带一路, 三农.
    """
    if _STARTS_NUMERIC.match(term):
        return bool(_ORDINAL_EN.match(term)) or (not _LATIN.search(term) and "+" not in term)
    return bool(_NUMERAL_AMOUNT.match(term))


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


def drop_figures(table: pd.DataFrame) -> pd.DataFrame:
    """The rows whose term is not a figure (is_figure): what every ranked list of terms shows."""
    if table.empty:
        return table
    return table[~table[schema.TERM].map(is_figure).astype(bool)]


def summarise_terms(term_counts: pd.DataFrame) -> pd.DataFrame:
    """Totals over the given paragraphs, most frequent first (ties by term); figures left out.

    Columns: term, count, paragraphs (number of paragraphs the term occurs in).
    """
    grouped = (
        drop_figures(term_counts)
        .groupby(schema.TERM, sort=False)
        .agg(**{schema.COUNT: (schema.COUNT, "sum"), schema.PARAGRAPHS: (schema.PARAGRAPH, "nunique")})
    )
    return (
        grouped.reset_index()
        .sort_values([schema.COUNT, schema.TERM], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def count_terms_by_pillar(term_counts: pd.DataFrame, assignment: pd.DataFrame) -> pd.DataFrame:
    """Term counts summed over the paragraphs of each pillar (general paragraphs and figures excluded).

    Columns: pillar, term, count; within a pillar, most frequent first.
    """
    merged = drop_figures(term_counts).merge(assignment[[schema.PARAGRAPH, schema.PILLAR]], on=schema.PARAGRAPH)
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
