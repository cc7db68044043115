"""New-word discovery: compounds of a document kept whole (船舶 + 海工 -> 船舶海工), found by pointwise
mutual information and left/right boundary entropy over runs of adjacent tokens.

It works on the tokens the analysis already has, so the text is never segmented twice: each
paragraph's content terms are found again in its text, and terms that touch (or are joined by one
Han character that was dropped as a stopword, as in 先立后破) form one run. Runs break at
punctuation and at longer gaps.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_HAN_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_EN_ADJACENT = re.compile(r"^[ \-]?$")  # English words of one phrase: a space or a hyphen apart


@dataclass(frozen=True)
class DiscoveryOptions:
    """Thresholds of new-word discovery.

    A candidate of 2..max_units units (in Chinese, of min_chars..max_chars characters) occurs at
    least `min_count` times (None: 2, plus one per 100,000 units for long documents), has a PMI of
    at least `min_pmi` nats at its weakest split point, and a boundary entropy of at least
    `min_entropy` nats on both sides (each start or end of a run counts as a neighbour of its
    own; with two occurrences the most is ln 2 = 0.69).
    """

    min_count: int | None = None
    max_units: int = 3
    min_chars: int = 3
    max_chars: int = 6
    min_pmi: float = 1.5
    min_entropy: float = 0.5


# A run is two parallel tuples: the unit strings, and whether each unit is a content term (True)
# or a dropped one-character joint (False). Candidates start and end on content terms.
Run = tuple[tuple[str, ...], tuple[bool, ...]]


def build_runs_zh(paragraphs: Sequence[str], paragraph_terms: Sequence[Sequence[str]]) -> list[list[Run]]:
    """Per paragraph, its runs of adjacent terms, located in the text left to right."""
    out = []
    for text, terms in zip(paragraphs, paragraph_terms):
        runs: list[Run] = []
        units: list[str] = []
        flags: list[bool] = []
        cursor = 0
        for term in terms:
            at = text.find(term, cursor)
            if at < 0:
                continue
            gap = text[cursor:at]
            if gap and units:
                if len(gap) == 1 and _HAN_CHAR.match(gap):
                    units.append(gap)
                    flags.append(False)
                else:
                    runs.append((tuple(units), tuple(flags)))
                    units, flags = [], []
            units.append(term)
            flags.append(True)
            cursor = at + len(term)
        if units:
            runs.append((tuple(units), tuple(flags)))
        out.append(runs)
    return out


def build_runs_en(
    spans: Sequence[Sequence[tuple[str, int, int]]], texts: Sequence[str], paragraph_terms: Sequence[Sequence[str]]
) -> list[list[Run]]:
    """Per paragraph, runs of its content terms that stand a space or a hyphen apart.

    `spans` are the (term, start, end) of each paragraph's tokens, as Segmenter.cut_en_spans gives;
    a token is a content term when the analysis kept it (it is among the paragraph's terms).
    """
    out = []
    for text, tokens, terms in zip(texts, spans, paragraph_terms):
        content = set(terms)
        runs: list[Run] = []
        units: list[str] = []
        end = 0
        for term, start, stop in tokens:
            if units and (term not in content or not _EN_ADJACENT.match(text[end:start])):
                runs.append((tuple(units), (True,) * len(units)))
                units = []
            if term in content:
                units.append(term)
            end = stop
        if units:
            runs.append((tuple(units), (True,) * len(units)))
        out.append(runs)
    return out


def _entropy(counts: Counter, unique: int) -> float:
    """Shannon entropy (nats) of a neighbour distribution plus `unique` neighbours seen once each."""
    total = sum(counts.values()) + unique
    if total == 0:
        return 0.0
    h = -sum(n / total * math.log(n / total) for n in counts.values())
    return h + unique * (math.log(total) / total)


def discover_compounds(
    paragraph_runs: Sequence[Sequence[Run]],
    options: DiscoveryOptions = DiscoveryOptions(),
    joiner: str = "",
    accept: Callable[[tuple[str, ...]], bool] | None = None,
) -> dict[tuple[str, ...], str]:
    """The compounds found in the runs: unit tuple -> the compound as written (units joined).

    `accept`, when given, vetoes candidates on linguistic grounds (a verb at the end, filler).

    PMI of a candidate w split into a + b: ln(c(w) * M / (c(a) * c(b))) over M units (Church &
    Hanks 1990), the minimum over split points; boundary entropy as in new-word discovery for
    Chinese (Huang & Powers; Matrix67's "互联网时代的社会语言学" method).
    """
    grams: Counter[tuple[str, ...]] = Counter()
    total = 0
    for runs in paragraph_runs:
        for units, _ in runs:
            n = len(units)
            total += n
            for i in range(n):
                for size in range(1, min(options.max_units, n - i) + 1):
                    grams[units[i : i + size]] += 1
    if total == 0:
        return {}
    min_count = options.min_count or 2 + total // 100_000
    candidates = {}
    for gram, count in grams.items():
        if len(gram) < 2 or count < min_count:
            continue
        written = joiner.join(gram)
        if not joiner and not (options.min_chars <= len(written) <= options.max_chars and _HAN_ONLY.match(written)):
            continue  # the length bounds are of Chinese characters; English phrases are bounded by max_units
        if accept is not None and not accept(gram):
            continue
        pmi = min(math.log(count * total / (grams[gram[:k]] * grams[gram[k:]])) for k in range(1, len(gram)))
        if pmi >= options.min_pmi:
            candidates[gram] = written
    if not candidates:
        return {}
    left: dict[tuple[str, ...], Counter] = {g: Counter() for g in candidates}
    right: dict[tuple[str, ...], Counter] = {g: Counter() for g in candidates}
    edges: Counter[tuple[tuple[str, ...], int]] = Counter()
    sizes = sorted({len(g) for g in candidates})
    for runs in paragraph_runs:
        for units, flags in runs:
            n = len(units)
            for size in sizes:
                for i in range(n - size + 1):
                    gram = units[i : i + size]
                    if gram not in candidates or not (flags[i] and flags[i + size - 1]):
                        continue
                    if i > 0:
                        left[gram][units[i - 1]] += 1
                    else:
                        edges[gram, 0] += 1
                    if i + size < n:
                        right[gram][units[i + size]] += 1
                    else:
                        edges[gram, 1] += 1
    found = {}
    for gram, written in candidates.items():
        h_left = _entropy(left[gram], edges[gram, 0])
        h_right = _entropy(right[gram], edges[gram, 1])
        if min(h_left, h_right) >= options.min_entropy:
            found[gram] = written
    return found


def apply_compounds(runs: Sequence[Run], compounds: dict[tuple[str, ...], str], max_units: int = 4) -> list[str]:
    """The content terms of one paragraph's runs, each compound merged (longest first, left to
    right); the one-character joints outside compounds are dropped, as the tokenizer dropped them."""
    out = []
    for units, flags in runs:
        i, n = 0, len(units)
        while i < n:
            for size in range(min(max_units, n - i), 1, -1):
                written = compounds.get(units[i : i + size])
                if written is not None:
                    out.append(written)
                    i += size
                    break
            else:
                if flags[i]:
                    out.append(units[i])
                i += 1
    return out
