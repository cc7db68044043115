"""The trained part of the pillar classifier: a linear model over a paragraph's terms.

The model is a multinomial logistic regression, trained by data/training/train_pillar_model.py on
paragraphs labelled by the rules of the pillar guide, and shipped as a small JSON file
(data/pillar_model.json): one weight per class for each feature, an intercept per class, and the
inverse document frequency of each feature. Scoring needs numpy only.

Features are the content terms of a paragraph (segment.Segmenter.tokenize), plus the character
bigrams of Chinese text, weighted log(1 + count) x idf and scaled to unit length. The same
function, `paragraph_features`, builds them for training and for scoring, so the two cannot drift.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

from policylens import paths

TERM_PREFIX, BIGRAM_PREFIX = "t:", "c:"
# every two adjacent Han characters, overlapping: the bigrams of each run of Han characters, in order
_HAN_PAIR = re.compile(r"(?=([\u3400-\u4dbf\u4e00-\u9fff]{2}))")


def count_features(terms: Sequence[str], text: str, language: str, bigrams: bool = True) -> tuple[Counter, Counter]:
    """(term counts, Chinese character-bigram counts) of a paragraph, unprefixed, each in the order of
    first occurrence: the one definition of the model's features (terms are lowercased)."""
    pairs = Counter(_HAN_PAIR.findall(text)) if bigrams and language == "zh" else Counter()
    return Counter(map(str.lower, terms)), pairs


def raw_features(terms: Sequence[str], text: str, language: str, bigrams: bool = True) -> Counter:
    """Counts of a paragraph's features before weighting: its terms, and Chinese character bigrams."""
    term_counts, pair_counts = count_features(terms, text, language, bigrams)
    counts = Counter({TERM_PREFIX + t: n for t, n in term_counts.items()})
    counts.update({BIGRAM_PREFIX + pair: n for pair, n in pair_counts.items()})
    return counts


def weigh(counts: Counter, idf: dict[str, float], default_idf: float) -> dict[str, float]:
    """log(1 + count) x idf, scaled to unit length (features the model does not know are dropped)."""
    vector = {f: math.log1p(n) * idf.get(f, default_idf) for f, n in counts.items() if f in idf}
    norm = math.sqrt(sum(v * v for v in vector.values()))
    return {f: v / norm for f, v in vector.items()} if norm else {}


def paragraph_features(
    terms: Sequence[str], text: str, language: str, idf: dict[str, float], default_idf: float, bigrams: bool = True
) -> dict[str, float]:
    """The weighted feature vector of one paragraph (a sparse dict), as used in training and scoring."""
    return weigh(raw_features(terms, text, language, bigrams), idf, default_idf)


@dataclass(frozen=True)
class PillarModel:
    """Linear weights: score(class) = intercept[class] + sum_f x_f * weights[f][class].

    `idf` holds every feature of the training vocabulary (they all count in a vector's length);
    `weights` may leave out the features whose weights were all negligible (they add nothing).
    """

    classes: tuple[str, ...]  # pillar ids, and "none"
    intercept: np.ndarray  # (n_classes,)
    weights: dict[str, np.ndarray]  # feature -> (n_classes,)
    idf: dict[str, float]
    default_idf: float
    bigrams: bool
    trained_on: int  # the number of labelled paragraphs the weights were fitted on, shown to the user
    label_counts: dict[str, int] = field(default_factory=dict)  # of those, per class

    def __post_init__(self) -> None:
        # array forms for scoring thousands of paragraphs: one row of `_matrix` per idf feature
        names = list(self.idf)
        zero = np.zeros(len(self.classes))
        object.__setattr__(self, "_index", {f: i for i, f in enumerate(names)})
        # the rows of terms and of bigrams keyed without their prefix, for count_features' keys
        for name, prefix in (("_term_rows", TERM_PREFIX), ("_pair_rows", BIGRAM_PREFIX)):
            rows = {f[len(prefix) :]: i for i, f in enumerate(names) if f.startswith(prefix)}
            object.__setattr__(self, name, rows)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_idf", np.array([self.idf[f] for f in names]))
        object.__setattr__(self, "_matrix", np.array([self.weights.get(f, zero) for f in names]).reshape(-1, len(zero)))
        object.__setattr__(self, "_is_term", np.array([f.startswith(TERM_PREFIX) for f in names], dtype=bool))

    def vectorize(self, terms: Sequence[str], text: str, language: str) -> dict[str, float]:
        return paragraph_features(terms, text, language, self.idf, self.default_idf, self.bigrams)

    def encode(self, terms: Sequence[str], text: str, language: str) -> tuple[np.ndarray, np.ndarray]:
        """The same vector as `vectorize`, as (feature rows, values) arrays (features in raw_features' order)."""
        term_counts, pair_counts = count_features(terms, text, language, self.bigrams)
        found = [*map(self._term_rows.get, term_counts, repeat(-1)), *map(self._pair_rows.get, pair_counts, repeat(-1))]
        rows = np.array(found, dtype=int)
        keep = rows >= 0
        if not keep.any():
            return np.zeros(0, dtype=int), np.zeros(0)
        counts = np.array([*term_counts.values(), *pair_counts.values()], dtype=float)
        rows = rows[keep]
        values = np.log1p(counts[keep]) * self._idf[rows]
        return rows, values / np.sqrt(values @ values)

    def scores(self, encoded: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """(n_paragraphs, n_classes) raw scores (logits) of encoded paragraphs."""
        out = np.tile(self.intercept, (len(encoded), 1))
        for row, (features, values) in enumerate(encoded):
            if len(features):
                out[row] += values @ self._matrix[features]
        return out

    def contributions(self, encoded: tuple[np.ndarray, np.ndarray], class_index: int, top: int = 6):
        """The terms that pushed most towards one class, strongest first, as [(term, amount)].

        Character bigrams also count in the score, but a pair of characters is no evidence a reader can
        check, so only whole terms are listed."""
        features, values = encoded
        if not len(features):
            return []
        amounts = values * self._matrix[features, class_index]
        keep = np.flatnonzero(self._is_term[features] & (amounts > 0))
        best = keep[np.argsort(-amounts[keep], kind="stable")][:top]
        return [(self._names[features[i]][len(TERM_PREFIX) :], float(amounts[i])) for i in best]


def model_to_json(model: PillarModel) -> dict:
    return {
        "classes": list(model.classes),
        "intercept": [round(float(v), 5) for v in model.intercept],
        "default_idf": model.default_idf,
        "bigrams": model.bigrams,
        "trained_on": model.trained_on,
        "label_counts": model.label_counts,
        "features": {f: [round(float(v), 5) for v in w] for f, w in sorted(model.weights.items())},
        "idf": {f: round(v, 5) for f, v in sorted(model.idf.items())},
    }


def model_from_json(data: dict) -> PillarModel:
    return PillarModel(
        classes=tuple(data["classes"]),
        intercept=np.asarray(data["intercept"], dtype=float),
        weights={f: np.asarray(w, dtype=float) for f, w in data["features"].items()},
        idf={f: float(v) for f, v in data["idf"].items()},
        default_idf=float(data["default_idf"]),
        bigrams=bool(data["bigrams"]),
        trained_on=int(data.get("trained_on", 0)),
        label_counts={str(k): int(v) for k, v in data.get("label_counts", {}).items()},
    )


@lru_cache(maxsize=4)
def load_model(path: Path = paths.PILLAR_MODEL) -> PillarModel | None:
    """The shipped model, or None when the file is missing (the codebook rules then decide alone)."""
    path = Path(path)
    if not path.exists():
        return None
    return model_from_json(json.loads(path.read_text(encoding="utf-8")))
