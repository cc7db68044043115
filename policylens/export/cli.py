"""The `report` command: `python -m policylens report PATH [--indicators CSV ...] --out report.html
[--lang en|zh] [--pillar ID ...]`; __main__ wires it in with add_report_parser and run_report.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

from policylens import paths
from policylens.documents.loader import SUPPORTED_EXTENSIONS, DocumentError, load_document
from policylens.indicators import table as indicators
from policylens.text.analysis import analyze_document, build_segmenter_config
from policylens.text.pillars import CodebookError, load_codebook
from policylens.text.segment import Segmenter

LANGS = ("en", "zh")


def add_report_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `report` subcommand to `subparsers` (from ArgumentParser.add_subparsers)."""
    report = subparsers.add_parser(
        "report",
        help="write a self-contained offline HTML report of a document",
        description="Write one HTML file (works offline) with the document summary, pillar overview, "
        "word clouds, key terms, keyword in context and indicator charts with sources.",
    )
    report.add_argument("path", type=Path, help=f"one of {', '.join(SUPPORTED_EXTENSIONS)}")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument(
        "--indicators",
        type=Path,
        nargs="+",
        action="extend",
        default=[],
        metavar="CSV",
        help="extra indicator CSVs in the bundled long format, added to the bundled table",
    )
    report.add_argument("--lang", choices=LANGS, default="en", help="report language (default en)")
    report.add_argument(
        "--pillar",
        action="append",
        default=[],
        metavar="ID",
        help="keep only these pillars (repeat the option; default: all)",
    )
    report.add_argument("--codebook", type=Path, default=paths.PILLARS_CODEBOOK)
    return report


def _fail(message: object) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def run_report(args: argparse.Namespace) -> int:
    """Build the report and write it to args.out; 0 on success, 2 (message on stderr) on bad input."""
    from policylens.export.report import build_report_html  # plotly.js and fontTools load only for this command

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # one message for a damaged PDF, not pypdf's warnings
    try:
        document = load_document(args.path)
        codebook = load_codebook(args.codebook)
        tables = [indicators.load_indicators(path) for path in (paths.INDICATORS_TABLE, *args.indicators)]
    except (
        OSError,
        UnicodeDecodeError,
        pd.errors.ParserError,
        DocumentError,
        CodebookError,
        indicators.IndicatorError,
    ) as exc:
        return _fail(exc)
    unknown = [p for p in args.pillar if p not in codebook.ids]
    if unknown:
        return _fail(f"unknown pillar {', '.join(unknown)}; the codebook has {', '.join(codebook.ids)}")
    segmenter = Segmenter(build_segmenter_config(codebook))
    analysis = analyze_document(document, codebook, segmenter)
    table = pd.concat(tables, ignore_index=True)
    pillars = tuple(dict.fromkeys(args.pillar))
    try:
        html = build_report_html(analysis, codebook, segmenter, table, pillars, args.lang)
    except indicators.IndicatorError as exc:  # e.g. an extra table mixing units of one indicator
        return _fail(exc)
    try:
        args.out.write_text(html, encoding="utf-8")
    except OSError as exc:
        return _fail(exc)
    print(f"{args.out} ({len(html.encode('utf-8')):,} bytes)")
    return 0
