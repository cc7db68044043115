"""Tokenizers: a private jieba.Tokenizer with our user dictionary for Chinese; lemmas for English.

Both return content terms: policy phrases kept whole, stopwords and punctuation removed. The global
jieba tokenizer is never touched, because it is shared by every session of a Streamlit server.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from policylens import paths

_EN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-+&.][A-Za-z0-9]+)*%?")
# Chinese numbers that must stay one term: designations such as 2+6+6 or 4+4+1, and quantities
# with their unit (3.5%, 2万亿元, 1000余家, 51所). Dates (2024年, 1月) are left to jieba.
_NUMERIC_ZH = re.compile(
    r"\d+(?:\+\d+)+(?:\+[A-Za-z])?"
    r"|\d+(?:[.,]\d+)*(?:\s?[%％‰]|[十百千万亿]*(?:余|多)?(?:万亿元|亿元|万元|美元|元|家|人次|万人|人|个|项|件|所|座|倍|吨|平方公里|公里|台|户|名)|[十百千万亿]+)"
)
_HAS_WORD_CHAR = re.compile(r"[\w\u4e00-\u9fff]")
_DIGITS_ONLY = re.compile(r"^[\d.]+$")
_MAX_PHRASE_WORDS = 8


def read_word_list(path: Path) -> list[str]:
    """Read a one-term-per-line UTF-8 list; '#' starts a comment line."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


# simplemma 2.0.0 errors seen on policy text ("growing" -> "growe"); word -> correct lemma
_LEMMA_FIXES = {"growing": "grow", "grows": "grow"}


@lru_cache(maxsize=1)
def _english_lemmatizer():
    """simplemma's lemmatizer on its English dictionary decoded once per user, not once per process
    (text.lemma_cache: the lemmas are those of simplemma.lemmatize)."""
    from policylens.text.lemma_cache import build_lemmatizer

    return build_lemmatizer()


@lru_cache(maxsize=4096)
def lemmatize_en(word: str) -> str:
    """Lowercased lemma of one English word (simplemma); hyphenated words keep their form."""
    word = word.lower()
    if not word.isalpha():
        return word
    return _LEMMA_FIXES.get(word) or _english_lemmatizer().lemmatize(word, "en").lower()


def lemma_key(term: str) -> tuple[str, ...]:
    """The lemmas of an English term or phrase, the key phrases are matched on."""
    return tuple(lemmatize_en(w) for w in _EN_TOKEN.findall(_strip_possessive(term)))


def normalize_en_term(term: str) -> str:
    """The form an English term takes after tokenisation.

    A single word becomes its lemma ("industries" -> "industry"); a phrase keeps its written
    words, lowercased, so that "emerging industries" reads as "emerging industry", not "emerge".
    """
    words = _EN_TOKEN.findall(_strip_possessive(term))
    if len(words) == 1:
        return lemmatize_en(words[0])
    key = lemma_key(term)
    # The last word is the head noun: show its lemma (singular); keep the modifiers as written.
    return " ".join([w.lower() for w in words[:-1]] + [key[-1]])


def _strip_possessive(text: str) -> str:
    return re.sub(r"['’]s\b", "", text)


def load_stopwords(language: str) -> frozenset[str]:
    """stopwordsiso's list plus the project list, minus the project allow-list (English)."""
    import stopwordsiso

    words = set(stopwordsiso.stopwords(language))
    if language == "zh":
        words |= set(read_word_list(paths.STOPWORDS_ZH_PROJECT))
    else:
        words |= {normalize_en_term(w) for w in read_word_list(paths.STOPWORDS_EN_PROJECT)}
        words -= {normalize_en_term(w) for w in read_word_list(paths.STOPWORDS_EN_ALLOW)}
        words -= set(read_word_list(paths.STOPWORDS_EN_ALLOW))
    return frozenset(words)


@dataclass(frozen=True)
class SegmenterConfig:
    """What defines a segmenter; hashable, so it can key a cache."""

    userdict: Path = paths.USERDICT
    extra_terms_zh: tuple[str, ...] = ()  # e.g. codebook terms, kept whole and never stopwords
    extra_terms_en: tuple[str, ...] = ()
    user_words_zh: tuple[str, ...] = ()  # the session's locked terms (the user dictionary view)
    stopword_edits: tuple[tuple[str, str, str], ...] = ()  # (language, "add" | "remove", word)


@dataclass
class Segmenter:
    """Turns text into content terms for one language at a time. Read-only after construction."""

    config: SegmenterConfig = field(default_factory=SegmenterConfig)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._jieba = None
        self._stopwords: dict[str, frozenset[str]] = {}
        keep_en = {normalize_en_term(t) for t in self.config.extra_terms_en}
        written = read_word_list(paths.PHRASES_EN) + list(self.config.extra_terms_en)
        phrases = {lemma_key(p): normalize_en_term(p) for p in written if len(lemma_key(p)) > 1}
        # first lemma -> [(lemma key, display form)], longest first, for greedy matching
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key in sorted(phrases, key=len, reverse=True):
            self._phrases.setdefault(key[0], []).append((key, phrases[key]))
        self._keep = {"en": frozenset(keep_en), "zh": frozenset(self.config.extra_terms_zh)}

    # -- Chinese ---------------------------------------------------------------------------
    def jieba_tokenizer(self):
        """The private jieba.Tokenizer, built on first use (about 1 s) with our dictionaries."""
        with self._lock:
            if self._jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)  # silence the "Building prefix dict" chatter

                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                tokenizer.load_userdict(str(self.config.userdict))
                for term in (*self.config.extra_terms_zh, *self.config.user_words_zh):
                    # suggest_freq(tune=True) raises the word's frequency just enough to keep it whole
                    tokenizer.suggest_freq(term, tune=True)
                self._jieba = tokenizer
        return self._jieba

    def cut_zh_spans(self, text: str) -> list[tuple[str, int, int]]:
        """(token, start, end) of every token, punctuation included; numbers with units kept whole."""
        tokenizer = self.jieba_tokenizer()
        out: list[tuple[str, int, int]] = []
        cursor = 0
        for match in [*_NUMERIC_ZH.finditer(text), None]:
            end = match.start() if match else len(text)
            if end > cursor:
                out.extend((w, cursor + a, cursor + b) for w, a, b in tokenizer.tokenize(text[cursor:end], HMM=True))
            if match:
                out.append((match.group(), match.start(), match.end()))
                cursor = match.end()
        return out

    def cut_zh(self, text: str) -> list[str]:
        """Raw segmentation (every token, punctuation included; numbers with units whole)."""
        return [token for token, _, _ in self.cut_zh_spans(text)]

    # -- English ---------------------------------------------------------------------------
    def cut_en_spans(self, text: str) -> list[tuple[str, int, int]]:
        """(term, start, end) of lowercased lemmas, multiword phrases merged (longest first)."""
        words = [
            (lemmatize_en(m.group()), m.start(), m.end())
            for m in _EN_TOKEN.finditer(text)
            if not (m.group() in ("s", "S") and text[m.start() - 1 : m.start()] in ("'", "’"))
        ]
        out: list[tuple[str, int, int]] = []
        i = 0
        while i < len(words):
            for key, display in self._phrases.get(words[i][0], ()):
                if tuple(w[0] for w in words[i : i + len(key)]) == key:
                    out.append((display, words[i][1], words[i + len(key) - 1][2]))
                    i += len(key)
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def cut_en(self, text: str) -> list[str]:
        """Lowercased lemmas with multiword phrases merged."""
        return [term for term, _, _ in self.cut_en_spans(text)]

    def find_spans(self, text: str, terms: Iterable[str], language: str) -> list[tuple[int, int, str]]:
        """Character spans (start, end, term) where any of `terms` occurs as a token of `text`."""
        wanted = set(terms)
        if language == "zh":
            tokens = self.cut_zh_spans(text)
        else:
            tokens = self.cut_en_spans(text)
        return [(start, end, term) for term, start, end in tokens if term in wanted]

    # -- both ------------------------------------------------------------------------------
    def stopwords(self, language: str) -> frozenset[str]:
        """The effective stopword list: maintained + project lists, with the session's edits."""
        if language not in self._stopwords:
            words = set(load_stopwords(language))
            norm = normalize_en_term if language == "en" else str.strip
            for lang, action, word in self.config.stopword_edits:
                if lang == language:
                    (words.add if action == "add" else words.discard)(norm(word))
            self._stopwords[language] = frozenset(words)
        return self._stopwords[language]

    def tokenize(self, text: str, language: str) -> list[str]:
        """Content terms of `text`: phrases whole; stopwords, punctuation and bare numbers removed."""
        raw = self.cut_zh(text) if language == "zh" else self.cut_en(text)
        keep = self._keep.get(language, frozenset()) | (
            frozenset(self.config.user_words_zh) if language == "zh" else frozenset()
        )
        stop = self.stopwords(language)
        terms = []
        for token in raw:
            token = token.strip()
            if not token or not _HAS_WORD_CHAR.search(token):
                continue
            if token in keep or (" " in token and token not in stop):  # a phrase may be filler too
                terms.append(token)
            elif token not in stop and not _DIGITS_ONLY.match(token) and token.lower() != "s":
                terms.append(token)
        return terms


def with_segmenter(function, config: SegmenterConfig, *args, **kwargs):
    """`function(*args, segmenter=Segmenter(config), **kwargs)`: the call a worker process makes
    (policylens.workers), which builds its own segmenter from the settings instead of receiving one."""
    return function(*args, segmenter=Segmenter(config), **kwargs)
