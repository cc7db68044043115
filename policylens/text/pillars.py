"""The pillar codebook (data/pillars.toml) and the explainable classification of paragraphs."""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from policylens import paths, schema
from policylens.text.segment import normalize_en_term

NONE = "none"  # the class of a paragraph that serves no pillar (its pillar is None in every table)
DEFAULT_MODEL = paths.PILLAR_MODEL.name  # the model of a codebook that names none ("" switches it off)


class CodebookError(ValueError):
    """A codebook that cannot be used; the message is meant for the user."""


@dataclass(frozen=True)
class Pillar:
    id: str
    label_en: str
    label_zh: str
    color: str
    description_en: str
    description_zh: str
    terms_en: tuple[tuple[str, float], ...]  # (normalised term, weight)
    terms_zh: tuple[tuple[str, float], ...]

    def label(self, lang: str) -> str:
        return self.label_zh if lang == "zh" else self.label_en

    def terms(self, language: str) -> dict[str, float]:
        return dict(self.terms_zh if language == "zh" else self.terms_en)


@dataclass(frozen=True)
class Pattern:
    """A user rule over the paragraph text: a regular expression and what each match adds to pillars.

    Weights may be negative (a look-alike such as 文旅融合 takes back what 融合 gave fusion) and may
    name "none", the class of a paragraph that serves no pillar.
    """

    pattern: str
    weights: tuple[tuple[str, float], ...]
    note: str = ""  # what the rule says, in English
    note_zh: str = ""  # and in Chinese (the English note when empty)

    def label(self, lang: str) -> str:
        """The note in the UI language, or the pattern itself when there is no note."""
        return (self.note_zh if lang == "zh" and self.note_zh else self.note) or self.pattern

    @property
    def regex(self) -> re.Pattern:
        return compile_pattern(self.pattern)


@dataclass(frozen=True)
class Codebook:
    pillars: tuple[Pillar, ...]
    min_score: float = 3.0
    min_margin: float = 1.0
    patterns: tuple[Pattern, ...] = ()
    # Text the classifier does not read: framing and purpose tails (R2 of the pillar guide).
    ignore: tuple[str, ...] = ()
    model: str = DEFAULT_MODEL  # file name of the trained model in data/ ("" = the codebook rules decide alone)
    rule_weight: float = 0.1  # how much codebook terms and patterns add to the model's scores
    secondary_min: float = 0.25  # the probability a second pillar needs to be named as secondary
    example_weight: float = 4.0  # how strongly a confirmed example pulls a similar paragraph

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.pillars)

    @property
    def classes(self) -> frozenset[str]:
        """What a paragraph can be labelled: a pillar id, or "none"."""
        return frozenset({*self.ids, NONE})

    @property
    def colors(self) -> dict[str, str]:
        return {p.id: p.color for p in self.pillars}

    def get(self, pillar_id: str) -> Pillar:
        return next(p for p in self.pillars if p.id == pillar_id)

    def all_terms(self, language: str) -> tuple[str, ...]:
        return tuple(sorted({t for p in self.pillars for t in p.terms(language)}))


@lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _parse_patterns(data: dict, class_ids: set[str]) -> tuple[Pattern, ...]:
    patterns = []
    for i, raw in enumerate(data.get("patterns", []), 1):
        pattern = raw.get("pattern")
        if not isinstance(pattern, str) or not pattern:
            raise CodebookError(f"Pattern {i} has no 'pattern' text.")
        try:
            compile_pattern(pattern)
        except re.error as exc:
            raise CodebookError(f"Pattern {i} ({pattern!r}) is not a valid regular expression: {exc}.") from exc
        weights = raw.get("weights", {})
        if not isinstance(weights, dict) or not weights:
            raise CodebookError(f"Pattern {i} ({pattern!r}) needs weights, e.g. weights = {{ fusion = -2.0 }}.")
        unknown = sorted(set(weights) - class_ids)
        if unknown:
            raise CodebookError(f"Pattern {i} ({pattern!r}) names unknown pillars: {', '.join(unknown)}.")
        try:
            parsed = tuple((k, float(v)) for k, v in weights.items())
        except (TypeError, ValueError) as exc:
            raise CodebookError(f"Pattern {i} ({pattern!r}) has a weight that is not a number.") from exc
        patterns.append(Pattern(pattern, parsed, str(raw.get("note", "")), str(raw.get("note_zh", ""))))
    return tuple(patterns)


def _parse_ignore(rules: dict) -> tuple[str, ...]:
    ignore = rules.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(p, str) for p in ignore):
        raise CodebookError("classification.ignore must be a list of regular expressions.")
    for pattern in ignore:
        try:
            compile_pattern(pattern)
        except re.error as exc:
            raise CodebookError(f"Ignore pattern {pattern!r} is not a valid regular expression: {exc}.") from exc
    return tuple(ignore)


def _number(rules: dict, key: str) -> float:
    """classification.`key`, or the Codebook default; a finite number or CodebookError."""
    value = rules.get(key, Codebook.__dataclass_fields__[key].default)
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise CodebookError(f"classification.{key} must be a number.") from exc
    if not math.isfinite(number):
        raise CodebookError(f"classification.{key} must be a finite number.")
    return number


def parse_codebook(text: str) -> Codebook:
    """Parse codebook TOML text; raise CodebookError naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CodebookError(f"The codebook is not valid TOML: {exc}") from exc
    rules = data.get("classification", {})
    pillars = []
    for i, raw in enumerate(data.get("pillars", []), 1):
        missing = [k for k in ("id", "label_en", "label_zh", "color") if not raw.get(k)]
        if missing:
            raise CodebookError(f"Pillar {i} lacks {', '.join(missing)}.")
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", str(raw["color"])):
            # colours reach HTML style attributes, so only plain hex colours are accepted
            raise CodebookError(f"Pillar {raw['id']!r}: the colour must look like #1f77b4, not {raw['color']!r}.")
        if not re.fullmatch(r"[a-z][a-z0-9_]*", str(raw["id"])):
            raise CodebookError(f"Pillar id {raw['id']!r}: use lowercase letters, digits or _.")
        if raw["id"] == NONE:
            raise CodebookError(f"Pillar id {NONE!r} is reserved for paragraphs that serve no pillar.")
        terms = raw.get("terms", {})
        try:
            terms_en = tuple((normalize_en_term(t), float(w)) for t, w in terms.get("en", {}).items())
            terms_zh = tuple((t.strip(), float(w)) for t, w in terms.get("zh", {}).items())
        except (TypeError, ValueError) as exc:
            raise CodebookError(f"Pillar {raw['id']!r} has a weight that is not a number.") from exc
        pillars.append(
            Pillar(
                id=raw["id"],
                label_en=raw["label_en"],
                label_zh=raw["label_zh"],
                color=raw["color"],
                description_en=raw.get("description_en", ""),
                description_zh=raw.get("description_zh", ""),
                terms_en=terms_en,
                terms_zh=terms_zh,
            )
        )
    if not pillars:
        raise CodebookError("The codebook defines no pillars.")
    ids = [p.id for p in pillars]
    if len(set(ids)) != len(ids):
        raise CodebookError(f"Pillar ids repeat: {ids}.")
    model = rules.get("model", Codebook.model)  # a codebook that does not say uses the shipped model
    if not isinstance(model, str) or not re.fullmatch(r"[A-Za-z0-9_.-]*", model) or ".." in model:
        raise CodebookError("classification.model must be a file name in data/, such as pillar_model.json.")
    return Codebook(
        tuple(pillars),
        _number(rules, "min_score"),
        _number(rules, "min_margin"),
        patterns=_parse_patterns(data, {*ids, NONE}),
        ignore=_parse_ignore(rules),
        model=model,
        rule_weight=_number(rules, "rule_weight"),
        secondary_min=_number(rules, "secondary_min"),
        example_weight=_number(rules, "example_weight"),
    )


def load_codebook(path: Path = paths.PILLARS_CODEBOOK) -> Codebook:
    """Load the codebook TOML file (the shipped one by default)."""
    return parse_codebook(Path(path).read_text(encoding="utf-8"))


def score_terms(
    paragraph_terms: Sequence[Sequence[str]], codebook: Codebook, language: str, evidence: bool = True
) -> tuple[np.ndarray, list[list[tuple[str, ...]]] | None]:
    """The codebook-term score of every paragraph for every pillar: sum over matched terms of
    weight x occurrences, as an (n paragraphs, pillars) matrix in codebook order; with `evidence`,
    also per paragraph and pillar the matched terms of positive weight, strongest first (else None)."""
    tables = [p.terms(language) for p in codebook.pillars]
    vocabulary = frozenset().union(*tables)
    matrix = np.zeros((len(paragraph_terms), len(tables)))
    found: list[list[tuple[str, ...]]] | None = [] if evidence else None
    for index, terms in enumerate(paragraph_terms):
        counts = Counter([t for t in terms if t in vocabulary])  # the order of first occurrence, as Counter(terms)
        row = []
        for column, table in enumerate(tables):
            hits = {t: table[t] * n for t, n in counts.items() if t in table}
            matrix[index, column] = float(sum(hits.values()))
            if evidence:
                # a negative term counts against the pillar: it is no evidence for it
                row.append(tuple(sorted((t for t in hits if hits[t] > 0), key=lambda t: (-hits[t], t))))
        if evidence:
            found.append(row)
    return matrix, found


def score_paragraphs(paragraph_terms: Sequence[Sequence[str]], codebook: Codebook, language: str) -> pd.DataFrame:
    """Score every paragraph against every pillar (score_terms, as a long table).

    Score = sum over matched codebook terms of weight x occurrences.
    Columns: paragraph (1-based), pillar, score, evidence (tuple of matched terms, strongest first).
    """
    matrix, evidence = score_terms(paragraph_terms, codebook, language)
    rows = [
        (index + 1, pillar_id, float(matrix[index, column]), evidence[index][column])
        for index in range(len(paragraph_terms))
        for column, pillar_id in enumerate(codebook.ids)
    ]
    return pd.DataFrame(rows, columns=[schema.PARAGRAPH, schema.PILLAR, schema.SCORE, schema.EVIDENCE])


def assign_pillars(scores: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Give each paragraph its best pillar, or None (general) when the evidence is too weak.

    A paragraph is assigned when its best score >= min_score and beats the runner-up by at least
    min_margin. Ties go to the pillar listed first in the codebook. Columns: paragraph, pillar
    (id or None), score (best), margin, evidence (of the best-scoring pillar, also when the
    paragraph stays general: it shows why the score fell short).
    """
    ids = [p for p in codebook.ids if p in set(scores[schema.PILLAR])]
    table = scores.pivot(index=schema.PARAGRAPH, columns=schema.PILLAR, values=schema.SCORE)[ids]
    values = table.to_numpy(dtype=float)
    best = values.argmax(axis=1)  # first maximum: codebook order breaks ties
    ordered = np.sort(values, axis=1)
    top = ordered[:, -1]
    margin = top - (ordered[:, -2] if len(ids) > 1 else 0.0)
    assigned = (top >= codebook.min_score) & (margin >= codebook.min_margin)
    best_ids = [ids[i] for i in best]
    evidence = scores.set_index([schema.PARAGRAPH, schema.PILLAR])[schema.EVIDENCE]
    return pd.DataFrame(
        {
            schema.PARAGRAPH: table.index.to_numpy(),
            # object dtype keeps None (general) as None rather than pandas' missing-string marker
            schema.PILLAR: pd.Series([b if a else None for b, a in zip(best_ids, assigned)], dtype="object"),
            schema.SCORE: top,
            "margin": margin,
            schema.EVIDENCE: pd.Series([evidence[(p, b)] for p, b in zip(table.index, best_ids)], dtype="object"),
        }
    )
