"""Simplified or Traditional Chinese: detection by OpenCC round trip, and conversion to Simplified."""

from __future__ import annotations

import re
from functools import cache

import opencc

SIMPLIFIED, TRADITIONAL, NOT_APPLICABLE = "simplified", "traditional", "n/a"
SCRIPT_LABELS = {SIMPLIFIED: "script.simplified", TRADITIONAL: "script.traditional", NOT_APPLICABLE: "script.n/a"}
# Traditional running text has roughly a quarter to a third of its characters differ from Simplified;
# below this share of traditional-only characters a text is not called Traditional.
MIN_TRADITIONAL_SHARE = 0.05
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)  # the dictionaries ship inside the wheel: nothing is fetched


@cache
def _changed_characters(config: str) -> re.Pattern[str]:
    """A character class of the Han characters that `config` changes, converting all 28,096 once
    (about 5 ms). One character a line: no dictionary entry holds a line break, so each converts
    as it would alone, or among a text's other characters."""
    chars = [chr(code) for first, last in _HAN_RANGES for code in range(first, last + 1)]
    converted = _converter(config).convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen: a character became a line break
        converted = [_converter(config).convert(c) for c in chars]
    changed = "".join(c for c, new in zip(chars, converted) if new != c)
    return re.compile(f"[{re.escape(changed)}]") if changed else re.compile("(?!)")


def _count_changed(text: str, config: str) -> int:
    """Han characters of `text` (by occurrence) that `config` changes."""
    return len(_changed_characters(config).findall(text))


def detect_script(text: str) -> str:
    """'traditional' when traditional-only characters outnumber simplified-only ones (and reach
    MIN_TRADITIONAL_SHARE of the Han characters), 'simplified' otherwise, 'n/a' without Han characters."""
    han = len(_NOT_HAN.sub("", text))  # cheaper than counting a list of every Han character
    if not han:
        return NOT_APPLICABLE
    traditional_only = _count_changed(text, "t2s") / han  # characters that t2s would change
    if traditional_only < MIN_TRADITIONAL_SHARE:
        return SIMPLIFIED
    simplified_only = _count_changed(text, "s2t") / han
    if traditional_only > simplified_only:
        return TRADITIONAL
    return SIMPLIFIED


# tw2sp: Taiwan Traditional to Simplified with Mainland phrases (軟體 -> 软件, 網路 -> 网络), where
# plain t2s converts characters only (軟體 -> 软体). Its phrase table holds Taiwan usage alone, so
# Hong Kong and standard Traditional text convert as t2s would.
TO_SIMPLIFIED = "tw2sp"


def convert_to_simplified(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """OpenCC tw2sp (phrase-level) on each paragraph, so the result maps 1:1 to the input."""
    converter = _converter(TO_SIMPLIFIED)
    return tuple(converter.convert(p) for p in paragraphs)
