"""Where the network's terms and their labels go: the layout fitted to a fixed plot frame in pixels,
and a label collision pass that moves a label around its node, or hides it, so that no two overlap.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

# The plot area the labels are placed for, in px: the network page's chart at a 1024-px-wide window
# (564 px figure, 20 px side margins). A wider chart stretches x only, so boxes that keep apart here
# keep apart there (see Box.conflicts); an exported image (900 px) is wider.
PLOT_WIDTH, PLOT_HEIGHT = 520, 500
FONT_SIZE = 12  # px, every label
GAP = 2.0  # px kept clear between two labels
PAD = (34.0, 28.0)  # px from the frame's sides and top/bottom to the outermost node centres
# plotly's textposition values, tried in this order around each node (centred above first).
POSITIONS = (
    "top center",
    "bottom center",
    "middle right",
    "middle left",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)
# The bundled font's line box (hhea ascent 1.16 em, descent 0.288 em).
ASCENT, DESCENT = 1.16, 0.29
# Advance widths in em, rounded up from the bundled Noto Sans SC (a-z 0.28-0.93, mostly 0.5-0.62;
# A-Z 0.54-0.88; CJK 1.0), so an estimate errs on the wide side (measured in Chromium: 3-7 % wide).
NARROW = frozenset("fijlrt.,:;'|!()[]-/ ")
WIDE_LATIN = frozenset("mwMW@%")


@dataclass(frozen=True)
class Box:
    """A label's box in plot px (y up) and the x of the node it belongs to."""

    x0: float
    y0: float
    x1: float
    y1: float
    anchor: float

    def conflicts(self, other: Box, gap: float = GAP) -> bool:
        """Whether the two boxes overlap (within `gap`) here or would when the plot is widened.

        Widening the plot scales node x positions, never the labels: two boxes side by side stay
        apart unless their nodes lie the other way round (a label set left of its node, past a node
        to its left whose label is set right), so that crossing counts as a conflict too.
        """
        if self.y0 >= other.y1 + gap or other.y0 >= self.y1 + gap:
            return False
        if self.x1 + gap <= other.x0:
            return self.anchor > other.anchor
        if other.x1 + gap <= self.x0:
            return other.anchor > self.anchor
        return True

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share any area."""
        return self.overlap_area(other) > 0

    def overlap_area(self, other: Box) -> float:
        """The area (px²) the two boxes share."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width * height if width > 0 and height > 0 else 0.0


def measure_label(text: str, font_size: float = FONT_SIZE) -> tuple[float, float]:
    """(width, height) in px of one line of `text`: wide (CJK, full-width) characters 1 em, Latin by
    class; the height is the font's line box (ASCENT + DESCENT), what a browser reports as the
    text's bounding box."""
    em = 0.0
    for char in text:
        if unicodedata.east_asian_width(char) in ("W", "F"):
            em += 1.0
        elif char in NARROW:
            em += 0.4
        elif char in WIDE_LATIN:
            em += 0.95
        elif char.isupper():
            em += 0.75
        else:
            em += 0.63
    return em * font_size, (ASCENT + DESCENT) * font_size


def label_box(x: float, y: float, marker_size: float, position: str, size: tuple[float, float]) -> Box:
    """The box of a label at `position` around a node at (x, y) (plot px, y up).

    As plotly.js places scatter text (textPointPosition): r = radius / 0.8 + 1 px from the marker
    centre, the baseline 0.75 em + v * r + (v - 1) * 0.5 em below the centre (v = -1 top, 0 middle,
    1 bottom), the text starting r right of the centre (right), ending r left of it (left), or
    centred; the box spans ASCENT above the baseline and DESCENT below it.
    """
    width, height = size
    font = height / (ASCENT + DESCENT)
    offset = marker_size / 2 / 0.8 + 1
    vertical, horizontal = position.split()
    v = {"top": -1, "middle": 0, "bottom": 1}[vertical]
    baseline = y - (0.75 * font + v * offset + (v - 1) * 0.5 * font)  # y up: below is minus
    x0 = {"right": x + offset, "left": x - offset - width}.get(horizontal, x - width / 2)
    return Box(x0, baseline - DESCENT * font, x0 + width, baseline + ASCENT * font, x)


def fit_positions(
    positions: Mapping[str, tuple[float, float]],
    width: float = PLOT_WIDTH,
    height: float = PLOT_HEIGHT,
    pad: tuple[float, float] = PAD,
) -> dict[str, tuple[float, float]]:
    """Layout coordinates stretched on each axis to fill the plot frame, `pad` px in from its edges."""
    if not positions:
        return {}
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]

    def scale(value: float, low: float, high: float, size: float, margin: float) -> float:
        return size / 2 if high == low else margin + (value - low) / (high - low) * (size - 2 * margin)

    return {
        term: (scale(x, min(xs), max(xs), width, pad[0]), scale(y, min(ys), max(ys), height, pad[1]))
        for term, (x, y) in positions.items()
    }


def _conflicting(box: Box, placed: np.ndarray, gap: float = GAP) -> bool:
    """Box.conflicts against every row (x0, y0, x1, y1, anchor) of `placed` at once."""
    x0, y0, x1, y1, anchor = placed.T
    apart = (box.y0 >= y1 + gap) | (y0 >= box.y1 + gap)
    apart |= (box.x1 + gap <= x0) & (box.anchor <= anchor)
    apart |= (x1 + gap <= box.x0) & (anchor <= box.anchor)
    return not apart.all()


def _marker_area(box: Box, markers: np.ndarray) -> float:
    """The marker area (px²) under `box` (Box.overlap_area summed over the rows of `markers`)."""
    x0, y0, x1, y1 = markers.T
    width = np.clip(np.minimum(box.x1, x1) - np.maximum(box.x0, x0), 0, None)
    height = np.clip(np.minimum(box.y1, y1) - np.maximum(box.y0, y0), 0, None)
    return float((width * height).sum())


def place_labels(
    nodes: Sequence[tuple[str, float, float, float]],
    width: float = PLOT_WIDTH,
    height: float = PLOT_HEIGHT,
    font_size: float = FONT_SIZE,
) -> dict[str, str | None]:
    """Term -> the textposition of its label, or None (hidden: too crowded).

    `nodes` are (term, x, y, marker size) in plot px, most important first: each term in turn
    takes, of the positions whose box stays inside the frame and clear of every label placed before
    it (Box.conflicts), the one covering the least marker area (the first in POSITIONS on a tie);
    a term with no such position keeps its node and hover but shows no label.
    """
    markers = np.array([(x - s / 2, y - s / 2, x + s / 2, y + s / 2) for _, x, y, s in nodes], dtype=float)
    placed = np.empty((len(nodes), 5), dtype=float)
    count = 0
    chosen: dict[str, str | None] = {}
    for term, x, y, marker_size in nodes:
        size = measure_label(term, font_size)
        best: tuple[float, str, Box] | None = None
        for position in POSITIONS:
            box = label_box(x, y, marker_size, position, size)
            if box.x0 < 0 or box.y0 < 0 or box.x1 > width or box.y1 > height:
                continue
            if count and _conflicting(box, placed[:count]):
                continue
            area = _marker_area(box, markers)
            if best is None or area < best[0]:
                best = (area, position, box)
            if area == 0:
                break
        chosen[term] = best[1] if best else None
        if best:
            placed[count] = (best[2].x0, best[2].y0, best[2].x1, best[2].y1, best[2].anchor)
            count += 1
    return chosen
