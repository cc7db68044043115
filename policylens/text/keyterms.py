"""Key terms: the terms most distinctive of a document against general language, and its figures.

Terms are the analysis's content terms with the document's own compounds merged (newwords.py),
single characters, numbers and amounts left out; each is scored by a signed log-likelihood of its
count against a general-language reference frequency (wordfreq, or jieba's dictionary or IDF
table). Numbers and amounts (3.3万亿元, 8.1%, 2024年) are listed apart as figures.
"""

from __future__ import annotations

import importlib.resources
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import pandas as pd

from policylens import paths, schema
from policylens.text.newwords import DiscoveryOptions, apply_compounds, build_runs_en, build_runs_zh, discover_compounds
from policylens.text.segment import read_word_list
from policylens.text.terms import is_figure

SCORE = "score"  # signed log-likelihood against the reference (see score_terms)
REFERENCE_PER_MILLION = "reference_per_million"
COMPOUND = "compound"  # True for a compound found in the document itself
FIGURE = "figure"
WORDFREQ, JIEBA_DICT, JIEBA_IDF = "wordfreq", "jieba_dict", "jieba_idf"
REFERENCES = (WORDFREQ, JIEBA_DICT, JIEBA_IDF)
FILLER_ZH = paths.DATA_DIR / "filler_zh.txt"
FILLER_EN = paths.DATA_DIR / "filler_en.txt"
# wordfreq's estimate for a word its list lacks: the half-harmonic mean of its parts' frequencies,
# divided by 10 for every word break it had to infer (wordfreq's INFERRED_SPACE_FACTOR).
INFERRED_SPACE_FACTOR = 10.0
_MAX_WORD = 8  # longest dictionary word tried when splitting an unknown Chinese term

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_UNITS_ZH = (
    "万亿元|亿元|万元|千元|美元|欧元|元|万亿|亿|万|千|百|个百分点|百分点|%|％|‰|年|月|日|天|小时|分钟|"
    "平方公里|平方米|公里|千米|厘米|毫米|纳米|米|万吨|吨|千克|公斤|克|万千瓦|千瓦|瓦|GW|MW|kW|"
    "家|所|座|个|项|件|台|套|户|人次|万人|人|名|位|倍|条|批|次|艘|架|辆|款|余|多"
)
FIGURE_ZH = re.compile(
    r"(?<![A-Za-z\d.])\d+(?:[.,]\d+)*(?:\s?[-~～至到]\s?\d+(?:[.,]\d+)*)?"
    rf"(?:(?:[十百千万亿]*(?:余|多)?)(?:{_UNITS_ZH})+(?:以上|左右)?)?(?![A-Za-z\d])"
)
FIGURE_EN = re.compile(
    r"(?<![A-Za-z\d.])[$€£¥]?\d+(?:[.,]\d+)*(?:\s?(?:%|percent\b|per cent\b|(?:thousand|million|billion|trillion)\b"
    r"|(?:km|kg|GW|MW|kW|t)\b))?(?![A-Za-z\d])"
)


@dataclass(frozen=True)
class KeyTermOptions:
    """How key terms are counted and ranked; frozen, so it can key a cache."""

    reference: str = WORDFREQ
    discover: bool = True
    demote_filler: bool = True  # generic policy filler (data/filler_*.txt) scored at a tenth
    min_chars_en: int = 3
    discovery: DiscoveryOptions = field(default_factory=DiscoveryOptions)


# -- references ---------------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)  # hashed by identity: one per (name, language), from load_reference
class Reference:
    """Word probabilities of general language; `floor` is the probability of an unseen word."""

    name: str
    language: str
    probabilities: dict[str, float]
    floor: float


def _jieba_file(*parts: str):
    """A data file shipped inside the jieba package (read only; the global tokenizer is not used)."""
    return importlib.resources.files("jieba").joinpath(*parts)


@cache
def load_reference(name: str, language: str) -> Reference:
    """A general-language reference. jieba's tables are Chinese only: for English, wordfreq serves.

    wordfreq 3.1.1 ('best' lists: SUBTLEX, Wikipedia, news, books, web text); jieba 0.42.1's
    dict.txt counts (its training corpus, People's Daily among it) and analyse/idf.txt, whose IDF
    is read as -ln p.
    """
    if name not in REFERENCES:
        raise ValueError(f"unknown reference {name!r}; expected one of {REFERENCES}")
    if name == WORDFREQ or language != "zh":
        import wordfreq

        probabilities = wordfreq.get_frequency_dict(language, "best")
        return Reference(WORDFREQ, language, probabilities, min(probabilities.values()) / 10)
    if name == JIEBA_DICT:
        counts = {}
        for line in _jieba_file("dict.txt").read_text(encoding="utf-8").splitlines():
            word, freq, *_ = line.split(" ")
            counts[word] = int(freq)
        total = sum(counts.values())
        return Reference(name, language, {w: n / total for w, n in counts.items() if n}, 0.5 / total)
    idf = {}
    for line in _jieba_file("analyse", "idf.txt").read_text(encoding="utf-8").splitlines():
        word, _, value = line.rpartition(" ")
        idf[word] = float(value)
    median = float(np.median(list(idf.values())))  # jieba.analyse gives unseen words the median IDF
    return Reference(name, language, {w: math.exp(-v) for w, v in idf.items()}, math.exp(-median))


def _split_known(term: str, probabilities: dict[str, float]) -> list[str]:
    """Forward maximum matching of `term` against the reference's words (unknown characters alone)."""
    parts, i = [], 0
    while i < len(term):
        for size in range(min(_MAX_WORD, len(term) - i), 0, -1):
            if size == 1 or term[i : i + size] in probabilities:
                parts.append(term[i : i + size])
                i += size
                break
    return parts


@lru_cache(maxsize=200_000)
def reference_probability(term: str, reference: Reference) -> float:
    """The reference probability of a term; a word the list lacks is estimated from its parts
    as wordfreq does (half-harmonic mean, divided by 10 per inferred break)."""
    key = term.lower()
    p = reference.probabilities.get(key)
    if p is not None:
        return p
    if reference.language == "zh":
        parts = _split_known(key, reference.probabilities)
    else:
        parts = [w for w in re.split(r"[\s\-]+", key) if w]
    if len(parts) < 2:
        return reference.floor
    inverse = sum(1.0 / max(reference.probabilities.get(w, reference.floor), reference.floor) for w in parts)
    return max(1.0 / inverse / INFERRED_SPACE_FACTOR ** (len(parts) - 1), reference.floor)


# -- counting -----------------------------------------------------------------------------------
@lru_cache(maxsize=100_000)
def is_candidate(term: str, language: str, min_chars_en: int = 3) -> bool:
    """A term that can be a key term: no single Chinese character, no short English word, no figure."""
    if is_figure(term):
        return False
    if language == "zh":
        return len(term) > 1 or not _HAN.match(term)
    return len(term) >= min_chars_en


# Parts of speech (jieba's dict.txt tags) a compound may not end on: verbs, adverbs, pronouns,
# prepositions, conjunctions, particles, numerals, measure words, time and place words.
_NOT_HEAD = frozenset(
    {"v", "vd", "vg", "d", "dg", "r", "rr", "rz", "p", "c", "u", "ud", "uj", "ul", "m", "q", "t", "f"}
)


@cache
def load_jieba_pos() -> dict[str, str]:
    """Word -> part-of-speech tag of jieba's main dictionary."""
    tags = {}
    for line in _jieba_file("dict.txt").read_text(encoding="utf-8").splitlines():
        word, _, tag = line.split(" ")
        tags[word] = tag
    return tags


def accept_compound(units: tuple[str, ...], language: str) -> bool:
    """A linguistic veto on a discovered compound: it may not end on filler (融合发展, 同比增长);
    in Chinese it may not end on a verb or function word (开发提供, 总书记指出), nor on a long
    word jieba does not know, which is a policy phrase of its own (经济 + 深度融合)."""
    if units[-1] in load_filler(language):
        return False
    if language != "zh":
        return True
    tags = load_jieba_pos()
    head = tags.get(units[-1])
    return head not in _NOT_HEAD and not (head is None and len(units[-1]) >= 4)


@cache
def load_filler(language: str) -> frozenset[str]:
    """Generic policy filler (发展, 成为, 今年以来 ...): kept in counts, demoted in the ranking."""
    path = FILLER_ZH if language == "zh" else FILLER_EN
    return frozenset(read_word_list(path)) if path.exists() else frozenset()


@dataclass(frozen=True)
class KeyTermCounts:
    """The counts key terms are ranked on: paragraph, term, count (candidates only, compounds
    merged), and the compounds found in the document."""

    term_counts: pd.DataFrame
    compounds: frozenset[str]
    language: str


def count_key_terms(analysis, segmenter=None, options: KeyTermOptions = KeyTermOptions()) -> KeyTermCounts:
    """Candidate terms per paragraph of an analysis, with the document's compounds merged.

    `analysis` is a text.analysis.Analysis; `segmenter` (the one it was built with) is needed
    for English only, whose phrases are found on the lemmas with their positions in the text.
    """
    document = analysis.document
    language = document.language
    if language == "zh":
        runs = build_runs_zh(document.paragraphs, analysis.paragraph_terms)
        joiner = ""
    else:
        if segmenter is None:
            raise ValueError("count_key_terms needs the segmenter for an English document")
        spans = [segmenter.cut_en_spans(p) for p in document.paragraphs]
        runs = build_runs_en(spans, document.paragraphs, analysis.paragraph_terms)
        joiner = " "
    compounds = {}
    if options.discover:
        compounds = discover_compounds(runs, options.discovery, joiner, lambda units: accept_compound(units, language))
    rows = []
    for index, paragraph_runs in enumerate(runs, 1):
        terms = apply_compounds(paragraph_runs, compounds, options.discovery.max_units)
        counts = Counter(t for t in terms if is_candidate(t, language, options.min_chars_en))
        rows.extend((index, term, n) for term, n in counts.items())
    table = pd.DataFrame(rows, columns=[schema.PARAGRAPH, schema.TERM, schema.COUNT]).astype(
        {schema.PARAGRAPH: "int64", schema.TERM: "object", schema.COUNT: "int64"}
    )
    return KeyTermCounts(table, frozenset(compounds.values()), language)


# -- ranking ------------------------------------------------------------------------------------
def score_terms(counts: np.ndarray, probabilities: np.ndarray, total: float) -> np.ndarray:
    """Signed log-likelihood of each term's count against its expected count in general language.

    With a reference far larger than the document, Dunning's G2 (see keyness.log_likelihood)
    reduces to the Poisson deviance G2 = 2 (a ln(a / E) - (a - E)), E = total * p: it grows with
    both the count and the rarity of the term. Negative where the term is rarer than expected.
    """
    a = counts.astype(float)
    expected = total * probabilities
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = 2.0 * (a * np.log(a / expected) - (a - expected))
    g2 = np.where(a > 0, g2, 0.0)
    return np.where(a >= expected, g2, -g2)


def rank_key_terms(
    key_counts: KeyTermCounts, paragraphs: Sequence[int] | None = None, options: KeyTermOptions = KeyTermOptions()
) -> pd.DataFrame:
    """Key terms of the given paragraphs (all when None), most distinctive first (ties by count, term).

    Columns: term, score, count, paragraphs (number containing the term), reference_per_million
    (the term's general-language frequency), compound (found in the document itself).
    """
    table = key_counts.term_counts
    if paragraphs is not None:
        table = table[table[schema.PARAGRAPH].isin(list(paragraphs))]
    grouped = table.groupby(schema.TERM, sort=False).agg(
        **{schema.COUNT: (schema.COUNT, "sum"), schema.PARAGRAPHS: (schema.PARAGRAPH, "nunique")}
    )
    columns = [schema.TERM, SCORE, schema.COUNT, schema.PARAGRAPHS, REFERENCE_PER_MILLION, COMPOUND]
    if grouped.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    reference = load_reference(options.reference, key_counts.language)
    terms = grouped.index.to_list()
    probabilities = np.array([reference_probability(t, reference) for t in terms])
    counts = grouped[schema.COUNT].to_numpy()
    scores = score_terms(counts, probabilities, float(counts.sum()))
    if options.demote_filler:
        filler = load_filler(key_counts.language)
        scores = np.where([t in filler for t in terms], np.minimum(scores, scores / 10), scores)
    out = pd.DataFrame(
        {
            schema.TERM: pd.Series(terms, dtype="object"),
            SCORE: scores,
            schema.COUNT: counts.astype("int64"),
            schema.PARAGRAPHS: grouped[schema.PARAGRAPHS].to_numpy().astype("int64"),
            REFERENCE_PER_MILLION: probabilities * 1e6,
            COMPOUND: [t in key_counts.compounds for t in terms],
        }
    )
    return out.sort_values(
        [SCORE, schema.COUNT, schema.TERM], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def count_figures(paragraphs: Sequence[str], language: str, keep: Sequence[int] | None = None) -> pd.DataFrame:
    """Numbers and amounts of the text (3.3万亿元, 8.1%, 2024年, $3 billion), most frequent first.

    `keep` limits the count to those paragraphs (1-based; all when None).
    Columns: figure, count, paragraphs (number containing it).
    """
    pattern = FIGURE_ZH if language == "zh" else FIGURE_EN
    wanted = None if keep is None else set(keep)
    counts: Counter[str] = Counter()
    spread: Counter[str] = Counter()
    for index, text in enumerate(paragraphs, 1):
        if wanted is not None and index not in wanted:
            continue
        # a lone digit with no unit is a list marker or "从0到1", not a figure
        found = Counter(f for m in pattern.finditer(text) if not (f := m.group().strip()).isdigit() or len(f) > 1)
        counts.update(found)
        spread.update(found.keys())
    rows = [(f, n, spread[f]) for f, n in counts.items()]
    table = pd.DataFrame(rows, columns=[FIGURE, schema.COUNT, schema.PARAGRAPHS]).astype(
        {FIGURE: "object", schema.COUNT: "int64", schema.PARAGRAPHS: "int64"}
    )
    return table.sort_values([schema.COUNT, FIGURE], ascending=[False, True], kind="stable").reset_index(drop=True)
