"""One home for how cities and indicators are named and which values are fixed: the focus city,
the cities' Chinese names, an indicator's display name, the qualifier prefixes and label keys, and the plausible
year range of a published value.
"""

from __future__ import annotations

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
