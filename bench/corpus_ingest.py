"""Corpus ingest on a folder of day files (the 新闻联播 transcripts): the parallel ingest with
--split-items, a re-ingest (cache hit), opening the cache and a term-trend query, and in the same
run a serial loop of today's path (load_document_bytes + analyze_document, one Segmenter) over the
same items, as a ratio. Nothing is copied: the chosen days are symlinked into a temporary folder.

    .venv/bin/python bench/corpus_ingest.py ../shared/corpus/xwlb-news --days 100 --workers 2
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policylens.corpus.ingest import IngestOptions, ingest_corpus  # noqa: E402
from policylens.corpus.pipeline import IngestSettings  # noqa: E402
from policylens.corpus.queries import Corpus, count_term_trends  # noqa: E402
from policylens.corpus.sources import read_source  # noqa: E402
from policylens.documents.errors import DocumentError  # noqa: E402
from policylens.documents.loader import load_document_bytes  # noqa: E402
from policylens.text.analysis import analyze_document, build_segmenter_config  # noqa: E402
from policylens.text.pillars import parse_codebook  # noqa: E402
from policylens.text.segment import Segmenter  # noqa: E402


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KB); the pool's workers are the
    forkserver's children, not ours, so RUSAGE_CHILDREN would not see them."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    args = parser.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.suffix in (".md", ".txt"))[: args.days]
    settings = IngestSettings.from_codebook_file()
    with tempfile.TemporaryDirectory() as tmp:
        source, out = Path(tmp) / "days", Path(tmp) / "cache"
        source.mkdir()
        for path in files:
            (source / path.name).symlink_to(path.resolve())
        options = IngestOptions(settings, split_items=True, workers=args.workers)
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
        own = peak_rss_mb()
        serial_s, serial_tokens = serial_baseline(source, settings)
    print(f"files {len(files)}  documents {result.documents}  characters {result.characters:,}  tokens {tokens:,}")
    print(f"ingest {ingest_s:.2f} s  {result.characters / ingest_s:,.0f} characters/s  bad {len(result.bad)}")
    print(f"peak RSS  parent {own:.0f} MB (workers not measured)")
    print(f"re-ingest (cache hit) {reingest_s:.2f} s  (analysed {again.analysed}, reused {again.reused})")
    print(
        f"open cache {open_s * 1000:.0f} ms  first trend query {first_query_s * 1000:.0f} ms  "
        f"next {query_s * 1000:.0f} ms"
    )
    print(
        f"trend rows {len(trend)}  months with {args.term}: {int((trend[trend.term == args.term]['count'] > 0).sum())}"
    )
    print(
        f"serial loop of today's path {serial_s:.2f} s  tokens {serial_tokens:,} (identical: {serial_tokens == tokens})"
    )
    print(f"ratio serial / ingest {serial_s / ingest_s:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
