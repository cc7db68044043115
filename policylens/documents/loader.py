"""Bytes in, clean text out: format dispatch, normalisation, paragraphs, language and script.

Decoding lives in encodings.py, format extraction in formats.py, Traditional Chinese in script.py,
page chrome in boilerplate.py.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath

from policylens.documents.boilerplate import strip_boilerplate
from policylens.documents.encodings import decode_bytes
from policylens.documents.errors import DocumentError
from policylens.documents.script import NOT_APPLICABLE, TRADITIONAL, convert_to_simplified, detect_script
from policylens.workers import Limits, MiB

__all__ = [
    "LOAD_LIMITS",
    "MAX_BYTES",
    "MAX_CHARACTERS",
    "MAX_PARAGRAPHS",
    "SUPPORTED_EXTENSIONS",
    "Document",
    "DocumentError",
    "LANGUAGE_LABELS",
    "decode_bytes",
    "detect_language",
    "detect_title",
    "load_document",
    "load_document_bytes",
    "load_pasted_text",
    "normalize_text",
    "reflow_lines",
    "split_paragraphs",
]

# The stated upload limit, 20 MB of 10^6 bytes: the unit of Streamlit's uploader, which refuses a
# larger file in the browser and writes its sizes that way (it counts 2^20 only on Windows).
MAX_BYTES = 20 * 1000 * 1000
# One document is read as a whole, every view at once: past these it belongs in corpus mode, where
# documents are analysed one by one. About 500 pages of Chinese policy text; a five-year plan has 60,000.
MAX_CHARACTERS = 1_000_000
MAX_PARAGRAPHS = 10_000
# An upload is read in a worker process of its own (policylens.workers) under these limits; a file
# that needs more is stopped, and the server never holds its parse. Every file of bench/bad_inputs.py
# ends within them in under 2 s (refused by a bound, or read).
LOAD_LIMITS = Limits(memory=768 * MiB, seconds=30.0)
SUPPORTED_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
NO_ENCODING = "n/a"  # the encoding of pasted text and of .docx/.pdf, which carry their own
LANGUAGE_LABELS = {"zh": "language.zh", "en": "language.en"}  # the string key naming each Document.language
TITLE_WIDTH = 120  # display columns: 60 Chinese characters, or about 20 English words
_TITLE_END = "。．.!?！？;；:：,，、…"  # a paragraph ending so is a sentence, not a title


@dataclass(frozen=True)
class Document:
    """A loaded, normalised document. `paragraphs` are 1-based in every table (index + 1).

    `paragraphs` and `text` are what gets analysed: Traditional Chinese is converted to Simplified.
    `original_paragraphs` then holds the text as written, 1:1 with `paragraphs`; it is None when
    nothing was converted. `sha256` hashes the original paragraphs. Page chrome and bylines
    (data/boilerplate.txt) are stripped before anything else; `removed_paragraphs` keeps the
    paragraphs dropped whole, as written.
    """

    name: str
    text: str
    paragraphs: tuple[str, ...]
    language: str  # "zh" or "en"
    encoding: str  # one of encodings.SUPPORTED_ENCODINGS, or "n/a"
    sha256: str
    script: str = NOT_APPLICABLE  # "simplified", "traditional" or "n/a" (not Chinese)
    original_paragraphs: tuple[str, ...] | None = None
    removed_paragraphs: tuple[str, ...] = ()
    title: str = ""  # its first paragraph when that reads as a heading (detect_title), else ""

    @property
    def label(self) -> str:
        """What a reader calls it: its title, or its file name when it has none."""
        return self.title or self.name

    @property
    def key(self) -> str:
        """Identity of this loaded file: its content, name and encoding (the same text uploaded
        as UTF-8 and as GB18030 is two documents, each reporting its own encoding)."""
        return hashlib.sha256(f"{self.sha256}\0{self.name}\0{self.encoding}".encode()).hexdigest()[:16]

    @property
    def date(self) -> datetime.date | None:
        """The date its file name states (2024-03-05, 20240305, 2024年3月5日), or None: what a
        target's year is compared with."""
        match = _NAME_DATE.search(self.name)
        if not match:
            return None
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            return None

    @property
    def characters(self) -> int:
        return sum(len(p) for p in self.paragraphs)

    @property
    def display_paragraphs(self) -> tuple[str, ...]:
        """The paragraphs as written, for a reader to show."""
        return self.original_paragraphs or self.paragraphs


_NAME_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.年]?(0?[1-9]|1[0-2])[-_.月]?(0?[1-9]|[12]\d|3[01])(?!\d)")
# CJK punctuation is correct in Chinese text, so NFKC must not fold it to ASCII.
_CJK_PUNCT = "，。、；：？！（）《》〈〉“”‘’【】「」『』…—～·"
_UNPROTECTED = re.compile(f"[^{re.escape(_CJK_PUNCT)}]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # stray C0 controls, such as the NULs some PDFs yield
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
_SPACES = re.compile(r"[ \t\f\v]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGITS = re.compile(r"\d+")
# A line that is only a page number: "12", "- 12 -", "— 12 —", "第12页", "第 3 页 共 40 页", "Page 3 of 40", "3/40"
_PAGE_NUMBER = re.compile(
    r"[-—–·\s]*\d{1,5}[-—–·\s]*|第\s*\d{1,5}\s*页(?:\s*[,，/]?\s*共\s*\d{1,5}\s*页)?"
    r"|(?i:page)\s+\d{1,5}(?:\s+(?i:of)\s+\d{1,5})?|\d{1,5}\s*/\s*\d{1,5}"
)
MAX_REFLOWED_CHARACTERS = 2_000  # a reflowed PDF paragraph ends at its next sentence end past this
_SENTENCE_END = re.compile(r"""[。！？；：.!?;:]["'”’」』）)]*$""")


def normalize_text(text: str) -> str:
    """NFKC outside CJK punctuation, no zero-width or control characters, single spaces, Unix newlines."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", _ZERO_WIDTH.sub("", text))
    text = _UNPROTECTED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def _is_wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in "WF"


def _join_lines(lines: list[str]) -> str:
    """Undo line wrapping: no glue between two CJK characters or punctuation marks, else one space."""
    out = lines[0]
    for line in lines[1:]:
        glue = "" if _is_wide(out[-1:]) and _is_wide(line[:1]) else " "
        out += glue + line
    return out


def _display_width(line: str) -> int:
    """Columns a line takes in a fixed-width editor: CJK characters count twice."""
    return sum(2 if _is_wide(c) else 1 for c in line)


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """True when multi-line blocks look like fixed-width wrapping: short, even line widths, and lines
    that mostly stop mid-sentence (one paragraph per line ends its lines with 。 or a full stop)."""
    inner = [line for block in blocks if len(block) > 1 for line in block[:-1]]
    if not inner:
        return False
    widths = [_display_width(line) for line in inner]
    widest = max(widths)
    near_full = sum(1 for n in widths if n >= 0.6 * widest)
    sentence_ends = sum(1 for line in inner if _SENTENCE_END.search(line))
    return widest <= 160 and near_full >= 0.8 * len(inner) and sentence_ends < 0.5 * len(inner)


def split_paragraphs(text: str) -> tuple[str, ...]:
    """Paragraphs: each non-empty line, or blank-line blocks when the text is hard-wrapped."""
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if _is_hard_wrapped(blocks):
        return tuple(_join_lines(b) for b in blocks)
    return tuple(line for b in blocks for line in b)


def detect_language(text: str) -> str:
    """'zh' when Han characters make up at least 30% of the letters, else 'en'."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN.findall(text))
    return "zh" if han and han >= 0.3 * (han + latin / 4) else "en"


def reflow_lines(lines: list[str]) -> tuple[str, ...]:
    """Paragraphs from hard-wrapped lines without blank lines between paragraphs (PDF text).

    A line ends its paragraph when it is blank or clearly shorter than a full line (the 90th
    percentile width): the last line of a paragraph and a heading fall short of the margin. A
    paragraph past MAX_REFLOWED_CHARACTERS ends at its next line that ends a sentence, and past
    four times that at its next line: text set with no short lines never runs into one paragraph.
    """
    widths = sorted(_display_width(line) for line in lines if line)
    if not widths:
        return ()
    full = widths[int(0.9 * (len(widths) - 1))]
    paragraphs: list[str] = []
    current: list[str] = []
    size = 0
    for line in [*lines, ""]:
        if line:
            current.append(line)
            size += len(line)
        long = size > MAX_REFLOWED_CHARACTERS and (_SENTENCE_END.search(line) or size > 4 * MAX_REFLOWED_CHARACTERS)
        if current and (not line or full < 20 or _display_width(line) < 0.8 * full or long):
            paragraphs.append(_join_lines(current))
            current, size = [], 0
    return tuple(paragraphs)


def paragraphs_from_pages(pages: list[str]) -> tuple[str, ...]:
    """A PDF's paragraphs: its running headers, footers and page numbers dropped from each page's
    first and last two lines, then the lines of all pages reflowed (reflow_lines), so a paragraph
    may run on across a page break."""
    page_lines = [[line for line in normalize_text(page).split("\n") if line] for page in pages]
    chrome = _page_chrome(page_lines)
    lines = []
    for page in page_lines:
        edge = {*range(min(2, len(page))), *range(max(len(page) - 2, 0), len(page))}
        lines += [
            line
            for i, line in enumerate(page)
            if not (i in edge and (_PAGE_NUMBER.fullmatch(line) or _DIGITS.sub("#", line) in chrome))
        ]
    return reflow_lines(lines)


def _page_chrome(page_lines: list[list[str]]) -> set[str]:
    """Lines (digits masked as #) among the first or last two lines of at least half the pages, and of
    three at least: a running header or footer ("南京市人民政府公报 #", "Annual report #")."""
    if len(page_lines) < 3:
        return set()
    counts = Counter(
        masked for page in page_lines for masked in {_DIGITS.sub("#", line) for line in page[:2] + page[-2:]}
    )
    return {line for line, n in counts.items() if n >= max(3, len(page_lines) / 2)}


def _paragraphs_from_blocks(blocks: list[str]) -> tuple[str, ...]:
    """Structured formats already mark paragraphs: each non-empty line of a block is one."""
    return tuple(line for block in blocks for line in normalize_text(block).split("\n") if line)


def _extract_paragraphs(data: bytes, suffix: str) -> tuple[tuple[str, ...], str]:
    from policylens.documents import formats  # docx, pdf, html and markdown libraries load on first use

    if suffix == ".docx":
        return _paragraphs_from_blocks(formats.extract_docx(data)), NO_ENCODING
    if suffix == ".pdf":
        return paragraphs_from_pages(formats.extract_pdf(data)), NO_ENCODING
    raw, encoding = decode_bytes(data)
    if suffix in (".md", ".markdown"):
        return _paragraphs_from_blocks(formats.extract_markdown(raw)), encoding
    if suffix in (".html", ".htm"):
        return _paragraphs_from_blocks(formats.extract_html(raw)), encoding
    return split_paragraphs(normalize_text(raw)), encoding


def _build_document(name: str, original: tuple[str, ...], encoding: str, strip: bool = True) -> Document:
    if not original:
        raise DocumentError("The file contains no text.", code="no_text")
    _check_length(original)
    original, removed = strip_boilerplate(original) if strip else (original, ())
    language = detect_language("\n".join(original))
    script = detect_script("\n".join(original)) if language == "zh" else NOT_APPLICABLE
    paragraphs = convert_to_simplified(original) if script == TRADITIONAL else original
    return Document(
        name=name,
        text="\n".join(paragraphs),
        paragraphs=paragraphs,
        language=language,
        encoding=encoding,
        sha256=hashlib.sha256("\n".join(original).encode("utf-8")).hexdigest(),
        script=script,
        original_paragraphs=original if paragraphs != original else None,
        removed_paragraphs=removed,
        title=detect_title(paragraphs),
    )


def detect_title(paragraphs: Sequence[str]) -> str:
    """The document's title: its first paragraph when that reads as a heading, else "".

    A heading is short (at most TITLE_WIDTH columns, a Chinese character counting two), does not
    end like a sentence (。.!? and the like), and is followed by at least two more paragraphs."""
    if len(paragraphs) < 3:
        return ""
    first = paragraphs[0].strip()
    if not first or _display_width(first) > TITLE_WIDTH or first[-1] in _TITLE_END:
        return ""
    return first


def _supported_suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        shown = f"'{suffix}'" if suffix else "without an extension"
        raise DocumentError(
            f"Unsupported file type {shown}. Supported types: {', '.join(SUPPORTED_EXTENSIONS)}.", code="unsupported"
        )
    return suffix


def _check_length(paragraphs: tuple[str, ...]) -> None:
    """Refuse a text longer than one document should be (MAX_CHARACTERS, MAX_PARAGRAPHS), code "too_long"."""
    characters = sum(len(p) for p in paragraphs)
    if characters > MAX_CHARACTERS or len(paragraphs) > MAX_PARAGRAPHS:
        raise DocumentError(
            f"The text holds {characters:,} characters in {len(paragraphs):,} paragraphs; one document may hold "
            f"{MAX_CHARACTERS:,} characters and {MAX_PARAGRAPHS:,} paragraphs (about 500 pages). Split it, or "
            "open it as a corpus (Corpus page), which reads documents one by one.",
            code="too_long",
        )


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise DocumentError(
            # rounded up, so that a file just over the limit never reads as 20.0 MB
            f"The file is {math.ceil(size / 1e5) / 10:.1f} MB; the limit is {MAX_BYTES // 10**6} MB: "
            "split it, or paste the part you need.",
            code="too_large",
        )


def load_document_bytes(data: bytes, name: str) -> Document:
    """Build a Document from raw bytes, the format taken from the extension of `name`.

    Raises DocumentError, with a user-facing message, for any file that cannot be read.
    """
    suffix = _supported_suffix(name)
    _check_size(len(data))
    if not data.strip():
        raise DocumentError("The file is empty.", code="empty")
    paragraphs, encoding = _extract_paragraphs(data, suffix)
    return _build_document(name, paragraphs, encoding)


def load_pasted_text(text: str, name: str = "pasted.txt") -> Document:
    """Build a Document from pasted text, read like a .txt file; its encoding is 'n/a'."""
    if not text.strip():
        raise DocumentError("The pasted text is empty.", code="empty")
    _check_size(len(text.encode("utf-8", errors="replace")))
    return _build_document(name, split_paragraphs(normalize_text(text)), NO_ENCODING)


def load_document(path: Path | str) -> Document:
    """Read a document from disk (any of SUPPORTED_EXTENSIONS); OSError if it cannot be opened."""
    path = Path(path)
    _supported_suffix(path.name)
    _check_size(path.stat().st_size)  # refuse before reading a huge file into memory
    return load_document_bytes(path.read_bytes(), path.name)


def load_paragraphs(paragraphs: Sequence[str], name: str = "paragraphs.txt") -> Document:
    """Build a Document from paragraphs that are already cut and cleaned (a labelled set): one
    paragraph per input, none dropped as page chrome, so labels and paragraphs stay 1:1."""
    original = tuple(normalize_text(p).strip() for p in paragraphs)
    if not all(original):
        raise DocumentError("A paragraph is empty.", code="no_text")
    return _build_document(name, original, NO_ENCODING, strip=False)
