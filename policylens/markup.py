"""Safe HTML for document text: everything escaped, evidence spans wrapped in <mark>."""

from __future__ import annotations

import html
from collections.abc import Sequence


def build_highlighted_html(text: str, spans: Sequence[tuple[int, int, str]], color: str) -> str:
    """Escape `text` and wrap each (start, end, term) span in a coloured <mark>.

    Overlapping spans keep the earlier one. Nothing from the document reaches the page unescaped.
    """
    out, cursor = [], 0
    for start, end, term in sorted(spans):
        if start < cursor:
            continue
        out.append(html.escape(text[cursor:start]))
        out.append(
            f'<mark style="background:{html.escape(color)}33;border-bottom:2px solid {html.escape(color)};'
            f'padding:0 1px" title="{html.escape(term)}">{html.escape(text[start:end])}</mark>'
        )
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out)
