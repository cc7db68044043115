"""An uploaded file's bytes to one text row per value: the CSV or XLSX cells (the CSV delimiter
sniffed), the header's columns in English or Chinese, and the long or wide layout.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from pathlib import PurePath

import pandas as pd

from policylens.documents.encodings import decode_bytes
from policylens.documents.errors import DocumentError
from policylens.documents.formats import package_problem, package_size
from policylens.indicators.labels import YEAR_BOUNDS
from policylens.indicators.upload.problems import ROW, WHERE, IndicatorUploadError, UploadProblem, fail
from policylens.schema import (
    CITY,
    INDICATOR_COLUMNS,
    INDICATOR_EN,
    INDICATOR_ID,
    INDICATOR_ZH,
    PERIOD_NOTE,
    PILLAR,
    QUALIFIER,
    SOURCE_QUOTE,
    SOURCE_TITLE,
    SOURCE_URL,
    UNIT,
    UNIT_CODE,
    VALUE,
    YEAR,
)
from policylens.workers import Limits, MiB

# Bounds on the grid an upload holds, checked row by row while it is read, so that reading stops at the
# first row past one: a yearbook table has hundreds of rows and at most ~160 columns (1949-2100 as
# year columns); a cell is a number, a name or a source title.
MAX_TABLE_ROWS = 100_000
MAX_TABLE_COLUMNS = 200
MAX_TABLE_CELLS = 2_000_000
MAX_CELL_CHARACTERS = 2_000
MAX_UPLOAD_BYTES = 20 * 1000 * 1000  # the stated limit, 20 MB in the uploader's unit (see documents.loader.MAX_BYTES)
# An upload is read in a worker process (policylens.workers) under these limits; pandas and openpyxl
# alone take about 600 MB of address space, a table at the bounds above reads in a few seconds.
READ_LIMITS = Limits(memory=1024 * MiB, seconds=30.0)
SUPPORTED_UPLOAD_EXTENSIONS = (".csv", ".xlsx")
YEAR_RANGE = YEAR_BOUNDS
CSV_DELIMITERS = ",\t;"
SNIFF_LINES = 20  # csv.Sniffer reads the first lines: enough to see the pattern, cheap on a 20 MB file

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
REQUIRED_TEXT = (CITY, UNIT, SOURCE_TITLE, SOURCE_URL)
NAME_COLUMNS = (INDICATOR_ID, INDICATOR_EN, INDICATOR_ZH)  # at least one is required
GAP_MARKERS = frozenset({"", "-", "—", "–", "--", "——", "…", "...", "na", "n/a"})  # a wide table's empty cell
_YEAR_TEXT = re.compile(r"(\d{4})(?:\.0+)?\s*(?:年度?)?")


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


def sniff_delimiter(text: str) -> str:
    """The cell delimiter of CSV text, comma, tab or semicolon, as csv.Sniffer reads the first SNIFF_LINES
    lines (a delimiter inside a quoted cell does not count); a comma when it cannot tell (one column)."""
    sample = "".join(islice(io.StringIO(text, newline=""), SNIFF_LINES))
    try:
        return csv.Sniffer().sniff(sample, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","


def _read_csv_grid(data: bytes) -> Iterator[list[str]]:
    try:
        text, _ = decode_bytes(data)
    except DocumentError as exc:
        if data.startswith(b"PK\x03\x04"):
            raise fail("binary", "The file looks like an Excel workbook: give it the .xlsx extension.") from exc
        raise fail(exc.code, str(exc)) from exc
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))


def _read_xlsx_grid(data: bytes) -> Iterator[list[str]]:
    import openpyxl  # only uploads of .xlsx pay for the import

    if not data.startswith(b"PK\x03\x04"):
        raise fail(
            "xlsx",
            "The file is not an .xlsx workbook (it is not a ZIP package). "
            "A CSV file needs the .csv extension; an old .xls needs saving as .xlsx.",
        )
    check_unpacked_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # some writers store a wrong sheet size; read every row there is
        rows = [
            [_cell_text(c.value, getattr(c, "number_format", None)) for c in row] for row in sheet.iter_rows(min_row=1)
        ]
    except Exception as exc:  # openpyxl reports damage as zip, XML, key and value errors alike
        raise fail("xlsx", f"The workbook could not be read as .xlsx ({type(exc).__name__}).") from exc
    yield from rows


PACKAGE_CODES = {"package_entries": "xlsx_entries", "package_unpacked": "xlsx_unpacked", "package_xml": "xlsx_xml"}


def check_unpacked_size(data: bytes) -> None:
    """Raise IndicatorUploadError ("xlsx_entries", "xlsx_unpacked" or "xlsx_xml") for a workbook whose
    central directory declares more parts, more unpacked bytes or more XML than documents.formats
    allows, before any XML is parsed: a few MB of compressed sheet XML can inflate to gigabytes. A
    damaged directory is left to openpyxl."""
    size = package_size(data)
    problem = package_problem(size, "The workbook") if size is not None else None
    if problem is not None:
        code, message = problem
        raise fail(PACKAGE_CODES[code], message)


def check_upload_size(size: int) -> None:
    """Raise IndicatorUploadError ("too_large") for more than MAX_UPLOAD_BYTES; call it before reading a file."""
    if size > MAX_UPLOAD_BYTES:
        shown = math.ceil(size / 1e5) / 10  # rounded up: a file just over the limit never reads as the limit
        raise fail("too_large", f"The file is {shown:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 10**6} MB.")


def _bounded(grid: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """(file row number, cells) of the rows with a non-blank cell; IndicatorUploadError at the first
    row past MAX_TABLE_ROWS, MAX_TABLE_COLUMNS (counted to the last non-blank cell), MAX_TABLE_CELLS
    or with a cell longer than MAX_CELL_CHARACTERS. Nothing after that row is read."""
    kept = cells_seen = 0
    for number, cells in enumerate(grid, start=1):
        width = next((i + 1 for i in range(len(cells) - 1, -1, -1) if cells[i].strip()), 0)
        if not width:
            continue
        if width > MAX_TABLE_COLUMNS:
            raise fail(
                "too_many_columns",
                f"Row {number} has {width:,} columns; the limit is {MAX_TABLE_COLUMNS:,}. It was not read.",
                (number,),
            )
        longest = max(len(c) for c in cells[:width])
        if longest > MAX_CELL_CHARACTERS:
            raise fail(
                "cell_too_long",
                f"A cell in row {number} holds {longest:,} characters; the limit is {MAX_CELL_CHARACTERS:,}.",
                (number,),
            )
        kept, cells_seen = kept + 1, cells_seen + width
        if kept > MAX_TABLE_ROWS:
            raise fail("too_many_rows", f"The table has more than {MAX_TABLE_ROWS:,} rows; it was not read.")
        if cells_seen > MAX_TABLE_CELLS:
            raise fail("too_many_cells", f"The table has more than {MAX_TABLE_CELLS:,} cells; it was not read.")
        yield number, cells


def read_grid(data: bytes, name: str) -> list[tuple[int, list[str]]]:
    """(file row number, cells) for every row with a non-blank cell."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_UPLOAD_EXTENSIONS:
        shown = f"'{suffix}'" if suffix else "without an extension"
        raise fail("unsupported", f"Unsupported file type {shown}. Upload a .csv (UTF-8 or GB18030) or .xlsx file.")
    check_upload_size(len(data))
    if not data.strip():
        raise fail("empty", "The file is empty.")
    grid = _read_csv_grid(data) if suffix == ".csv" else _read_xlsx_grid(data)
    rows = list(_bounded(grid))
    if not rows:
        raise fail("empty", "The file is empty.")
    if len(rows) == 1:
        raise fail("no_rows", f"The file has a header (row {rows[0][0]}) but no data rows.", (rows[0][0],))
    return rows


# ---- header and layout: long (year, value columns) or wide (one column per year) -------------


def _nfkc(text: str) -> str:
    """NFKC (full-width digits, ％ and （ to ASCII) for the cells that are parsed; text cells stay as written."""
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _header_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", _nfkc(text).casefold())


def parse_year(text: str) -> int | None:
    match = _YEAR_TEXT.fullmatch(_nfkc(text))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Layout:
    columns: dict[str, int]  # canonical column -> cell position
    years: tuple[tuple[int, int], ...]  # wide form: (cell position, year); empty for the long form


def read_layout(header_row: int, header: list[str]) -> Layout:
    columns: dict[str, int] = {}
    years: list[tuple[int, int]] = []
    problems = []
    header = [text.strip() for text in header]
    for position, text in enumerate(header):
        column = HEADER_ALIASES.get(_header_key(text))
        year = parse_year(text)
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
    return Layout(columns, tuple(years))


def build_raw_table(rows: list[tuple[int, list[str]]], layout: Layout) -> pd.DataFrame:
    """One row per value, every column as text ("" when absent), plus the file row and a place name.

    The wide form yields one row per non-gap year cell, row by row, years left to right.
    """
    used = [*layout.columns.values(), *(p for p, _ in layout.years)]
    grid = pd.DataFrame([cells for _, cells in rows], dtype="str")  # short rows are padded with NaN
    grid = pd.DataFrame({p: grid[p].fillna("").str.strip() if p in grid else "" for p in used}, index=grid.index)
    numbers = pd.Series([number for number, _ in rows], dtype="int64")
    base = pd.DataFrame({c: grid[layout.columns[c]] if c in layout.columns else "" for c in INDICATOR_COLUMNS})
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
