"""The linked-view selection: which pillars, term and indicator the user picked, and the pure rules
for applying a click to it and clearing it. The UI keeps the parts in session state (ui/selection.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

PILLAR, TERM, INDICATOR = "pillar", "term", "indicator"
KINDS = (PILLAR, TERM, INDICATOR)


@dataclass(frozen=True)
class Selection:
    """What is selected across the views; empty pillars means all pillars."""

    pillars: tuple[str, ...] = ()
    term: str | None = None
    indicator: str | None = None

    @property
    def is_empty(self) -> bool:
        return not self.pillars and self.term is None and self.indicator is None


def apply_click(selection: Selection, kind: str, value: object) -> Selection:
    """The selection after a click on a chart point whose customdata gave ``value``.

    A pillar click filters to that pillar alone; a term or indicator click selects it. A click
    without a usable value (general bar, empty customdata) changes nothing.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(value, str) or not value.strip():
        return selection
    if kind == PILLAR:
        return replace(selection, pillars=(value,))
    if kind == TERM:
        return replace(selection, term=value)
    return replace(selection, indicator=value)


def clear(selection: Selection, kind: str | None = None) -> Selection:
    """The selection without ``kind`` (pillar, term or indicator), or empty when ``kind`` is None."""
    if kind is None:
        return Selection()
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return replace(selection, **{PILLAR + "s" if kind == PILLAR else kind: () if kind == PILLAR else None})


def include_term(terms: Sequence[str], term: str | None, vocabulary: Sequence[str] | set[str]) -> list[str]:
    """``terms`` with ``term`` first when it is in ``vocabulary`` (no duplicates, order kept)."""
    if term is None or term not in vocabulary:
        return list(terms)
    return [term, *(t for t in terms if t != term)]
