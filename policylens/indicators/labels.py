"""One home for how cities and indicators are named and which values are fixed: the focus city,
the cities' Chinese names, an indicator's display name, the qualifier prefixes and label keys, and the plausible
year range of a published value.
"""

from __future__ import annotations

import re
from collections import Counter

from policylens import schema

FOCUS_CITY = "Nanjing"  # the city the seed document is about: first in every picker, default everywhere
CITY_LABELS_ZH = {
    "Nanjing": "南京",
    "Suzhou": "苏州",
    "Hangzhou": "杭州",
    "Hefei": "合肥",
    "Wuhan": "武汉",
    "Shenzhen": "深圳",
    "Guangzhou": "广州",
}
CITY_NAMES = {zh: en for en, zh in CITY_LABELS_ZH.items()}  # 南京 -> Nanjing (uploads may use either)
QUALIFIER_PREFIXES = {"lower_bound": "≥ ", "approx": "≈ "}
QUALIFIER_LABELS = {  # the string key naming each of schema.QUALIFIERS
    "exact": "qualifier.exact",
    "lower_bound": "qualifier.lower_bound",
    "approx": "qualifier.approx",
    "preliminary": "qualifier.preliminary",
    "revised": "qualifier.revised",
}
YEAR_BOUNDS = (1949, 2100)  # a year outside this range is a typo, in an upload as in a shared link


def city_label(city: str, lang: str) -> str:
    """Display name of a city in "en" or "zh"."""
    return CITY_LABELS_ZH.get(city, city) if lang == "zh" else city


def indicator_name(row, lang: str) -> str:
    """Display name of an indicator (a row with indicator_id, indicator_en, indicator_zh): the UI
    language's name, else the other language's (uploads may name an indicator in one language), else the id."""
    first, second = (
        (schema.INDICATOR_ZH, schema.INDICATOR_EN) if lang == "zh" else (schema.INDICATOR_EN, schema.INDICATOR_ZH)
    )
    return str(row[first] or row[second] or row[schema.INDICATOR_ID])


# A trailing "(...)" in a row's indicator label is that row's note ("(secondary compilation, rounded)",
# "(as stated Jan 2021)", "(预计)"), not the indicator's name: the bundled table writes them there.
_TRAILING_NOTE = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*$")


def split_row_label(label: str) -> tuple[str, str]:
    """A row's indicator label as (name, note): "Gross domestic product (rounded)" -> ("Gross domestic
    product", "rounded"); a label with no trailing parenthesis has the note ""."""
    text = str(label or "").strip()
    match = _TRAILING_NOTE.search(text)
    if match is None or not text[: match.start()].strip():
        return text, ""
    return text[: match.start()].rstrip(), match.group(1).strip()


def indicator_title_name(rows, lang: str) -> str:
    """The name of the indicator the rows (one indicator_id; a DataFrame) give, for a chart title: the
    most frequent of the rows' labels without their notes (split_row_label), the shortest on a tie, in
    the UI language, else the other language, else the id. Never one row's note."""
    first, second = (
        (schema.INDICATOR_ZH, schema.INDICATOR_EN) if lang == "zh" else (schema.INDICATOR_EN, schema.INDICATOR_ZH)
    )
    for column in (first, second):
        names = [split_row_label(v)[0] for v in rows[column] if isinstance(v, str) and v.strip()]
        names = [n for n in names if n]
        if names:
            counts = Counter(names)
            return min(counts, key=lambda n: (-counts[n], len(n), n))
    return str(rows[schema.INDICATOR_ID].iloc[0]) if len(rows) else ""


def row_note(row, lang: str) -> str:
    """The note a row's label carries in the UI language (else the other language's note), or ""."""
    first, second = (
        (schema.INDICATOR_ZH, schema.INDICATOR_EN) if lang == "zh" else (schema.INDICATOR_EN, schema.INDICATOR_ZH)
    )
    for column in (first, second):
        value = row.get(column) if hasattr(row, "get") else None
        if isinstance(value, str) and value.strip():
            # ">" or ">=" alone repeats the qualifier, which the value already shows (≥)
            parts = [p.strip() for p in split_row_label(value)[1].split(";")]
            if note := "; ".join(p for p in parts if any(c.isalnum() for c in p)):
                return note
    return ""
