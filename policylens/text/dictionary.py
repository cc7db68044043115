"""The user's own segmentation settings: the session user dictionary, stopword edits, and the
segmentation check that shows how the current dictionary cuts the terms a user cares about."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

import pandas as pd

from policylens import schema
from policylens.text.segment import Segmenter

MAX_LIST_BYTES = 1024 * 1024
_USERDICT_LINE = re.compile(r"^(\S+)(?:\s+(\d+))?(?:\s+([A-Za-z]+))?$")


# Columns of check_segmentation beside schema.TERM.
WHOLE, SEGMENTED_AS, IN_TEXT, AS_TOKEN = "whole", "segmented_as", "in_text", "as_token"


class WordListError(ValueError):
    """An uploaded user dictionary or stopword list that cannot be used; message for the user."""


def check_segmentation(terms: Iterable[str], text: str, segmenter: Segmenter) -> pd.DataFrame:
    """How the current Chinese dictionary segments each term, and how often it occurs.

    Columns: term, whole (True when the term is one token on its own), segmented_as (tokens
    joined by " / "), in_text (occurrences as a substring of the text), as_token (occurrences as
    one whole token in the segmented text). A term with in_text > as_token is being split.
    """
    tokens = pd.Series([t for t, _, _ in segmenter.cut_zh_spans(text)], dtype="object").value_counts()
    rows = []
    for term in dict.fromkeys(t.strip() for t in terms if t.strip()):
        cut = segmenter.cut_zh(term)
        rows.append((term, cut == [term], " / ".join(cut), text.count(term), int(tokens.get(term, 0))))
    return pd.DataFrame(rows, columns=[schema.TERM, WHOLE, SEGMENTED_AS, IN_TEXT, AS_TOKEN])


def count_split_occurrences(term: str, text: str, spans: Sequence[tuple[str, int, int]]) -> int:
    """Occurrences of `term` in `text` that a token boundary cuts through (`spans`: the text's
    cut_zh_spans). One lying inside a longer token (创新 in 科技创新) is not cut: it is part of
    another word, and locking the term would not free it."""
    boundaries = sorted({start for _, start, _ in spans} | {end for _, _, end in spans})
    found, start = 0, text.find(term)
    while start >= 0 and term:
        end = start + len(term)
        after = bisect_right(boundaries, start)  # the first boundary past the occurrence's start
        if after < len(boundaries) and boundaries[after] < end:
            found += 1
        start = text.find(term, end)
    return found


def find_lockable(table: pd.DataFrame, text: str, segmenter: Segmenter) -> list[str]:
    """The terms of a check_segmentation table for which locking (adding the term to the user
    dictionary, as jieba's suggest_freq does) changes the segmentation, in the table's order.

    Never a single character (it is always one token), nor a word the dictionary already holds and
    keeps whole (codebook terms, locked words, jieba's own words): locking it again changes
    nothing. Of the others, a term the segmenter cuts on its own, or cuts in this text.
    """
    tokenizer = segmenter.jieba_tokenizer()
    spans = segmenter.cut_zh_spans(text)
    lockable = []
    for term, whole in zip(table[schema.TERM], table[WHOLE]):
        if len(term) < 2 or (whole and tokenizer.FREQ.get(term, 0) > 0):
            continue
        if not whole or count_split_occurrences(term, text, spans):
            lockable.append(term)
    return lockable


def format_userdict(words: Sequence[str]) -> str:
    """A jieba user dictionary (UTF-8, no BOM): one `word` per line, jieba picks the frequency."""
    return "".join(f"{w}\n" for w in dict.fromkeys(words))


def parse_userdict(data: bytes) -> tuple[str, ...]:
    """Words of an uploaded jieba user dictionary (`word [freq] [pos]` per line)."""
    lines = _decode_list(data)
    words, bad = [], []
    for number, line in enumerate(lines, 1):
        match = _USERDICT_LINE.match(line)
        if match:
            words.append(match.group(1))
        else:
            bad.append(number)
    if bad:
        raise WordListError(f"Lines {', '.join(map(str, bad[:10]))} are not `word [frequency] [tag]`.")
    return tuple(dict.fromkeys(words))


def parse_word_list(data: bytes) -> tuple[str, ...]:
    """Words of an uploaded one-word-per-line list (stopwords); '#' starts a comment."""
    return tuple(dict.fromkeys(line for line in _decode_list(data) if not line.startswith("#")))


def _decode_list(data: bytes) -> list[str]:
    if not data.strip():
        raise WordListError("The file is empty.")
    if len(data) > MAX_LIST_BYTES:
        raise WordListError("The list is larger than 1 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WordListError("The list is not UTF-8 text.") from None
    if "\x00" in text:
        raise WordListError("The file looks binary, not a text list.")
    return [line.strip() for line in text.splitlines() if line.strip()]


def apply_stopword_edits(
    edits: tuple[tuple[str, str, str], ...], language: str, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> tuple[tuple[str, str, str], ...]:
    """New edit log: later edits of a word replace earlier ones, so the log stays short."""
    latest = {(lang, word): action for lang, action, word in edits}
    for word in add:
        latest[(language, word.strip())] = "add"
    for word in remove:
        latest[(language, word.strip())] = "remove"
    return tuple((lang, action, word) for (lang, word), action in latest.items() if word)
