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
from policylens.text.pillars import NONE, Codebook, compile_pattern, score_terms

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


def pattern_scores(
    texts: Sequence[str], codebook: Codebook, classes: Sequence[str], evidence: bool = True
) -> tuple[np.ndarray, list | None]:
    """(n, classes) pattern weights x matches, and per paragraph the (pattern, class, weight) that fired
    (None without `evidence`)."""
    index = {c: i for i, c in enumerate(classes)}
    totals = np.zeros((len(texts), len(classes)))
    fired: list[list[tuple[str, str, float]]] | None = [[] for _ in texts] if evidence else None
    for pattern in codebook.patterns:
        findall = pattern.regex.findall
        for row, text in enumerate(texts):
            matches = len(findall(text))
            if not matches:
                continue
            for cls, weight in pattern.weights:
                if cls in index:
                    totals[row, index[cls]] += weight * matches
                    if evidence:
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


@dataclass(frozen=True)
class PillarDecision:
    """The classes of a document's paragraphs without their evidence, one entry per paragraph in order:
    what classify_pillars returns (the corpus ingest keeps nothing more)."""

    pillar: list[str | None]  # None: serves no pillar
    secondary: list[str | None]
    confidence: list[float]  # 0-1, rounded to 4 places; 1.0 for a paragraph whose label the user confirmed


@dataclass
class _Scored:
    """classify_paragraphs' intermediate results: the class scores and decision of every paragraph,
    and (with evidence) what each decision was made from."""

    classes: list[str]
    masked: list[str]
    rule_matrix: np.ndarray  # (n, classes) codebook terms + patterns
    term_evidence: list | None  # per paragraph and pillar, the codebook terms that matched
    fired: list | None  # per paragraph, the patterns that matched
    encoded: list  # the model's encoding of each paragraph (empty without a model)
    z: np.ndarray  # (n, classes) final scores
    probs: np.ndarray
    best: np.ndarray  # (n,) index of the primary class
    confidence: np.ndarray
    secondary: list[str | None]
    nearest: list[list[tuple[Example, float]]]
    confirmed: dict[int, Example]


def _pull_towards_examples(z, texts, language, class_terms, masked, examples, tokenize, model, codebook):
    """Add example_weight x the similarity of the nearest confirmed example of each class to `z` (in
    place): (the nearest examples of each paragraph, {row: the example that confirms it as it stands})."""
    nearest: list[list[tuple[Example, float]]] = [[] for _ in texts]
    confirmed: dict[int, Example] = {}
    if not examples:
        return nearest, confirmed
    classes = [*codebook.ids, NONE]
    own = {_same_text(ex.text): ex for ex in examples}
    confirmed = {row: own[_same_text(t)] for row, t in enumerate(texts) if _same_text(t) in own}
    example_vectors = _example_vectors(examples, tokenize, model, codebook)
    vectors = [_vector(t, m, language, model) for t, m in zip(class_terms, masked)]
    for row, vector in enumerate(vectors):
        sims = [(ex, _cosine(vector, ev)) for ex, ev in zip(examples, example_vectors) if ex is not confirmed.get(row)]
        sims = sorted((s for s in sims if s[1] >= MIN_EXAMPLE_SIMILARITY), key=lambda s: -s[1])
        nearest[row] = sims[:SHOWN_EXAMPLES]
        best: dict[str, float] = {}
        for ex, sim in sims:
            best[ex.label] = max(best.get(ex.label, 0.0), sim)
        for cls, sim in best.items():
            if cls in classes:
                z[row, classes.index(cls)] += codebook.example_weight * sim
    return nearest, confirmed


def _decide(z, probs, pillar_ids, codebook: Codebook, has_model: bool, confirmed: dict[int, Example]):
    """(index of the primary class, its confidence, the secondary pillar or None) of every paragraph."""
    classes = [*pillar_ids, NONE]
    rows = np.arange(len(z))
    if has_model:
        best_class = z.argmax(axis=1)  # the first maximum, as np.argmax per row
    else:
        pillar_z = z[:, :-1]
        top = pillar_z.argmax(axis=1)
        runner_up = pillar_z.copy()
        runner_up[rows, top] = -math.inf  # with one pillar there is none: the lead is infinite
        lead = pillar_z[rows, top] - runner_up.max(axis=1, initial=-math.inf)
        held = (pillar_z[rows, top] >= z[:, -1]) & (lead >= codebook.min_margin)
        best_class = np.where(held, top, len(classes) - 1)
    confidence = probs[rows, best_class]
    for row, example in confirmed.items():
        if example.label in classes:  # the user's label stands
            best_class[row], confidence[row] = classes.index(example.label), 1.0
    # secondary: the most probable other pillar (codebook order on ties), if it reaches secondary_min
    others = probs[:, : len(pillar_ids)].copy()
    is_pillar = best_class < len(pillar_ids)
    others[rows[is_pillar], best_class[is_pillar]] = -math.inf
    second = others.argmax(axis=1)
    secondary = [
        pillar_ids[j] if ok else None
        for j, ok in zip(second.tolist(), (others[rows, second] >= codebook.secondary_min).tolist())
    ]
    return best_class, confidence, secondary


def _score(texts, language, codebook: Codebook, tokenize, terms, examples, model, evidence: bool) -> _Scored:
    """Score and decide every paragraph at once (see the module docstring); evidence only when asked."""
    pillar_ids = list(codebook.ids)
    classes = [*pillar_ids, NONE]
    masked = [mask_ignored(t, codebook) for t in texts]
    class_terms = [
        (terms[i] if terms is not None and masked[i] == texts[i] else tokenize(masked[i], language))
        for i in range(len(texts))
    ]
    rule_matrix = np.zeros((len(texts), len(classes)))
    rule_matrix[:, : len(pillar_ids)], term_evidence = score_terms(class_terms, codebook, language, evidence)
    patterns, fired = pattern_scores(masked, codebook, classes, evidence)
    rule_matrix += patterns

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

    nearest, confirmed = _pull_towards_examples(
        z, texts, language, class_terms, masked, examples, tokenize, model, codebook
    )
    probs = _softmax(z if model is not None else z / max(codebook.min_score, 1.0))
    best_class, confidence, secondary = _decide(z, probs, pillar_ids, codebook, model is not None, confirmed)
    return _Scored(
        classes,
        masked,
        rule_matrix,
        term_evidence,
        fired,
        encoded,
        z,
        probs,
        best_class,
        confidence,
        secondary,
        nearest,
        confirmed,
    )


def _model_for(codebook: Codebook, model: PillarModel | None | str) -> PillarModel | None:
    return codebook_model(codebook) if isinstance(model, str) else model


def classify_pillars(
    texts: Sequence[str],
    language: str,
    codebook: Codebook,
    tokenize: Callable[[str, str], list[str]],
    terms: Sequence[Sequence[str]] | None = None,
    examples: Sequence[Example] = (),
    model: PillarModel | None | str = "codebook",
) -> PillarDecision:
    """The pillar, secondary and confidence of every paragraph, as classify_paragraphs decides them,
    without the evidence and the tables (several times faster: the corpus ingest's path)."""
    scored = _score(texts, language, codebook, tokenize, terms, examples, _model_for(codebook, model), evidence=False)
    classes = scored.classes
    return PillarDecision(
        pillar=[None if classes[b] == NONE else classes[b] for b in scored.best.tolist()],
        secondary=scored.secondary,
        confidence=[round(c, 4) for c in scored.confidence.tolist()],
    )


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
    The decision is classify_pillars'; this adds what it was made from.
    """
    model = _model_for(codebook, model)
    scored = _score(texts, language, codebook, tokenize, terms, examples, model, evidence=True)
    pillar_ids = list(codebook.ids)
    classes, z, probs = scored.classes, scored.z, scored.probs
    rows, score_rows = [], []
    for row in range(len(texts)):
        paragraph = row + 1
        best = int(scored.best[row])
        primary = classes[best]
        others = np.delete(z[row], best)
        margin = float(z[row, best] - others.max()) if len(others) else math.inf
        shown = primary if primary != NONE else max(pillar_ids, key=lambda p: z[row, classes.index(p)])
        codebook_terms = list(scored.term_evidence[row][pillar_ids.index(shown)])
        model_terms = (
            model.contributions(scored.encoded[row], model.classes.index(primary))
            if model and primary in model.classes
            else []
        )
        detail = {
            "codebook": codebook_terms,
            "patterns": [(note, cls, round(w, 3)) for note, cls, w in scored.fired[row]],
            "model": [(term, round(amount, 3)) for term, amount in model_terms],  # towards the primary class
            "examples": [(ex.text, ex.label, ex.source, round(sim, 3)) for ex, sim in scored.nearest[row]],
            # the user's label decided
            "confirmed": scored.confirmed[row].source if row in scored.confirmed else None,
        }
        highlight = tuple(dict.fromkeys([*codebook_terms, *(t for t, _ in model_terms)]))
        rows.append(
            (
                paragraph,
                None if primary == NONE else primary,
                scored.secondary[row],
                round(float(scored.confidence[row]), 4),
                float(z[row, best]),
                margin,
                highlight,
                detail,
            )
        )
        for j, pillar_id in enumerate(pillar_ids):
            value = float(probs[row, j]) if model is not None else float(scored.rule_matrix[row, j])
            score_rows.append((paragraph, pillar_id, value, tuple(scored.term_evidence[row][j])))
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
