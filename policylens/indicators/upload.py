"""A user's indicator file (CSV or XLSX, long or wide) in, the validated long table out; combining datasets.

The rules (required columns, headers, cells, duplicates) are written for users in
data/indicators/UPLOAD.md. Row numbers in messages are the file's: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import PurePath

import pandas as pd

from policylens.documents.encodings import decode_bytes
from policylens.documents.errors import DocumentError
from policylens.figures.indicators import CITY_LABELS_ZH
from policylens.indicators import table as indicators
from policylens.indicators import units
from policylens.markup import is_web_url
from policylens.schema import (
    CITY,
    INDICATOR_COLUMNS,
    INDICATOR_EN,
    INDICATOR_ID,
    INDICATOR_ZH,
    PERIOD_NOTE,
    PILLAR,
    QUALIFIER,
    QUALIFIERS,
    SOURCE_QUOTE,
    SOURCE_TITLE,
    SOURCE_URL,
    UNIT,
    UNIT_CODE,
    VALUE,
    YEAR,
)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the app's stated upload limit: 20 MB
SUPPORTED_UPLOAD_EXTENSIONS = (".csv", ".xlsx")
YEAR_RANGE = (1949, 2100)
DATASET = "dataset"  # column added by combine_indicator_tables (not yet in schema.py)
BUNDLED_DATASET = "bundled"
ROW_CONVENTION = "row numbers as in your file: row 1 is the header, the first data row is row 2"
MAX_LISTED_ROWS = 20
IDENTITY = [CITY, YEAR, INDICATOR_ID, SOURCE_URL]  # a row's identity, as in the bundled table

# The UI's short forms of the problem codes live in policylens.i18n (indicator_upload.error.*).

# Header texts (after NFKC, casefold, spaces and hyphens to "_") -> canonical column.
HEADER_ALIASES: dict[str, str] = {
    alias: column
    for column, aliases in {
        CITY: ("city", "城市", "地区", "城市名称"),
        YEAR: ("year", "年份", "年度", "年"),
        PILLAR: ("pillar", "支柱"),
        INDICATOR_ID: ("indicator_id", "id", "指标代码", "指标编号", "指标id"),
        INDICATOR_EN: ("indicator_en", "indicator", "indicator_name"),
        INDICATOR_ZH: ("indicator_zh", "指标", "指标名称"),
        VALUE: ("value", "数值", "值", "数据"),
        UNIT: ("unit", "单位", "计量单位"),
        UNIT_CODE: ("unit_code", "单位代码"),
        QUALIFIER: ("qualifier", "数值限定"),
        PERIOD_NOTE: ("period_note", "时期说明", "统计时期"),
        SOURCE_TITLE: ("source_title", "source", "来源", "资料来源", "数据来源", "来源标题"),
        SOURCE_URL: ("source_url", "url", "link", "链接", "网址", "来源链接"),
        SOURCE_QUOTE: ("source_quote", "quote", "原文", "引文"),
    }.items()
    for alias in aliases
}
# The bundled cities' Chinese names (南京, 南京市) are stored as the bundled table's English names.
CITY_NAMES = {zh: en for en, zh in CITY_LABELS_ZH.items()}
PILLAR_ALIASES = {"new": "new", "strong": "strong", "fusion": "fusion", "新": "new", "强": "strong", "融": "fusion"}
REQUIRED_TEXT = (CITY, UNIT, SOURCE_TITLE, SOURCE_URL)
NAME_COLUMNS = (INDICATOR_ID, INDICATOR_EN, INDICATOR_ZH)  # at least one is required
GAP_MARKERS = frozenset({"", "-", "—", "–", "--", "——", "…", "...", "na", "n/a"})  # a wide table's empty cell
_YEAR_TEXT = re.compile(r"(\d{4})(?:\.0+)?\s*(?:年度?)?")


@dataclass(frozen=True)
class UploadProblem:
    """One thing wrong with an upload: a code (see STRINGS), the file rows, an English message."""

    code: str
    rows: tuple[int, ...]
    message: str


class IndicatorUploadError(ValueError):
    """An upload that yields no table; `problems` lists everything found, for the UI to show."""

    def __init__(self, problems: list[UploadProblem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems


def _fail(code: str, message: str, rows: tuple[int, ...] = ()) -> IndicatorUploadError:
    return IndicatorUploadError([UploadProblem(code, rows, message)])


def _rows_text(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:MAX_LISTED_ROWS]))
    more = f", … ({len(rows)} rows in all)" if len(rows) > MAX_LISTED_ROWS else ""
    return f"{'row' if len(rows) == 1 else 'rows'} {shown}{more} ({ROW_CONVENTION})"


# ---- bytes to a grid of text cells, numbered as the file's rows ------------------------------


def _cell_text(cell: object, number_format: str | None = None) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool) or isinstance(cell, datetime | date | time):
        return str(cell)
    if isinstance(cell, int | float):
        number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        if number_format and "%" in number_format:  # Excel stores 3.48% as 0.0348: show what the user sees
            return f"{number.scaleb(2):f}%"
        return f"{number:f}".removesuffix(".0") if number == number.to_integral_value() else f"{number:f}"
    return str(cell)


def _read_csv_grid(data: bytes) -> Iterator[list[str]]:
    try:
        text, _ = decode_bytes(data)
    except DocumentError as exc:
        if data.startswith(b"PK\x03\x04"):
            raise _fail("binary", "The file looks like an Excel workbook: give it the .xlsx extension.") from exc
        raise _fail(exc.code, str(exc)) from exc
    first = text.split("\n", 1)[0]
    delimiter = next((d for d in (",", "\t", ";") if d in first), ",")
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _read_xlsx_grid(data: bytes) -> Iterator[list[str]]:
    import openpyxl  # only uploads of .xlsx pay for the import

    if not data.startswith(b"PK\x03\x04"):
        raise _fail(
            "xlsx",
            "The file is not an .xlsx workbook (it is not a ZIP package). "
            "A CSV file needs the .csv extension; an old .xls needs saving as .xlsx.",
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row there is
        rows = [
            [_cell_text(c.value, getattr(c, "number_format", None)) for c in row] for row in sheet.iter_rows(min_row=1)
        ]
    except Exception as exc:  # openpyxl reports damage as zip, XML, key and value errors alike
        raise _fail("xlsx", f"The workbook could not be read as .xlsx ({type(exc).__name__}).") from exc
    yield from rows


def check_upload_size(size: int) -> None:
    """Raise IndicatorUploadError ("too_large") for more than MAX_UPLOAD_BYTES; call it before reading a file."""
    if size > MAX_UPLOAD_BYTES:
        raise _fail("too_large", f"The file is {size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB.")


def _read_grid(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(file row number, cells) for every row with a non-blank cell."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_UPLOAD_EXTENSIONS:
        shown = f"'{suffix}'" if suffix else "without an extension"
        raise _fail("unsupported", f"Unsupported file type {shown}. Upload a .csv (UTF-8 or GB18030) or .xlsx file.")
    check_upload_size(len(data))
    if not data.strip():
        raise _fail("empty", "The file is empty.")
    grid = _read_csv_grid(data) if suffix == ".csv" else _read_xlsx_grid(data)
    rows = [(number, cells) for number, cells in enumerate(grid, start=1) if "".join(cells).strip()]
    if not rows:
        raise _fail("empty", "The file is empty.")
    if len(rows) == 1:
        raise _fail("no_rows", f"The file has a header (row {rows[0][0]}) but no data rows.", (rows[0][0],))
    return rows


# ---- header and layout: long (year, value columns) or wide (one column per year) -------------


def _nfkc(text: str) -> str:
    """NFKC (full-width digits, ％ and （ to ASCII) for the cells that are parsed; text cells stay as written."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", _nfkc(text).casefold())


def _parse_year(text: str) -> int | None:
    match = _YEAR_TEXT.fullmatch(_nfkc(text))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class _Layout:
    columns: dict[str, int]  # canonical column -> cell position
    years: tuple[tuple[int, int], ...]  # wide form: (cell position, year); empty for the long form


def _read_layout(header_row: int, header: list[str]) -> _Layout:
    columns: dict[str, int] = {}
    years: list[tuple[int, int]] = []
    problems = []
    header = [text.strip() for text in header]
    for position, text in enumerate(header):
        column = HEADER_ALIASES.get(_header_key(text))
        year = _parse_year(text)
        if column in columns:
            problems.append(
                UploadProblem(
                    "duplicate_column",
                    (header_row,),
                    (f"Two columns mean {column}: {header[columns[column]]!r} and {text!r} (row {header_row})."),
                )
            )
        elif column:
            columns[column] = position
        elif year is not None:
            if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
                problems.append(
                    UploadProblem(
                        "year_out_of_range",
                        (header_row,),
                        (f"The year column {text!r} is outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]} (row {header_row})."),
                    )
                )
            years.append((position, year))
    if years and (YEAR in columns or VALUE in columns):
        problems.append(
            UploadProblem(
                "ambiguous_layout",
                (header_row,),
                ("The header has year columns (wide form) and a year or value column (long form); keep one layout."),
            )
        )
    required = [*REQUIRED_TEXT, *(() if years else (YEAR, VALUE))]
    missing = [c for c in required if c not in columns]
    if not any(c in columns for c in NAME_COLUMNS):
        missing.append(" or ".join(NAME_COLUMNS))
    if missing:
        form = "wide form (one column per year)" if years else "long form"
        problems.append(
            UploadProblem(
                "missing_columns",
                (header_row,),
                (
                    f"Missing columns for the {form}: {', '.join(missing)}. The header (row {header_row}) has: "
                    f"{', '.join(repr(h) for h in header if h)}. See data/indicators/UPLOAD.md."
                ),
            )
        )
    if problems:
        raise IndicatorUploadError(problems)
    return _Layout(columns, tuple(years))


ROW, WHERE = "_row", "_where"  # helper columns: the file row, and "row 3" / "row 3, column 2020"
ALL_COLUMNS = (
    CITY,
    YEAR,
    PILLAR,
    *NAME_COLUMNS,
    VALUE,
    UNIT,
    UNIT_CODE,
    QUALIFIER,
    PERIOD_NOTE,
    SOURCE_TITLE,
    SOURCE_URL,
    SOURCE_QUOTE,
)


def _raw_table(rows: list[tuple[int, list[str]]], layout: _Layout) -> pd.DataFrame:
    """One row per value, every column as text ("" when absent), plus the file row and a place name.

    The wide form yields one row per non-gap year cell, row by row, years left to right.
    """
    used = [*layout.columns.values(), *(p for p, _ in layout.years)]
    grid = pd.DataFrame([cells for _, cells in rows], dtype="str")  # short rows are padded with NaN
    grid = pd.DataFrame({p: grid[p].fillna("").str.strip() if p in grid else "" for p in used}, index=grid.index)
    numbers = pd.Series([number for number, _ in rows], dtype="int64")
    base = pd.DataFrame({c: grid[layout.columns[c]] if c in layout.columns else "" for c in ALL_COLUMNS})
    if not layout.years:
        return base.assign(**{ROW: numbers, WHERE: "row " + numbers.astype("str")})
    parts = []
    for position, year in layout.years:
        keep = ~grid[position].str.casefold().isin(GAP_MARKERS) & (YEAR_RANGE[0] <= year <= YEAR_RANGE[1])
        parts.append(
            base.assign(
                **{
                    YEAR: str(year),
                    VALUE: grid[position],
                    ROW: numbers,
                    WHERE: "row " + numbers.astype("str") + f", column {year}",
                }
            )[keep]
        )
    return pd.concat(parts).sort_index(kind="stable").reset_index(drop=True)


# ---- validation: every problem is collected, with the rows it occurs in ----------------------


class _Problems:
    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.bad = pd.Series(False, index=table.index)
        self.found: list[UploadProblem] = []

    def add(
        self,
        code: str,
        what: str,
        mask: pd.Series,
        examples: pd.Series | None = None,
        cell: bool = False,
        hint: str = "",
        quote: bool = False,
    ) -> None:
        """Note a problem in the rows of `mask`, with up to three examples (`quote`: shown as repr);
        `cell` problems (year, value) name the wide form's year column in examples."""
        if not mask.any():
            return
        self.bad |= mask
        rows = sorted(set(self.table.loc[mask, ROW]))
        detail = ""
        if examples is not None:
            where = self.table.loc[mask, WHERE] if cell else "row " + self.table.loc[mask, ROW].astype("str")
            shown = list(
                dict.fromkeys(
                    f"{e!r} ({w})" if quote else f"{e} ({w})" for e, w in zip(examples[mask], where, strict=True)
                )
            )[:3]
            detail = f"; e.g. {'; '.join(shown)}"
        self.found.append(UploadProblem(code, tuple(rows), f"{what} in {_rows_text(rows)}{detail}.{hint}"))


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


def _parse_values(table: pd.DataFrame, problems: _Problems) -> tuple[pd.Series, pd.Series]:
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


def _validate(table: pd.DataFrame, reference: _Reference) -> tuple[pd.DataFrame, list[UploadProblem]]:
    """The output rows (schema.INDICATOR_COLUMNS plus the file row) of the valid values, and the problems."""
    problems = _Problems(table)
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
    years = _mapped(table[YEAR], _parse_year).astype("Int64")
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
    pillars = stated_pillar.str.casefold().map(PILLAR_ALIASES)
    problems.add(
        "unknown_pillar",
        "Unknown pillar",
        (stated_pillar != "") & pillars.isna(),
        stated_pillar,
        quote=True,
        hint=f" Allowed: {', '.join(indicators.PILLARS)} (or 新, 强, 融).",
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


def _base_values(values: pd.Series, codes: pd.Series) -> pd.Series:
    """ "base:value" in the base unit of UNIT_SCALES (exact powers of ten), to compare across scales."""
    keys = []
    for value, code in zip(values, codes, strict=True):
        base, exponent = indicators.UNIT_SCALES.get(code, (code, 0))
        keys.append(f"{base}:{Decimal(repr(float(value))).scaleb(exponent).normalize()}")
    return pd.Series(keys, index=values.index, dtype="str")


def _to_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    types = {c: "Int64" if c == YEAR else "float64" if c == VALUE else "str" for c in INDICATOR_COLUMNS}
    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=t) for c, t in types.items()})


def _check_duplicates(frame: pd.DataFrame) -> list[UploadProblem]:
    """Same identity (city, year, indicator_id, source_url) with different values is an error."""
    repeated = frame[frame.duplicated(IDENTITY, keep=False)]  # usually none: compare only those
    values = _base_values(repeated[VALUE], repeated[UNIT_CODE])
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
                f"The same city, year, indicator_id and source_url with different values in {_rows_text(rows)}; "
                f"e.g. {examples}. Different sources may disagree (both rows are kept as a conflict); one source may not."
            ),
        )
    ]


def read_indicator_upload(data: bytes, name: str, *, reference: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate an uploaded indicator file: .csv (UTF-8, with or without BOM, or GB18030) or .xlsx
    (first sheet), in long form (year and value columns) or wide form (one column per year).

    `reference` (default: the bundled table) supplies the pillar of a known indicator_id and the id of a
    known indicator name. Raises IndicatorUploadError listing every problem with its file rows; returns
    nothing from a file with any problem. Columns: schema.INDICATOR_COLUMNS, year Int64, value float64,
    the rest text ("" where an optional column is absent); rows in file order (wide: row by row, years
    left to right); rows identical in every column are kept once.
    """
    rows = _read_grid(data, name)
    layout = _read_layout(*rows[0])
    table = _raw_table(rows[1:], layout)
    if table.empty:
        raise _fail("no_rows", "The file has no values: every year cell is empty.", (rows[0][0],))
    valid, problems = _validate(table, _bundled_reference() if reference is None else _build_reference(reference))
    problems += _check_duplicates(valid)
    if problems:
        raise IndicatorUploadError(problems)
    return valid.drop(columns=ROW).drop_duplicates(keep="first").reset_index(drop=True)


def combine_indicator_tables(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Stack validated indicator tables, in the order given, with a `dataset` column naming each one.

    A row whose identity (city, year, indicator_id, source_url) and value (compared in base units) already
    came from an earlier dataset is kept once, from the earliest dataset, so re-uploading bundled rows does
    not count them twice; rows within one dataset are never merged. The same identity with different values
    in two datasets raises IndicatorUploadError ("dataset_conflict"). Columns: INDICATOR_COLUMNS + dataset.
    """
    columns = [*INDICATOR_COLUMNS, DATASET]
    frames = [table.loc[:, list(INDICATOR_COLUMNS)].assign(**{DATASET: name}) for name, table in tables.items()]
    if not frames:
        return _to_frame([]).assign(**{DATASET: pd.Series(dtype="str")}).loc[:, columns]
    combined = pd.concat(frames, ignore_index=True).astype({YEAR: "Int64", VALUE: "float64", DATASET: "str"})
    values = _base_values(combined[VALUE], combined[UNIT_CODE])
    keys = [combined[c] for c in IDENTITY]
    clash = values.groupby(keys).transform("nunique") > 1
    if clash.any():
        groups = combined[clash].groupby(IDENTITY, sort=False)[DATASET].agg(lambda s: ", ".join(dict.fromkeys(s)))
        listed = "; ".join(f"{' '.join(map(str, k[:3]))} from {k[3]} ({d})" for k, d in list(groups.items())[:3])
        raise _fail(
            "dataset_conflict",
            f"Different values for the same city, year, indicator and source in "
            f"{len(groups)} case(s), e.g. {listed}. Correct one dataset or drop it.",
        )
    first = combined[DATASET].groupby([*keys, values]).transform("first")
    return combined[combined[DATASET] == first].reset_index(drop=True).loc[:, columns]
