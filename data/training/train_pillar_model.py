"""Train the pillar model (data/pillar_model.json) from the labelled paragraphs in this folder.

    python data/training/train_pillar_model.py --corpus ../shared/corpus/xwlb-news [--dev ../shared/eval/pillar_dev.tsv]

Training data: labels/labels_*.tsv (ids and labels only; the texts are rebuilt from the corpus by
corpus_items.py) and english_examples.tsv (paragraphs written for the project, texts included).
With --dev, the development set is added to the training data of the shipped model; its honest
figures are then the cross-validated ones printed by bench/pillar_eval.py.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

from corpus_items import paragraphs_by_id  # noqa: E402

from policylens import paths  # noqa: E402
from policylens.text.analysis import build_segmenter_config  # noqa: E402
from policylens.text.classify import mask_ignored  # noqa: E402
from policylens.text.model import PillarModel, model_to_json, raw_features, weigh  # noqa: E402
from policylens.text.pillars import load_codebook  # noqa: E402
from policylens.text.segment import Segmenter  # noqa: E402

CLASSES = ("new", "strong", "fusion", "none")
C_DEFAULT = 4.0
MIN_DF = 2
MIN_WEIGHT = 0.05  # features whose weights are all smaller are dropped from the shipped file


@dataclass(frozen=True)
class Example:
    id: str
    text: str
    language: str
    label: str
    weight: float = 1.0


def _read_tsv(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE))


def corpus_examples(corpus: Path) -> list[Example]:
    rows = [r for path in sorted((HERE / "labels").glob("labels_*.tsv")) for r in _read_tsv(path)]
    rows = [r for r in rows if r.get("primary") in CLASSES]
    texts = paragraphs_by_id(corpus, {r["id"] for r in rows})
    return [Example(r["id"], texts[r["id"]].text, "zh", r["primary"]) for r in rows if r["id"] in texts]


def english_examples() -> list[Example]:
    path = HERE / "english_examples.tsv"
    if not path.exists():
        return []
    return [Example(r["id"], r["text"], "en", r["primary"]) for r in _read_tsv(path) if r.get("primary") in CLASSES]


def dev_examples(path: Path) -> list[Example]:
    return [Example(r["id"], r["text"], "zh", r["primary"]) for r in _read_tsv(path) if r["primary"] in CLASSES]


def masked(examples: Sequence[Example], codebook) -> list[Example]:
    """The examples as the classifier reads them: the codebook's ignore patterns blanked."""
    return [Example(e.id, mask_ignored(e.text, codebook), e.language, e.label, e.weight) for e in examples]


def tokenize_all(examples: Sequence[Example]) -> list[list[str]]:
    segmenter = Segmenter(build_segmenter_config(load_codebook()))
    return [segmenter.tokenize(e.text, e.language) for e in examples]


def fit(
    examples: Sequence[Example], terms: Sequence[Sequence[str]], c: float = C_DEFAULT, bigrams: bool = True
) -> PillarModel:
    """Fit the multinomial logistic regression and return it as a PillarModel."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts = [raw_features(t, e.text, e.language, bigrams) for e, t in zip(examples, terms)]
    df = Counter(f for c_ in counts for f in c_)
    n = len(examples)
    idf = {f: math.log((1 + n) / (1 + d)) + 1.0 for f, d in df.items() if d >= MIN_DF}
    default_idf = math.log((1 + n) / 2) + 1.0
    index = {f: i for i, f in enumerate(sorted(idf))}
    rows, cols, vals = [], [], []
    for r, c_ in enumerate(counts):
        for f, v in weigh(c_, idf, default_idf).items():
            rows.append(r)
            cols.append(index[f])
            vals.append(v)
    matrix = csr_matrix((vals, (rows, cols)), shape=(n, len(index)))
    labels = np.array([e.label for e in examples])
    weights = np.array([e.weight for e in examples])
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit(matrix, labels, sample_weight=weights)
    order = [list(model.classes_).index(k) for k in CLASSES]
    coef = model.coef_[order].T  # (features, classes)
    names = sorted(idf)
    keep = {names[i]: coef[i] for i in range(len(names)) if np.abs(coef[i]).max() >= MIN_WEIGHT}
    return PillarModel(
        classes=CLASSES,
        intercept=model.intercept_[order],
        weights=keep,
        idf=idf,
        default_idf=default_idf,
        bigrams=bigrams,
        trained_on=n,
        label_counts=dict(Counter(e.label for e in examples)),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--dev", type=Path, help="add the development set to the training data")
    parser.add_argument("--c", type=float, default=C_DEFAULT)
    parser.add_argument("--out", type=Path, default=paths.PILLAR_MODEL)
    args = parser.parse_args()
    examples = corpus_examples(args.corpus) + english_examples()
    if args.dev:
        examples += dev_examples(args.dev)
    examples = masked(examples, load_codebook())
    model = fit(examples, tokenize_all(examples), c=args.c)
    summary = Counter(e.label for e in examples)
    args.out.write_text(json.dumps(model_to_json(model), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{args.out}: {len(model.weights)} features, {len(examples)} examples {dict(summary)}")


if __name__ == "__main__":
    main()
