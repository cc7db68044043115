"""Where a corpus comes from: a folder, a .zip or a CSV/XLSX table, turned into items (bytes, a
loader file name and metadata), with the files that cannot be used listed with their reason.

Metadata, per field, from the first that has it: a sidecar CSV (`metadata.csv`, one row per file
name), Markdown front matter, then the file name (dates such as 2024-03-05 or 20240305). With
`split_items`, a .txt/.md file is cut into items by the rule the user picks (SPLIT_RULES): at each
`## ` heading (the default, as in the 新闻联播 transcripts), each `# ` heading or any heading (the
heading is the item's title), or at each `---` line.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from policylens.documents.encodings import decode_bytes
from policylens.documents.errors import DocumentError
from policylens.documents.formats import PackageLimits, PackageSize, package_problem
from policylens.documents.loader import MAX_BYTES, SUPPORTED_EXTENSIONS

METADATA_FIELDS = ("title", "date", "place", "level", "issuer", "type", "source_url")
SIDECAR_NAMES = ("metadata.csv", "_metadata.csv")
SIDECAR_NAME_COLUMNS = ("file", "filename", "file_name", "name", "path")
TABLE_EXTENSIONS = (".csv", ".xlsx")
TEXT_COLUMN = "text"
SPLITTABLE = (".txt", ".md", ".markdown")
# a zip corpus, checked from its central directory before any entry is unpacked (formats.package_problem):
# a national corpus (tens of thousands of documents, a few GB), not a zip bomb
ZIP_LIMITS = PackageLimits(entries=50_000, unpacked=4 * 2**30)
MAX_ZIP_RATIO = 200  # declared size / compressed size beyond which an entry is refused

# 2024-03-05 (one separator, used twice), 20240305, 2024年3月5日; 2024-13-40 is no date
_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d{2})([-_./])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})()(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(年)\s*(0?[1-9]|1[0-2])\s*月\s*(0?[1-9]|[12]\d|3[01])(?!\d)"),
)
_YEAR_ONLY = re.compile(r"^\s*((?:19|20)\d{2})\s*年?\s*$")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
SPLIT_RULES = {  # rule -> the lines that start an item (a heading's text in group 1)
    "h2": re.compile(r"^## +(.+?)\s*#*\s*$", re.MULTILINE),
    "h1": re.compile(r"^# +(.+?)\s*#*\s*$", re.MULTILINE),
    "heading": re.compile(r"^#{1,6} +(.+?)\s*#*\s*$", re.MULTILINE),
    "rule": re.compile(r"^ {0,3}(?:-{3,}|\*{3,}|_{3,})\s*$()", re.MULTILINE),
}
SPLIT_DEFAULT = "h2"


class SourceError(ValueError):
    """A corpus source that cannot be read at all (missing, wrong kind, a zip over its limits).
    `code` is "unreadable", or a ZIP_LIMITS bound ("package_entries", "package_unpacked") with
    `values` {"declared": ..., "limit": ...} (PackageLimits.breach) for the UI's own translation."""

    def __init__(self, message: str, code: str = "unreadable", values: dict | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.values = values or {}


@dataclass(frozen=True)
class BadFile:
    """A file (or zip entry, or item) left out of the corpus, and why."""

    name: str
    reason: str
    code: str = "unreadable"


@dataclass(frozen=True)
class SourceItem:
    """One document to analyse: `data` is read by documents.loader as if it were the file `filename`."""

    name: str  # shown to the user: the relative path, with #N for the N-th item of a split file
    filename: str  # what the loader sees (its extension picks the format)
    data: bytes
    metadata: dict = field(default_factory=dict, hash=False, compare=False)

    @cached_property
    def doc_id(self) -> str:
        """The content hash: the same text gets the same id wherever it comes from."""
        return hashlib.sha256(self.data).hexdigest()[:20]


def parse_date(value: object) -> datetime.date | None:
    """A date from 2024-03-05, 20240305, 2024/3/5, 2024年3月5日 or a bare year (1 January), else None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value or "")
    if year := _YEAR_ONLY.match(text):
        return datetime.date(int(year.group(1)), 1, 1)
    for pattern in _DATES:
        if match := pattern.search(text):
            try:
                return datetime.date(int(match.group(1)), int(match.group(3)), int(match.group(4)))
            except ValueError:  # 2023-02-30
                return None
    return None


def split_front_matter(text: str) -> tuple[dict, str]:
    """`key: value` lines between leading `---` fences, and the text after them."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end() :]


def split_rule(split: bool | str | None) -> str | None:
    """The split rule of an option: None (no split), True (the default rule) or a SPLIT_RULES name."""
    if split is True:
        return SPLIT_DEFAULT
    if not split:
        return None
    if split not in SPLIT_RULES:
        raise SourceError(f"Unknown split rule '{split}'; use one of {', '.join(SPLIT_RULES)}.")
    return split


def split_items(text: str, rule: str = SPLIT_DEFAULT) -> list[tuple[str, str]]:
    """(heading, body) for every item of `text` under `rule`. At headings, the text before the first
    one (a day's title) is dropped; at `---` lines, every non-empty stretch is an item (no heading).
    A text the rule does not cut is one item with no heading."""
    marks = list(SPLIT_RULES[rule].finditer(text))
    if not marks:
        return [("", text)]
    if rule == "rule":
        bounds = [0, *(p for m in marks for p in (m.start(), m.end())), len(text)]
        parts = (text[bounds[i] : bounds[i + 1]].strip("\n") for i in range(0, len(bounds), 2))
        return [("", part) for part in parts if part.strip()]
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(m.group(1), text[m.end() : end].strip("\n")) for m, end in zip(marks, ends)]


def _clean_metadata(raw: dict) -> dict:
    """Only the known fields, stripped; the date as an ISO string."""
    meta = {k: str(v).strip() for k, v in raw.items() if k in METADATA_FIELDS and v is not None and str(v).strip()}
    if "date" in meta:
        date = parse_date(meta["date"])
        meta["date"] = date.isoformat() if date else None
    return {k: v for k, v in meta.items() if v and v != "nan"}


def _items_of_file(name: str, data: bytes, sidecar: dict, split: str | None) -> tuple[list[SourceItem], list[BadFile]]:
    """The items of one file: metadata merged, front matter removed, split by the rule `split`."""
    path = PurePosixPath(name)
    suffix = path.suffix.lower()
    base = {"title": path.stem}
    if date := parse_date(path.name):
        base["date"] = date.isoformat()
    side = _clean_metadata(sidecar.get(name) or sidecar.get(path.name) or {})
    front_matter = suffix != ".txt" and data.lstrip(b"\xef\xbb\xbf").startswith(b"---")
    if suffix not in SPLITTABLE or not (split or front_matter):  # the loader decodes, and reports the encoding
        return [SourceItem(name, path.name, data, {**base, **side})], []
    try:
        text, _ = decode_bytes(data)
    except DocumentError as exc:
        return [], [BadFile(name, str(exc), exc.code)]
    front, body = split_front_matter(text) if suffix != ".txt" else ({}, text)
    meta = {**base, **_clean_metadata(front), **side}
    if not split:
        return [SourceItem(name, path.name, body.encode("utf-8"), meta)], []
    items = []
    for n, (heading, item_text) in enumerate(split_items(body, split), start=1):
        item_meta = {**meta, "title": heading or meta["title"]}
        items.append(SourceItem(f"{name}#{n}", f"{path.stem}-{n}{suffix}", item_text.encode("utf-8"), item_meta))
    return items, []


def read_sidecar(data: bytes) -> dict[str, dict]:
    """Rows of a sidecar CSV keyed by their file name (the first of SIDECAR_NAME_COLUMNS present)."""
    import pandas as pd

    try:
        table = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig", keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceError(f"The metadata CSV cannot be read: {exc}") from exc
    table.columns = [str(c).strip().lower() for c in table.columns]
    column = next((c for c in SIDECAR_NAME_COLUMNS if c in table.columns), None)
    if column is None:
        raise SourceError(f"The metadata CSV needs a file name column (one of {', '.join(SIDECAR_NAME_COLUMNS)}).")
    return {row[column].strip(): row for row in table.to_dict("records") if row[column].strip()}


def _is_hidden(parts: tuple[str, ...]) -> bool:
    return any(p.startswith(".") or p == "__MACOSX" for p in parts)


def _read_folder(folder: Path, split: str | None, sidecar_path: Path | None) -> tuple[list[SourceItem], list[BadFile]]:
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not _is_hidden(p.relative_to(folder).parts))
    sidecar_file = sidecar_path or next((folder / n for n in SIDECAR_NAMES if (folder / n).is_file()), None)
    sidecar = read_sidecar(sidecar_file.read_bytes()) if sidecar_file else {}
    items: list[SourceItem] = []
    bad: list[BadFile] = []
    for path in files:
        name = path.relative_to(folder).as_posix()
        if sidecar_file and path.resolve() == sidecar_file.resolve():
            continue
        if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
            bad.append(BadFile(name, f"Unsupported file type '{path.suffix or 'none'}'.", "unsupported"))
        elif path.stat().st_size > MAX_BYTES:
            bad.append(BadFile(name, f"The file is over {MAX_BYTES // 2**20} MB.", "too_large"))
        else:
            new, failed = _items_of_file(name, path.read_bytes(), sidecar, split)
            items += new
            bad += failed
    return items, bad


def _zip_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The entries of a zip corpus that are read: no folders, nothing hidden."""
    return [i for i in archive.infolist() if not i.is_dir() and not _is_hidden(PurePosixPath(i.filename).parts)]


def _check_zip(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip by its directory alone, before any entry is decompressed (SourceError with the
    bound's code and values)."""
    size = PackageSize.of(infos)
    breach = ZIP_LIMITS.breach(size)
    if breach is not None:
        code, message = package_problem(size, "The zip", ZIP_LIMITS, parts="files")
        raise SourceError(message, code, {"declared": breach[1], "limit": breach[2]})


def check_zip_bytes(data: bytes) -> None:
    """Raise SourceError when an uploaded zip breaks ZIP_LIMITS, from its directory alone (a zip that
    cannot be read at all is left to the ingest, which says why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = _zip_entries(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    _check_zip(infos)


def _read_zip(path: Path, split: str | None) -> tuple[list[SourceItem], list[BadFile]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{path.name} is not a readable zip file ({exc}).") from exc
    with archive:
        infos = _zip_entries(archive)
        _check_zip(infos)
        side = next((i for i in infos if PurePosixPath(i.filename).name.lower() in SIDECAR_NAMES), None)
        sidecar = read_sidecar(archive.read(side)) if side else {}
        items: list[SourceItem] = []
        bad: list[BadFile] = []
        for info in infos:
            name = info.filename
            if info is side:
                continue
            if PurePosixPath(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                bad.append(
                    BadFile(name, f"Unsupported file type '{PurePosixPath(name).suffix or 'none'}'.", "unsupported")
                )
                continue
            if info.file_size > MAX_BYTES or info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1024):
                bad.append(BadFile(name, "The entry is too large, or compressed suspiciously well.", "too_large"))
                continue
            try:
                with archive.open(info) as entry:
                    data = entry.read(MAX_BYTES + 1)  # never trust the declared size alone
            except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
                bad.append(BadFile(name, f"The entry cannot be unpacked ({exc}).", "unreadable"))
                continue
            if len(data) > MAX_BYTES:
                bad.append(BadFile(name, f"The entry is over {MAX_BYTES // 2**20} MB.", "too_large"))
                continue
            new, failed = _items_of_file(name, data, sidecar, split)
            items += new
            bad += failed
    return items, bad


def _read_table(path: Path, text_column: str) -> tuple[list[SourceItem], list[BadFile]]:
    """One item per row of a CSV/XLSX; the metadata fields are the columns of the same names."""
    import pandas as pd

    try:
        if path.suffix.lower() == ".csv":
            table = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        else:
            table = pd.read_excel(path, dtype=str).fillna("")
    except (ValueError, UnicodeDecodeError, OSError, KeyError) as exc:
        raise SourceError(f"{path.name} cannot be read as a table: {exc}") from exc
    table.columns = [str(c).strip().lower() for c in table.columns]
    if text_column not in table.columns:
        raise SourceError(f"{path.name} has no '{text_column}' column (columns: {', '.join(table.columns)}).")
    items, bad = [], []
    for n, row in enumerate(table.to_dict("records"), start=2):  # row 1 is the header
        name = f"{path.name}:{n}"
        if not str(row[text_column]).strip():
            bad.append(BadFile(name, "The text is empty.", "empty"))
            continue
        meta = _clean_metadata(row)
        items.append(SourceItem(name, f"row{n}.txt", str(row[text_column]).encode("utf-8"), meta))
    return items, bad


def read_source(
    source: Path | str, split: bool | str | None = False, sidecar: Path | None = None, text_column: str = TEXT_COLUMN
) -> tuple[list[SourceItem], list[BadFile]]:
    """The items of a folder, .zip or CSV/XLSX, and the files that cannot be used. `split`: a
    SPLIT_RULES name, True for the default rule, False for none.

    Raises SourceError when the source itself cannot be read."""
    path, split = Path(source), split_rule(split)
    if sidecar is not None and not Path(sidecar).is_file():
        raise SourceError(f"The metadata file {sidecar} does not exist.")
    if path.is_dir():
        return _read_folder(path, split, Path(sidecar) if sidecar else None)
    if not path.is_file():
        raise SourceError(f"{path} does not exist.")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return _read_zip(path, split)
    if suffix in TABLE_EXTENSIONS:
        return _read_table(path, text_column)
    raise SourceError(f"{path.name}: a corpus is a folder, a .zip, or a table ({', '.join(TABLE_EXTENSIONS)}).")
