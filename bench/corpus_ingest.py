"""Corpus ingest on a folder of day files (the 新闻联播 transcripts): the parallel ingest with
--split-items, a re-ingest (cache hit), opening the cache and a term-trend query, and in the same
run a serial loop of today's path (load_document_bytes + analyze_document, one Segmenter) over the
same items, as a ratio. Peak memory is sampled over the parent and every process it starts (the
forkserver and the pool's workers, or Dask's nannies and workers). With --engine-compare the same
ingest runs on Dask's LocalCluster into a second cache folder, timed against the local pool, and
the two caches' tables are compared. Nothing is copied: the chosen days are symlinked into a
temporary folder.

    .venv/bin/python bench/corpus_ingest.py ../shared/corpus/xwlb-news --days 100 --workers 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policylens.corpus.ingest import IngestOptions, ingest_corpus  # noqa: E402
from policylens.corpus.pipeline import IngestSettings  # noqa: E402
from policylens.corpus.queries import count_term_trends  # noqa: E402
from policylens.corpus.sources import read_source  # noqa: E402
from policylens.corpus.store import Corpus  # noqa: E402
from policylens.documents.errors import DocumentError  # noqa: E402
from policylens.documents.loader import load_document_bytes  # noqa: E402
from policylens.text.analysis import analyze_document, build_segmenter_config  # noqa: E402
from policylens.text.pillars import parse_codebook  # noqa: E402
from policylens.text.segment import Segmenter  # noqa: E402


class MemorySampler:
    """Peak resident memory of this process and of all its descendants, sampled every `interval`
    seconds on a thread. The total adds each process's RSS, so pages a forked worker shares with the
    forkserver count twice: an upper bound."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.parent_mb = self.children_mb = self.worker_mb = self.total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = psutil.Process(os.getpid())
        while True:
            self.sample(me)
            if self._stop.wait(self.interval):
                return

    def sample(self, me: psutil.Process) -> None:
        rss = {}
        for process in [me, *me.children(recursive=True)]:
            try:
                rss[process.pid] = process.memory_info().rss / 2**20
            except psutil.Error:  # a worker that just ended
                continue
        parent = rss.pop(me.pid, 0.0)
        self.parent_mb = max(self.parent_mb, parent)
        self.children_mb = max(self.children_mb, sum(rss.values()))
        self.worker_mb = max(self.worker_mb, max(rss.values(), default=0.0))
        self.total_mb = max(self.total_mb, parent + sum(rss.values()))

    def line(self) -> str:
        return (
            f"peak RSS  parent {self.parent_mb:.0f} MB  largest child {self.worker_mb:.0f} MB  "
            f"children {self.children_mb:.0f} MB  total {self.total_mb:.0f} MB (sampled, shared pages counted twice)"
        )


def read_tables(out: Path) -> dict:
    """The three tables of a cache, sorted by their keys, for comparing two ingests."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from policylens.corpus.ingest import read_manifest
    from policylens.corpus.parts import table_files

    keys = {
        "documents": ["doc_id"],
        "paragraphs": ["doc_id", "paragraph"],
        "tokens": ["doc_id", "paragraph", "position"],
    }
    return {
        name: pa.concat_tables([pq.read_table(p) for p in table_files(out, read_manifest(out), name)]).sort_by(
            [(k, "ascending") for k in key]
        )
        for name, key in keys.items()
    }


def serial_baseline(source: Path, settings: IngestSettings) -> tuple[float, int]:
    """Seconds and tokens of today's path, item after item in this process."""
    start = time.perf_counter()
    codebook = parse_codebook(settings.codebook_text)
    segmenter = Segmenter(build_segmenter_config(codebook))
    items, _ = read_source(source, split=True)
    tokens = 0
    for item in items:
        try:
            document = load_document_bytes(item.data, item.filename)
        except DocumentError:
            continue
        tokens += sum(len(terms) for terms in analyze_document(document, codebook, segmenter).paragraph_terms)
    return time.perf_counter() - start, tokens


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a folder of day files with `## ` items")
    parser.add_argument("--days", type=int, help="the first N files (default all)")
    parser.add_argument("--workers", type=int, help="processes (default: every core)")
    parser.add_argument("--term", default="新质生产力")
    parser.add_argument("--engine-compare", action="store_true", help="also ingest on Dask's LocalCluster")
    parser.add_argument("--no-serial", action="store_true", help="skip the serial loop (for the whole corpus)")
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".md", ".txt"))[: args.days]
    settings = IngestSettings.from_codebook_file()
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "days", Path(tmp) / "cache"
        source.mkdir()
        for path in files:
            (source / path.name).symlink_to(path.resolve())
        options = IngestOptions(settings, split_items=True, workers=args.workers)
        with MemorySampler() as memory:
            start = time.perf_counter()
            result = ingest_corpus(source, out, options)
            ingest_s = time.perf_counter() - start
        start = time.perf_counter()
        again = ingest_corpus(source, out, options)
        reingest_s = time.perf_counter() - start
        start = time.perf_counter()
        corpus = Corpus(out)
        open_s = time.perf_counter() - start
        start = time.perf_counter()
        trend = count_term_trends(corpus, [args.term, "发展"], by="month")
        first_query_s = time.perf_counter() - start
        start = time.perf_counter()
        count_term_trends(corpus, [args.term], by="year")
        query_s = time.perf_counter() - start
        tokens = int(corpus.query("SELECT count(*) AS n FROM tokens")["n"].iloc[0])
        corpus.close()
        if args.engine_compare:
            dask_out = Path(tmp) / "cache-dask"
            with MemorySampler() as dask_memory:
                start = time.perf_counter()
                ingest_corpus(
                    source, dask_out, IngestOptions(settings, split_items=True, workers=args.workers, engine="dask")
                )
                dask_s = time.perf_counter() - start
            same = read_tables(out) == read_tables(dask_out)
        serial_s, serial_tokens = (None, None) if args.no_serial else serial_baseline(source, settings)
    print(f"files {len(files)}  documents {result.documents}  characters {result.characters:,}  tokens {tokens:,}")
    print(f"ingest {ingest_s:.2f} s  {result.characters / ingest_s:,.0f} characters/s  bad {len(result.bad)}")
    print(memory.line())
    print(f"re-ingest (cache hit) {reingest_s:.2f} s  (analysed {again.analysed}, reused {again.reused})")
    print(
        f"open cache {open_s * 1000:.0f} ms  first trend query {first_query_s * 1000:.0f} ms  "
        f"next {query_s * 1000:.0f} ms"
    )
    print(
        f"trend rows {len(trend)}  months with {args.term}: {int((trend[trend.term == args.term]['count'] > 0).sum())}"
    )
    if serial_s is not None:
        identical = serial_tokens == tokens
        print(f"serial loop of today's path {serial_s:.2f} s  tokens {serial_tokens:,} (identical: {identical})")
        print(f"ratio serial / ingest {serial_s / ingest_s:.2f}x")
    if args.engine_compare:
        overhead = dask_s / ingest_s
        print(f"dask LocalCluster ingest {dask_s:.2f} s  overhead dask / local {overhead:.2f}x  tables equal: {same}")
        print(f"dask {dask_memory.line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
