"""Bytes in, clean text out: decoding, normalisation, paragraph splitting and language detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

MAX_BYTES = 20 * 1024 * 1024  # the stated upload limit: 20 MB


class DocumentError(ValueError):
    """A document that cannot be read; the message is meant for the user."""


@dataclass(frozen=True)
class Document:
    """A loaded, normalised document. `paragraphs` are 1-based in every table (index + 1)."""

    name: str
    text: str
    paragraphs: tuple[str, ...]
    language: str  # "zh" or "en"
    encoding: str
    sha256: str

    @property
    def characters(self) -> int:
        return sum(len(p) for p in self.paragraphs)


# CJK punctuation is correct in Chinese text, so NFKC must not fold it to ASCII.
_CJK_PUNCT = "，。、；：？！（）《》〈〉“”‘’【】「」『』…—～·"
_UNPROTECTED = re.compile(f"[^{re.escape(_CJK_PUNCT)}]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[ \t\f\v]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode document bytes; return (text, encoding). UTF-8 (with or without BOM), then GB18030."""
    if not data.strip():
        raise DocumentError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise DocumentError(f"The file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB.")
    if b"\x00" in data[:8192]:
        raise DocumentError("The file looks binary (it contains NUL bytes), not text.")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise DocumentError("The text encoding could not be recognised (tried UTF-8 and GB18030).")


def normalize_text(text: str) -> str:
    """NFKC outside CJK punctuation, no zero-width characters, single spaces, Unix newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ZERO_WIDTH.sub("", text)
    text = _UNPROTECTED.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip()


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        glue = "" if _HAN.match(out[-1:]) and _HAN.match(line[:1]) else " "
        out += glue + line
    return out


def _display_width(line: str) -> int:
    """Columns a line takes in a fixed-width editor: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def _is_hard_wrapped(blocks: list[list[str]]) -> bool:
    """True when multi-line blocks look like fixed-width wrapping (short, even line widths)."""
    inner = [_display_width(line) for block in blocks if len(block) > 1 for line in block[:-1]]
    if not inner:
        return False
    widest = max(inner)
    near_full = sum(1 for n in inner if n >= 0.6 * widest)
    return widest <= 160 and near_full >= 0.8 * len(inner)


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


def load_document_bytes(data: bytes, name: str) -> Document:
    """Build a Document from raw bytes; raises DocumentError with a user-facing message."""
    raw, encoding = decode_bytes(data)
    text = normalize_text(raw)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise DocumentError("The file contains no text.")
    return Document(
        name=name,
        text="\n".join(paragraphs),
        paragraphs=paragraphs,
        language=detect_language(text),
        encoding=encoding,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_document(path: Path) -> Document:
    """Read a .txt document from disk."""
    return load_document_bytes(Path(path).read_bytes(), Path(path).name)
