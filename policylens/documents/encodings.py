"""Decoding of text files: BOMs, strict UTF-8, then GB18030 or Big5 as charset-normalizer ranks them."""

from __future__ import annotations

import codecs
from functools import cache

import charset_normalizer

from policylens.documents.errors import DocumentError

SUPPORTED_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030", "big5")
SUPPORTED_ENCODINGS_TEXT = "UTF-8, UTF-16 with a byte-order mark, GB18030/GBK and Big5"
# GB18030 first: it is a superset of GBK and GB2312, and most uploads are mainland documents.
_LEGACY_CJK = ("gb18030", "big5")
_MAX_CONTROL_SHARE = 0.01  # more C0 control bytes than this and the file is not text
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
_SAMPLE_CHARS = 65536


def check_not_binary(data: bytes) -> None:
    """Raise DocumentError for bytes that hold NULs or many control bytes (none occur in our encodings' text)."""
    hint = ""
    if data.startswith(b"%PDF-"):
        hint = " It looks like a PDF: give it the .pdf extension."
    elif data.startswith(b"PK\x03\x04"):
        hint = " It looks like a ZIP package, such as a Word file: give a Word file the .docx extension."
    if b"\x00" in data:
        raise DocumentError(f"The file looks binary (it contains NUL bytes), not text.{hint}", code="binary")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(data):
        raise DocumentError(f"The file looks binary (it is full of control characters), not text.{hint}", code="binary")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; return (text without BOM, encoding), the encoding one of SUPPORTED_ENCODINGS.

    Order: a UTF-8 or UTF-16 byte-order mark; strict UTF-8; then GB18030 and Big5, the candidates
    that charset-normalizer accepts, best first (see `rank_legacy_encodings`).
    """
    if not data.strip():
        raise DocumentError("The file is empty.", code="empty")
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise _unreadable("UTF-32 is not supported; save the file as UTF-8.")
    for bom, codec, name in (
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                label = codec.upper()
                raise _unreadable(f"It starts with a {label} byte-order mark but is not valid {label}.") from exc
            check_not_binary(text.lstrip("\ufeff").encode("utf-8"))
            return text.lstrip("\ufeff"), name
    check_not_binary(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for encoding in rank_legacy_encodings(data):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _unreadable()


def rank_legacy_encodings(data: bytes) -> list[str]:
    """GB18030 and Big5, best first, among those charset-normalizer finds plausible for `data`.

    Nearly any byte string decodes as both codecs, so strict decoding cannot choose. charset-normalizer
    scores the "mess" of each decoding; equal scores (common on a few characters) are broken by the
    share of the decoded Han characters that are everyday characters (GB2312 level 1 or Big5
    frequent), since a wrong codec turns common characters into rare ones.
    """
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(_LEGACY_CJK), enable_fallback=False)
    scored = {}
    for match in matches:
        name = codecs.lookup(match.encoding).name
        if name in _LEGACY_CJK and name not in scored:
            sample = data[: _SAMPLE_CHARS * 2].decode(name, errors="ignore")
            scored[name] = (round(match.chaos, 3), -round(_common_han_share(sample), 2), _LEGACY_CJK.index(name))
    return sorted(scored, key=scored.__getitem__)


def _common_han_share(text: str) -> float:
    han = [c for c in text if "\u3400" <= c <= "\u9fff"]
    common = _common_han()
    return sum(c in common for c in han) / len(han) if han else 0.0


@cache
def _common_han() -> frozenset[str]:
    """GB2312 level-1 (B0A1-D7F9) and Big5 frequently used (A440-C67E) characters, about 8,000."""
    chars = set()
    for codec, leads, trails in (
        ("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
    ):
        for lead in leads:
            for trail in trails:
                char = bytes([lead, trail]).decode(codec, errors="ignore")
                chars.update(c for c in char if "\u3400" <= c <= "\u9fff")
    return frozenset(chars)


def _unreadable(detail: str = "") -> DocumentError:
    message = f"The text encoding could not be recognised (supported: {SUPPORTED_ENCODINGS_TEXT})."
    return DocumentError(f"{message} {detail}".strip(), code="encoding")
