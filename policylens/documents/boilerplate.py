"""Page chrome and boilerplate stripped from a document at load: bylines, credit lines, share and app
prompts, site navigation. The rules are data (data/boilerplate.txt), one regular expression a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from policylens import paths

BOILERPLATE_RULES = paths.DATA_DIR / "boilerplate.txt"
DROP, CUT = "drop", "cut"
_MARKERS = re.compile(r"^[*_\s]+|[*_\s]+$")  # Markdown bold/italic markers around a whole line


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled rules: `drop` removes a whole paragraph that matches, `cut` removes each match."""

    drop: tuple[re.Pattern[str], ...]
    cut: tuple[re.Pattern[str], ...]


def parse_rules(text: str) -> BoilerplateRules:
    """Rules from the text of a rule file: `drop PATTERN` or `cut PATTERN` a line, '#' comments.

    Raises ValueError naming the line for an unknown action or a pattern that does not compile.
    """
    drop, cut = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        action, _, pattern = line.strip().partition(" ")
        action, _, tab_pattern = action.partition("\t")
        pattern = (tab_pattern or pattern).strip()
        if action not in (DROP, CUT) or not pattern:
            raise ValueError(f"line {number}: expected 'drop PATTERN' or 'cut PATTERN', got {line!r}")
        try:
            compiled = re.compile(pattern)
        except re.error as error:
            raise ValueError(f"line {number}: bad pattern {pattern!r}: {error}") from error
        (drop if action == DROP else cut).append(compiled)
    return BoilerplateRules(tuple(drop), tuple(cut))


@cache
def load_rules(path: Path = BOILERPLATE_RULES) -> BoilerplateRules:
    """The rules of a rule file (UTF-8), read once per path."""
    return parse_rules(Path(path).read_text(encoding="utf-8"))


def clean_paragraph(paragraph: str, rules: BoilerplateRules) -> str:
    """The paragraph with every `cut` match removed, or "" when a `drop` rule matches what is left."""
    for rule in rules.cut:
        paragraph = rule.sub("", paragraph)
    bare = _MARKERS.sub("", paragraph)
    if any(rule.match(bare) for rule in rules.drop):
        return ""
    return paragraph.strip()


def strip_boilerplate(
    paragraphs: tuple[str, ...], rules: BoilerplateRules | None = None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(kept paragraphs, removed paragraphs): chrome paragraphs dropped, inline bylines cut.

    When every paragraph would go, nothing is removed: a document that is all credit lines is
    still that document.
    """
    rules = rules or load_rules()
    kept, removed = [], []
    for paragraph in paragraphs:
        clean = clean_paragraph(paragraph, rules)
        if clean:
            kept.append(clean)
        else:
            removed.append(paragraph)
    if not kept:
        return paragraphs, ()
    return tuple(kept), tuple(removed)
