"""Command line: `python -m policylens analyze PATH --format json [--top N]`,
`python -m policylens evaluate FILE.tsv [--codebook F] [--format text|json]`,
`python -m policylens indicators FILE --format json`, `python -m policylens report PATH --out F`,
`python -m policylens corpus ingest|trends|pillars|compare ...` and `python -m policylens install-font`.

analyze: PATH is a .txt, .md, .html, .docx or .pdf file. evaluate: FILE.tsv is a labelled set in the
format of the development set (columns id, text, primary, secondary; date and item_title group
paragraphs into documents); it prints exact and top-2 accuracy, recall on none, per-pillar precision
and recall, Cohen's kappa and the confusion matrix. indicators: FILE is an indicator table
(.csv or .xlsx, long or wide; data/indicators/UPLOAD.md), printed as validated long rows. corpus:
ingest a folder, .zip or table of documents into Parquet, then query it (policylens/corpus/cli.py). A file
that cannot be read or validated exits with status 2, its problems on stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from policylens import paths, schema
from policylens.corpus.cli import add_corpus_parser, run_corpus
from policylens.documents.loader import SUPPORTED_EXTENSIONS, DocumentError, load_document
from policylens.export.cli import add_report_parser, run_report
from policylens.indicators.upload import (
    SUPPORTED_UPLOAD_EXTENSIONS,
    IndicatorUploadError,
    check_upload_size,
    read_indicator_upload,
)
from policylens.text.analysis import analyzer_for, report_default
from policylens.text.evaluation import LabelledSetError, evaluate, format_figures, read_labelled_tsv
from policylens.text.pillars import CodebookError, load_codebook


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m policylens", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="classify a document's paragraphs and count its terms")
    analyze.add_argument("path", type=Path, help=f"one of {', '.join(SUPPORTED_EXTENSIONS)}")
    analyze.add_argument("--format", choices=["json"], default="json")
    analyze.add_argument("--top", type=int, default=100, help="number of terms to list (default 100)")
    analyze.add_argument("--codebook", type=Path, default=paths.PILLARS_CODEBOOK)
    evaluate = commands.add_parser("evaluate", help="score the pillar classifier against a labelled TSV")
    evaluate.add_argument("path", type=Path, help="a labelled TSV (id, text, primary, secondary, ...)")
    evaluate.add_argument("--codebook", type=Path, default=paths.PILLARS_CODEBOOK)
    evaluate.add_argument("--format", choices=["text", "json"], default="text")
    evaluate.add_argument("--errors", action="store_true", help="also list every paragraph the classifier got wrong")
    commands.add_parser(
        "install-font", help="copy the bundled CJK font, and its web slices, into static/ for the browser"
    )
    add_report_parser(commands)
    add_corpus_parser(commands)
    table = commands.add_parser("indicators", help="validate an indicator table and print its long rows")
    table.add_argument("path", type=Path, help=f"one of {', '.join(SUPPORTED_UPLOAD_EXTENSIONS)}")
    table.add_argument("--format", choices=["json"], default="json")
    return parser


def run_indicators(path: Path) -> int:
    """Print the validated rows as a JSON list of objects (schema.INDICATOR_COLUMNS); on failure print
    every problem, with its file rows, to stderr and return 2."""
    try:
        check_upload_size(path.stat().st_size)  # refuse before reading a huge file into memory
        table = read_indicator_upload(path.read_bytes(), path.name)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except IndicatorUploadError as exc:
        for problem in exc.problems:
            print(f"error: [{problem.code}] {problem.message}", file=sys.stderr)
        return 2
    rows = [
        {
            column: (int(value) if column == schema.YEAR else float(value) if column == schema.VALUE else value)
            for column, value in row.items()
        }
        for row in table.to_dict("records")
    ]
    json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    """Print the agreement figures of the classifier with a labelled set (text or JSON)."""
    try:
        codebook = load_codebook(args.codebook)
        rows = read_labelled_tsv(args.path.read_text(encoding="utf-8"), codebook.ids)
    except (OSError, UnicodeDecodeError, CodebookError, LabelledSetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        figures, predictions = evaluate(rows, analyzer_for(codebook), codebook.ids)
    except DocumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not figures["n"]:
        print("error: the labelled set has no scored rows (every row is skip).", file=sys.stderr)
        return 2
    errors = [
        {"id": p.id, "gold": p.gold, "predicted": p.primary, "secondary": p.secondary}
        for p in predictions
        if p.gold != p.primary
    ]
    if args.format == "json":
        json.dump({**figures, **({"errors": errors} if args.errors else {})}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_figures(figures))
        if args.errors:
            print("\nerrors (id, gold, predicted, secondary)")
            for e in errors:
                print(f"{e['id']}\t{e['gold']}\t{e['predicted']}\t{e['secondary'] or ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "install-font":
        from policylens.fonts.bundled import install_static_font
        from policylens.fonts.web import build_web_font_slices, ensure_font_css

        print(install_static_font())
        print(build_web_font_slices())  # about a minute the first time, then a hash check
        print(ensure_font_css())  # the stylesheet the shell links
        return 0
    if args.command == "report":
        return run_report(args)
    if args.command == "corpus":
        return run_corpus(args)
    if args.command == "indicators":
        return run_indicators(args.path)
    if args.command == "evaluate":
        return run_evaluate(args)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF gets our one message, not pypdf's warnings
    try:
        document = load_document(args.path)
        codebook = load_codebook(args.codebook)
    except (OSError, DocumentError, CodebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = report_default(document, codebook, top=args.top)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
