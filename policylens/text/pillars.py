"""The pillar codebook (data/pillars.toml) and the explainable classification of paragraphs."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from policylens import paths, schema
from policylens.text.segment import normalize_en_term


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
class Codebook:
    pillars: tuple[Pillar, ...]
    min_score: float
    min_margin: float

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.pillars)

    @property
    def colors(self) -> dict[str, str]:
        return {p.id: p.color for p in self.pillars}

    def get(self, pillar_id: str) -> Pillar:
        return next(p for p in self.pillars if p.id == pillar_id)

    def all_terms(self, language: str) -> tuple[str, ...]:
        return tuple(sorted({t for p in self.pillars for t in p.terms(language)}))


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
    return Codebook(tuple(pillars), float(rules.get("min_score", 3.0)), float(rules.get("min_margin", 1.0)))


def load_codebook(path: Path = paths.PILLARS_CODEBOOK) -> Codebook:
    """Load the codebook TOML file (the shipped one by default)."""
    return parse_codebook(Path(path).read_text(encoding="utf-8"))


def score_paragraphs(paragraph_terms: Sequence[Sequence[str]], codebook: Codebook, language: str) -> pd.DataFrame:
    """Score every paragraph against every pillar.

    Score = sum over matched codebook terms of weight x occurrences.
    Columns: paragraph (1-based), pillar, score, evidence (tuple of matched terms, strongest first).
    """
    rows = []
    weights = {p.id: p.terms(language) for p in codebook.pillars}
    for index, terms in enumerate(paragraph_terms, 1):
        counts = Counter(terms)
        for pillar_id, table in weights.items():
            hits = {t: table[t] * n for t, n in counts.items() if t in table}
            evidence = tuple(sorted(hits, key=lambda t: (-hits[t], t)))
            rows.append((index, pillar_id, float(sum(hits.values())), evidence))
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
