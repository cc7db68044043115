"""Chinese segmentation speed: today's jieba path (`Segmenter.cut_zh`) against the rjieba backend.

Reads the transcripts of CORPUS_DIR (*.md, read in place, never copied) as paragraphs (non-empty
lines), cuts every paragraph serially with both in the same run and prints characters/s, the ratio
and the paragraphs whose token sequences differ. Usage:
    python bench/segment_speed.py CORPUS_DIR [--days N] [--newest] [--show K] [--no-codebook]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def read_paragraphs(corpus: Path, days: int | None, newest: bool) -> tuple[list[str], int]:
    """The non-empty lines of the first (or newest) `days` files, and the number of files read."""
    files = sorted(corpus.glob("*.md"), reverse=newest)[:days]
    paragraphs = []
    for path in files:
        paragraphs.extend(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return paragraphs, len(files)


def time_cut(cut, paragraphs: list[str]) -> tuple[float, list[list[str]]]:
    """Seconds for a serial loop of `cut` over `paragraphs`, and the tokens."""
    start = time.perf_counter()
    tokens = [cut(p) for p in paragraphs]
    return time.perf_counter() - start, tokens


def describe_difference(a: list[str], b: list[str]) -> str:
    """The first differing stretch of two token sequences, as 'jieba | fast'."""
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            return f"{'/'.join(a[i1:i2])} | {'/'.join(b[j1:j2])}"
    return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of *.md transcripts (xwlb-news)")
    parser.add_argument("--days", type=int, default=None, help="read only the first N files (default: all)")
    parser.add_argument("--newest", action="store_true", help="take the newest files first")
    parser.add_argument("--show", type=int, default=10, help="print up to K differing paragraphs")
    parser.add_argument("--no-codebook", action="store_true", help="user dictionary only, no codebook terms")
    args = parser.parse_args()
    if not args.corpus.is_dir() or not any(args.corpus.glob("*.md")):
        print(f"Corpus not found: {args.corpus} holds no *.md files.", file=sys.stderr)
        return 2

    from policylens.text.analysis import build_segmenter_config
    from policylens.text.fastseg import FastSegmenter
    from policylens.text.pillars import load_codebook
    from policylens.text.segment import Segmenter, SegmenterConfig

    config = SegmenterConfig() if args.no_codebook else build_segmenter_config(load_codebook())
    paragraphs, n_files = read_paragraphs(args.corpus, args.days, args.newest)
    n_chars = sum(map(len, paragraphs))
    print(
        f"{n_files} files, {len(paragraphs)} paragraphs, {n_chars:,} characters; "
        f"{len(config.extra_terms_zh)} codebook terms"
    )

    start = time.perf_counter()
    reference = Segmenter(config)
    reference.jieba_tokenizer()
    build_jieba = time.perf_counter() - start
    start = time.perf_counter()
    fast = FastSegmenter(config)
    backend = fast.backend  # builds its own jieba tokenizer too (the frequencies it copies)
    build_fast = time.perf_counter() - start
    print(f"build: jieba {build_jieba:.2f} s, {backend} backend {build_fast:.2f} s (its jieba tokenizer included)")

    # alternate the order over two rounds so neither always runs on a warmer machine
    times = {"jieba": [], "fast": []}
    for order in (("jieba", "fast"), ("fast", "jieba")):
        for name in order:
            seconds, tokens = time_cut(reference.cut_zh if name == "jieba" else fast.cut_zh, paragraphs)
            times[name].append(seconds)
            if name == "jieba":
                jieba_tokens = tokens
            else:
                fast_tokens = tokens
    jieba_s, fast_s = min(times["jieba"]), min(times["fast"])
    print(f"jieba Tokenizer path : {jieba_s:7.2f} s  {n_chars / jieba_s / 1e6:6.2f} M chars/s")
    print(f"{backend:<21}: {fast_s:7.2f} s  {n_chars / fast_s / 1e6:6.2f} M chars/s")
    print(f"ratio jieba / {backend}: {jieba_s / fast_s:.2f}x (best of 2 runs each, serial, one process)")

    differing = [i for i, (a, b) in enumerate(zip(jieba_tokens, fast_tokens, strict=True)) if a != b]
    n_tokens = sum(map(len, jieba_tokens))
    print(f"tokens: jieba {n_tokens:,}, {backend} {sum(map(len, fast_tokens)):,}")
    print(f"paragraphs whose tokens differ: {len(differing)} of {len(paragraphs)}")
    for i in differing[: args.show]:
        print(f"  #{i}: {describe_difference(jieba_tokens[i], fast_tokens[i])}  <- {paragraphs[i][:60]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
