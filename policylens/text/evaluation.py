"""How well the pillar classifier agrees with labelled paragraphs: the `evaluate` command and the Check page.

A labelled set is a UTF-8 TSV in the format of the development set (../shared/eval/pillar_dev.tsv):
at least the columns id, text, primary and secondary; `date` and `item_title`, when present, group
paragraphs into items, and each item is analysed as one document (so document-level context is the
same as in the app). `primary` is a pillar id, `none`, or `skip` (not scored); `secondary` is a
pillar id or empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policylens import schema
from policylens.documents.loader import Document, load_paragraphs
from policylens.text.pillars import NONE

SKIP = "skip"
REQUIRED_COLUMNS = ("id", "text", "primary", "secondary")
LABEL_COLUMNS = ("id", "date", "item_title", "para_no", "text", "primary", "secondary", "confidence", "reason")
CLASSIFIER = "classifier"  # an extra column of exported labels: what the classifier said


class LabelledSetError(ValueError):
    """A labelled set that cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Labelled:
    id: str
    item: str  # date and item title: paragraphs of one item form one document
    text: str
    primary: str  # pillar id, "none" or "skip"
    secondary: str | None


def read_labelled_tsv(text: str, pillar_ids: Sequence[str]) -> list[Labelled]:
    """Parse a labelled TSV; LabelledSetError names a missing column or a bad label (with its row)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quoting=csv.QUOTE_NONE)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise LabelledSetError(
            f"The labelled set lacks the column(s) {', '.join(missing)} (tab-separated, with a header)."
        )
    allowed = {*pillar_ids, NONE, SKIP}
    rows = []
    for number, raw in enumerate(reader, 2):
        primary = (raw.get("primary") or "").strip().lower()
        secondary = (raw.get("secondary") or "").strip().lower() or None
        if primary not in allowed:
            raise LabelledSetError(
                f"Row {number}: primary label {primary!r} is not one of {', '.join(sorted(allowed))}."
            )
        if secondary is not None and secondary not in pillar_ids:
            raise LabelledSetError(f"Row {number}: secondary label {secondary!r} is not a pillar id.")
        item = f"{(raw.get('date') or '').strip()}\t{(raw.get('item_title') or '').strip()}"
        text = (raw.get("text") or "").strip()
        if not text:
            raise LabelledSetError(f"Row {number}: the text is empty.")
        rows.append(Labelled((raw.get("id") or str(number)).strip(), item, text, primary, secondary))
    if not rows:
        raise LabelledSetError("The labelled set has no rows.")
    return rows


def group_items(rows: Iterable[Labelled]) -> list[list[Labelled]]:
    """Rows grouped by item, in order of first appearance; rows without date and title are one item each."""
    groups: dict[str, list[Labelled]] = {}
    for row in rows:
        key = row.item if row.item.strip() else f"\0{row.id}"
        groups.setdefault(key, []).append(row)
    return list(groups.values())


Classify = Callable[[Document], pd.DataFrame]  # a document -> its assignment (paragraph, pillar, secondary, ...)


@dataclass(frozen=True)
class Prediction:
    id: str
    gold: str
    primary: str
    secondary: str | None
    assignment: dict  # the classifier's row for this paragraph (evidence, confidence, ...)


def predict(rows: Sequence[Labelled], classify: Classify) -> list[Prediction]:
    """Classify every scored row, item by item (skip rows take part in the document but are not scored)."""
    out = []
    for group in group_items(rows):
        document = load_paragraphs([r.text for r in group], name="item.txt")
        assignment = classify(document).set_index(schema.PARAGRAPH)
        for index, row in enumerate(group, 1):
            if row.primary == SKIP:
                continue
            record = assignment.loc[index].to_dict()
            pillar = record.get(schema.PILLAR)
            secondary = record.get(schema.SECONDARY)
            out.append(
                Prediction(
                    row.id,
                    row.primary,
                    pillar if isinstance(pillar, str) else NONE,
                    secondary if isinstance(secondary, str) else None,
                    record,
                )
            )
    return out


def score_predictions(
    gold: Sequence[str], primary: Sequence[str], secondary: Sequence[str | None], labels: Sequence[str]
):
    """Agreement figures: n, exact, top2, none_recall, kappa, per_pillar {label: {precision, recall}}, confusion.

    `labels` are the classes in order (the pillar ids, then "none"); confusion[gold][predicted] counts rows.
    Cohen's kappa compares the primary labels over all classes.
    """
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for g, p in zip(gold, primary):
        matrix[index[g], index[p]] += 1
    n = int(matrix.sum())
    agree = np.trace(matrix) / n if n else 0.0
    expected = float((matrix.sum(axis=1) @ matrix.sum(axis=0)) / n**2) if n else 0.0
    kappa = (agree - expected) / (1 - expected) if expected < 1 else 1.0
    top2 = sum(g == p or g == s for g, p, s in zip(gold, primary, secondary)) / n if n else 0.0
    per = {}
    for label, i in index.items():
        predicted, actual = matrix[:, i].sum(), matrix[i, :].sum()
        per[label] = {
            "precision": round(float(matrix[i, i] / predicted), 4) if predicted else None,
            "recall": round(float(matrix[i, i] / actual), 4) if actual else None,
            "support": int(actual),
        }
    return {
        "n": n,
        "exact": round(float(agree), 4),
        "top2": round(float(top2), 4),
        "none_recall": per.get(NONE, {}).get("recall"),
        "kappa": round(float(kappa), 4),
        "per_pillar": per,
        "confusion": {g: {p: int(matrix[index[g], index[p]]) for p in labels} for g in labels},
    }


def evaluate(rows: Sequence[Labelled], classify: Classify, pillar_ids: Sequence[str]) -> tuple[dict, list[Prediction]]:
    """Classify the labelled rows and score them; returns (figures, predictions)."""
    predictions = predict(rows, classify)
    figures = score_predictions(
        [p.gold for p in predictions],
        [p.primary for p in predictions],
        [p.secondary for p in predictions],
        [*pillar_ids, NONE],
    )
    return figures, predictions


def format_figures(figures: dict) -> str:
    """The figures as a plain-text report: headline numbers, per-class table and confusion matrix."""
    labels = list(figures["confusion"])
    lines = [
        f"paragraphs scored   {figures['n']}",
        f"exact accuracy      {figures['exact']:.1%}",
        f"top-2 accuracy      {figures['top2']:.1%}",
        f"none recall         {_pct(figures['none_recall'])}",
        f"Cohen's kappa       {figures['kappa']:.3f}",
        "",
        f"{'class':<10}{'precision':>10}{'recall':>10}{'support':>9}",
    ]
    for label, row in figures["per_pillar"].items():
        lines.append(f"{label:<10}{_pct(row['precision']):>10}{_pct(row['recall']):>10}{row['support']:>9}")
    lines += ["", "confusion (rows: gold, columns: predicted)", f"{'':<10}" + "".join(f"{p:>9}" for p in labels)]
    for g in labels:
        lines.append(f"{g:<10}" + "".join(f"{figures['confusion'][g][p]:>9}" for p in labels))
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


# --- labels a user gives on the Check page --------------------------------------------------------

Confirmed = dict[int, tuple[str, str | None]]  # paragraph (1-based) -> (primary: pillar id or "none", secondary)


def labels_to_tsv(
    document: Document, labels: Confirmed, assignment: pd.DataFrame | None = None, cell: Callable = str
) -> str:
    """The confirmed paragraphs of one document as a labelled TSV in the development set's format.

    id is `<document name>-<paragraph>`; item_title is the document's name (so the rows form one
    item again on import); confidence and reason are left for the labeller. With `assignment`, an
    extra last column, `classifier`, holds the classifier's pillar, to show where the two differ.
    `cell` maps each field before writing (the UI passes export.files.neutralise_cell).
    """
    predicted = {}
    if assignment is not None:
        predicted = dict(zip(assignment[schema.PARAGRAPH], assignment[schema.PILLAR]))
    lines = ["\t".join(LABEL_COLUMNS + ((CLASSIFIER,) if assignment is not None else ()))]
    for paragraph in sorted(labels):
        primary, secondary = labels[paragraph]
        text = " ".join(document.paragraphs[paragraph - 1].split())  # one line, no tabs
        pillar = predicted.get(paragraph)
        said = ((pillar if isinstance(pillar, str) else NONE),) if assignment is not None else ()
        name = document.name
        fields = (f"{name}-{paragraph:03d}", "", name, str(paragraph), text, primary, secondary or "", "", "", *said)
        lines.append("\t".join(cell(" ".join(f.split())) for f in fields))  # QUOTE_NONE: fields hold no tab
    return "\n".join(lines) + "\n"


def match_rows(rows: Sequence[Labelled], document: Document) -> tuple[Confirmed, int]:
    """Labelled rows that are paragraphs of `document` (same text, spaces and a spreadsheet's leading '
    aside): (labels, number of rows that match no paragraph)."""

    def key(text: str) -> str:
        text = " ".join(text.split())
        if len(text) > 1 and text[0] == text[-1] == '"':  # a spreadsheet saved the cell quoted
            text = text[1:-1].replace('""', '"')
        return text.lstrip("'")

    index = {key(p): i for i, p in enumerate(document.paragraphs, 1)}
    matched: Confirmed = {}
    for row in rows:
        paragraph = index.get(key(row.text))
        if paragraph is None or row.primary == SKIP:
            continue
        matched[paragraph] = (row.primary, row.secondary)
    return matched, sum(1 for r in rows if r.primary != SKIP) - len(matched)


def agreement(labels: Confirmed, assignment: pd.DataFrame, pillar_ids: Sequence[str]) -> dict | None:
    """score_predictions of the classifier's assignment against the confirmed labels (None if there are none)."""
    if not labels:
        return None
    table = assignment.set_index(schema.PARAGRAPH)
    gold, primary, secondary = [], [], []
    for paragraph, (label, _) in sorted(labels.items()):
        pillar = table.loc[paragraph, schema.PILLAR]
        second = table.loc[paragraph, schema.SECONDARY] if schema.SECONDARY in table else None
        gold.append(label)
        primary.append(pillar if isinstance(pillar, str) else NONE)
        secondary.append(second if isinstance(second, str) else None)
    return score_predictions(gold, primary, secondary, [*pillar_ids, NONE])
