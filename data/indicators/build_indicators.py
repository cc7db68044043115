"""Build data/indicators/city_indicators_long.csv from the shared city-indicator CSVs and the headline series.

Run from anywhere: `python data/indicators/build_indicators.py [--source-dir DIR] [--series FILE] [--out FILE]`.
The shared rows come first, in their order; then the rows of research/headline_series.csv (the yearly
series of the ten headline indicators), in theirs. Values, units and quotes are copied verbatim.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from decimal import Decimal
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from policylens import paths, schema  # noqa: E402  (sys.path set just above)
from policylens.indicators.coverage import SECONDARY_MARK  # noqa: E402  (marks a secondary row's title and label)
from policylens.indicators.units import find_unit_code  # noqa: E402

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

SERIES_PATH = paths.INDICATORS_DIR / "research" / "headline_series.csv"
SERIES_COLUMNS = (
    "city",
    "year",
    "indicator_id",
    "value",
    "unit",
    "qualifier",
    "period_note",
    "source_title",
    "source_url",
    "source_quote",
    "source_kind",
    "research_note",
    "retrieved_via",
)
SOURCE_KINDS = ("primary", "secondary")
CITIES = ("Nanjing", "Suzhou", "Hangzhou", "Hefei", "Wuhan", "Shenzhen", "Guangzhou")  # Nanjing, then the peers
MONEY = ("100m_cny", "billion_cny", "trillion_cny")
# The ten headline indicators: id -> (pillar, English name, Chinese name, the unit codes it may have).
HEADLINE: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    "gdp": ("strong", "Gross domestic product", "地区生产总值", MONEY),
    "above_scale_industrial_va": ("strong", "Value added of above-scale industry", "规模以上工业增加值", MONEY),
    "high_tech_industry_output_share_pct": (
        "new",
        "High-tech industry output as share of above-scale industrial output",
        "高新技术产业产值占规模以上工业总产值比重",
        ("pct",),
    ),
    "rd_expenditure": ("new", "R&D expenditure (whole society)", "全社会研发经费支出", MONEY),
    "rd_intensity_pct": ("new", "R&D expenditure as % of GDP", "研发经费支出占地区生产总值比重", ("pct",)),
    "high_tech_enterprises": ("new", "High-tech enterprises (count)", "高新技术企业数", ("firms", "10k_firms")),
    "tech_contract_turnover": ("new", "Technology contract turnover", "技术合同成交额", MONEY),
    # 件 in this indicator is items per 10,000 residents
    "invention_patents_per_10k": (
        "new",
        "Invention patents owned per 10,000 residents",
        "每万人发明专利拥有量",
        ("items_per_10k_persons",),
    ),
    "college_students": (
        "fusion",
        "Students in regular higher education (undergraduate and junior college, excl. postgraduates)",
        "普通高等学校在校学生(普通本专科,不含研究生)",
        ("persons", "10k_persons"),
    ),
    "resident_population": (
        "fusion",
        "Resident population (year-end)",
        "年末常住人口",
        ("10k_persons", "million_persons"),
    ),
}


# A unit that the printed word names only in context (件 in "每万人发明专利拥有量82.7件"; "10.684 million"
# residents), written as the shared rows write it.
CONTEXT_UNITS = {"items_per_10k_persons": "件 (items per 10,000 persons)", "million_persons": "million persons"}


def series_unit_code(indicator_id: str, printed: str) -> str | None:
    """The unit code of a headline value from its unit as printed, None when the indicator cannot have it."""
    code = find_unit_code(printed)  # the upload's unit rules (policylens.indicators.units), 億元 as 亿元
    if indicator_id == "invention_patents_per_10k" and code == "items":
        code = "items_per_10k_persons"
    elif printed.strip() == "million" and indicator_id in ("resident_population", "college_students"):
        code = "million_persons"  # "10.684 million" residents
    return code if code in HEADLINE[indicator_id][3] else None


# Shared ids renamed so that each id has one definition: the bulletin's students in regular higher
# education (本专科, no postgraduates) are the headline college_students; the loosely stated "在校大学生"
# counts (postgraduates included) keep their own id.
ID_RENAMES = {"college_students": "college_students_as_stated", "undergrad_students": "college_students"}
SERIES_QUALIFIERS = ("exact", "lower_bound", "approx", "preliminary", "revised")

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


def _read_rows(path: Path, columns: tuple[str, ...] | None = None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if columns is not None and tuple(reader.fieldnames or ()) != columns:
            raise BuildError(f"{path.name} must have the columns {', '.join(columns)}")
        return list(reader)


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
        built = {col: added.get(col, row.get(col)) for col in schema.INDICATOR_COLUMNS}
        built[schema.INDICATOR_ID] = ID_RENAMES.get(built[schema.INDICATOR_ID], built[schema.INDICATOR_ID])
        out.append(built)
    if errors:
        raise BuildError("cannot build the indicator table:\n  " + "\n  ".join(errors))
    return out


ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")
_ZH_DIGITS = "一二三四五六七八九十"
_LIST_SEPARATORS = re.compile(r"[、,，]|和|及|与")


def quote_has_value(quote: str, value: str) -> bool:
    """True when the quote prints the value as the table holds it: the same digits and decimal point,
    with or without thousands separators ("16,908" holds 16908) and trailing zeros ("11715.10" holds
    11715.1), and not as part of a longer number."""
    plain = re.sub(r"(?<=\d),(?=\d{3})", "", quote)
    zeros = "0*" if "." in value else ""
    return re.search(rf"(?<![\d.]){re.escape(value)}{zeros}(?![\d]|\.\d)", plain) is not None


def quote_has_rank(quote: str, value: str, city_zh: str) -> bool:
    """True when the quote states the rank `value`: as digits, as an ordinal ("ninth", "第九"), or as
    the city's place in a list the quote gives in order ("依次为深圳、南京、杭州" puts 南京 second).
    Traditional script counts as simplified (蘇州 is 苏州)."""
    from policylens.documents.script import convert_to_simplified  # noqa: PLC0415  (OpenCC, as documents load)

    rank = int(float(value))
    if quote_has_value(quote, str(rank)) or (0 < rank <= 10 and re.search(rf"\b{ORDINALS[rank - 1]}\b", quote, re.I)):
        return True
    (simple,) = convert_to_simplified((quote,))
    if 0 < rank <= 10 and f"第{_ZH_DIGITS[rank - 1]}" in simple:
        return True
    listed = simple.split("依次为", 1)[1] if "依次为" in simple else simple
    names = [part.strip() for part in _LIST_SEPARATORS.split(listed)]
    return city_zh in names and names.index(city_zh) + 1 == rank


def build_series_rows(series: list[dict[str, str]], shared: list[dict[str, str]]) -> list[dict[str, str]]:
    """The headline-series rows with schema.INDICATOR_COLUMNS: names and pillar from HEADLINE, the unit
    code from the unit as printed, "secondary compilation" marked in a secondary row's title and label.

    A row whose identity (city, year, indicator_id, source_url) is already in `shared` with the same
    value is that row, and is skipped; with another value it is an error, as is a quote that does not
    print the value, an unknown id, unit, qualifier or source kind."""
    known = {(r["city"], r["year"], r["indicator_id"], r["source_url"]): r["value"] for r in shared}
    errors: list[str] = []
    out: list[dict[str, str]] = []
    for number, row in enumerate(series, start=2):  # row 1 is the header
        where = f"{SERIES_PATH.name} row {number}"
        if row["indicator_id"] not in HEADLINE:
            errors.append(f"{where}: {row['indicator_id']!r} is not a headline indicator")
            continue
        pillar, name_en, name_zh, _ = HEADLINE[row["indicator_id"]]
        unit_code = series_unit_code(row["indicator_id"], row["unit"])
        problems = [
            f"unit {row['unit']!r} does not fit {row['indicator_id']}" if unit_code is None else "",
            f"unknown qualifier {row['qualifier']!r}" if row["qualifier"] not in SERIES_QUALIFIERS else "",
            f"unknown source_kind {row['source_kind']!r}" if row["source_kind"] not in SOURCE_KINDS else "",
            "the quote does not print the value" if not quote_has_value(row["source_quote"], row["value"]) else "",
            "no source URL" if not row["source_url"].startswith(("http://", "https://")) else "",
        ]
        key = (row["city"], row["year"], row["indicator_id"], row["source_url"])
        if key in known and Decimal(known[key]) != Decimal(row["value"]):
            problems.append(f"the shared table has {known[key]} for the same city, year, id and source")
        if any(problems):
            errors.append(f"{where}: " + "; ".join(p for p in problems if p))
            continue
        if key in known:
            continue
        secondary = row["source_kind"] == "secondary"
        out.append(
            {
                schema.CITY: row["city"],
                schema.YEAR: row["year"],
                schema.PILLAR: pillar,
                schema.INDICATOR_ID: row["indicator_id"],
                schema.INDICATOR_EN: f"{name_en} ({SECONDARY_MARK})" if secondary else name_en,
                schema.INDICATOR_ZH: name_zh,
                schema.VALUE: row["value"],
                # the unit as printed, or, where the printed word alone reads as another unit, the table's text for it
                schema.UNIT: row["unit"] if find_unit_code(row["unit"]) == unit_code else CONTEXT_UNITS[unit_code],
                schema.UNIT_CODE: unit_code,
                schema.QUALIFIER: row["qualifier"],
                schema.PERIOD_NOTE: row["period_note"],
                schema.SOURCE_TITLE: f"{row['source_title']} ({SECONDARY_MARK})" if secondary else row["source_title"],
                schema.SOURCE_URL: row["source_url"],
                schema.SOURCE_QUOTE: " ".join(row["source_quote"].split()),
            }
        )
    if errors:
        raise BuildError("cannot add the headline series:\n  " + "\n  ".join(errors))
    return out


def write_rows(rows: list[dict[str, str]], out: Path) -> None:
    """Write the long table as UTF-8 CSV with a fixed column order and LF line endings."""
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=schema.INDICATOR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


README_PATH = paths.INDICATORS_DIR / "README.md"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|")


def coverage_markdown(df) -> str:
    """The README's coverage section: per city the share of the headline grid with a value, then per
    city the indicator × year grid (● primary source, ○ secondary compilation only, blank: missing)."""
    from policylens.indicators import coverage  # noqa: PLC0415  (the build runs as a script)

    grid = coverage.headline_coverage(df, CITIES)
    shares = coverage.coverage_shares(grid)
    lines = ["| city | city-years with a value | of 100 | primary source | secondary only |", "|---|---|---|---|---|"]
    lines += [
        f"| {r.city} | {r.sourced} | {r.share_pct:.0f} % | {r.primary} | {r.secondary} |"
        for r in shares.itertuples(index=False)
    ]
    peers = shares[shares["city"] != CITIES[0]]
    share = 100 * peers["sourced"].sum() / peers["cells"].sum()
    lines += ["", f"The six peers together: {peers['sourced'].sum()} of {peers['cells'].sum()} ({share:.0f} %)."]
    matrix = coverage.coverage_matrix(grid)
    years = [c for c in matrix.columns if c.isdigit()]
    for city in CITIES:
        lines += ["", f"**{city}**", "", "| indicator | " + " | ".join(years) + " |", "|---" * (len(years) + 1) + "|"]
        for r in matrix[matrix["city"] == city].itertuples(index=False):
            lines.append(
                f"| `{r.indicator_id}` | " + " | ".join(getattr(r, f"_{i + 2}") for i in range(len(years))) + " |"
            )
    return "\n".join(lines)


def conflicts_markdown(df) -> str:
    """The README's conflict section: every city-year whose sources disagree, what the rule picked and why."""
    from policylens.indicators.table import explain_conflicts  # noqa: PLC0415

    lines = ["| city | year | indicator | picked | by rule | other values |", "|---|---|---|---|---|---|"]
    for r in explain_conflicts(df).itertuples(index=False):
        picked = f"{r.value:g} {r.unit_code} ({r.qualifier}; {_cell(r.source_title[:48])})"
        lines.append(f"| {r.city} | {r.year} | `{r.indicator_id}` | {picked} | {r.rule} | {r.others} |")
    return "\n".join(lines)


def update_readme(text: str, sections: dict[str, str]) -> str:
    """`text` with each `<!-- begin:NAME -->` ... `<!-- end:NAME -->` block holding sections[NAME]."""
    for name, body in sections.items():
        pattern = re.compile(rf"(<!-- begin:{name} -->\n)(?:.*?\n)?(<!-- end:{name} -->)", re.DOTALL)
        if not pattern.search(text):
            raise BuildError(f"{README_PATH.name} has no <!-- begin:{name} --> ... <!-- end:{name} --> block")
        text = pattern.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), text)
    return text


def readme_sections(table_path: Path) -> dict[str, str]:
    """The generated README sections for the table at `table_path`."""
    from policylens.indicators.table import load_indicators  # noqa: PLC0415

    df = load_indicators(table_path)
    return {"coverage": coverage_markdown(df), "conflicts": conflicts_markdown(df)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source-dir", type=Path, default=DEFAULT_SOURCE_DIR, help=f"folder holding {RAW_NAME} and {NORMALIZED_NAME}"
    )
    parser.add_argument("--series", type=Path, default=SERIES_PATH, help="the headline-series research table")
    parser.add_argument("--out", type=Path, default=paths.INDICATORS_TABLE)
    parser.add_argument(
        "--readme", type=Path, default=README_PATH, help="README whose generated sections to update (none: --no-readme)"
    )
    parser.add_argument("--no-readme", dest="readme", action="store_const", const=None)
    args = parser.parse_args(argv)
    rows = build_rows(_read_rows(args.source_dir / RAW_NAME), _read_rows(args.source_dir / NORMALIZED_NAME))
    added = build_series_rows(_read_rows(args.series, SERIES_COLUMNS), rows)
    write_rows(rows + added, args.out)
    print(f"wrote {len(rows) + len(added)} rows ({len(rows)} shared, {len(added)} headline series) to {args.out}")
    if args.readme is not None:
        text = update_readme(args.readme.read_text(encoding="utf-8"), readme_sections(args.out))
        args.readme.write_text(text, encoding="utf-8")
        print(f"updated the coverage and conflict sections of {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
