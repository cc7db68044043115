"""Build data/indicators/city_indicators_long.csv from the shared city-indicator CSVs.

Run from anywhere: `python data/indicators/build_indicators.py [--source-dir DIR] [--out FILE]`.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from policylens import paths, schema  # noqa: E402  (sys.path set just above)

DEFAULT_SOURCE_DIR = paths.ROOT.parent / "shared" / "data"
RAW_NAME = "city_indicators.csv"
NORMALIZED_NAME = "city_indicators_normalized.csv"

QUALIFIER_CODES = {
    "exact_as_published": "exact",
    "lower_bound": "lower_bound",
    "approx": "approx",
    "preliminary": "preliminary",
}

# A unit text is "<unit> (<gloss>[; <remark>])" or "<unit> (<remark>)". The remark says how the
# number was published; it never changes the unit. Every pattern must match the whole text.
_REMARK = (
    r'(?:"[^"]*" = lower bound'  # "超4000家" = lower bound, "over 400" = lower bound
    r"|rounded"
    r"|预计 = preliminary estimate"
    r'|approx\. "[^"]*"[^()]*'  # approx. "29%左右", refers to recent years
    r'|as published, "[^"]*")'  # as published, "达3%"
)
UNIT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("100m_cny", rf"亿元 \(100 million CNY(?:; {_REMARK})?\)"),
    ("trillion_cny", rf"万亿元 \(trillion CNY(?:; {_REMARK})?\)"),
    ("firms", rf"(?:家|户) \(firms(?:; {_REMARK})?\)|firms(?: \({_REMARK}\))?"),
    ("10k_firms", rf"万家 \(10,000 firms(?:; {_REMARK})?\)"),
    ("persons", r"人 \(persons\)|persons"),
    ("10k_persons", r"万人 \(10,000 persons\)"),
    ("million_persons", rf"million persons(?: \({_REMARK}\))?"),
    ("items", r"件 \(items\)|items"),
    ("items_per_10k_persons", r"件 \(items per 10,000 persons\)"),
    ("institutions", rf"家 \(institutions\)|institutions(?: \({_REMARK}\))?"),
    ("labs", r"家 \(labs\)"),
    ("pct", rf"%(?: \({_REMARK}\))?"),
    ("pct_yoy", r"% \(y/y\)"),
    ("rank", r"rank"),
)
_COMPILED = tuple((code, re.compile(pattern)) for code, pattern in UNIT_PATTERNS)

# What a remark in the unit text implies about the value's qualifier (checked, never inferred).
_REMARK_QUALIFIERS = (
    ("lower bound", "lower_bound"),
    ("预计", "preliminary"),
    ("approx.", "approx"),
    ("rounded", "approx"),
)

# Columns that must be identical in the two input files, row by row.
_SHARED_COLUMNS = ("city", "year", "pillar", "indicator_id", "value", "unit", "source_url")


class BuildError(ValueError):
    """The shared CSVs cannot be turned into the long table without guessing."""


def map_unit(unit_text: str) -> str:
    """Return the one unit code whose pattern matches the whole unit text, or raise BuildError."""
    codes = [code for code, pattern in _COMPILED if pattern.fullmatch(unit_text)]
    if len(codes) != 1:
        problem = "no unit pattern" if not codes else f"several unit patterns ({codes})"
        raise BuildError(f"{problem} for unit text {unit_text!r}")
    return codes[0]


def _read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_rows(raw: list[dict[str, str]], normalized: list[dict[str, str]]) -> list[dict[str, str]]:
    """Join the two files row by row into rows with schema.INDICATOR_COLUMNS, values verbatim."""
    if len(raw) != len(normalized):
        raise BuildError(f"{RAW_NAME} has {len(raw)} rows but {NORMALIZED_NAME} {len(normalized)}")
    errors: list[str] = []
    out: list[dict[str, str]] = []
    for number, (row, extra) in enumerate(zip(raw, normalized, strict=True), start=1):
        differing = [col for col in _SHARED_COLUMNS if row[col] != extra[col]]
        if differing:
            errors.append(f"row {number}: the two files differ in {differing}")
            continue
        try:
            unit_code = map_unit(row["unit"])
        except BuildError as exc:
            errors.append(f"row {number}: {exc}")
            continue
        qualifier = QUALIFIER_CODES.get(extra["value_qualifier"])
        if qualifier is None:
            errors.append(f"row {number}: unknown value_qualifier {extra['value_qualifier']!r}")
            continue
        for hint, implied in _REMARK_QUALIFIERS:
            if hint in row["unit"] and qualifier != implied:
                errors.append(f"row {number}: unit says {hint!r} but qualifier is {qualifier!r}")
        added = {
            schema.UNIT_CODE: unit_code,
            schema.QUALIFIER: qualifier,
            schema.PERIOD_NOTE: extra["period_note"],
        }
        out.append({col: added.get(col, row.get(col)) for col in schema.INDICATOR_COLUMNS})
    if errors:
        raise BuildError("cannot build the indicator table:\n  " + "\n  ".join(errors))
    return out


def write_rows(rows: list[dict[str, str]], out: Path) -> None:
    """Write the long table as UTF-8 CSV with a fixed column order and LF line endings."""
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema.INDICATOR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source-dir", type=Path, default=DEFAULT_SOURCE_DIR, help=f"folder holding {RAW_NAME} and {NORMALIZED_NAME}"
    )
    parser.add_argument("--out", type=Path, default=paths.INDICATORS_TABLE)
    args = parser.parse_args(argv)
    rows = build_rows(_read_rows(args.source_dir / RAW_NAME), _read_rows(args.source_dir / NORMALIZED_NAME))
    write_rows(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
