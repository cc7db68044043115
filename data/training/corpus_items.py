"""Paragraphs of the 新闻联播 corpus, cut the way ../shared/eval/pillar_dev.tsv was prepared.

The training labels in this folder hold ids and labels only: the corpus texts stay outside the
repository, and this module rebuilds each paragraph from the corpus on demand.

    python data/training/corpus_items.py CORPUS_DIR --items 20240105-03 20240105-04
    python data/training/corpus_items.py CORPUS_DIR --list   # every item id and title

Ids are `YYYYMMDD-ii-pp`: the day, the item's index in that day's file (from 0) and the paragraph
number (from 1). Paragraphs are the blank-line blocks of the item body, without the `*[原文](…)*`
link line, the `视频简介` title suffix, the inline byline `**央视网消息**（新闻联播）：` and the bold
markers; tabs and newlines become spaces.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BYLINE = re.compile(r"^\s*\*\*央视网消息\*\*（新闻联播）：")
LINK_LINE = re.compile(r"^\s*\*\[原文\]\(.*\)\*\s*$")


@dataclass(frozen=True)
class Paragraph:
    id: str
    date: str
    item_title: str
    para_no: int
    text: str


def _clean(block: str) -> str:
    block = BYLINE.sub("", block)
    block = block.replace("**", "")
    return re.sub(r"\s+", " ", block).strip()


def item_paragraphs(path: Path) -> Iterator[tuple[str, str, list[Paragraph]]]:
    """(item id, title, paragraphs) for each `## ` item of one day's file."""
    day = path.stem  # YYYY-MM-DD
    items = path.read_text(encoding="utf-8").split("\n## ")[1:]
    for index, item in enumerate(items):
        head, _, body = item.partition("\n")
        title = head.strip().removesuffix("视频简介").strip()
        blocks = [b for b in re.split(r"\n\s*\n", body) if b.strip() and not LINK_LINE.match(b)]
        item_id = f"{day.replace('-', '')}-{index:02d}"
        paragraphs = [
            Paragraph(f"{item_id}-{n:02d}", day, title, n, text)
            for n, text in enumerate((_clean(b) for b in blocks), 1)
            if text
        ]
        yield item_id, title, paragraphs


def paragraphs_by_id(corpus: Path, ids: set[str]) -> dict[str, Paragraph]:
    """The paragraphs with these ids (only the days they name are read)."""
    days = {i[:8] for i in ids}
    found = {}
    for day in sorted(days):
        path = corpus / f"{day[:4]}-{day[4:6]}-{day[6:]}.md"
        if not path.exists():
            continue
        for _, _, paragraphs in item_paragraphs(path):
            found.update({p.id: p for p in paragraphs if p.id in ids})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--items", nargs="*", default=[], help="item ids YYYYMMDD-ii to print")
    parser.add_argument("--list", action="store_true", help="list every item id and title")
    args = parser.parse_args()
    if args.list:
        for path in sorted(args.corpus.glob("*.md")):
            for item_id, title, paragraphs in item_paragraphs(path):
                print(f"{item_id}\t{len(paragraphs)}\t{title}")
        return
    for item in args.items:
        path = args.corpus / f"{item[:4]}-{item[4:6]}-{item[6:8]}.md"
        for item_id, title, paragraphs in item_paragraphs(path):
            if item_id == item:
                print(f"### {item_id} {title}")
                for p in paragraphs:
                    print(f"{p.id}\t{p.text}")
                print()


if __name__ == "__main__":
    main()
