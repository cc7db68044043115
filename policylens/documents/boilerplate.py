"""Page chrome and boilerplate stripped from a document at load: bylines, credit lines, share and app
prompts, site navigation. The rules are data (data/boilerplate.txt), one regular expression a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from policylens import paths

BOILERPLATE_RULES = paths.DATA_DIR / "boilerplate.txt"
DROP, CUT = "drop", "cut"
# Markdown bold/italic markers and white space around a whole line: what re's `\s` matches in str
# patterns, which is str.isspace() (tests/unit/test_load_speed.py checks every code point), for
# a str.strip, some thirty times cheaper than the regex substitution it replaces
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_MARKERS = "*_" + _WHITESPACE


@dataclass(frozen=True)
class BoilerplateRules:
    """Compiled rules: `drop` removes a whole paragraph that matches, `cut` removes each match."""

    drop: tuple[re.Pattern[str], ...]
    cut: tuple[re.Pattern[str], ...]

    @cached_property
    def any_drop(self) -> re.Pattern[str] | None:
        """One pattern that matches where any drop rule matches, in one pass (None: try them one by one)."""
        return _union(self.drop)


# A back-reference by number or name, a conditional group or a global inline flag would change
# meaning once the rules are joined into one pattern.
_UNSAFE_IN_UNION = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?[aiLmsux]+\)")


def _union(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """The alternation of `patterns`, each in its own non-capturing group: one pass instead of one per
    rule, matching at a position exactly when one of them does. None when there are no patterns or
    they cannot be joined safely (mixed flags, back-references, duplicate group names)."""
    if not patterns or len({p.flags for p in patterns}) > 1:
        return None
    if any(_UNSAFE_IN_UNION.search(p.pattern) for p in patterns):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), patterns[0].flags)
    except re.error:
        return None


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
    bare = paragraph.strip(_MARKERS)
    dropped = rules.any_drop.match(bare) if rules.any_drop is not None else any(r.match(bare) for r in rules.drop)
    if dropped:
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
