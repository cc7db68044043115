"""Command line: `python -m policylens analyze PATH --format json [--top N]`.

PATH is a .txt, .md, .html, .docx or .pdf file; a file that cannot be read exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from policylens import paths
from policylens.analysis import analyze_default, build_analysis_report
from policylens.documents import SUPPORTED_EXTENSIONS, DocumentError, load_document
from policylens.pillars import CodebookError, load_codebook


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m policylens", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    analyze = commands.add_parser("analyze", help="classify a document's paragraphs and count its terms")
    analyze.add_argument("path", type=Path, help=f"one of {', '.join(SUPPORTED_EXTENSIONS)}")
    analyze.add_argument("--format", choices=["json"], default="json")
    analyze.add_argument("--top", type=int, default=100, help="number of terms to list (default 100)")
    analyze.add_argument("--codebook", type=Path, default=paths.PILLARS_CODEBOOK)
    commands.add_parser("install-font", help="copy the bundled CJK font into static/ for the browser")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "install-font":
        from policylens.fonts import install_static_font

        print(install_static_font())
        return 0
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged PDF gets our one message, not pypdf's warnings
    try:
        document = load_document(args.path)
        codebook = load_codebook(args.codebook)
    except (OSError, DocumentError, CodebookError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = build_analysis_report(analyze_default(document, codebook), codebook, top=args.top)
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
