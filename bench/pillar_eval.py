"""Pillar classification measured on a labelled set, with cross-validation.

    python bench/pillar_eval.py ../shared/eval/pillar_dev.tsv --corpus ../shared/corpus/xwlb-news [--folds 5]

Prints, for the development set:
1. the shipped classifier (model + codebook rules). The model is trained only on the paragraphs in
   data/training/ (none of them from the dev set's days), so these are held-out figures;
2. the parts alone: the codebook rules without the model (today's baseline) and the model alone;
3. how rule_weight was chosen: k-fold cross-validation over the training items (not the dev set);
4. what adding the dev set to the training data would give: k-fold over dev items, each fold's model
   trained on the training data plus the other dev folds;
5. the errors on the dev set's L rows, and figures on its H rows only.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parent / "data" / "training"))

from train_pillar_model import (  # noqa: E402
    CLASSES,
    Example,
    corpus_examples,
    english_examples,
    fit,
    masked,
    tokenize_all,
)

from policylens.text.analysis import analyzer_for, build_segmenter_config  # noqa: E402
from policylens.text.classify import classify_paragraphs  # noqa: E402
from policylens.text.evaluation import evaluate, format_figures, read_labelled_tsv, score_predictions  # noqa: E402
from policylens.text.model import load_model  # noqa: E402
from policylens.text.pillars import load_codebook  # noqa: E402
from policylens.text.segment import Segmenter  # noqa: E402

RULE_WEIGHTS = (0.0, 0.1, 0.2, 0.3, 0.5)


def item_of(example_id: str) -> str:
    return example_id.rsplit("-", 1)[0]


def folds_of(items: list[str], k: int) -> dict[str, int]:
    """Items dealt round-robin into k folds, in sorted order (deterministic)."""
    return {item: i % k for i, item in enumerate(sorted(set(items)))}


def classify_examples(examples, terms, codebook, model, segmenter) -> list[str]:
    """Primary label of each example, classifying each item's paragraphs together (as the app does)."""
    out: dict[int, str] = {}
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(examples):
        groups.setdefault(item_of(e.id) if e.language == "zh" else e.id, []).append(i)
    for indices in groups.values():
        _, assignment = classify_paragraphs(
            [examples[i].text for i in indices],
            examples[indices[0]].language,
            codebook,
            segmenter.tokenize,
            [terms[i] for i in indices],
            model=model,
        )
        for i, pillar in zip(indices, assignment["pillar"]):
            out[i] = pillar if isinstance(pillar, str) else "none"
    return [out[i] for i in range(len(examples))]


def exact_summary(figures: dict) -> str:
    """summary() without top-2 (cross-validation predicts primaries only)."""
    recalls = " ".join(f"{k} {v['recall']:.2f}" for k, v in figures["per_pillar"].items())
    return f"exact {figures['exact']:.1%}  kappa {figures['kappa']:.3f}  recall: {recalls}"


def summary(figures: dict) -> str:
    recalls = " ".join(f"{k} {v['recall']:.2f}" for k, v in figures["per_pillar"].items())
    return f"exact {figures['exact']:.1%}  top-2 {figures['top2']:.1%}  kappa {figures['kappa']:.3f}  recall: {recalls}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dev", type=Path)
    parser.add_argument("--corpus", type=Path, required=True, help="the 新闻联播 corpus the training ids point into")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    codebook = load_codebook()
    rows = read_labelled_tsv(args.dev.read_text(encoding="utf-8"), codebook.ids)

    start = time.perf_counter()
    figures, predictions = evaluate(rows, analyzer_for(codebook), codebook.ids)
    elapsed = time.perf_counter() - start
    shipped = load_model()
    print("== 1. shipped classifier on the dev set (held out: the model never saw it) ==")
    trained = f"{shipped.trained_on} paragraphs {shipped.label_counts}" if shipped else "none"
    print(f"model: {trained}; rule_weight {codebook.rule_weight}")
    print(format_figures(figures))
    print(f"({elapsed:.1f} s for {figures['n']} paragraphs)")
    gold_conf = {}
    for line in args.dev.read_text(encoding="utf-8").splitlines()[1:]:
        cells = line.split("\t")
        gold_conf[cells[0]] = cells[7] if len(cells) > 7 else ""
    high = [p for p in predictions if gold_conf.get(p.id) == "H"]
    print(
        "H rows only:",
        summary(
            score_predictions(
                [p.gold for p in high], [p.primary for p in high], [p.secondary for p in high], [*codebook.ids, "none"]
            )
        ),
    )
    print(
        "errors on L rows:",
        ", ".join(
            f"{p.id} {p.gold}->{p.primary}" for p in predictions if gold_conf.get(p.id) == "L" and p.gold != p.primary
        )
        or "none",
    )

    print("\n== 2. the parts alone, on the dev set ==")
    rules_only = dataclasses.replace(codebook, model="")
    print("codebook rules only:", summary(evaluate(rows, analyzer_for(rules_only), codebook.ids)[0]))
    model_only = dataclasses.replace(codebook, rule_weight=0.0)
    print("model only:         ", summary(evaluate(rows, analyzer_for(model_only), codebook.ids)[0]))

    train = masked(corpus_examples(args.corpus) + english_examples(), codebook)
    train_terms = tokenize_all(train)
    segmenter = Segmenter(build_segmenter_config(codebook))
    print(f"\n== 3. choosing rule_weight: {args.folds}-fold cross-validation over {len(train)} training paragraphs ==")
    fold = folds_of([item_of(e.id) if e.language == "zh" else e.id for e in train], args.folds)
    key = [fold[item_of(e.id) if e.language == "zh" else e.id] for e in train]
    predicted = {w: [None] * len(train) for w in RULE_WEIGHTS}
    for k in range(args.folds):
        fit_idx = [i for i in range(len(train)) if key[i] != k]
        test_idx = [i for i in range(len(train)) if key[i] == k]
        model = fit([train[i] for i in fit_idx], [train_terms[i] for i in fit_idx])
        for w in RULE_WEIGHTS:
            labels = classify_examples(
                [train[i] for i in test_idx],
                [train_terms[i] for i in test_idx],
                dataclasses.replace(codebook, rule_weight=w),
                model,
                segmenter,
            )
            for i, label in zip(test_idx, labels):
                predicted[w][i] = label
    gold = [e.label for e in train]
    for w in RULE_WEIGHTS:
        print(
            f"rule_weight {w:.1f}: " + exact_summary(score_predictions(gold, predicted[w], [None] * len(gold), CLASSES))
        )
    for language in ("zh", "en"):
        idx = [i for i, e in enumerate(train) if e.language == language]
        picked = [predicted[codebook.rule_weight][i] for i in idx]
        figures = score_predictions([gold[i] for i in idx], picked, [None] * len(idx), CLASSES)
        print(f"  shipped rule_weight, {language} paragraphs only ({len(idx)}): " + exact_summary(figures))

    print(f"\n== 4. if the dev set were training data too: {args.folds}-fold over dev items ==")
    dev = masked([Example(r.id, r.text, "zh", r.primary) for r in rows if r.primary in CLASSES], codebook)
    dev_terms = tokenize_all(dev)
    dev_fold = folds_of([item_of(e.id) for e in dev], args.folds)
    dev_pred: list[str | None] = [None] * len(dev)
    for k in range(args.folds):
        test_idx = [i for i, e in enumerate(dev) if dev_fold[item_of(e.id)] == k]
        extra = [i for i, e in enumerate(dev) if dev_fold[item_of(e.id)] != k]
        model = fit(train + [dev[i] for i in extra], train_terms + [dev_terms[i] for i in extra])
        labels = classify_examples(
            [dev[i] for i in test_idx], [dev_terms[i] for i in test_idx], codebook, model, segmenter
        )
        for i, label in zip(test_idx, labels):
            dev_pred[i] = label
    print(
        "cross-validated:",
        exact_summary(score_predictions([e.label for e in dev], dev_pred, [None] * len(dev), CLASSES)),
    )


if __name__ == "__main__":
    main()
