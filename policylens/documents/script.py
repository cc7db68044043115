"""Simplified or Traditional Chinese: detection by OpenCC round trip, and conversion to Simplified."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache

import opencc

SIMPLIFIED, TRADITIONAL, NOT_APPLICABLE = "simplified", "traditional", "n/a"
SCRIPT_LABELS = {SIMPLIFIED: "script.simplified", TRADITIONAL: "script.traditional", NOT_APPLICABLE: "script.n/a"}
# Traditional running text has roughly a quarter to a third of its characters differ from Simplified;
# below this share of traditional-only characters a text is not called Traditional.
MIN_TRADITIONAL_SHARE = 0.05
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)  # the dictionaries ship inside the wheel: nothing is fetched


def _changed_share(counts: Counter[str], config: str) -> float:
    """Share of Han characters (by occurrence) that `config` changes, converting each distinct character once."""
    chars = list(counts)
    converted = _converter(config).convert("\n".join(chars)).split("\n")
    if len(converted) != len(chars):  # never seen: a character became a line break
        converted = [_converter(config).convert(c) for c in chars]
    changed = sum(counts[c] for c, new in zip(chars, converted) if new != c)
    return changed / sum(counts.values())


def detect_script(text: str) -> str:
    """'traditional' when traditional-only characters outnumber simplified-only ones (and reach
    MIN_TRADITIONAL_SHARE of the Han characters), 'simplified' otherwise, 'n/a' without Han characters."""
    counts = Counter(_HAN.findall(text))
    if not counts:
        return NOT_APPLICABLE
    traditional_only = _changed_share(counts, "t2s")  # characters that t2s would change
    simplified_only = _changed_share(counts, "s2t")
    if traditional_only >= MIN_TRADITIONAL_SHARE and traditional_only > simplified_only:
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
