"""Forward-looking or past: the tense of each clause of a policy text, so that only goals become targets.

A target needs a future anchor: a future year, 力争/争取/目标/计划/将/到…年, aim to/will/by YEAR. Explicit
past markers (上年, 同比, 以来, 已, 截至, last year, year-on-year, was) win over anchors and verbs, so
全年GDP突破2万亿元 and "…超过3.3万亿元，比上年增长8%" are statistics. Weak past markers (全年, 累计, 目前, a
month or quarter, an -ed verb) count only when the clause has no anchor (力争全年完成… is a goal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

PAST, FUTURE = "past", "future"

# Target years: "到2025年", "2027年前", "by 2025", and the end of a five-year plan.
FIVE_YEAR_PLAN_ENDS = {
    "十三五": 2020,
    "十四五": 2025,
    "十五五": 2030,
    "十六五": 2035,
    "13th": 2020,
    "14th": 2025,
    "15th": 2030,
    "16th": 2035,
}
YEAR_PATTERNS = {
    "zh": re.compile(
        r"(?:到|至)\s*(?P<y1>\d{4})\s*年|(?P<y2>\d{4})\s*年\s*(?:底前|之前|前)|力争(?:在|于)?\s*(?P<y3>\d{4})\s*年"
        r"|[“\"]?(?P<plan>十[三四五六]五)[”\"]?(?:时期|期)?末"
    ),
    "en": re.compile(
        r"\b(?:by|before)\s+(?:the\s+end\s+of\s+|end[- ])?(?P<y1>\d{4})\b"
        r"|\bby\s+the\s+end\s+of\s+the\s+(?P<plan>1[3-6]th)\s+five[- ]year\s+plan",
        re.I,
    ),
}
SENTENCES = {
    "zh": re.compile(r"[^。！？；!?;\n]+[。！？；!?;]*"),
    "en": re.compile(r"\S.*?(?:[.!?;](?=\s|$)|$)", re.S | re.M),
}

_STRONG_PAST = {
    "zh": re.compile(
        r"上年|去年|同比|环比|同期|以来|年来|已|(?<![为除罢])了(?!解)|截至|截止|据统计|(?<!屏)显示(?![屏器])|过去|前三季度"
    ),
    "en": re.compile(
        r"\b(?:last year|(?:the )?previous year|year[- ]on[- ]year|y-o-y|a year (?:earlier|ago)|so far this year"
        r"|since|was|were|ha(?:s|ve) (?:been|reached|grown|risen|exceeded|increased)|as of)\b",
        re.I,
    ),
}
_WEAK_PAST = {
    "zh": re.compile(
        r"全年|累计|目前|现有|昨天|昨日|日前|近日|此前|上半年|[一二三四]季度|前\d+个?月"
        r"|\d+\s*[—–\-至到]\s*\d+月|\d+月(?:份|末|底)"
    ),
    "en": re.compile(
        r"\b(?:reached|exceeded|grew|rose|increased|totall?ed|stood|hit|topped|climbed|jumped|expanded|recorded"
        r"|registered|amounted|had|fell|declined|dropped|in the first (?:half|quarter|\w+ months))\b",
        re.I,
    ),
}
# 将 is future before a verb or adverb (将达到, 还将), not as the object marker of 将资金投入占比由5%提高到20%;
# 目标 only as a goal (发展目标, 目标是), not as a noun (目标人群, 利率目标区间); 即将 and 预期 forecast,
# they set no goal.
_FUTURE = {
    "zh": re.compile(
        r"力争|争取|计划|确保|明年|年底前|到年底|到年末|年内|今后|未来|届时|下一步|要求[，,：:]"
        r"|(?:预期|主要|发展|总体|奋斗|阶段性?|年度)目标|目标(?:是|为|：|:)"
        r"|(?:还|也|仍|并|均|都|又|今年|明年)将"
        r"|将(?=会|要|于|在|再|继续|进一步|全面|逐步|陆续|力争|达|突破|超|实现|建成|形成|新增|培育|带动|保持"
        r"|增|提|完成|开工|投入|推出|迎来|拉动|开展|推动|加快|有|新建|建设|覆盖|多)"
    ),
    "en": re.compile(
        r"\b(?:will|shall|aim(?:s|ing)?|strive[sd]?|striving|seek(?:s|ing)?|plan(?:s|ned)? to|target(?:s|ed)?"
        r"|goal|objective|expected|set to|ensure|next year|to (?:reach|exceed|increase|raise|double|achieve|hit"
        r"|top|grow|boost|lift|expand))\b",
        re.I,
    ),
}
# 目标 and "target" after the verb that met them are past: 提前完成了…目标, exceeded the target.
_MET_GOAL = {
    "zh": re.compile(r"(?:完成|实现|超额|达成|提前|超过)[^，,。；]*目标"),
    "en": re.compile(r"\b(?:met|exceeded|achieved|surpassed|hit)\b[^,;]*\b(?:target|goal)", re.I),
}
# A comparison opening the next clause makes this clause's figures statistics: …3.3万亿元，比上年增长8%.
_COMPARISON = {
    "zh": re.compile(r"^\s*(?:比上年|比去年|较上年|较去年|同比|环比|是去年|比上年同期)"),
    "en": re.compile(
        r"^\s*(?:up|down|an? (?:increase|rise|drop) of)\b.*\b(?:year[- ]on[- ]year|year earlier|last year)", re.I
    ),
}
_WRITTEN_YEAR = {"zh": re.compile(r"(?<!\d)(?P<y>\d{4})\s*年"), "en": re.compile(r"\b(?P<y>(?:19|20)\d{2})\b")}
_YEAR_RANGE = re.compile(r"\d{4}\s*年?\s*[—–\-~～至到]\s*\d{4}")  # a plan's period (2023—2025年): no anchor
_SPAN_START = {"zh": re.compile(r"从[^，,。；]*?\d{4}\s*年"), "en": re.compile(r"\bfrom\s+\d{4}\b", re.I)}
_CLAUSE = re.compile(r"[，：:、；;]|,(?!\d{3})")


def find_target_years(text: str, language: str) -> list[tuple[int, int]]:
    """(position, year) of every target-year expression (到2025年, by 2025, 十四五末)."""
    found = []
    for match in YEAR_PATTERNS[language].finditer(text):
        groups = match.groupdict()
        year = next((int(groups[g]) for g in ("y1", "y2", "y3") if groups.get(g)), None)
        found.append((match.start(), year or FIVE_YEAR_PLAN_ENDS[groups["plan"]]))
    return found


def find_written_years(text: str, language: str) -> list[int]:
    """Years written without a target word (2023年, in 2023); target-year expressions and ranges left out."""
    skip = [m.span() for m in _YEAR_RANGE.finditer(text)] + [m.span() for m in YEAR_PATTERNS[language].finditer(text)]
    spans = _WRITTEN_YEAR[language].finditer(text)
    return [int(m.group("y")) for m in spans if not any(a <= m.start("y") < b for a, b in skip)]


def split_clauses(sentence: str) -> list[tuple[int, str]]:
    """(start, text) of each clause; the comma of 10,000 is no break."""
    starts = [0, *(m.end() for m in _CLAUSE.finditer(sentence))]
    return [(a, sentence[a:b]) for a, b in zip(starts, [*starts[1:], len(sentence)], strict=True)]


def find_latest_statistics_year(paragraphs: Sequence[str], language: str) -> int | None:
    """The latest year written in a sentence with an explicit past marker (2023年…比上年增长, 从2012年…增长到
    2021年), or None."""
    years = [
        year
        for paragraph in paragraphs
        for sentence in SENTENCES[language].findall(paragraph)
        if _STRONG_PAST[language].search(sentence)
        for year in find_written_years(sentence, language)
        + [y for _, y in find_target_years(sentence, language) if _SPAN_START[language].search(sentence)]
    ]
    return max(years, default=None)


def classify_clause(
    clause: str, language: str, now: int | None, latest: int | None, before: str = ""
) -> tuple[str | None, int | None]:
    """(PAST, FUTURE or None when the clause says nothing, and its future target year or None). `before` is
    the sentence before the clause.

    `now` is the document's year: a year before it is past, a target year (到…年) from it on is future.
    Without it, `latest` (find_latest_statistics_year) stands in: a year after it is future.
    """
    strong = bool(_STRONG_PAST[language].search(clause))
    weak = bool(_WEAK_PAST[language].search(clause))
    # 从2012年…增长到2021年 looks back over a span: its 到…年 is no target year.
    span = bool(_SPAN_START[language].search(before + clause))
    targets = [] if span else [y for _, y in find_target_years(clause, language)]
    written = find_written_years(clause, language) + ([y for _, y in find_target_years(clause, language)] * span)
    future_year = None
    for year in targets:
        if now is not None and year < now or now is None and latest is not None and year <= latest:
            strong = True
        else:
            future_year = future_year or year
    for year in written:
        if now is not None:
            strong = strong or year < now
            future_year = future_year or (year if year > now else None)
        elif latest is not None:
            weak = weak or year <= latest
            future_year = future_year or (year if year > latest else None)
    anchored = bool(_FUTURE[language].search(clause)) and not _MET_GOAL[language].search(clause)
    if strong:
        return PAST, None
    if future_year is not None or anchored:
        return FUTURE, future_year
    return (PAST if weak else None), None


def opens_with_comparison(clause: str, language: str) -> bool:
    """True for a clause such as 比上年增长8% or "up 8% year-on-year", which dates the clause before it."""
    return bool(_COMPARISON[language].search(clause))
