"""Validation of an upload's text rows: every cell parsed (years, values with their units and markers,
pillars, indicator ids), every problem collected with its file rows, and conflicting duplicates found.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from policylens.indicators import table as indicators
from policylens.indicators import units
from policylens.indicators.labels import CITY_NAMES
from policylens.indicators.upload.layout import NAME_COLUMNS, REQUIRED_TEXT, YEAR_RANGE, parse_year
from policylens.indicators.upload.problems import ROW, ProblemLog, UploadProblem, rows_text
from policylens.markup import is_web_url
from policylens.schema import (
    CITY,
    INDICATOR_COLUMNS,
    INDICATOR_EN,
    INDICATOR_ID,
    INDICATOR_ZH,
    PILLAR,
    QUALIFIER,
    QUALIFIERS,
    SOURCE_URL,
    UNIT,
    UNIT_CODE,
    VALUE,
    YEAR,
)
from policylens.text.pillars import Codebook, load_codebook

IDENTITY = [CITY, YEAR, INDICATOR_ID, SOURCE_URL]  # a row's identity, as in the bundled table


def _mapped(column: pd.Series, function: Callable[[str], object]) -> pd.Series:
    """`function` applied once per distinct text (columns such as unit or year repeat a few values)."""
    return column.map({text: function(text) for text in column.unique()})


@dataclass(frozen=True)
class _Reference:
    pillars: dict[str, str]  # indicator_id -> pillar, for ids with one pillar in the reference table
    ids_by_name: dict[str, str]  # normalised indicator_en / indicator_zh -> the one id that bears it


def _name_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _build_reference(table: pd.DataFrame) -> _Reference:
    pillars = table.groupby(INDICATOR_ID)[PILLAR].agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
    names: dict[str, set[str]] = defaultdict(set)
    for column in (INDICATOR_EN, INDICATOR_ZH):
        for name, indicator_id in zip(table[column], table[INDICATOR_ID], strict=True):
            names[_name_key(name)].add(indicator_id)
    return _Reference(
        {i: p for i, p in pillars.items() if p}, {n: next(iter(ids)) for n, ids in names.items() if len(ids) == 1 and n}
    )


@lru_cache(maxsize=1)
def _bundled_reference() -> _Reference:
    return _build_reference(indicators.load_indicators())


def _indicator_id(given: str, english: str, chinese: str, reference: _Reference) -> str:
    """The given id; else the reference id of that indicator name; else a slug of the English name;
    else the Chinese name itself."""
    if given:
        return given
    for name in (english, chinese):
        if name and _name_key(name) in reference.ids_by_name:
            return reference.ids_by_name[_name_key(name)]
    slug = re.sub(r"[^a-z0-9]+", "_", english.casefold()).strip("_")
    return slug or "_".join(chinese.split())


def _parse_values(table: pd.DataFrame, problems: ProblemLog) -> tuple[pd.Series, pd.Series]:
    """Values (float64, NaN where unparsed) and the qualifier each cell's markers imply (or None)."""
    text = table[VALUE]
    plain = text.str.fullmatch(units.NUMBER)  # most cells: a bare number, parsed in one go
    values = pd.to_numeric(text.where(plain, "").str.replace(",", ""), errors="coerce").astype("float64")
    markers = pd.Series(None, index=table.index, dtype="object")
    errors = pd.Series("", index=table.index, dtype="object")
    codes = pd.Series("", index=table.index, dtype="object")
    for i in table.index[~plain & (text != "")]:
        try:
            parsed = units.parse_cell(text[i], table.at[i, UNIT])
            values[i], markers[i] = parsed.value, parsed.qualifier
        except units.CellError as exc:
            errors[i], codes[i] = str(exc), exc.code
    problems.add("empty_cell", "Empty value", text == "")
    for code, what in (
        ("non_numeric", "Value is not a number"),
        ("unit_mismatch", "Value written in another unit than the unit column"),
        ("qualifier_conflict", "Value markers that disagree"),
    ):
        problems.add(code, what, codes == code, errors, cell=True)
    return values, markers


def pillar_aliases(codebook: Codebook) -> dict[str, str]:
    """What a file may write in the pillar column, casefolded -> pillar id: the codebook's ids and
    its English and Chinese labels (new / New / 新)."""
    return {name.casefold(): p.id for p in codebook.pillars for name in (p.id, p.label("en"), p.label("zh"))}


def validate_rows(
    table: pd.DataFrame, reference: pd.DataFrame | None = None, codebook: Codebook | None = None
) -> tuple[pd.DataFrame, list[UploadProblem]]:
    """The output rows (schema.INDICATOR_COLUMNS plus the file row) of the valid values, and the problems.

    `reference` (default: the bundled table) supplies pillars of known ids and ids of known names;
    `codebook` (default: the shipped one) the pillars a row may name.
    """
    codebook = load_codebook() if codebook is None else codebook
    reference = _bundled_reference() if reference is None else _build_reference(reference)
    problems = ProblemLog(table)
    for column in REQUIRED_TEXT:
        problems.add("empty_cell", f"Empty {column}", table[column] == "")
    problems.add(
        "empty_cell",
        f"Empty indicator ({', '.join(NAME_COLUMNS)} all empty)",
        (table[list(NAME_COLUMNS)] == "").all(axis=1),
    )
    # a source link is drawn as a link: only an absolute http(s) URL (no javascript:, data:, "//host")
    problems.add(
        "bad_source_url",
        "Source URL is not an http:// or https:// address",
        (table[SOURCE_URL] != "") & ~_mapped(table[SOURCE_URL], is_web_url).astype(bool),
        table[SOURCE_URL],
        quote=True,
        hint=" Give the full address of the source, starting with http:// or https://.",
    )
    years = _mapped(table[YEAR], parse_year).astype("Int64")
    problems.add("empty_cell", "Empty year", table[YEAR] == "")
    problems.add(
        "invalid_year",
        "Year is not a four-digit year",
        (table[YEAR] != "") & years.isna(),
        table[YEAR],
        cell=True,
        quote=True,
    )
    problems.add(
        "year_out_of_range",
        f"Year outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}",
        years.notna() & ~years.between(*YEAR_RANGE).fillna(False),
        table[YEAR],
        cell=True,
    )
    values, markers = _parse_values(table, problems)
    given_code = table[UNIT_CODE]
    codes = given_code.where(given_code != "", _mapped(table[UNIT], lambda u: units.find_unit_code(u) or ""))
    problems.add(
        "unknown_unit_code",
        "Unknown unit_code",
        (given_code != "") & ~given_code.isin(indicators.load_units()[UNIT_CODE]),
        given_code,
        quote=True,
        hint=" Use a code from data/indicators/units.csv.",
    )
    problems.add(
        "unknown_unit",
        "Unit not recognised",
        (given_code == "") & (table[UNIT] != "") & (codes == ""),
        table[UNIT],
        quote=True,
        hint=" Use a unit listed in data/indicators/UPLOAD.md, or add a unit_code column.",
    )
    stated = table[QUALIFIER]
    unknown = (stated != "") & ~stated.isin(QUALIFIERS)
    problems.add(
        "unknown_qualifier",
        "Unknown qualifier",
        unknown,
        stated,
        quote=True,
        hint=f" Allowed: {', '.join(QUALIFIERS)}.",
    )
    disagree = (stated != "") & ~unknown & markers.notna() & (stated != markers)
    problems.add(
        "qualifier_conflict",
        "Qualifier column disagrees with the value's marker",
        disagree,
        pd.Series(
            [
                f"{v!r} means {m}, the qualifier column says {q}"
                for v, m, q in zip(table.loc[disagree, VALUE], markers[disagree], stated[disagree], strict=True)
            ],
            index=table.index[disagree],
            dtype="object",
        ).reindex(table.index),
    )
    names = list(zip(*(table[c] for c in NAME_COLUMNS), strict=True))
    ids_of = {n: _indicator_id(*n, reference) for n in dict.fromkeys(names)}
    ids = pd.Series([ids_of[n] for n in names], index=table.index, dtype="str")
    stated_pillar = table[PILLAR]
    pillars = stated_pillar.str.casefold().map(pillar_aliases(codebook))
    problems.add(
        "unknown_pillar",
        "Unknown pillar",
        (stated_pillar != "") & pillars.isna(),
        stated_pillar,
        quote=True,
        hint=f" Allowed: {', '.join(codebook.ids)} (or {', '.join(p.label('zh') for p in codebook.pillars)}).",
    )
    pillars = pillars.where(stated_pillar != "", ids.map(reference.pillars))
    problems.add(
        "missing_pillar",
        "No pillar for an indicator that the bundled table lacks",
        (stated_pillar == "") & (ids != "") & pillars.isna(),
        ids,
        hint=" Give these rows a pillar: new, strong or fusion.",
    )
    good = ~problems.bad
    out = table.assign(
        **{
            CITY: _mapped(table[CITY], lambda c: CITY_NAMES.get(c.removesuffix("市"), c)),
            YEAR: years,
            PILLAR: pillars,
            INDICATOR_ID: ids,
            VALUE: values,
            UNIT_CODE: codes,
            QUALIFIER: stated.where(stated != "", markers.fillna("exact")),
        }
    )[good]
    types = {c: "Int64" if c == YEAR else "float64" if c == VALUE else "str" for c in INDICATOR_COLUMNS}
    return out.loc[:, [*INDICATOR_COLUMNS, ROW]].astype(types).reset_index(drop=True), problems.found


def base_values(values: pd.Series, codes: pd.Series) -> pd.Series:
    """ "base:value" in the base unit of UNIT_SCALES (exact powers of ten), to compare across scales."""
    keys = []
    for value, code in zip(values, codes, strict=True):
        base, exponent = indicators.UNIT_SCALES.get(code, (code, 0))
        keys.append(f"{base}:{Decimal(repr(float(value))).scaleb(exponent).normalize()}")
    return pd.Series(keys, index=values.index, dtype="str")


def check_duplicates(frame: pd.DataFrame) -> list[UploadProblem]:
    """Same identity (city, year, indicator_id, source_url) with different values is an error."""
    repeated = frame[frame.duplicated(IDENTITY, keep=False)]  # usually none: compare only those
    values = base_values(repeated[VALUE], repeated[UNIT_CODE])
    clash = values.groupby([repeated[c] for c in IDENTITY]).transform("nunique") > 1
    if not clash.any():
        return []
    rows = sorted(set(repeated.loc[clash[clash].index, ROW]))
    keys = repeated[clash].drop_duplicates(IDENTITY).head(3)
    examples = "; ".join(f"{k[CITY]} {k[YEAR]} {k[INDICATOR_ID]} from {k[SOURCE_URL]}" for _, k in keys.iterrows())
    return [
        UploadProblem(
            "duplicate_conflict",
            tuple(rows),
            (
                f"The same city, year, indicator_id and source_url with different values in {rows_text(rows)}; "
                f"e.g. {examples}. Different sources may disagree (both rows are kept as a conflict); "
                "one source may not."
            ),
        )
    ]
