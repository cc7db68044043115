"""Unit tests for policylens.documents.encodings: BOMs, UTF-8, GB18030 versus Big5, binary and unreadable bytes."""

import codecs
import dataclasses

import pytest

from policylens import paths
from policylens.documents.encodings import decode_bytes, rank_legacy_encodings
from policylens.documents.loader import DocumentError, load_document_bytes

SIMPLIFIED = "南京新质生产力"
TRADITIONAL = "南京新質生產力"  # Big5 has no Simplified characters, so Big5 samples are Traditional


@pytest.mark.parametrize(
    ("text", "data", "encoding"),
    [
        (SIMPLIFIED, SIMPLIFIED.encode("utf-8"), "utf-8"),
        (SIMPLIFIED, codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), "utf-8-sig"),
        (SIMPLIFIED, SIMPLIFIED.encode("utf-16"), "utf-16"),  # Python writes a byte-order mark
        (SIMPLIFIED, codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), "utf-16"),
        (SIMPLIFIED, SIMPLIFIED.encode("gb18030"), "gb18030"),
        (SIMPLIFIED, SIMPLIFIED.encode("gbk"), "gb18030"),
        (TRADITIONAL, TRADITIONAL.encode("gb18030"), "gb18030"),
        (TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "gb18030", "gbk", "gb18030-traditional", "big5"],
)
def test_short_sample_decodes_in_every_supported_encoding(text, data, encoding):
    assert decode_bytes(data) == (text, encoding)


@pytest.mark.parametrize(
    ("text", "codec"),
    [("发展", "gb18030"), ("中", "gb18030"), ("生产力", "gb18030"), ("中", "big5"), ("臺灣", "big5"), ("發展", "big5")],
)
def test_one_to_three_characters_are_told_apart_by_everyday_character_share(text, codec):
    # charset-normalizer scores both codecs equally here; the common-character share decides
    assert decode_bytes(text.encode(codec)) == (text, codec)


def test_rank_lists_the_right_codec_first_and_drops_implausible_ones():
    assert rank_legacy_encodings("发展".encode("gb18030")) == ["gb18030", "big5"]
    assert rank_legacy_encodings(TRADITIONAL.encode("big5")) == ["big5"]
    assert rank_legacy_encodings("It\u2019s a caf\u00e9".encode("cp1252")) == []


def test_policy_text_in_gb18030_and_big5():
    zh = (paths.ROOT / "tests" / "fixtures" / "zh_policy.txt").read_text(encoding="utf-8")
    assert decode_bytes(zh.encode("gb18030")) == (zh, "gb18030")
    tw = "以「新」為勇。堅持科技創新引領，加強原始創新和顛覆性創新，加大研發投入，培育高新技術企業。"
    assert decode_bytes(tw.encode("big5")) == (tw, "big5")


def test_same_text_in_utf8_and_gb18030_gives_the_same_document():
    zh = "南京要加快发展新质生产力，推动高质量发展。\n\n以“强”筑基。"
    utf8 = load_document_bytes(zh.encode("utf-8"), "a.txt")
    for codec, encoding in (("gb18030", "gb18030"), ("utf-16", "utf-16"), ("utf-8-sig", "utf-8-sig")):
        other = load_document_bytes(zh.encode(codec), "b.txt")
        assert other.encoding == encoding
        assert dataclasses.replace(other, name="a.txt", encoding="utf-8") == utf8


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("It\u2019s the \u201cnew\u201d caf\u00e9".encode("cp1252"), "encoding could not be recognised"),
        ("日本語のテキストです。これは試験".encode("shift_jis"), "encoding could not be recognised"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd abc", "starts with a UTF-8 byte-order mark but is not valid UTF-8."),
        ("南京".encode("utf-32"), "UTF-32 is not supported"),
    ],
    ids=["cp1252", "shift-jis", "broken-utf8-bom", "utf-32"],
)
def test_unreadable_encoding_has_a_specific_message(data, message):
    with pytest.raises(DocumentError, match=message) as info:
        decode_bytes(data)
    assert info.value.code == "encoding"
    assert "supported: UTF-8, UTF-16 with a byte-order mark, GB18030/GBK and Big5" in str(info.value)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"abc\x00def", "The file looks binary (it contains NUL bytes), not text."),
        (b"text \x01\x02\x03\x04 more", "The file looks binary (it is full of control characters), not text."),
        (b"%PDF-1.7\n\x00\x01", "contains NUL bytes), not text. It looks like a PDF: give it the .pdf extension."),
        (b"PK\x03\x04\x14\x00\x06\x00", "It looks like a ZIP package, such as a Word file"),
        ("南京".encode("utf-16") + b"\x00\x00", "contains NUL bytes"),
    ],
    ids=["nul", "controls", "pdf", "zip", "utf-16-with-nul"],
)
def test_binary_posing_as_text_is_refused(data, message):
    with pytest.raises(DocumentError, match=message.replace("(", r"\(").replace(")", r"\)")) as info:
        load_document_bytes(data, "posing.txt")
    assert info.value.code == "binary"


def test_empty_bytes_are_empty_not_an_encoding_problem():
    with pytest.raises(DocumentError, match="^The file is empty.$"):
        decode_bytes(b" \r\n")
