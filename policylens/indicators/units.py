"""Unit texts to unit codes (units.csv), and numbers as people write them in cells ("16,908亿元", "超4000").

The mapping follows data/indicators/build_indicators.py: every pattern is anchored, and a text must
match exactly one. The bundled table's unit texts ("亿元 (100 million CNY)") keep their patterns,
copied from the build script, which stays the builder's own; plain forms ("亿元", "万人", "firms")
are added for uploads and for targets in policy text. A remark never changes the code.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from policylens.i18n import t

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
    ("billion_cny", rf"十亿元|billion {_YUAN}"),
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


_TRADITIONAL_UNITS = str.maketrans("億萬戶", "亿万户")  # 億元, 萬人, 戶 as printed in traditional script


def normalise_unit_text(text: str) -> str:
    """NFKC (full-width ％ and （ become % and (), traditional 億/萬/戶 as 亿/万/户, single spaces, one
    space before "(", stripped."""
    text = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(_TRADITIONAL_UNITS)).strip()
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


# --- amounts as people read them -------------------------------------------------------------
# A chart keeps its values in the chart unit (亿元, 万人, ...); these rules only draw them. Amounts
# (money, people, firms, counted things) never get SI suffixes (k, M, G): Chinese readers count in
# 万 / 亿 / 万亿 ("1.5万亿元", "100万人", "8,000亿元"), English readers in thousands separators and the
# short-scale words OWID uses (million, billion, trillion), named once in the axis title.
# Unit codes that measure the same thing at a power-of-ten scale: code -> (base, exponent).
UNIT_SCALES: dict[str, tuple[str, int]] = {
    "100m_cny": ("cny", 8),
    "billion_cny": ("cny", 9),
    "trillion_cny": ("cny", 12),
    "firms": ("firms", 0),
    "10k_firms": ("firms", 4),
    "persons": ("persons", 0),
    "10k_persons": ("persons", 4),
    "million_persons": ("persons", 6),
}
AMOUNT_SCALES: dict[str, tuple[str, int]] = {  # unit code -> (base amount, power of ten of one unit)
    **UNIT_SCALES,
    "items": ("items", 0),
    "institutions": ("institutions", 0),
    "labs": ("labs", 0),
}
BASE_LABELS = {  # what one base amount is called after a number
    "cny": "units.base.cny",
    "firms": "units.base.firms",
    "persons": "units.base.persons",
    "items": "units.base.items",
    "institutions": "units.base.institutions",
    "labs": "units.base.labs",
}
ZH_STEP_LABELS = {12: "units.zh.wanyi", 8: "units.zh.yi", 4: "units.zh.wan"}  # 万亿, 亿, 万 (largest first)
EN_STEP_LABELS = {12: "units.en.trillion", 9: "units.en.billion", 6: "units.en.million"}
MAX_TICKS = 7
# Log-axis tick sets, finest first: the first that covers the data in at most MAX_TICKS ticks is used
# (a range within one power of ten gets 1, 1.2, 1.5, 2, ...; a wide one 1 × 10^k, every other power).
LOG_TICK_LEVELS = (
    ((1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8), 1),
    ((1, 1.5, 2, 3, 5, 7), 1),
    ((1, 2, 5), 1),
    ((1, 3), 1),
    ((1,), 1),
    ((1,), 2),
    ((1,), 3),
)


@dataclass(frozen=True)
class AxisTicks:
    """Explicit ticks of a value axis: positions in the chart unit, their labels, the axis title, and
    the range to show ((log10 low, log10 high) on a log axis, None to let plotly choose)."""

    tickvals: tuple[float, ...]
    ticktext: tuple[str, ...]
    title: str
    range: tuple[float, float] | None = None


def _plain(number: Decimal) -> str:
    """A decimal with thousands separators and no float noise: 8000 -> "8,000", 1.50 -> "1.5"."""
    text = f"{number.normalize():,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _base_value(value: float, unit_code: str) -> Decimal:
    return Decimal(repr(float(value))).scaleb(AMOUNT_SCALES[unit_code][1])


def is_amount(unit_code: str) -> bool:
    """Whether values in this unit are amounts (money, people, things counted), drawn with 万/亿 or words."""
    return unit_code in AMOUNT_SCALES


def _zh_step(base: Decimal) -> int:
    return next((power for power in ZH_STEP_LABELS if abs(base) >= Decimal(10) ** power), 0)


def en_step(max_base: float) -> int:
    """The English scale word for an axis whose largest amount is `max_base` base units: 12, 9, 6 or 0."""
    return next((power for power in EN_STEP_LABELS if abs(max_base) >= 10.0**power), 0)


def format_amount(value: float, unit_code: str, lang: str, *, power: int | None = None, unit: bool = True) -> str:
    """An amount as people write it, exactly (nothing rounded): 16908 亿元 is "1.6908万亿元" in Chinese and
    "1.6908 trillion CNY" in English; 100 万人 is "100万人" / "1,000,000 persons".

    `power` fixes the scale (0, 4, 8, 12 in Chinese; 0, 6, 9, 12 in English) instead of the value's own;
    `unit` False leaves out the base word (the axis title names it). Non-amount units: the number only.
    """
    if not is_amount(unit_code):
        return _plain(Decimal(repr(float(value))))
    base_code = AMOUNT_SCALES[unit_code][0]
    base = _base_value(value, unit_code)
    if lang == "zh":
        step = _zh_step(base) if power is None else power
        word = t(ZH_STEP_LABELS[step], lang) if step else ""
        return _plain(base.scaleb(-step)) + word + (t(BASE_LABELS[base_code], lang) if unit else "")
    step = en_step(float(base)) if power is None else power
    if not unit:
        return _plain(base.scaleb(-step))
    words = [t(EN_STEP_LABELS[step], lang)] if step else []
    return " ".join([_plain(base.scaleb(-step)), *words, t(BASE_LABELS[base_code], lang)])


def amount_power(values, unit_code: str) -> int:
    """The English scale (0, 6, 9, 12) of an axis drawing `values` in `unit_code`: the largest value's."""
    return en_step(float(_base_value(max(abs(float(v)) for v in values), unit_code))) if values else 0


def amount_axis_title(unit_code: str, lang: str, power: int = 0) -> str:
    """The axis title of an amount axis: the base word, after the English scale word ("trillion CNY");
    Chinese ticks carry 万/亿 and the unit themselves, so the title is the base word ("元")."""
    base = t(BASE_LABELS[AMOUNT_SCALES[unit_code][0]], lang)
    return f"{t(EN_STEP_LABELS[power], lang)} {base}" if lang == "en" and power else base


def _nice_step(span: float, count: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) that cuts `span` into about `count` parts."""
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def linear_tickvals(low: float, high: float, from_zero: bool = True) -> list[float]:
    """Round ticks from 0 (or below a negative `low`) to the first tick at or above `high`; with
    `from_zero` False (an index, a growth rate) from the last tick at or below `low`."""
    if from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        return [low] if high == 0 else sorted({0.0, high})
    step = _nice_step(high - low)
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [float(Decimal(repr(step)) * n) for n in range(first, last + 1)]


def log_tickvals(low: float, high: float) -> list[float]:
    """Ticks from the last one at or below `low` to the first at or above `high`: the finest of
    LOG_TICK_LEVELS (1, 2, 5 × 10^k and the like) that needs at most MAX_TICKS ticks."""
    if low <= 0 or high <= 0:
        raise ValueError("a log axis needs positive values")
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    for mantissas, every in LOG_TICK_LEVELS:
        ticks = [float(Decimal(repr(m)).scaleb(k)) for k in range(first, last + 1, every) for m in mantissas]
        below = [v for v in ticks if v <= low * (1 + 1e-9)]
        above = [v for v in ticks if v >= high * (1 - 1e-9)]
        if not below or not above:
            continue
        ticks = [v for v in ticks if below[-1] <= v <= above[0]]
        if len(ticks) <= MAX_TICKS or every == 3:
            return ticks
    return ticks


def build_axis_ticks(
    values, unit_code: str | None, lang: str, *, log: bool = False, title: str = "", from_zero: bool = True
) -> AxisTicks:
    """Explicit ticks for a value axis drawing `values` (numbers in the chart unit `unit_code`; None
    for an index or a growth rate): 1-2-5 ticks on a log axis covering the data, below its first power
    of ten too, and round ticks on a linear one (from 0 unless `from_zero` is False). Amounts get
    万/亿 labels in Chinese and one English scale word in the title; other numbers thousands
    separators. `title` is the axis title of a non-amount axis."""
    numbers = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if log:
        numbers = [v for v in numbers if v > 0]
    if not numbers:
        return AxisTicks((), (), title)
    low, high = min(numbers), max(numbers)
    ticks = log_tickvals(low, high) if log else linear_tickvals(low, high, from_zero)
    span = None
    if log:  # a little room beyond the outer ticks, so a marker on one is not cut in half
        first, last = math.log10(ticks[0]), math.log10(ticks[-1])
        pad = 0.02 * max(last - first, 1)
        span = (first - pad, last + pad)
    if unit_code is None or not is_amount(unit_code):
        return AxisTicks(tuple(ticks), tuple(_plain(Decimal(repr(v))) for v in ticks), title, span)
    if lang == "zh":
        labels = tuple("0" if v == 0 else format_amount(v, unit_code, lang) for v in ticks)
        return AxisTicks(tuple(ticks), labels, amount_axis_title(unit_code, lang), span)
    power = amount_power(numbers, unit_code)
    labels = tuple(format_amount(v, unit_code, lang, power=power, unit=False) for v in ticks)
    return AxisTicks(tuple(ticks), labels, amount_axis_title(unit_code, lang, power), span)
