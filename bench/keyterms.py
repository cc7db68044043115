"""Key terms against an analyst's hand lists: overlap@10 of the raw-count ranking and of the key-term
ranking (per reference and option), and the time key-term extraction takes.

Reads the labelled TSV (../shared/eval/pillar_dev.tsv format) in place and never copies its texts:
an item is its paragraphs (same date and item_title) in order, loaded as pasted text. The hand
lists are bench/keyterms_expected.toml. Usage:
    python bench/keyterms.py DEV.tsv [--expected F] [--corpus DIR] [--megabytes M] [--runs N] [--show]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
import tomllib
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_EXPECTED = ROOT / "bench" / "keyterms_expected.toml"


def read_items(path: Path) -> dict[tuple[str, str], list[str]]:
    """(date, item_title) -> the item's paragraph texts in paragraph order."""
    items: dict[tuple[str, str], list[tuple[int, str]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            items.setdefault((row["date"], row["item_title"]), []).append((int(row["para_no"]), row["text"]))
    return {key: [text for _, text in sorted(rows)] for key, rows in items.items()}


def overlap(predicted: list[str], expected: list[str], k: int = 10) -> int:
    return len(set(predicted[:k]) & set(expected[:k]))


def median_time(runs: int, step) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev", type=Path, help="labelled TSV (pillar_dev.tsv format)")
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED)
    parser.add_argument("--corpus", type=Path, default=None, help="xwlb-news folder for the 1 MB timing")
    parser.add_argument("--megabytes", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show", action="store_true", help="print each item's top ten, before and after")
    args = parser.parse_args()

    from load_document import DEFAULT_CORPUS, build_text

    from policylens import paths
    from policylens.documents.loader import load_document, load_pasted_text
    from policylens.text.analysis import analyze_document, build_segmenter_config
    from policylens.text.keyterms import (
        JIEBA_DICT,
        JIEBA_IDF,
        WORDFREQ,
        KeyTermOptions,
        count_figures,
        count_key_terms,
        load_filler,
        load_reference,
        rank_key_terms,
    )
    from policylens.text.pillars import load_codebook
    from policylens.text.segment import Segmenter
    from policylens.text.terms import summarise_terms

    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    segmenter = Segmenter(build_segmenter_config(codebook))
    items = read_items(args.dev)
    expected = tomllib.loads(args.expected.read_text(encoding="utf-8"))["item"]
    base = KeyTermOptions()
    variants = {
        "wordfreq (default)": base,
        "jieba dict.txt": replace(base, reference=JIEBA_DICT),
        "jieba IDF": replace(base, reference=JIEBA_IDF),
        "wordfreq, no discovery": replace(base, discover=False),
        "wordfreq, no filler list": replace(base, demote_filler=False),
    }
    for name in (WORDFREQ, JIEBA_DICT, JIEBA_IDF):
        load_reference(name, "zh")
    load_filler("zh")

    before, after = [], {name: [] for name in variants}
    print(f"{'item':<44} {'before':>6} {'after':>6}")
    for entry in expected:
        key = (entry["date"], entry["title"])
        if key not in items:
            print(f"missing item: {key}", file=sys.stderr)
            return 2
        document = load_pasted_text("\n".join(items[key]), f"{entry['date']}.txt")
        analysis = analyze_document(document, codebook, segmenter)
        raw = summarise_terms(analysis.term_counts)["term"].head(10).to_list()
        before.append(overlap(raw, entry["terms"]))
        for name, options in variants.items():
            ranked = rank_key_terms(count_key_terms(analysis, segmenter, options), options=options)
            top = ranked["term"].head(10).to_list()
            after[name].append(overlap(top, entry["terms"]))
            if name == "wordfreq (default)":
                shown = top
        print(f"{entry['date'] + ' ' + entry['title'][:30]:<44} {before[-1]:>6} {after['wordfreq (default)'][-1]:>6}")
        if args.show:
            print("    before:", " ".join(raw))
            print("    after: ", " ".join(shown))
            figures = count_figures(document.paragraphs, document.language)["figure"].head(8).to_list()
            print("    figures:", " ".join(figures))
    print(f"\nmean overlap@10: before (raw count) {statistics.mean(before):.1f}")
    for name, scores in after.items():
        print(f"                 after, {name:<26} {statistics.mean(scores):.1f}   per item {scores}")

    # timings: key terms on the seed and on the ~1 MB benchmark document, next to the analysis
    corpus = args.corpus or DEFAULT_CORPUS
    documents = [("seed", load_document(paths.SEED_DOCUMENT))]
    if corpus.is_dir():
        text, _ = build_text(corpus, args.megabytes)
        documents.append((f"{args.megabytes:g} MB xwlb", load_pasted_text(text, "bench.txt")))
    print(f"\n{'document':<14} {'analysis s':>10} {'count_key_terms s':>18} {'rank s':>8} {'figures s':>10}")
    for name, document in documents:
        analysis = analyze_document(document, codebook, segmenter)
        counts = count_key_terms(analysis, segmenter)
        t_analysis = median_time(args.runs, lambda d=document: analyze_document(d, codebook, segmenter))
        t_count = median_time(args.runs, lambda a=analysis: count_key_terms(a, segmenter))
        t_rank = median_time(args.runs, lambda c=counts: rank_key_terms(c))
        t_fig = median_time(args.runs, lambda d=document: count_figures(d.paragraphs, d.language))
        print(f"{name:<14} {t_analysis:>10.3f} {t_count:>18.3f} {t_rank:>8.3f} {t_fig:>10.3f}")
        if name != "seed" and args.show:
            print("    top 20:", " ".join(rank_key_terms(counts)["term"].head(20)))
            print("    compounds found:", len(counts.compounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
