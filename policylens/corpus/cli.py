"""The `corpus` commands: `ingest` (progress on stderr, a JSON summary on stdout), `trends`,
`pillars` and `compare` (JSON on stdout). A bad source, cache or filter is one line on stderr
and exit status 2.

`ingest --progress-file F` also keeps F a small JSON of the progress (done, total, elapsed, eta),
and SIGTERM (or a first Ctrl-C) cancels the ingest the way the Cancel button does: the batches
finished so far are written and the summary says cancelled. The dashboard runs its ingests through this command, in
a process of their own, so the server never forks a pool from inside a script run.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

from policylens import paths
from policylens.corpus.ingest import ENGINES, IngestError, IngestOptions, Progress, ingest_corpus
from policylens.corpus.pipeline import IngestSettings
from policylens.corpus.queries import compare_texts, count_pillar_shares, count_term_trends
from policylens.corpus.sources import SPLIT_DEFAULT, SPLIT_RULES, SourceError
from policylens.corpus.store import PERIODS, REST, Corpus, CorpusQueryError, parse_filter, split_terms
from policylens.text.pillars import CodebookError, parse_codebook


def add_corpus_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `corpus ingest|trends|pillars|compare` to `subparsers` (from ArgumentParser.add_subparsers)."""
    corpus = subparsers.add_parser("corpus", help="ingest many documents into Parquet and query them")
    commands = corpus.add_subparsers(dest="corpus_command", required=True)
    ingest = commands.add_parser("ingest", help="analyse a folder, .zip or CSV/XLSX into a cache folder")
    ingest.add_argument("source", type=Path, help="a folder or .zip of documents, or a table with a text column")
    ingest.add_argument("--out", type=Path, required=True, help="the cache folder (Parquet tables + manifest)")
    ingest.add_argument(
        "--split-items",
        nargs="?",
        const=SPLIT_DEFAULT,
        choices=tuple(SPLIT_RULES),
        help="cut .txt/.md files into documents: at ## headings (h2, the default), # headings (h1), any "
        "heading, or --- lines (rule)",
    )
    ingest.add_argument("--metadata", type=Path, help="a sidecar CSV (default: metadata.csv in the folder)")
    ingest.add_argument("--workers", type=int, help="processes (local) or LocalCluster workers (default: cores)")
    ingest.add_argument("--engine", choices=ENGINES, default="local")
    ingest.add_argument("--scheduler", help="a Dask scheduler address (with --engine dask; default: a LocalCluster)")
    ingest.add_argument("--codebook", type=Path, default=paths.PILLARS_CODEBOOK)
    ingest.add_argument("--progress-file", type=Path, help="keep this file a JSON of the progress")
    for name, help_text in (("trends", "a term's count and per 10,000 tokens by period"), ("pillars", "pillar shares")):
        query = commands.add_parser(name, help=f"{help_text} (JSON)")
        query.add_argument("cache", type=Path)
        if name == "trends":
            query.add_argument("--term", action="append", required=True, help="repeat for several terms")
        query.add_argument("--by", choices=tuple(PERIODS), default="year")
        query.add_argument("--where", default="", help="a filter such as place=南京,date=2020..2023")
        query.add_argument("--format", choices=["json"], default="json")
    compare = commands.add_parser("compare", help="keyness of terms between two filtered sub-corpora (JSON)")
    compare.add_argument("cache", type=Path)
    compare.add_argument("--a", required=True, help="a filter such as place=南京 or date=2023")
    compare.add_argument("--b", required=True, help=f"a filter, or '{REST}' for every document A does not match")
    compare.add_argument("--top", type=int, default=30, help="key terms per side (default 30)")
    compare.add_argument("--format", choices=["json"], default="json")
    return corpus


class ProgressPrinter:
    """Progress lines on stderr: `ingest 120/1500 (8%) 12.3 s, ETA 2:14`, at most twice a second."""

    def __init__(self, stream=None, file: Path | None = None) -> None:
        self.stream, self.last, self.file = stream, 0.0, file

    def __call__(self, p: Progress) -> None:
        stream = self.stream or sys.stderr
        if self.file is not None:  # every batch: the dashboard polls it
            tmp = self.file.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(p)), encoding="utf-8")
            os.replace(tmp, self.file)
        now = time.monotonic()
        if now - self.last < 0.5 and p.done < p.total:
            return
        self.last = now
        eta = "" if p.eta is None else f", ETA {int(p.eta // 60)}:{math.ceil(p.eta % 60):02d}"
        end = "\r" if stream.isatty() and p.done < p.total else "\n"
        stream.write(f"ingest {p.done}/{p.total} ({100 * p.done // max(p.total, 1)}%) {p.elapsed:.1f} s{eta}{end}")
        stream.flush()


def _dump(value) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _records(table) -> list[dict]:
    return [{k: (round(v, 6) if isinstance(v, float) else v) for k, v in r.items()} for r in table.to_dict("records")]


def _run_ingest(args: argparse.Namespace) -> int:
    if args.workers is not None and args.workers < 1:
        raise IngestError("--workers must be at least 1.")
    if args.scheduler and args.engine != "dask":
        raise IngestError("--scheduler needs --engine dask.")
    options = IngestOptions(
        settings=IngestSettings.from_codebook_file(args.codebook),
        split_items=args.split_items or False,
        sidecar=args.metadata,
        workers=args.workers,
        engine=args.engine,
        scheduler=args.scheduler,
    )
    cancel = threading.Event()

    def stop(signum, frame) -> None:  # the first Ctrl-C cancels as SIGTERM does; a second one aborts
        if signum == signal.SIGINT and cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        printer = ProgressPrinter(file=args.progress_file)
        result = ingest_corpus(args.source, args.out, options, progress=printer, cancel=cancel.is_set)
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    for bad in result.bad:
        print(f"skipped: {bad.name}: {bad.reason}", file=sys.stderr)
    _dump(result.summary())
    return 0


def corpus_segmenter(corpus: Corpus):
    """A segmenter with the corpus's own dictionary (its codebook's terms), for typed terms."""
    from policylens.text.analysis import build_segmenter_config
    from policylens.text.fastseg import load_fast_segmenter

    return load_fast_segmenter(build_segmenter_config(parse_codebook(corpus.codebook_text)))


def _run_query(args: argparse.Namespace) -> int:
    with Corpus(args.cache) as corpus:
        if args.corpus_command == "trends":
            phrases = split_terms(args.term, corpus_segmenter(corpus).tokenize)
            _dump(_records(count_term_trends(corpus, args.term, args.by, parse_filter(args.where), phrases)))
        elif args.corpus_command == "pillars":
            _dump(_records(count_pillar_shares(corpus, args.by, parse_filter(args.where))))
        else:
            report = compare_texts(corpus, args.a, args.b, top=args.top)
            _dump({**report, "terms": _records(report["terms"])})
    return 0


def run_corpus(args: argparse.Namespace) -> int:
    """Run one `corpus` command; its own errors become a message on stderr and status 2."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        return _run_ingest(args) if args.corpus_command == "ingest" else _run_query(args)
    except (OSError, SourceError, IngestError, CorpusQueryError, CodebookError, UnicodeDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
