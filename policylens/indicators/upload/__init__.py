"""A user's indicator file (CSV or XLSX, long or wide) in, the validated long table out; combining datasets.

The rules (required columns, headers, cells, duplicates) are written for users in
data/indicators/UPLOAD.md. Row numbers in messages are the file's: the header is row 1.
Modules: layout (bytes to text rows), validation (cells, problems, duplicates), problems.
May import: documents (decoding), the rest of indicators and the foundation.
"""

from __future__ import annotations

import pandas as pd

from policylens.indicators.upload.layout import (
    MAX_UPLOAD_BYTES,
    READ_LIMITS,
    SUPPORTED_UPLOAD_EXTENSIONS,
    YEAR_RANGE,
    build_raw_table,
    check_upload_size,
    read_grid,
    read_layout,
)
from policylens.indicators.upload.problems import ROW, IndicatorUploadError, UploadProblem, fail
from policylens.indicators.upload.validation import IDENTITY, base_values, check_duplicates, validate_rows
from policylens.schema import INDICATOR_COLUMNS, UNIT_CODE, VALUE, YEAR
from policylens.text.pillars import Codebook

__all__ = [
    "BUNDLED_DATASET",
    "DATASET",
    "MAX_UPLOAD_BYTES",
    "READ_LIMITS",
    "SUPPORTED_UPLOAD_EXTENSIONS",
    "YEAR_RANGE",
    "IndicatorUploadError",
    "UploadProblem",
    "check_upload_size",
    "combine_indicator_tables",
    "read_indicator_upload",
]

DATASET = "dataset"  # column added by combine_indicator_tables (not yet in schema.py)
BUNDLED_DATASET = "bundled"


def _to_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    types = {c: "Int64" if c == YEAR else "float64" if c == VALUE else "str" for c in INDICATOR_COLUMNS}
    return pd.DataFrame({c: pd.Series([row[c] for row in rows], dtype=t) for c, t in types.items()})


def read_indicator_upload(
    data: bytes, name: str, *, reference: pd.DataFrame | None = None, codebook: Codebook | None = None
) -> pd.DataFrame:
    """Read and validate an uploaded indicator file: .csv (UTF-8, with or without BOM, or GB18030) or .xlsx
    (first sheet), in long form (year and value columns) or wide form (one column per year).

    `reference` (default: the bundled table) supplies the pillar of a known indicator_id and the id of a
    known indicator name; `codebook` (default: the shipped one) the pillars a row may name (ids or
    labels). Raises IndicatorUploadError listing every problem with its file rows; returns nothing from
    a file with any problem. Columns: schema.INDICATOR_COLUMNS, year Int64, value float64, the rest text
    ("" where an optional column is absent); rows in file order (wide: row by row, years left to right);
    rows identical in every column are kept once.
    """
    rows = read_grid(data, name)
    layout = read_layout(*rows[0])
    table = build_raw_table(rows[1:], layout)
    if table.empty:
        raise fail("no_rows", "The file has no values: every year cell is empty.", (rows[0][0],))
    valid, problems = validate_rows(table, reference, codebook)
    problems += check_duplicates(valid)
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
    values = base_values(combined[VALUE], combined[UNIT_CODE])
    keys = [combined[c] for c in IDENTITY]
    clash = values.groupby(keys).transform("nunique") > 1
    if clash.any():
        groups = combined[clash].groupby(IDENTITY, sort=False)[DATASET].agg(lambda s: ", ".join(dict.fromkeys(s)))
        listed = "; ".join(f"{' '.join(map(str, k[:3]))} from {k[3]} ({d})" for k, d in list(groups.items())[:3])
        raise fail(
            "dataset_conflict",
            f"Different values for the same city, year, indicator and source in "
            f"{len(groups)} case(s), e.g. {listed}. Correct one dataset or drop it.",
        )
    first = combined[DATASET].groupby([*keys, values]).transform("first")
    return combined[combined[DATASET] == first].reset_index(drop=True).loc[:, columns]
