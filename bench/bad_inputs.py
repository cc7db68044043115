"""Bad-input matrix: each hostile or oversized file through the loader a user's upload takes, each in
its own process, printing the time to the outcome (a refusal message or a loaded document) and the
peak memory of that process above a bare one that imported the same code.

The files are built in a temporary folder (nothing is kept): a .docx and an .xlsx that inflate past
the bounds, a 19.5 MB text of 92,000 paragraphs, a 19 MB CSV, a 500-column workbook, HTML nested
100,000 levels, a zip corpus whose directory declares too much, and a text of one 10,000-character
word. This measures the bounds in one interpreter (issue 15, item 2); it is not the many-session
benchmark against a running server. Usage: python bench/bad_inputs.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/bad_inputs.py` from anywhere


def _inflating_zip(path: Path, parts: dict[str, bytes], padded: str, pad_bytes: int) -> None:
    """A ZIP whose `padded` part gets `pad_bytes` of spaces, streamed through deflate in 1 MB chunks."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            if name != padded:
                package.writestr(name, data)
                continue
            head, tail = data.split(b"<w:body>", 1) if b"<w:body>" in data else (data, b"")
            with package.open(name, "w", force_zip64=True) as out:
                out.write(head + (b"<w:body>" if tail else b""))
                chunk = b" " * 2**20
                for _ in range(pad_bytes // 2**20):
                    out.write(chunk)
                out.write(tail)


def build_files(folder: Path) -> dict[str, tuple[str, Path]]:
    """name -> (loader, path) for every file of the matrix."""
    import docx
    import openpyxl

    files: dict[str, tuple[str, Path]] = {}
    word = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("南京加快发展新质生产力。")
    document.save(word)
    parts = {i.filename: zipfile.ZipFile(word).read(i) for i in zipfile.ZipFile(word).infolist()}
    _inflating_zip(folder / "bomb_151mb_xml.docx", parts, "word/document.xml", 151 * 2**20)
    files["docx, 151 MB of XML"] = ("document", folder / "bomb_151mb_xml.docx")

    book = openpyxl.Workbook()
    book.active.append(["city", "year", "indicator_id", "value", "unit", "source_title", "source_url"])
    sheet = io.BytesIO()
    book.save(sheet)
    sheet_parts = {i.filename: zipfile.ZipFile(sheet).read(i) for i in zipfile.ZipFile(sheet).infolist()}
    _inflating_zip(folder / "bomb_1500mb.xlsx", sheet_parts, "xl/worksheets/sheet1.xml", 1500 * 2**20)
    files["xlsx, 1.5 GB of sheet XML"] = ("indicators", folder / "bomb_1500mb.xlsx")

    paragraph = "南京要加快发展新质生产力，推动科技创新和产业创新深度融合，建设现代化产业体系。"
    text = "\n\n".join(f"{n}. {(paragraph * 2)[:66]}" for n in range(92_000))  # about 19.5 MB
    (folder / "long.txt").write_text(text, encoding="utf-8")
    files[f"txt, {len(text.encode()) / 1e6:.1f} MB, 92,000 paragraphs"] = ("document", folder / "long.txt")

    with (folder / "big.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["city", "year", "indicator_id", "value", "unit", "source_title", "source_url"])
        n = 0
        while handle.tell() < 19_000_000:
            writer.writerow(["Nanjing", 2000 + n % 25, f"series_{n}", n, "亿元", "统计公报", "https://example.com/b"])
            n += 1
    files["csv, 19 MB"] = ("indicators", folder / "big.csv")

    wide = openpyxl.Workbook()
    for row in range(100):
        wide.active.append([f"c{row}-{col}" for col in range(500)])
    wide.save(folder / "wide.xlsx")
    files["xlsx, 500 columns"] = ("indicators", folder / "wide.xlsx")

    deep = "<html><body>" + "<div>" * 100_000 + "新质生产力" + "</div>" * 100_000 + "</body></html>"
    (folder / "deep.html").write_text(deep, encoding="utf-8")
    files["html, 100,000 levels"] = ("document", folder / "deep.html")

    with zipfile.ZipFile(folder / "corpus_bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as corpus:
        for n in range(60_000):  # past the corpus's 50,000 files
            corpus.writestr(f"doc{n}.txt", "新质生产力")
    files["zip corpus, 60,000 entries"] = ("corpus", folder / "corpus_bomb.zip")

    (folder / "one_word.txt").write_text("创" * 10_000, encoding="utf-8")
    files["txt, one 10,000-character word"] = ("analyse", folder / "one_word.txt")
    return files


def _imports() -> None:
    from policylens.corpus import sources  # noqa: F401
    from policylens.documents import loader  # noqa: F401
    from policylens.indicators.upload import read_indicator_upload  # noqa: F401
    from policylens.text import analysis  # noqa: F401


def _run(loader: str, path: str, queue) -> None:
    _imports()
    from policylens.corpus.sources import SourceError, read_source
    from policylens.documents.loader import DocumentError, load_document_bytes
    from policylens.indicators.upload import IndicatorUploadError, read_indicator_upload
    from policylens.text.analysis import analyze_default
    from policylens.text.pillars import load_codebook

    start = time.perf_counter()
    try:
        if loader == "corpus":
            items, bad = read_source(Path(path))
            outcome = f"read: {len(items)} items, {len(bad)} left out"
        elif loader == "indicators":
            table = read_indicator_upload(Path(path).read_bytes(), Path(path).name)
            outcome = f"read: {len(table)} rows"
        else:
            document = load_document_bytes(Path(path).read_bytes(), Path(path).name)
            outcome = f"loaded: {document.characters:,} characters, {len(document.paragraphs):,} paragraphs"
            if loader == "analyse":
                analyze_default(document, load_codebook())
                outcome += ", analysed"
    except (DocumentError, IndicatorUploadError, SourceError) as exc:
        outcome = f"refused: {str(exc)[:90]}"
    seconds = time.perf_counter() - start
    queue.put((seconds, outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _baseline(queue) -> None:
    _imports()
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def in_process(target, *args):
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=target, args=(*args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="run only the cases whose name contains one of these")
    args = parser.parse_args(argv)
    base_mb = in_process(_baseline)
    print(f"baseline process (imports only): peak {base_mb:.0f} MB")
    print(f"{'file':<40} {'size':>9} {'seconds':>8} {'peak MB':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (loader, path) in build_files(Path(tmp)).items():
            if args.only and not any(part in name for part in args.only):
                continue
            seconds, outcome, peak = in_process(_run, loader, str(path))
            size = f"{path.stat().st_size / 1e6:.1f} MB"
            print(f"{name:<40} {size:>9} {seconds:8.2f} {peak - base_mb:+8.0f}  {outcome}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
