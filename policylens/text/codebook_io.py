"""The pillar codebook as editable tables and as TOML text, for the codebook editor."""

from __future__ import annotations

import re

import pandas as pd
import tomli_w

from policylens import schema
from policylens.text.pillars import NONE, Codebook, CodebookError, parse_codebook

PILLAR_COLUMNS = ("id", "label_en", "label_zh", "color", "description_en", "description_zh")
TERM_COLUMNS = (schema.PILLAR, "language", schema.TERM, "weight")
PATTERN = "pattern"
PATTERN_COLUMNS = (PATTERN, schema.PILLAR, "weight", "note", "note_zh")  # a row per pattern and class it weighs
SETTINGS = ("model", "rule_weight", "secondary_min", "example_weight", "min_score", "min_margin", "ignore")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def build_codebook_tables(codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(pillars, terms): columns PILLAR_COLUMNS, and pillar, language, term, weight."""
    pillars = pd.DataFrame([[getattr(p, c) for c in PILLAR_COLUMNS] for p in codebook.pillars], columns=PILLAR_COLUMNS)
    terms = pd.DataFrame(
        [
            (p.id, lang, term, weight)
            for p in codebook.pillars
            for lang in ("en", "zh")
            for term, weight in p.terms(lang).items()
        ],
        columns=TERM_COLUMNS,
    )
    return pillars, terms


def build_pattern_table(codebook: Codebook) -> pd.DataFrame:
    """The codebook's patterns as an editable table: pattern, pillar (or "none"), weight, notes."""
    rows = [(p.pattern, cls, weight, p.note, p.note_zh) for p in codebook.patterns for cls, weight in p.weights]
    return pd.DataFrame(rows, columns=PATTERN_COLUMNS)


def classification_settings(codebook: Codebook) -> dict:
    """The [classification] table of a codebook (everything but pillars, terms and patterns)."""
    settings = {k: getattr(codebook, k) for k in SETTINGS}
    settings["ignore"] = list(codebook.ignore)
    return settings


def _patterns_from_table(table: pd.DataFrame, classes: set[str], problems: list[str]) -> list[dict]:
    """Pattern rows grouped by pattern; problems name the rows that cannot be used, as for terms."""
    grouped: dict[str, dict] = {}
    for number, row in enumerate(table.dropna(how="all").to_dict("records"), 1):
        pattern = row.get(PATTERN)
        if not isinstance(pattern, str) or not pattern.strip():
            problems.append(f"pattern row {number}: the pattern is empty")
            continue
        cls = row.get(schema.PILLAR)
        if not isinstance(cls, str) or not cls:
            problems.append(f"pattern row {number}: choose the pillar (or none) it weighs")
            continue
        if cls not in classes:
            problems.append(f"pattern row {number}: unknown pillar {cls!r}")
            continue
        weight = pd.to_numeric(pd.Series([row.get("weight")]), errors="coerce").iloc[0]
        if pd.isna(weight):
            problems.append(f"pattern row {number}: the weight must be a number")
            continue
        entry = grouped.setdefault(pattern, {"pattern": pattern, "weights": {}, "note": "", "note_zh": ""})
        entry["weights"][str(row.get(schema.PILLAR))] = float(weight)
        for note in ("note", "note_zh"):
            if isinstance(row.get(note), str) and row[note]:
                entry[note] = row[note]
    return list(grouped.values())


def build_codebook_from_tables(
    pillars: pd.DataFrame,
    terms: pd.DataFrame,
    min_score: float,
    min_margin: float,
    patterns: pd.DataFrame | None = None,
    settings: dict | None = None,
) -> Codebook:
    """Validate edited tables and build a Codebook; CodebookError names the offending rows.

    `patterns` (PATTERN_COLUMNS) and `settings` (classification_settings) default to none and to
    the defaults of parse_codebook."""
    pillars = pillars.dropna(how="all")
    problems = []
    for number, row in enumerate(pillars.to_dict("records"), 1):
        if not isinstance(row.get("id"), str) or not _ID.match(row["id"]):
            problems.append(f"pillar row {number}: the id must be lowercase letters, digits or _")
        if not isinstance(row.get("color"), str) or not _COLOR.match(row["color"]):
            problems.append(f"pillar row {number}: the colour must look like #1f77b4")
        if not row.get("label_en") or not row.get("label_zh"):
            problems.append(f"pillar row {number}: both labels are needed")
    terms = terms.dropna(how="all")
    ids = set(pillars["id"].dropna())
    for number, row in enumerate(terms.to_dict("records"), 1):
        if row.get(schema.PILLAR) not in ids:
            problems.append(f"term row {number}: unknown pillar {row.get(schema.PILLAR)!r}")
        if row.get("language") not in ("en", "zh"):
            problems.append(f"term row {number}: the language must be en or zh")
        if not isinstance(row.get(schema.TERM), str) or not row[schema.TERM].strip():
            problems.append(f"term row {number}: the term is empty")
        weight = pd.to_numeric(pd.Series([row.get("weight")]), errors="coerce").iloc[0]
        if pd.isna(weight) or weight == 0:
            problems.append(f"term row {number}: the weight must be a number other than 0 (negative counts against)")
    classes = {*ids, NONE}
    pattern_entries = _patterns_from_table(patterns, classes, problems) if patterns is not None else []
    if problems:
        raise CodebookError("; ".join(problems[:12]) + (" ..." if len(problems) > 12 else ""))
    settings = {**(settings or {}), "min_score": float(min_score), "min_margin": float(min_margin)}
    return parse_codebook(format_codebook_tables(pillars, terms, settings, pattern_entries))


def format_codebook_tables(
    pillars: pd.DataFrame, terms: pd.DataFrame, settings: dict, patterns: list[dict] | None = None
) -> str:
    """TOML text in the shipped codebook's shape (data/pillars.toml).

    `settings` is the [classification] table; `patterns` a list of {pattern, weights, note}."""
    data: dict = {"classification": {k: v for k, v in settings.items() if v is not None}, "pillars": []}
    for row in pillars.to_dict("records"):
        entry = {c: str(row[c]) for c in PILLAR_COLUMNS if isinstance(row.get(c), str) and row[c]}
        own = terms[terms[schema.PILLAR] == row["id"]]
        entry["terms"] = {
            lang: {t.strip(): float(w) for t, w in zip(part[schema.TERM], part["weight"])}
            for lang, part in own.groupby("language", sort=True)
        }
        data["pillars"].append(entry)
    if patterns:
        data["patterns"] = [{k: v for k, v in p.items() if v or k not in ("note", "note_zh")} for p in patterns]
    return tomli_w.dumps(data)


def format_codebook(codebook: Codebook) -> str:
    """TOML text of a codebook; parse_codebook(format_codebook(c)) == c."""
    pillars, terms = build_codebook_tables(codebook)
    patterns = [
        {"pattern": p.pattern, "weights": dict(p.weights), "note": p.note, "note_zh": p.note_zh}
        for p in codebook.patterns
    ]
    return format_codebook_tables(pillars, terms, classification_settings(codebook), patterns)
