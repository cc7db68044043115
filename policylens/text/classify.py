"""Which pillar each paragraph serves: the trained model, the user's codebook and confirmed examples together.

For every paragraph and class (each pillar, and "none"), the score is

    model logit  +  rule_weight x (codebook terms + patterns)  +  example_weight x similarity of the
    nearest confirmed example of that class

The primary pillar is the best class (a paragraph whose best class is "none" serves no pillar); its
confidence is the softmax probability. A second pillar is named as secondary when its probability
reaches `secondary_min`. Text matched by the codebook's `ignore` patterns (framing, purpose tails) is
not read. Without a model the codebook rules decide alone, as before: the best pillar needs
`min_score` and a lead of `min_margin`.

Evidence, per paragraph: the codebook terms and patterns that fired, the terms that pushed the model
most, and the nearest confirmed examples with their similarity.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policylens import paths, schema
from policylens.text.model import PillarModel, load_model, raw_features, weigh
from policylens.text.pillars import NONE, Codebook, compile_pattern, score_paragraphs

DETAIL = "detail"  # column of the assignment: a dict with the evidence by kind (see classify_paragraphs)
MIN_EXAMPLE_SIMILARITY = 0.25  # below this, an example is not similar enough to count or to be shown
SHOWN_EXAMPLES = 3  # nearest confirmed examples listed as evidence per paragraph


@dataclass(frozen=True)
class Example:
    """A paragraph whose pillar a user confirmed (or a labelled set supplied): the classifier learns from it."""

    text: str
    language: str
    label: str  # a pillar id or "none"
    source: str = ""  # where it came from, e.g. "seed.txt ¶3"


def codebook_model(codebook: Codebook) -> PillarModel | None:
    """The model the codebook names, if its file exists in data/ (None: rules only)."""
    return load_model(paths.DATA_DIR / codebook.model) if codebook.model else None


def mask_ignored(text: str, codebook: Codebook) -> str:
    """The text with every `ignore` match blanked (same length, so spans still line up)."""
    for pattern in codebook.ignore:
        text = compile_pattern(pattern).sub(lambda m: " " * len(m.group()), text)
    return text


def pattern_scores(texts: Sequence[str], codebook: Codebook, classes: Sequence[str]) -> tuple[np.ndarray, list]:
    """(n, classes) pattern weights x matches, and per paragraph the (pattern, class, weight) that fired."""
    index = {c: i for i, c in enumerate(classes)}
    totals = np.zeros((len(texts), len(classes)))
    fired: list[list[tuple[str, str, float]]] = [[] for _ in texts]
    for pattern in codebook.patterns:
        regex = pattern.regex
        for row, text in enumerate(texts):
            matches = len(regex.findall(text))
            if not matches:
                continue
            for cls, weight in pattern.weights:
                if cls in index:
                    totals[row, index[cls]] += weight * matches
                    fired[row].append((pattern.pattern, cls, weight * matches))
    return totals, fired


def _example_vectors(examples: Sequence[Example], tokenize: Callable[[str, str], list[str]], model, codebook):
    vectors = []
    for example in examples:
        text = mask_ignored(example.text, codebook)
        vectors.append(_vector(tokenize(text, example.language), text, example.language, model))
    return vectors


def _vector(terms, text, language, model: PillarModel | None) -> dict[str, float]:
    if model is not None:
        return model.vectorize(terms, text, language)
    counts = raw_features(terms, text, language, bigrams=False)
    return weigh(counts, dict.fromkeys(counts, 1.0), 1.0)


def _same_text(text: str) -> str:
    return " ".join(text.split())


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def classify_paragraphs(
    texts: Sequence[str],
    language: str,
    codebook: Codebook,
    tokenize: Callable[[str, str], list[str]],
    terms: Sequence[Sequence[str]] | None = None,
    examples: Sequence[Example] = (),
    model: PillarModel | None | str = "codebook",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(scores, assignment) for the paragraphs `texts`.

    `tokenize(text, language)` gives content terms; `terms`, if given, are those of `texts` already
    (reused when no ignore pattern changes a paragraph). scores: paragraph, pillar, score (the
    pillar's probability with a model; its rule score without), evidence. assignment: paragraph,
    pillar (None = serves no pillar), secondary, confidence (0-1), score, margin, evidence (terms to
    highlight) and detail (dict: codebook, patterns, model, examples). `model` defaults to the one
    the codebook names; a PillarModel or None replaces it (cross-validation, rules-only runs).
    """
    if isinstance(model, str):
        model = codebook_model(codebook)
    pillar_ids = list(codebook.ids)
    classes = [*pillar_ids, NONE]
    masked = [mask_ignored(t, codebook) for t in texts]
    class_terms = [
        (list(terms[i]) if terms is not None and masked[i] == texts[i] else tokenize(masked[i], language))
        for i in range(len(texts))
    ]
    rules = score_paragraphs(class_terms, codebook, language)
    rule_table = rules.pivot(index=schema.PARAGRAPH, columns=schema.PILLAR, values=schema.SCORE)
    rule_matrix = np.zeros((len(texts), len(classes)))
    if len(texts):
        rule_matrix[:, : len(pillar_ids)] = rule_table[pillar_ids].to_numpy(dtype=float)
    patterns, fired = pattern_scores(masked, codebook, classes)
    rule_matrix += patterns
    rule_evidence = dict(zip(zip(rules[schema.PARAGRAPH], rules[schema.PILLAR]), rules[schema.EVIDENCE]))

    encoded = [model.encode(t, m, language) for t, m in zip(class_terms, masked)] if model is not None else []
    if model is not None:
        raw = model.scores(encoded)
        none_score = raw[:, model.classes.index(NONE)] if NONE in model.classes else np.zeros(len(texts))
        z = codebook.rule_weight * rule_matrix
        for j, cls in enumerate(classes):
            if cls in model.classes:
                z[:, j] += raw[:, model.classes.index(cls)]
            else:
                # a pillar the model does not know: its terms and patterns decide, as without a model,
                # against the model's score for none (a tie at min_score)
                z[:, j] = none_score + rule_matrix[:, j] - codebook.min_score
    else:
        z = rule_matrix.copy()
        z[:, -1] += codebook.min_score  # "none" holds until a pillar reaches min_score (more with none patterns)

    nearest: list[list[tuple[Example, float]]] = [[] for _ in texts]
    confirmed: dict[int, Example] = {}
    if examples:
        own = {_same_text(ex.text): ex for ex in examples}
        confirmed = {row: own[_same_text(t)] for row, t in enumerate(texts) if _same_text(t) in own}
        example_vectors = _example_vectors(examples, tokenize, model, codebook)
        vectors = [_vector(t, m, language, model) for t, m in zip(class_terms, masked)]
        for row, vector in enumerate(vectors):
            sims = [
                (ex, _cosine(vector, ev)) for ex, ev in zip(examples, example_vectors) if ex is not confirmed.get(row)
            ]
            sims = sorted((s for s in sims if s[1] >= MIN_EXAMPLE_SIMILARITY), key=lambda s: -s[1])
            nearest[row] = sims[:SHOWN_EXAMPLES]
            best: dict[str, float] = {}
            for ex, sim in sims:
                best[ex.label] = max(best.get(ex.label, 0.0), sim)
            for cls, sim in best.items():
                if cls in classes:
                    z[row, classes.index(cls)] += codebook.example_weight * sim

    probs = _softmax(z if model is not None else z / max(codebook.min_score, 1.0))
    rows, score_rows = [], []
    for row in range(len(texts)):
        paragraph = row + 1
        if model is not None:
            best = int(np.argmax(z[row]))
        else:
            top = int(np.argmax(z[row, :-1]))
            others = np.delete(z[row, :-1], top)
            lead = z[row, top] - (others.max() if len(others) else -math.inf)
            best = top if z[row, top] >= z[row, -1] and lead >= codebook.min_margin else len(classes) - 1
        primary = classes[best]
        confidence = float(probs[row, best])
        if row in confirmed and confirmed[row].label in classes:  # the user's label stands
            primary, confidence = confirmed[row].label, 1.0
            best = classes.index(primary)
        others = np.delete(z[row], best)
        margin = float(z[row, best] - others.max()) if len(others) else math.inf
        pillar_probs = {cls: float(probs[row, j]) for j, cls in enumerate(pillar_ids)}
        candidates = sorted((p for p in pillar_ids if p != primary), key=lambda p: -pillar_probs[p])
        secondary = next((p for p in candidates if pillar_probs[p] >= codebook.secondary_min), None)
        shown = primary if primary != NONE else max(pillar_ids, key=lambda p: z[row, classes.index(p)])
        codebook_terms = list(rule_evidence.get((paragraph, shown), ()))
        model_terms = (
            model.contributions(encoded[row], model.classes.index(primary))
            if model and primary in model.classes
            else []
        )
        detail = {
            "codebook": codebook_terms,
            "patterns": [(note, cls, round(w, 3)) for note, cls, w in fired[row]],
            "model": [(term, round(amount, 3)) for term, amount in model_terms],  # towards the primary class
            "examples": [(ex.text, ex.label, ex.source, round(sim, 3)) for ex, sim in nearest[row]],
            "confirmed": confirmed[row].source if row in confirmed else None,  # the user's label decided
        }
        highlight = tuple(dict.fromkeys([*codebook_terms, *(t for t, _ in model_terms)]))
        rows.append(
            (
                paragraph,
                None if primary == NONE else primary,
                secondary,
                round(confidence, 4),
                float(z[row, best]),
                margin,
                highlight,
                detail,
            )
        )
        for j, pillar_id in enumerate(pillar_ids):
            value = float(probs[row, j]) if model is not None else float(rule_matrix[row, j])
            score_rows.append((paragraph, pillar_id, value, tuple(rule_evidence.get((paragraph, pillar_id), ()))))
    scores = pd.DataFrame(score_rows, columns=[schema.PARAGRAPH, schema.PILLAR, schema.SCORE, schema.EVIDENCE])
    columns = [schema.PARAGRAPH, schema.PILLAR, schema.SECONDARY, schema.CONFIDENCE, schema.SCORE, "margin"]
    columns += [schema.EVIDENCE, DETAIL]
    objects = {schema.PILLAR, schema.SECONDARY, schema.EVIDENCE, DETAIL}  # object dtype keeps None as None
    assignment = pd.DataFrame(
        {c: pd.Series([r[i] for r in rows], dtype="object" if c in objects else None) for i, c in enumerate(columns)}
    )
    if not rows:
        assignment = assignment.astype({schema.PARAGRAPH: "int64", schema.CONFIDENCE: float, schema.SCORE: float})
    return scores, assignment
