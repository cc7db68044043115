"""Unit texts to unit codes (units.csv), and numbers as people write them in cells ("16,908亿元", "超4000").

The mapping follows data/indicators/build_indicators.py: every pattern is anchored, and a text must
match exactly one. The bundled table's unit texts ("亿元 (100 million CNY)") keep their patterns,
copied from the build script, which stays the builder's own; plain forms ("亿元", "万人", "firms")
are added for uploads and for targets in policy text. A remark never changes the code.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Copied from build_indicators._REMARK: how a value was published, written inside the unit text.
_REMARK = (
    r'(?:"[^"]*" = lower bound'
    r"|rounded"
    r"|预计 = preliminary estimate"
    r'|approx\. "[^"]*"[^()]*'
    r'|as published, "[^"]*")'
)
_YUAN = r"(?:yuan|cny|rmb)"
UNIT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("100m_cny", rf"亿元 \(100 million CNY(?:; {_REMARK})?\)|亿元?(?:人民币)?|100 million {_YUAN}"),
    ("trillion_cny", rf"万亿元 \(trillion CNY(?:; {_REMARK})?\)|万亿元?(?:人民币)?|trillion {_YUAN}"),
    ("firms", rf"(?:家|户) \(firms(?:; {_REMARK})?\)|firms(?: \({_REMARK}\))?|家|户|companies|enterprises"),
    ("10k_firms", rf"万家 \(10,000 firms(?:; {_REMARK})?\)|万家|万户|10,000 firms"),
    ("persons", r"人 \(persons\)|persons|人|名|people"),
    ("10k_persons", r"万人 \(10,000 persons\)|万人|10,000 persons"),
    ("million_persons", rf"million persons(?: \({_REMARK}\))?|百万人|million people"),
    ("items", r"件 \(items\)|items|件|项"),
    ("items_per_10k_persons", r"件 \(items per 10,000 persons\)|件/万人|items per 10,000 persons"),
    ("institutions", rf"家 \(institutions\)|institutions(?: \({_REMARK}\))?|家 \(机构\)"),
    ("labs", r"家 \(labs\)|labs|家 \(实验室\)"),
    ("pct", rf"%(?: \({_REMARK}\))?|percent|per cent"),
    ("pct_yoy", r"% \(y/y\)|% \(同比\)|% y/y|% yoy"),
    ("rank", r"rank|排名|名次|位次"),
)
_COMPILED = tuple((code, re.compile(pattern, re.IGNORECASE)) for code, pattern in UNIT_PATTERNS)

# Markers written in a value cell, and the qualifier each implies (schema.QUALIFIERS).
PREFIX_MARKERS: tuple[tuple[str, str], ...] = (
    ("预计", "preliminary"),
    ("超过", "lower_bound"),
    ("突破", "lower_bound"),
    ("超", "lower_bound"),
    (">=", "lower_bound"),
    ("≥", "lower_bound"),
    (">", "lower_bound"),
    ("约", "approx"),
    ("~", "approx"),
    ("≈", "approx"),
)
SUFFIX_MARKERS: tuple[tuple[str, str], ...] = (("以上", "lower_bound"), ("左右", "approx"))
# A number as written: optional sign, thousands separators only in groups of three, decimals.
NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_NUMBER_AT_START = re.compile(NUMBER)
_SPACES = re.compile(r"\s+")


class UnitError(ValueError):
    """A unit text maps to no unit code, or to several."""


class CellError(ValueError):
    """A value cell that is not a number in the row's unit; `code` names the problem.

    Codes: "non_numeric", "unit_mismatch" (a unit in the cell other than the row's),
    "qualifier_conflict" (markers that imply different qualifiers, such as "预计超过").
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CellValue:
    """A parsed cell: the number, and the qualifier its markers imply (None when it has none)."""

    value: float
    qualifier: str | None


def normalise_unit_text(text: str) -> str:
    """NFKC (full-width ％ and （ become % and (), single spaces, one space before "(", stripped."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return re.sub(r"\s*\(\s*", " (", text).replace(" )", ")")


@lru_cache(maxsize=1024)
def find_unit_code(text: str) -> str | None:
    """The one unit code whose pattern matches the whole (normalised) text, else None."""
    try:
        return map_unit(text)
    except UnitError:
        return None


def map_unit(text: str) -> str:
    """Return the one unit code whose pattern matches the whole unit text, or raise UnitError."""
    normalised = normalise_unit_text(text)
    codes = [code for code, pattern in _COMPILED if pattern.fullmatch(normalised)]
    if len(codes) != 1:
        problem = "no unit pattern" if not codes else f"several unit patterns ({codes})"
        raise UnitError(f"{problem} for unit text {text!r}")
    return codes[0]


def bare_unit(text: str) -> str:
    """The unit as it would follow a number: "亿元 (100 million CNY)" -> "亿元", "% (y/y)" -> "%"."""
    return normalise_unit_text(text).split(" (", 1)[0]


def parse_number(text: str) -> float | None:
    """A number written with optional thousands separators ("1,234.5"), else None."""
    match = _NUMBER_AT_START.fullmatch(text.strip())
    return float(match.group().replace(",", "")) if match else None


def _strip_markers(text: str) -> tuple[str, set[str]]:
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for marker, qualifier in PREFIX_MARKERS:
            if text.startswith(marker):
                text, changed = text[len(marker) :].lstrip(), True
                found.add(qualifier)
        for marker, qualifier in SUFFIX_MARKERS:
            if text.endswith(marker):
                text, changed = text[: -len(marker)].rstrip(), True
                found.add(qualifier)
    return text, found


def parse_cell(text: str, unit: str) -> CellValue:
    """Parse a value cell written for people: "16,908", "16,908亿元", "3.5%", "超4000家", "约29%左右".

    A unit written in the cell is dropped only when it is the row's unit (`unit`, compared as
    bare_unit); markers become a qualifier (PREFIX_MARKERS, SUFFIX_MARKERS). Raises CellError.
    """
    plain = _NUMBER_AT_START.fullmatch(text)
    if plain:  # most cells: a bare number
        return CellValue(float(plain.group().replace(",", "")), None)
    cleaned, qualifiers = _strip_markers(unicodedata.normalize("NFKC", text).strip())
    match = _NUMBER_AT_START.match(cleaned)
    rest = cleaned[match.end() :].strip() if match else cleaned
    rest, more = _strip_markers(rest)
    qualifiers |= more
    if match is None or (rest and rest.casefold() != bare_unit(unit).casefold()):
        if match is not None and find_unit_code(rest) is not None:
            says = f"says {unit}" if unit else "is empty"
            raise CellError(f'"{text}" is written in {rest}, but the unit column {says}', "unit_mismatch")
        raise CellError(f'"{text}" is not a number', "non_numeric")
    if len(qualifiers) > 1:
        raise CellError(f'"{text}" has markers that disagree ({", ".join(sorted(qualifiers))})', "qualifier_conflict")
    return CellValue(float(match.group().replace(",", "")), qualifiers.pop() if qualifiers else None)
