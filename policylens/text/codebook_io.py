"""The pillar codebook as editable tables and as TOML text, for the codebook editor."""

from __future__ import annotations

import re

import pandas as pd
import tomli_w

from policylens import schema
from policylens.text.pillars import Codebook, CodebookError, parse_codebook

PILLAR_COLUMNS = ("id", "label_en", "label_zh", "color", "description_en", "description_zh")
TERM_COLUMNS = (schema.PILLAR, "language", schema.TERM, "weight")
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


def build_codebook_from_tables(
    pillars: pd.DataFrame, terms: pd.DataFrame, min_score: float, min_margin: float
) -> Codebook:
    """Validate edited tables and build a Codebook; CodebookError names the offending rows."""
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
        if pd.isna(weight) or weight <= 0:
            problems.append(f"term row {number}: the weight must be a positive number")
    if problems:
        raise CodebookError("; ".join(problems[:12]) + (" ..." if len(problems) > 12 else ""))
    return parse_codebook(format_codebook_tables(pillars, terms, min_score, min_margin))


def format_codebook_tables(pillars: pd.DataFrame, terms: pd.DataFrame, min_score: float, min_margin: float) -> str:
    """TOML text in the shipped codebook's shape (data/pillars.toml)."""
    data: dict = {"classification": {"min_score": float(min_score), "min_margin": float(min_margin)}, "pillars": []}
    for row in pillars.to_dict("records"):
        entry = {c: str(row[c]) for c in PILLAR_COLUMNS if isinstance(row.get(c), str) and row[c]}
        own = terms[terms[schema.PILLAR] == row["id"]]
        entry["terms"] = {
            lang: {t.strip(): float(w) for t, w in zip(part[schema.TERM], part["weight"])}
            for lang, part in own.groupby("language", sort=True)
        }
        data["pillars"].append(entry)
    return tomli_w.dumps(data)


def format_codebook(codebook: Codebook) -> str:
    """TOML text of a codebook; parse_codebook(format_codebook(c)) == c."""
    pillars, terms = build_codebook_tables(codebook)
    return format_codebook_tables(pillars, terms, codebook.min_score, codebook.min_margin)
