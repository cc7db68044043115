"""Fast Chinese segmentation on rjieba (jieba-rs), token for token the same as `Segmenter.cut_zh`.

`FastSegmenter` is a `Segmenter` whose Chinese cut runs in Rust; jieba stays the fallback when rjieba
cannot be imported, and the reference the identity test and `bench/segment_speed.py` compare with.
The words it copies from jieba are cached on disk (per user, keyed by a digest of everything they come
from), so a worker that finds them starts without loading jieba at all.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from policylens.text.segment import _DIGITS_ONLY, _HAS_WORD_CHAR, _NUMERIC_ZH, Segmenter, SegmenterConfig

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
_HAS_JOINER = re.compile(f"[{re.escape(_JOINERS)}]")
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


@dataclass(frozen=True)
class RjiebaWords:
    """What jieba-rs needs besides its own dictionary to cut as `segmenter.jieba_tokenizer()` does."""

    added: tuple[tuple[str, int, str | None], ...]  # (word, freq, tag) for add_word, in order
    dict_words: frozenset[str]  # ASCII dictionary words with punctuation (C++, AT&T): kept whole


def build_rjieba_words(segmenter: Segmenter) -> RjiebaWords:
    """The words to copy into jieba-rs so that it holds the frequencies and total of jieba's tokenizer.

    The jieba tokenizer is built the usual way (user dictionary, then suggest_freq(tune=True) for the
    codebook and locked terms); every word it touched is copied with jieba's final frequency and the
    user dictionary's tag, and the difference in totals goes to an unreachable entry, so every route
    probability (log freq - log total) is the same in both.
    """
    tokenizer = segmenter.jieba_tokenizer()
    config = segmenter.config
    tags = dict(read_userdict_entries(tokenizer, config.userdict))
    touched = set(tags) | set(config.extra_terms_zh) | set(config.user_words_zh)
    pristine_total, pristine = read_pristine_frequencies(tokenizer, touched)
    added: list[tuple[str, int, str | None]] = []
    rust_total = pristine_total
    for word in sorted(touched):
        freq = int(tokenizer.FREQ.get(word) or 0)
        if not freq:
            continue
        added.append((word, freq, tags.get(word)))
        rust_total += freq - pristine.get(word, 0)
    pad = int(tokenizer.total) - rust_total
    if pad < 0:
        raise ValueError(f"jieba's total {tokenizer.total} is below jieba-rs's {rust_total}")
    if pad:
        added.append((_TOTAL_PAD_WORD, pad, None))
    dict_words = frozenset(w for w, f in tokenizer.FREQ.items() if f and w.isascii() and not w.isalnum())
    return RjiebaWords(tuple(added), dict_words)


def new_rjieba(rjieba_module, words: RjiebaWords):
    """A fresh `rjieba.Jieba` with `words` added."""
    fast = rjieba_module.Jieba()
    for word, freq, tag in words.added:
        fast.add_word(word, freq, tag)
    return fast


def build_rjieba(segmenter: Segmenter, rjieba_module):
    """An `rjieba.Jieba` holding the same frequencies and total as `segmenter.jieba_tokenizer()`."""
    return new_rjieba(rjieba_module, build_rjieba_words(segmenter))


# -- the on-disk cache of RjiebaWords -------------------------------------------------------------
# Building RjiebaWords loads jieba (its own cache, 0.8-1.3 s) and reads its 5 MB dictionary (0.5 s);
# reading them back takes milliseconds. A file is named and checked by the digest of every input;
# it is JSON (never unpickled), written to a temporary file and renamed into place, and anything
# wrong with it (missing, unreadable, another digest or shape) means building the words again.
CACHE_ENV = "POLICYLENS_CACHE_DIR"  # overrides the cache folder (the tests point it at a temporary one)
_CACHE_FORMAT = 1  # bump when RjiebaWords or build_rjieba_words changes what it holds
_UID = os.getuid() if hasattr(os, "getuid") else None  # None: no POSIX owners (Windows)


def cache_dir() -> Path:
    """$POLICYLENS_CACHE_DIR, else $XDG_CACHE_HOME/policylens, else ~/.cache/policylens; a per-user
    folder in the temporary directory when there is no home."""
    if configured := os.environ.get(CACHE_ENV):
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "policylens"
    try:
        return Path.home() / ".cache" / "policylens"
    except RuntimeError:  # no home directory
        return Path(tempfile.gettempdir()) / f"policylens-cache-{_UID}"


def _file_digest(path: Path | None) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else "none"
    except OSError:
        return "unreadable"


def _jieba_dictionary() -> Path | None:
    """jieba's main dictionary (dict.txt in its package), found without importing jieba."""
    spec = importlib.util.find_spec("jieba")
    locations = spec.submodule_search_locations if spec else None
    return Path(next(iter(locations))) / "dict.txt" if locations else None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "missing"


def rjieba_words_key(config: SegmenterConfig) -> str:
    """SHA-256 of everything RjiebaWords depends on: the cache format, jieba's and rjieba's versions,
    jieba's dictionary and our user dictionary (their bytes), and the terms tuned in, in order."""
    parts = [
        f"format {_CACHE_FORMAT}",
        f"jieba {_version('jieba')}",
        f"rjieba {_version('rjieba')}",
        _file_digest(_jieba_dictionary()),
        _file_digest(config.userdict),
        _TOTAL_PAD_WORD,
        json.dumps([config.extra_terms_zh, config.user_words_zh], ensure_ascii=False),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _cache_path(key: str) -> Path:
    return cache_dir() / f"rjieba-words-{key[:32]}.json"


def read_cached_words(key: str) -> RjiebaWords | None:
    """The cached words for `key`, or None when there are none that can be trusted (a file another
    user owns is not: the fallback folder lives in the shared temporary directory)."""
    path = _cache_path(key)
    try:
        if _UID is not None and path.stat().st_uid != _UID:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        added = tuple((str(w), int(f), None if t is None else str(t)) for w, f, t in data["added"])
        return RjiebaWords(added, frozenset(str(w) for w in data["dict_words"]))
    except (OSError, ValueError, TypeError, KeyError):  # missing, unreadable, not JSON, another shape
        return None


def write_cached_words(key: str, words: RjiebaWords) -> None:
    """Store `words` under `key` atomically (temporary file, then os.replace); a failure is only logged."""
    path = _cache_path(key)
    data = {"key": key, "added": [list(entry) for entry in words.added], "dict_words": sorted(words.dict_words)}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        logger.info("could not cache the rjieba words in %s: %s", path.parent, exc)


def load_rjieba_words(segmenter: Segmenter) -> RjiebaWords:
    """RjiebaWords for the segmenter's config: from the cache, else built (loading jieba) and cached."""
    key = rjieba_words_key(segmenter.config)
    words = read_cached_words(key)
    if words is None:
        words = build_rjieba_words(segmenter)
        write_cached_words(key, words)
    return words


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
        # language -> {raw token: the term tokenize keeps, or None}; tokens repeat, so each is judged once
        self._terms: dict[str, dict[str, str | None]] = {}

    @property
    def backend(self) -> str:
        """ "rjieba" or "jieba" (the fallback), resolved on first use."""
        self._ensure_backend()
        return self._backend

    def _ensure_backend(self):
        if self._backend is not None:  # set last, after _fast: no lock needed once built
            return self._fast
        with self._fast_lock:
            if self._backend is None:
                module = load_rjieba()
                if module is None:
                    logger.info("rjieba is not importable; segmenting with jieba")
                    self._backend = BACKEND_JIEBA
                else:
                    words = load_rjieba_words(self)
                    self._fast = new_rjieba(module, words)
                    self._dict_words = words.dict_words
                    self._backend = BACKEND_RJIEBA
                    with self._lock:  # jieba's tokenizer (100 MB) is not used by this backend: built again on demand
                        self._jieba = None
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
        if not _HAS_JOINER.search(text):
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

    def tokenize(self, text: str, language: str) -> list[str]:
        """`Segmenter.tokenize`: content terms, phrases whole; stopwords, punctuation and bare numbers removed."""
        raw = self.cut_zh(text) if language == "zh" else self.cut_en(text)
        judged = self._terms.get(language)
        if judged is None or len(judged) > _MAX_JUDGED:
            judged = self._terms[language] = {}
        keep = stop = None
        terms = []
        for token in raw:
            term = judged.get(token, _UNJUDGED)
            if term is _UNJUDGED:
                if keep is None:
                    keep, stop = self._keep_and_stop(language)
                term = judged[token] = _content_term(token, keep, stop)
            if term is not None:
                terms.append(term)
        return terms

    def _keep_and_stop(self, language: str) -> tuple[frozenset[str], frozenset[str]]:
        """The terms `Segmenter.tokenize` always keeps, and its stopwords."""
        user_words = frozenset(self.config.user_words_zh) if language == "zh" else frozenset()
        return self._keep.get(language, frozenset()) | user_words, self.stopwords(language)

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


_UNJUDGED = object()
_MAX_JUDGED = 500_000  # distinct tokens remembered per language before the memo starts again


def _content_term(token: str, keep: frozenset[str], stop: frozenset[str]) -> str | None:
    """`Segmenter.tokenize`'s test of one raw token: the term it keeps, or None (test_fastseg and
    test_load_speed compare the two on every token of their texts)."""
    token = token.strip()
    if not token or not _HAS_WORD_CHAR.search(token):
        return None
    if token in keep or (" " in token and token not in stop):  # a phrase may be filler too
        return token
    if token not in stop and not _DIGITS_ONLY.match(token) and token.lower() != "s":
        return token
    return None


def load_fast_segmenter(config: SegmenterConfig | None = None) -> FastSegmenter:
    """A `FastSegmenter` for `config` (the default config when None), its backend already built."""
    segmenter = FastSegmenter(config or SegmenterConfig())
    segmenter._ensure_backend()
    return segmenter
