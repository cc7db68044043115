"""Numeric targets in policy text ("到2025年GDP突破2万亿元"), and the links between text and indicators.

A target is a number with a unit in a forward-looking clause (tense.py: a future year or a target word, never
a past statistic), with the scope it is stated for (scopes.py: the nation, a province or a city).
Indicator keywords (both languages) are in data/indicators/keywords.csv: one row per
indicator_id, language and keyword. Partial-year ids (*_h1, *_jan_sep, *_asof_sep, *_jan_nov_pct)
have none when an annual id covers the same concept, so a target never links to a part-year series.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import pandas as pd

from policylens import paths
from policylens.indicators import scopes, tense, units
from policylens.indicators import table as indicators
from policylens.indicators.scopes import PLACE, SCOPE
from policylens.schema import (
    INDICATOR_EN,
    INDICATOR_ID,
    INDICATOR_ZH,
    PARAGRAPH,
    QUALIFIER,
    UNIT,
    UNIT_CODE,
    VALUE,
    YEAR,
)

KEYWORDS_TABLE = paths.INDICATORS_DIR / "keywords.csv"
LANGUAGE, KEYWORD = "language", "keyword"
SENTENCE, VERB, START, END, DISTANCE, NEAREST = "sentence", "verb", "start", "end", "distance", "nearest"
TARGET_COLUMNS = (PARAGRAPH, SENTENCE, VALUE, UNIT, UNIT_CODE, YEAR, VERB, QUALIFIER, START, END, SCOPE, PLACE)

# Units as written after a number, longest first so that 万亿元 wins over 亿元.
_ZH_UNITS = (
    "万亿元",
    "亿元",
    "万元",
    "万家",
    "万户",
    "万人",
    "万件",
    "个百分点",
    "家",
    "户",
    "人",
    "名",
    "件",
    "项",
    "个",
    "所",
    "%",
    "％",
)
_EN_CURRENCY = r"(?:trillion|billion|100 million|million) (?:yuan|RMB|CNY)"
_EN_UNITS = (_EN_CURRENCY, r"percentage points?", r"per ?cent", "%")
# Count nouns may follow a few adjectives: "10,000 high-tech enterprises".
_EN_NOUNS = r"firms?|compan(?:y|ies)|enterprises?|SMEs|institutions?|laborator(?:y|ies)|labs?|people|persons|patents?"
_NUMBER = rf"(?<![\d.,A-Za-z]){units.NUMBER}"
_ZH_QUANTITY = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?P<unit>{'|'.join(map(re.escape, _ZH_UNITS))})"
    r"(?!多?(?:月|小时|工作日|基点))"  # 8个月 and 25个基点 are no count
    r"(?P<post>以上|左右)?"
)
_EN_QUANTITY = re.compile(
    rf"(?P<number>{_NUMBER})\s*(?:(?P<unit>{'|'.join(_EN_UNITS)})"
    rf"|(?:[\w-]+ ){{0,3}}?(?P<noun>{_EN_NOUNS}))(?![A-Za-z])(?P<post> or (?:more|above))?",
    re.IGNORECASE,
)

# Target verbs (as written -> qualifier); the one nearest before the number in its clause counts.
ZH_VERBS = {
    "提高到": "exact",
    "提高至": "exact",
    "提升到": "exact",
    "提升至": "exact",
    "增加到": "exact",
    "增加至": "exact",
    "增长到": "exact",
    "增长至": "exact",
    "达到": "exact",
    "达": "exact",
    "保持在": "exact",
    "稳定在": "exact",
    "力争": "exact",
    "增长": "exact",
    "突破": "lower_bound",
    "超过": "lower_bound",
    "超": "lower_bound",
    "不低于": "lower_bound",
    "不少于": "lower_bound",
}
EN_VERBS = {
    "increase to": "exact",
    "reach": "exact",
    "exceed": "lower_bound",
    "more than": "lower_bound",
    "at least": "lower_bound",
    "no less than": "lower_bound",
    "over": "lower_bound",
    "above": "lower_bound",
}
_EN_VERB_PATTERNS = (
    (re.compile(r"\b(?:increas|rais|ris|grow|boost|lift)\w*\b(?:(?!\bto\b)[^,;])*\bto\s*$", re.I), "increase to"),
    (re.compile(r"\breach\w*\s+(?:\w+\s+){0,2}?$", re.I), "reach"),
    (re.compile(r"\bexceed\w*\s+$", re.I), "exceed"),
    *(
        (re.compile(rf"\b{verb}\s+$", re.I), verb)
        for verb in ("more than", "at least", "no less than", "over", "above")
    ),
)
APPROX_WORDS = {"约": "approx", "左右": "approx", "about": "approx", "around": "approx", "approximately": "approx"}
POST_MARKERS = {"以上": "lower_bound", "左右": "approx", "or more": "lower_bound", "or above": "lower_bound"}
_ZH_VERB = re.compile("|".join(sorted(map(re.escape, ZH_VERBS), key=len, reverse=True)))
# A verb governs a number at most this many characters later (one-character verbs such as 超 and 达
# only right before it, so 超算中心3家 has no verb); 力争 marks the whole clause as a target.
ZH_VERB_REACH = 4
_ZH_GAP = re.compile(r"[\s约近]")
_APPROX_BEFORE = re.compile(r"(?:约|\babout|\baround|\bapproximately)\s*$", re.I)

_CLAUSE_BREAK = re.compile(r"[，,：:、]")


def _verb(before: str, language: str) -> str | None:
    """The target verb nearest before the number, within its clause."""
    clause = _CLAUSE_BREAK.split(before)[-1]
    if language == "zh":
        near = [
            m.group()
            for m in _ZH_VERB.finditer(clause)
            if m.group() == "力争"
            or len(_ZH_GAP.sub("", clause[m.end() :])) <= (0 if len(m.group()) == 1 else ZH_VERB_REACH)
        ]
        return near[-1] if near else None
    ends = [(m.end(), m.start(), verb) for pattern, verb in _EN_VERB_PATTERNS if (m := pattern.search(clause))]
    return max(ends)[2] if ends else None


def extract_targets(
    paragraphs: Sequence[str], language: str, document_date: datetime.date | None = None
) -> pd.DataFrame:
    """Numeric targets: numbers with a unit in a forward-looking clause (see _clause_tense), never past statistics.

    A clause's tense carries on to the next clauses and sentences of its paragraph until another clause
    states one. `document_date` (when known) decides which years are future; without it, a year after the
    latest year of a past statistic in the text is. Columns: paragraph (1-based, int64), sentence (str),
    value (float64, in the unit as written), unit (as written: 亿元, 万亿元, %, 家, trillion yuan,
    enterprises), unit_code (units.csv code or None; object), year (Int64 target year, NA when none is
    stated), verb (as written, or None; object), qualifier (exact / lower_bound / approx), start and end
    (int64: the number's span in the sentence, so sentence[start:end] is the number as written), scope
    (nation / province / city / unknown) and place (the place name as written, or None; object).
    """
    if language not in tense.SENTENCES:
        raise ValueError(f"unknown language {language!r}; expected 'zh' or 'en'")
    quantity = _ZH_QUANTITY if language == "zh" else _EN_QUANTITY
    now = document_date.year if document_date else None
    latest = None if now else tense.find_latest_statistics_year(paragraphs, language)
    document_scope = scopes.find_document_scope(paragraphs, language)
    rows = []
    for number, paragraph in enumerate(paragraphs, start=1):
        state, year, place = None, None, (scopes.UNKNOWN, None)
        for sentence_match in tense.SENTENCES[language].finditer(paragraph):
            sentence = sentence_match.group().strip()
            clauses = tense.split_clauses(sentence)
            found = list(quantity.finditer(sentence))
            for index, (clause_start, text) in enumerate(clauses):
                own, own_year = tense.classify_clause(text, language, now, latest, sentence[:clause_start])
                if own is not None:
                    year = own_year or (year if own == state == tense.FUTURE else None)
                    state = own
                following = clauses[index + 1][1] if index + 1 < len(clauses) else ""
                if state != tense.FUTURE or tense.opens_with_comparison(following, language):
                    continue
                for match in found:
                    if not clause_start <= match.start() < clause_start + len(text):
                        continue
                    before = sentence[: match.start("number")]
                    verb = _verb(before, language)
                    post = (match.group("post") or "").strip()
                    unit = match.group("unit") or match.group("noun")
                    qualifier = (
                        POST_MARKERS.get(post)
                        or ("approx" if _APPROX_BEFORE.search(before) else None)
                        or (ZH_VERBS if language == "zh" else EN_VERBS).get(verb or "", "exact")
                    )
                    start = match.start("number")
                    scope, where = scopes.choose_scope(sentence, start, language, place, document_scope)
                    rows.append(
                        {
                            PARAGRAPH: number,
                            SENTENCE: sentence,
                            VALUE: units.parse_number(match.group("number")),
                            UNIT: unit,
                            UNIT_CODE: units.find_unit_code(unit),
                            YEAR: year,
                            VERB: verb or post or None,
                            QUALIFIER: qualifier,
                            START: start,
                            END: start + len(match.group("number")),
                            SCOPE: scope,
                            PLACE: where,
                        }
                    )
            mentions = scopes.find_scope_mentions(sentence, language)
            place = (mentions[-1][1], mentions[-1][2]) if mentions else place
    types = {
        PARAGRAPH: "int64",
        SENTENCE: "str",
        VALUE: "float64",
        UNIT: "str",
        UNIT_CODE: "object",
        YEAR: "Int64",
        VERB: "object",
        QUALIFIER: "str",
        START: "int64",
        END: "int64",
        SCOPE: "str",
        PLACE: "object",
    }
    # Built column by column: a text column holding None would otherwise turn it into NaN.
    return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=t) for c, t in types.items()})


# ---- keywords: indicators in the text, and indicators for a term ---------------------------


def load_indicator_keywords(path: Path | str = KEYWORDS_TABLE) -> pd.DataFrame:
    """The indicator keywords. Columns: indicator_id, language ("en" / "zh"), keyword (all str)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = {INDICATOR_ID, LANGUAGE, KEYWORD} - set(table.columns)
    bad = ~table.get(LANGUAGE, pd.Series(dtype=str)).isin(indicators.LANGS) | table.eq("").any(axis=1)
    if missing or bad.any() or table.duplicated().any():
        raise indicators.IndicatorError(
            f"{Path(path).name}: missing columns {sorted(missing)}, or an empty cell, "
            "an unknown language or a repeated row"
        )
    return table.loc[:, [INDICATOR_ID, LANGUAGE, KEYWORD]]


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_BRACKETED = re.compile(r"\s*[(（][^()（）]*[)）]")  # "(share of GDP)", "（亿元）": a qualification, not a name


def keywords_for_table(table: pd.DataFrame, keywords: pd.DataFrame) -> pd.DataFrame:
    """The keyword table for the indicators of `table` (an uploaded dataset, say): `keywords` (the
    bundled table) plus, for every indicator it has no keyword for, the indicator's own names: its
    English and its Chinese name, each without a bracketed qualification ("R&D expenditure (share of
    GDP)" -> "R&D expenditure"). So an uploaded indicator links to the text that names it.
    Columns: indicator_id, language, keyword."""
    known = set(keywords[INDICATOR_ID])
    rows = []
    for column, language in ((INDICATOR_EN, "en"), (INDICATOR_ZH, "zh")):
        if column not in table:
            continue
        for indicator_id, name in zip(table[INDICATOR_ID], table[column], strict=True):
            keyword = _BRACKETED.sub("", str(name or "")).strip()
            if indicator_id not in known and isinstance(indicator_id, str) and len(keyword) >= 2:
                rows.append((indicator_id, language, keyword))
    derived = pd.DataFrame(rows, columns=[INDICATOR_ID, LANGUAGE, KEYWORD], dtype=str)
    return pd.concat([keywords.loc[:, [INDICATOR_ID, LANGUAGE, KEYWORD]], derived], ignore_index=True).drop_duplicates(
        ignore_index=True
    )


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    """Latin keywords match whole words (plural s/es allowed), case-insensitively; Chinese ones anywhere."""
    text = re.escape(_fold(keyword))
    if keyword.isascii():
        return re.compile(rf"(?<![a-z0-9]){text}(?:s|es)?(?![a-z0-9])")
    return re.compile(text)


def keyword_patterns(indicator_id: str, keywords: pd.DataFrame, language: str) -> list[re.Pattern[str]]:
    """The indicator's keywords in `language` as patterns over _fold(text) (see find_linked_paragraphs)."""
    mine = keywords[(keywords[INDICATOR_ID] == indicator_id) & (keywords[LANGUAGE] == language)]
    return [_keyword_pattern(k) for k in mine[KEYWORD]]


def fold_text(text: str) -> str:
    """The folding keyword patterns expect (NFKC, casefold)."""
    return _fold(text)


def find_linked_paragraphs(
    paragraphs: Sequence[str], indicator_id: str, keywords: pd.DataFrame, language: str
) -> list[int]:
    """1-based numbers of the paragraphs that mention one of the indicator's keywords in `language`."""
    patterns = keyword_patterns(indicator_id, keywords, language)
    return [n for n, text in enumerate(paragraphs, start=1) if any(p.search(_fold(text)) for p in patterns)]


def find_linked_indicators(terms: Iterable[str], keywords: pd.DataFrame) -> list[str]:
    """Indicator ids linked to any of `terms` (a term, or a pillar's codebook terms), in keyword-table order.

    A term links when it equals a keyword, contains one, or is contained in one as whole words (a
    Chinese term of two characters or more, a Latin term of four letters or more, so "新" and "new"
    link nothing on their own).
    """
    folded = [_fold(t).strip() for t in terms if t.strip()]
    linked = []
    for indicator_id, keyword in zip(keywords[INDICATOR_ID], keywords[KEYWORD], strict=True):
        pattern = _keyword_pattern(keyword)
        for term in folded:
            long_enough = len(term) >= (4 if term.isascii() else 2)
            if pattern.search(term) or (long_enough and _keyword_pattern(term).search(_fold(keyword))):
                linked.append(indicator_id)
                break
    return list(dict.fromkeys(linked))


def _compatible(target_code: object, target_unit: str, indicator_code: str, zh_labels: dict[str, str]) -> bool:
    """Same unit code, or power-of-ten apart (UNIT_SCALES), or the same counting word (家 for firms, labs,
    institutions: units.csv's Chinese label before its parenthesis)."""
    if isinstance(target_code, str):
        scales = indicators.UNIT_SCALES
        if target_code == indicator_code or (
            target_code in scales and indicator_code in scales and scales[target_code][0] == scales[indicator_code][0]
        ):
            return True
    return units.bare_unit(target_unit) == zh_labels.get(indicator_code, "").split("(")[0]


def match_targets_to_indicators(
    targets: pd.DataFrame, indicator_catalogue: pd.DataFrame, keywords: pd.DataFrame
) -> pd.DataFrame:
    """Pair each target with the indicators its sentence names (a keyword, either language) in a compatible unit.

    `indicator_catalogue` needs indicator_id and unit_code (indicators.list_indicators gives both).
    Columns: the target columns, indicator_id, keyword (the one nearest the number, preferring its
    clause), distance (int64, characters between that keyword and the number) and nearest (bool: no
    other indicator of the target has a keyword in the number's clause, or nearer within it;
    "GDP突破2万亿元，研发投入..." also pairs 2万亿元 with rd_expenditure, from another clause). One row
    per target and indicator: targets in order, then the nearest indicator first.
    """
    units_of = dict(zip(indicator_catalogue[INDICATOR_ID], indicator_catalogue[UNIT_CODE], strict=True))
    labels = indicators.load_units()
    zh_labels = dict(zip(labels[UNIT_CODE], labels[indicators.LABEL_ZH], strict=True))
    patterns = [
        (i, k, _keyword_pattern(k))
        for i, k in zip(keywords[INDICATOR_ID], keywords[KEYWORD], strict=True)
        if i in units_of
    ]
    rows = []
    for order, target in enumerate(targets.to_dict("records")):
        sentence = _fold(target[SENTENCE])
        start, end = target[START], target[END]
        best: dict[str, tuple[int, int, str]] = {}  # indicator_id -> (other clause, distance, keyword)
        for indicator_id, keyword, pattern in patterns:
            if not _compatible(target[UNIT_CODE], target[UNIT], units_of[indicator_id], zh_labels):
                continue
            for match in pattern.finditer(sentence):
                between = sentence[match.end() : start] if match.end() <= start else sentence[end : match.start()]
                key = (int(bool(_CLAUSE_BREAK.search(between))), len(between), keyword)
                if indicator_id not in best or key < best[indicator_id]:
                    best[indicator_id] = key
        rows += [
            {**target, INDICATOR_ID: i, KEYWORD: k, DISTANCE: d, "_apart": a, "_order": order}
            for i, (a, d, k) in best.items()
        ]
    columns = [*targets.columns, INDICATOR_ID, KEYWORD, DISTANCE, NEAREST]
    types = targets.dtypes.to_dict() | {INDICATOR_ID: "str", KEYWORD: "str", DISTANCE: "int64", NEAREST: "bool"}
    if not rows:
        return pd.DataFrame(columns=columns).astype(types)
    matched = pd.DataFrame(rows, dtype=object).sort_values(["_order", "_apart", DISTANCE, INDICATOR_ID], kind="stable")
    first = matched.groupby("_order", sort=False)[["_apart", DISTANCE]].transform("first")
    matched[NEAREST] = (matched["_apart"] == first["_apart"]) & (matched[DISTANCE] == first[DISTANCE])
    return matched.loc[:, columns].astype(types).reset_index(drop=True)
