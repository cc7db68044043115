"""Load-and-analyse benchmark: a ~1 MB Chinese document (news transcripts), file to network.

Builds the document from the xwlb-news corpus (read in place, never copied into the repository),
writes it once as UTF-8 and once as GB18030 to a temporary folder, and prints the median time of
each step. Usage: python bench/load_document.py [--corpus DIR] [--megabytes M] [--runs N]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/load_document.py` from anywhere

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "xwlb-news"


def build_text(corpus: Path, megabytes: float) -> tuple[str, int]:
    """Whole transcripts, newest first, until the UTF-8 text reaches `megabytes` (10^6 bytes)."""
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    files = sorted(corpus.glob("*.md"), reverse=True)  # the newest days use today's policy terms
    for path in files:
        text = path.read_text(encoding="utf-8").strip() + "\n\n"
        parts.append(text)
        size += len(text.encode("utf-8"))
        if size >= target:
            break
    return "".join(parts), len(parts)


def time_runs(runs: int, step: Callable[[], object]) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        default=DEFAULT_CORPUS,
        help=f"folder of xwlb-news *.md transcripts (default: {DEFAULT_CORPUS})",
    )
    parser.add_argument("--megabytes", type=float, default=1.0, help="size of the document in UTF-8 (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="runs per step; the median is reported (default 3)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.md")):
        print(
            f"Corpus not found: {args.corpus} holds no *.md files. Pass the xwlb-news folder with --corpus DIR.",
            file=sys.stderr,
        )
        return 2

    # imported after the argument checks, so that a wrong --corpus fails at once
    from policylens import paths
    from policylens.documents.loader import load_document
    from policylens.text.analysis import analyze_document, build_segmenter_config
    from policylens.text.keyness import build_term_statistics
    from policylens.text.kwic import build_token_spans
    from policylens.text.network import build_network
    from policylens.text.pillars import load_codebook
    from policylens.text.segment import Segmenter
    from policylens.ui.state import DEFAULTS, NETWORK_MEASURE, NETWORK_MIN_WEIGHT, NETWORK_TOP_N, NETWORK_UNIT

    text, n_files = build_text(args.corpus, args.megabytes)
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    rules_only = dataclasses.replace(codebook, model="")  # the classifier before issue 11, for a ratio
    config = build_segmenter_config(codebook)
    network_defaults = (
        DEFAULTS[NETWORK_TOP_N],
        DEFAULTS[NETWORK_UNIT],
        DEFAULTS[NETWORK_MEASURE],
        DEFAULTS[NETWORK_MIN_WEIGHT],
    )

    with tempfile.TemporaryDirectory(prefix="policylens-bench-") as folder:
        utf8_path, gb_path = Path(folder) / "xwlb_utf8.txt", Path(folder) / "xwlb_gb18030.txt"
        utf8_path.write_bytes(text.encode("utf-8"))
        gb_path.write_bytes(text.encode("gb18030"))
        document = load_document(utf8_path)
        assert load_document(gb_path).encoding == "gb18030", "the GB18030 file was not read as GB18030"

        def fresh_segmenter() -> Segmenter:
            segmenter = Segmenter(config)
            segmenter.jieba_tokenizer()
            segmenter.stopwords(document.language)
            return segmenter

        warm = fresh_segmenter()
        analysis = analyze_document(document, codebook, warm)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("load_document, UTF-8 .txt", lambda: load_document(utf8_path)),
            ("load_document, GB18030 .txt", lambda: load_document(gb_path)),
            ("segmenter build (jieba + user dict + codebook)", fresh_segmenter),
            ("analyze_document, cold segmenter", lambda: analyze_document(document, codebook, Segmenter(config))),
            ("analyze_document, warm segmenter", lambda: analyze_document(document, codebook, warm)),
            (
                "analyze_document, warm, codebook rules only (no model)",
                lambda: analyze_document(document, rules_only, warm),
            ),
            ("build_token_spans (KWIC), warm", lambda: build_token_spans(document, warm)),
            (
                "build_term_statistics",
                lambda: build_term_statistics(analysis.term_counts, analysis.assignment, codebook.ids),
            ),
            (
                "network, page defaults ({} terms, {}, {}, >= {})".format(*network_defaults),
                lambda: build_network(analysis.paragraph_terms, *network_defaults),
            ),
            (
                "network, 150 terms, window, jaccard, >= 0.2",
                lambda: build_network(analysis.paragraph_terms, 150, "window", "jaccard", 0.2),
            ),
        ]
        results = [(name, time_runs(args.runs, step)) for name, step in steps]

    tokens = sum(len(t) for t in analysis.paragraph_terms)
    print(
        f"Document: {len(text.encode('utf-8')) / 1e6:.2f} MB UTF-8, {len(text.encode('gb18030')) / 1e6:.2f} MB "
        f"GB18030; {n_files} transcripts from {args.corpus}"
    )
    print(
        f"          {document.characters:,} characters, {len(document.paragraphs):,} paragraphs, "
        f"{tokens:,} terms, {analysis.term_counts['term'].nunique():,} distinct; language {document.language}"
    )
    print(f"Runs per step: {args.runs} (median; min and max beside it)\n")
    width = max(len(name) for name, _ in results)
    print(f"{'step':<{width}}  {'median s':>9}  {'min s':>8}  {'max s':>8}")
    print(f"{'-' * width}  {'-' * 9}  {'-' * 8}  {'-' * 8}")
    for name, times in results:
        print(f"{name:<{width}}  {statistics.median(times):>9.3f}  {min(times):>8.3f}  {max(times):>8.3f}")
    medians = {name: statistics.median(times) for name, times in results}
    ratio = (
        medians["analyze_document, warm segmenter"] / medians["analyze_document, warm, codebook rules only (no model)"]
    )
    print(f"\nshipped classifier / codebook rules only, warm: {ratio:.2f}x (same process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
