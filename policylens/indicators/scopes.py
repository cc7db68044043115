"""The scope of a target (the nation, a province or a city, with its place name) and of an indicator series,
so that a target is only ever linked to and drawn against a series of the same scope.

A national figure (全国研发经费投入超过3.3万亿元) must never be drawn against Nanjing's series.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd

from policylens.indicators.labels import CITY_LABELS_ZH, CITY_NAMES
from policylens.schema import CITY, INDICATOR_ID

SCOPE, PLACE, SERIES_CITIES = "scope", "place", "series_cities"
NATION, PROVINCE, CITY_SCOPE, UNKNOWN = "nation", "province", "city", "unknown"
SCOPES = (NATION, PROVINCE, CITY_SCOPE, UNKNOWN)

# Chinese provincial-level names -> English (municipalities directly under the central government are cities here,
# as the indicator table treats them).
PROVINCES = {
    "河北": "Hebei",
    "山西": "Shanxi",
    "辽宁": "Liaoning",
    "吉林": "Jilin",
    "黑龙江": "Heilongjiang",
    "江苏": "Jiangsu",
    "浙江": "Zhejiang",
    "安徽": "Anhui",
    "福建": "Fujian",
    "江西": "Jiangxi",
    "山东": "Shandong",
    "河南": "Henan",
    "湖北": "Hubei",
    "湖南": "Hunan",
    "广东": "Guangdong",
    "海南": "Hainan",
    "四川": "Sichuan",
    "贵州": "Guizhou",
    "云南": "Yunnan",
    "陕西": "Shaanxi",
    "甘肃": "Gansu",
    "青海": "Qinghai",
    "台湾": "Taiwan",
    "内蒙古": "Inner Mongolia",
    "广西": "Guangxi",
    "西藏": "Tibet",
    "宁夏": "Ningxia",
    "新疆": "Xinjiang",
}
# The indicator table's cities, the four municipalities and a few more large cities.
CITIES = CITY_LABELS_ZH | {
    "Beijing": "北京",
    "Shanghai": "上海",
    "Tianjin": "天津",
    "Chongqing": "重庆",
    "Chengdu": "成都",
    "Xi'an": "西安",
    "Wuxi": "无锡",
    "Changzhou": "常州",
    "Ningbo": "宁波",
}
NATION_PLACE = "China"
_CITY_EN = {zh: en for en, zh in CITIES.items()} | CITY_NAMES
_PROVINCE_EN = {en.casefold(): en for en in PROVINCES.values()}
_NATION_NAMES = {"china", "全国", "中国", "national", "nationwide", "prc"}


def _alternatives(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


# One pattern per language: each named group is one kind of mention. Only whole place names and scope words
# count (no bare "XX市", which 市场 and 超市 would fake); "national" before a designation (a national high-tech
# zone in Nanjing) and 全国人大 name no national scope.
_MENTIONS = {
    "zh": re.compile(
        rf"(?P<nation>全国(?!人大|政协|人民代表)|我国|国内(?!外)|中国(?![人共]民|科学院|工程院))"
        rf"|(?P<province_name>{_alternatives(PROVINCES)})(?:省|自治区|壮族自治区|回族自治区|维吾尔自治区)?"
        rf"|(?P<province>全省|我省|本省)"
        rf"|(?P<city_name>{_alternatives(_CITY_EN)})(?:市)?"
        r"|(?P<city>全市|我市|本市)"
    ),
    "en": re.compile(
        r"(?P<nation>\b(?:China(?:'s)?|[Nn]ationally|[Nn]ationwide|the country(?:'s)?|the nation(?:'s)?)\b"
        r"|\b[Nn]ational\b(?![- ](?:level|high-tech|key|laborator|champion|little)))"
        rf"|(?P<province_name>\b(?:{_alternatives(PROVINCES.values())})\b)(?: [Pp]rovince)?"
        r"|(?P<province>\b(?:the|this|our) province\b)"
        rf"|(?P<city_name>\b(?:{_alternatives(CITIES)})\b)"
        r"|(?P<city>\b(?:the|this|our) city\b|\bcitywide\b|\bcity-wide\b)"
    ),
}
_KIND = {
    "nation": NATION,
    "province_name": PROVINCE,
    "province": PROVINCE,
    "city_name": CITY_SCOPE,
    "city": CITY_SCOPE,
}


def find_scope_mentions(text: str, language: str) -> list[tuple[int, str, str | None]]:
    """(position, scope, place name or None) of every place or scope word in the text."""
    found = []
    for match in _MENTIONS[language].finditer(text):
        kind = match.lastgroup
        place = match.group(kind) if kind.endswith("_name") else None
        found.append((match.start(), _KIND[kind], NATION_PLACE if kind == "nation" else place))
    return found


def find_document_scope(paragraphs: Sequence[str], language: str) -> tuple[str, str | None]:
    """The place the document is about: the first scope its title (first paragraph) names, else
    (unknown, None). A named place there also names an unnamed 全市/全省 later on."""
    mentions = find_scope_mentions(paragraphs[0], language) if paragraphs else []
    named = [(s, p) for _, s, p in mentions if p]
    return named[0] if named else (mentions[0][1], None) if mentions else (UNKNOWN, None)


def choose_scope(
    sentence: str,
    position: int,
    language: str,
    carried: tuple[str, str | None],
    document: tuple[str, str | None],
) -> tuple[str, str | None]:
    """The scope of a number at `position` of `sentence`: the nearest mention before it, else the first after
    it, else `carried` (the paragraph's last mention), else the document's. An unnamed city or province takes
    the document's place name when the document is about a place of that kind."""
    mentions = find_scope_mentions(sentence, language)
    before = [(s, p) for at, s, p in mentions if at < position]
    after = [(s, p) for at, s, p in mentions if at >= position]
    scope, place = before[-1] if before else after[0] if after else carried if carried[0] != UNKNOWN else document
    if place is None and scope == document[0]:
        place = document[1]
    return scope, place


def canonical_place(scope: str, place: str | None) -> str | None:
    """The English name of a place as the indicator table writes it (南京 -> Nanjing, 江苏 -> Jiangsu)."""
    if place is None:
        return None
    if scope == NATION:
        return NATION_PLACE
    if scope == PROVINCE:
        name = place.removesuffix(" Province").removesuffix(" province")
        return PROVINCES.get(re.sub("(?:省|.{0,3}自治区)$", "", name), _PROVINCE_EN.get(name.casefold(), name))
    return _CITY_EN.get(place.removesuffix("市"), place)


def find_series_scope(city: str) -> tuple[str, str]:
    """The scope and canonical place of a series from the value in its city column: "China" or 全国 is the
    nation, a province name (Jiangsu, 江苏省) a province, anything else a city."""
    name = str(city).strip()
    if name.casefold() in _NATION_NAMES:
        return NATION, NATION_PLACE
    province = canonical_place(PROVINCE, name)
    if province in PROVINCES.values():
        return PROVINCE, province
    return CITY_SCOPE, canonical_place(CITY_SCOPE, name) or name


def is_same_scope(target_scope: str, target_place: str | None, series_city: str) -> bool:
    """A target matches a series of the same scope, and of the same place when the target names one. A
    target of unknown scope (no place in its sentence, paragraph or title) matches any series: nothing says
    it is a different place, and the UI says the scope is not stated."""
    if target_scope == UNKNOWN:
        return True
    scope, place = find_series_scope(series_city)
    wanted = canonical_place(target_scope, target_place)
    return scope == target_scope and (wanted is None or wanted == place)


def match_target_scopes(matches: pd.DataFrame, data: pd.DataFrame) -> pd.DataFrame:
    """The target-indicator pairs (targets.match_targets_to_indicators) with the series they may be drawn on.

    Adds series_cities (tuple of str, object column): the cities of `data` (a long indicator table) with a
    series of the pair's indicator in the target's scope; an empty tuple means the indicator has series,
    but none of the target's scope (a national target and city series only), so the pair is not drawn.
    """
    cities = data.groupby(INDICATOR_ID, sort=False)[CITY].unique().to_dict() if not data.empty else {}
    series = [
        tuple(c for c in cities.get(i, ()) if is_same_scope(s, p, c))
        for i, s, p in zip(matches[INDICATOR_ID], matches[SCOPE], matches[PLACE], strict=True)
    ]
    return matches.assign(**{SERIES_CITIES: pd.Series(series, index=matches.index, dtype=object)})
