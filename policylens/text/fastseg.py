"""Fast Chinese segmentation on rjieba (jieba-rs), token for token the same as `Segmenter.cut_zh`.

`FastSegmenter` is a `Segmenter` whose Chinese cut runs in Rust; jieba stays the fallback when rjieba
cannot be imported, and the reference the identity test and `bench/segment_speed.py` compare with.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass

from policylens.text.segment import _NUMERIC_ZH, Segmenter, SegmenterConfig

logger = logging.getLogger(__name__)

BACKEND_RJIEBA = "rjieba"
BACKEND_JIEBA = "jieba"

# jieba 0.42.1 builds its blocks from U+4E00..U+9FD5 only; jieba-rs 0.11 also takes the CJK extensions
# and compatibility ideographs into a block (and so into the DAG and the HMM). jieba emits each such
# character on its own, so cutting the text at them first reproduces jieba exactly.
_HAN_OUTSIDE_JIEBA = re.compile("([\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff])")
# jieba's finalseg re_skip: how the non-Han part of an HMM buffer is split ("25-30" -> 25 / - / 30).
# jieba-rs splits it with a wider pattern that also joins across "-", "_" and a second "."
# (25-30, COVID-19, 12.3.4, x_y): such a token is split again with jieba's pattern.
_JIEBA_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_JOINERS = "-_.+#&%"  # the non-alphanumeric characters a block may hold
# An unreachable dictionary entry (whitespace never enters a block) that carries the frequency total
# jieba counts and jieba-rs does not: jieba adds a re-added word's new frequency to the total without
# taking the old one off, jieba-rs replaces it.
_TOTAL_PAD_WORD = "\x00 policylens total pad"


def load_rjieba():
    """The rjieba module, or None when it is not importable (then jieba is used)."""
    try:
        import rjieba
    except ImportError:
        return None
    return rjieba


def read_pristine_frequencies(tokenizer, words: set[str]) -> tuple[int, dict[str, int]]:
    """(total, {word: freq}) of jieba's main dictionary before any user word, for `words` found there."""
    total = 0
    found: dict[str, int] = {}
    with tokenizer.get_dict_file() as handle:
        for raw in handle:
            word, freq = raw.decode("utf-8").split(" ", 2)[:2]
            freq_int = int(freq)
            total += freq_int
            if word in words:
                found[word] = freq_int
    return total, found


def read_userdict_entries(tokenizer, path) -> list[tuple[str, str | None]]:
    """(word, tag) of every line of a user dictionary, parsed exactly as jieba's load_userdict does."""
    import jieba

    entries = []
    with open(path, "rb") as handle:
        for raw in handle:
            line = raw.strip().decode("utf-8").lstrip("\ufeff")
            if not line:
                continue
            word, _freq, tag = jieba.re_userdict.match(line).groups()
            entries.append((word, tag.strip() if tag else None))
    return entries


def build_rjieba(segmenter: Segmenter, rjieba_module):
    """An `rjieba.Jieba` holding the same frequencies and total as `segmenter.jieba_tokenizer()`.

    The jieba tokenizer is built the usual way (user dictionary, then suggest_freq(tune=True) for the
    codebook and locked terms); every word it touched is copied into jieba-rs with jieba's final
    frequency and the user dictionary's tag, and the difference in totals goes to an unreachable entry,
    so every route probability (log freq - log total) is the same in both.
    """
    tokenizer = segmenter.jieba_tokenizer()
    config = segmenter.config
    tags = dict(read_userdict_entries(tokenizer, config.userdict))
    touched = set(tags) | set(config.extra_terms_zh) | set(config.user_words_zh)
    pristine_total, pristine = read_pristine_frequencies(tokenizer, touched)
    fast = rjieba_module.Jieba()
    rust_total = pristine_total
    for word in sorted(touched):
        freq = int(tokenizer.FREQ.get(word) or 0)
        if not freq:
            continue
        fast.add_word(word, freq, tags.get(word))
        rust_total += freq - pristine.get(word, 0)
    pad = int(tokenizer.total) - rust_total
    if pad < 0:
        raise ValueError(f"jieba's total {tokenizer.total} is below jieba-rs's {rust_total}")
    if pad:
        fast.add_word(_TOTAL_PAD_WORD, pad, None)
    return fast


@dataclass
class FastSegmenter(Segmenter):
    """A `Segmenter` whose `cut_zh` runs on rjieba with jieba's exact tokens; jieba when rjieba is absent.

    `tokenize`, `cut_zh` and `cut_zh_spans` return what `Segmenter` returns for the same config.
    Build one per process (it holds a lock and native objects, so it does not pickle): pass the
    `SegmenterConfig` to workers and call `load_fast_segmenter(config)` there.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self._fast_lock = threading.Lock()
        self._fast = None
        self._backend: str | None = None
        self._dict_words: frozenset[str] = frozenset()

    @property
    def backend(self) -> str:
        """ "rjieba" or "jieba" (the fallback), resolved on first use."""
        self._ensure_backend()
        return self._backend

    def _ensure_backend(self):
        with self._fast_lock:
            if self._backend is None:
                module = load_rjieba()
                if module is None:
                    logger.info("rjieba is not importable; segmenting with jieba")
                    self._backend = BACKEND_JIEBA
                else:
                    self._fast = build_rjieba(self, module)
                    freq = self.jieba_tokenizer().FREQ
                    # ASCII dictionary words with punctuation (C++, AT&T) come from the DAG: keep them whole
                    self._dict_words = frozenset(w for w, f in freq.items() if f and w.isascii() and not w.isalnum())
                    self._backend = BACKEND_RJIEBA
        return self._fast

    def _cut_block(self, fast, text: str) -> list[str]:
        """jieba's HMM tokens of a text with no number-with-unit in it."""
        if _HAN_OUTSIDE_JIEBA.search(text):
            out: list[str] = []
            for i, piece in enumerate(_HAN_OUTSIDE_JIEBA.split(text)):
                if i % 2:
                    out.append(piece)
                elif piece:
                    out.extend(self._cut_block(fast, piece))
            return out
        words = fast.cut(text, True)
        if not any(c in text for c in _JOINERS):
            return words
        out = []
        for word in words:
            if len(word) > 1 and word.isascii() and not word.isalnum() and word not in self._dict_words:
                pieces = [p for p in _JIEBA_HMM_SKIP.split(word) if p]
                out.extend(pieces)
            else:
                out.append(word)
        return out

    def cut_zh(self, text: str) -> list[str]:
        """Raw segmentation (every token, punctuation included; numbers with units whole)."""
        fast = self._ensure_backend()
        if fast is None:
            return super().cut_zh(text)
        out: list[str] = []
        cursor = 0
        for match in _NUMERIC_ZH.finditer(text):
            if match.start() > cursor:
                out.extend(self._cut_block(fast, text[cursor : match.start()]))
            out.append(match.group())
            cursor = match.end()
        if cursor < len(text):
            out.extend(self._cut_block(fast, text[cursor:]))
        return out

    def cut_zh_spans(self, text: str) -> list[tuple[str, int, int]]:
        """(token, start, end) of every token; the tokens tile the text, as jieba's do."""
        if self._ensure_backend() is None:
            return super().cut_zh_spans(text)
        out: list[tuple[str, int, int]] = []
        start = 0
        for token in self.cut_zh(text):
            out.append((token, start, start + len(token)))
            start += len(token)
        return out


def load_fast_segmenter(config: SegmenterConfig | None = None) -> FastSegmenter:
    """A `FastSegmenter` for `config` (the default config when None), its backend already built."""
    segmenter = FastSegmenter(config or SegmenterConfig())
    segmenter._ensure_backend()
    return segmenter
