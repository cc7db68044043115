"""The session's confirmed pillar labels (the Check page), and the examples the classifier learns from.

Labels live in session state under state.CHECK_LABELS as {document key: {paragraph: ConfirmedLabel}},
replaced, never mutated, on every change. Each label keeps its paragraph's text, so the examples of
every document the user checked can teach the classifier on any document of the session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import streamlit as st

from policylens.documents.loader import Document
from policylens.text.classify import Example
from policylens.text.evaluation import Confirmed
from policylens.ui import state


@dataclass(frozen=True)
class ConfirmedLabel:
    primary: str  # a pillar id or "none"
    secondary: str | None
    text: str
    language: str
    source: str  # "document name ¶n", shown as evidence


def all_labels() -> dict[str, dict[int, ConfirmedLabel]]:
    return st.session_state.get(state.CHECK_LABELS) or {}


def _known(label: ConfirmedLabel, classes: frozenset[str]) -> bool:
    return label.primary in classes and (label.secondary is None or label.secondary in classes)


def document_labels(document: Document, classes: frozenset[str]) -> Confirmed:
    """{paragraph: (primary, secondary)} confirmed on this document, for the codebook's classes (its
    pillars and "none"): a label of a pillar since removed or renamed is set aside, not lost."""
    labels = all_labels().get(document.key, {})
    return {p: (label.primary, label.secondary) for p, label in labels.items() if _known(label, classes)}


def set_aside(document: Document, classes: frozenset[str]) -> int:
    """How many of this document's labels name a class the codebook no longer has."""
    return sum(not _known(label, classes) for label in all_labels().get(document.key, {}).values())


def set_labels(document: Document, labels: Confirmed) -> None:
    """Replace or add confirmed labels of `document` (a primary of None removes the paragraph's label)."""
    current = dict(all_labels().get(document.key, {}))
    for paragraph, (primary, secondary) in labels.items():
        if primary is None:
            current.pop(paragraph, None)
            continue
        current[paragraph] = ConfirmedLabel(
            primary,
            secondary if secondary != primary else None,
            document.paragraphs[paragraph - 1],
            document.language,
            f"{document.name} ¶{paragraph}",
        )
    st.session_state[state.CHECK_LABELS] = {**all_labels(), document.key: current}


def clear_labels(document: Document) -> None:
    """on_click: forget this document's confirmed labels."""
    st.session_state[state.CHECK_LABELS] = {k: v for k, v in all_labels().items() if k != document.key}


def learning() -> bool:
    """Whether confirmed paragraphs teach the classifier in this session (on by default)."""
    return bool(st.session_state.get(state.CHECK_LEARN, True))


def session_examples(classes: frozenset[str]) -> tuple[Example, ...]:
    """Every confirmed paragraph of the session whose label the codebook knows, when learning is on."""
    if not learning():
        return ()
    return tuple(
        Example(label.text, label.language, label.primary, label.source)
        for labels in all_labels().values()
        for label in labels.values()
        if _known(label, classes)
    )


def examples_key(examples: tuple[Example, ...]) -> str:
    """A short cache key for a set of examples ('' for none)."""
    if not examples:
        return ""
    digest = hashlib.sha256(repr(examples).encode("utf-8"))  # every field: the source is shown as evidence
    return ":ex" + digest.hexdigest()[:16]
