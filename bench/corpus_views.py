"""The corpus views on an ingested corpus: reopening it to its first chart, and what a filter change
or a term-trend query costs the server with the corpus open, each query uncached (the dashboard
caches them per filter, so these are the cost of the first time a filter is seen).

    .venv/bin/python -m policylens corpus ingest ../shared/corpus/xwlb-news --out /tmp/xwlb-cache --split-items
    .venv/bin/python bench/corpus_views.py /tmp/xwlb-cache [--repeat 5]

Targets (issue 12): first corpus chart after reopening at most 2 s; a filter change or a term
trend at most 150 ms server-side. Also times the Corpus and Trends pages in Streamlit's AppTest
(a whole script run of the page, shell included), cold and warm.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policylens import paths  # noqa: E402
from policylens.corpus.queries import (  # noqa: E402
    count_documents,
    count_pillar_shares,
    count_pillar_shares_by,
    count_term_trends,
    first_appearances,
    list_documents,
    summarize_corpus,
    top_terms,
)
from policylens.corpus.store import Corpus, parse_filter, period_range  # noqa: E402
from policylens.figures.corpus import build_documents_figure, build_pillar_trend_figure  # noqa: E402
from policylens.text.pillars import load_codebook  # noqa: E402


def timed(function, repeat: int) -> tuple[float, object]:
    """Median milliseconds of `repeat` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def measure_filter(corpus, where, terms, periods, codebook, repeat: int) -> tuple[list[float], object]:
    """Milliseconds of each query a filter change runs (summary, pillar shares, the same with its
    figure, shares by place, term trend, first appearances), and the first appearances."""
    times = [
        timed(lambda: summarize_corpus(corpus, where), repeat)[0],
        timed(lambda: count_pillar_shares(corpus, "quarter", where), repeat)[0],
        timed(
            lambda: build_pillar_trend_figure(
                count_pillar_shares(corpus, "quarter", where), periods, "quarter", codebook, "en", "s"
            ),
            repeat,
        )[0],
        timed(lambda: count_pillar_shares_by(corpus, "place", where), repeat)[0],
        timed(lambda: count_term_trends(corpus, terms, "quarter", where), repeat)[0],
    ]
    first_ms, firsts = timed(lambda: first_appearances(corpus, terms, where), repeat)
    return [*times, first_ms], firsts


def first_chart(folder: Path) -> float:
    """Seconds from opening the cache to the Corpus page's first figure (summary, counts, figure)."""
    start = time.perf_counter()
    corpus = Corpus(folder)
    summary = summarize_corpus(corpus)
    counts = count_documents(corpus, "year")
    build_documents_figure(counts, period_range(summary["first"], summary["last"], "year"), "year", "en", "s")
    seconds = time.perf_counter() - start
    corpus.close()
    return seconds


def app_page_seconds(folder: Path, page: str) -> tuple[float, float]:
    """(cold, warm) seconds of one AppTest run of `page` with the corpus offered by the server."""
    from streamlit.testing.v1 import AppTest

    os.environ["POLICYLENS_CORPORA"] = str(folder)
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=600)
    at.run()
    start = time.perf_counter()
    at.switch_page(page).run()
    cold = time.perf_counter() - start
    start = time.perf_counter()
    at.run()
    warm = time.perf_counter() - start
    if at.exception:
        raise SystemExit(f"{page}: {at.exception}")
    return cold, warm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache", type=Path, help="a cache folder written by `corpus ingest`")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--term", action="append", help="trend terms (default 新质生产力, 科技创新)")
    parser.add_argument("--no-app", action="store_true", help="skip the AppTest page timings")
    args = parser.parse_args()
    terms = args.term or ["新质生产力", "科技创新"]
    codebook = load_codebook(paths.PILLARS_CODEBOOK)

    print(f"reopen to first chart: {first_chart(args.cache):.2f} s (target <= 2 s)")
    corpus = Corpus(args.cache)
    summary = summarize_corpus(corpus)
    print(
        f"corpus: {summary['documents']:,} documents, {summary['characters']:,} characters, "
        f"{summary['paragraphs']:,} paragraphs, {summary['tokens']:,} tokens, {summary['first']} to {summary['last']}"
    )
    filters = {
        "everything": "",
        "a year": "date=2024",
        "a date range": "date=2021-03..2023-06",
        "a pillar": "pillar=new",
        "range and pillars": "date=2022..2025,pillar=new|fusion",
    }
    periods = period_range(summary["first"], summary["last"], "quarter")
    print(f"\n{'filter':<20}{'summary':>9}{'shares':>9}{'shares+fig':>12}{'by place':>10}{'trend':>9}{'first':>8}")
    worst = 0.0
    for label, text in filters.items():
        times, firsts = measure_filter(corpus, parse_filter(text), terms, periods, codebook, args.repeat)
        worst = max(worst, *times[:1], *times[2:])
        print(f"{label:<20}" + "".join(f"{ms:>{w}.0f}ms" for ms, w in zip(times, (7, 7, 10, 8, 7, 6))))
    print(f"slowest single query or figure: {worst:.0f} ms (target <= 150 ms)")
    for row in firsts.to_dict("records"):
        print(f"first appearance: {row['term']} {row['date']} ({row['title']})")
    l_ms, table = timed(lambda: list_documents(corpus, parse_filter("date=2024")), args.repeat)
    k_ms, _ = timed(lambda: top_terms(corpus, 40, parse_filter("date=2024")), args.repeat)
    print(f"document table of a year ({len(table):,} rows): {l_ms:.0f} ms; top terms of a year: {k_ms:.0f} ms")
    corpus.close()
    if not args.no_app:
        for page in ("pages/corpus.py", "pages/corpus_trends.py"):
            cold, warm = app_page_seconds(args.cache, page)
            print(f"AppTest {page}: first run {cold:.2f} s, rerun with caches {warm:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
