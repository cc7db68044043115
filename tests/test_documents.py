"""Unit tests for policylens.documents: decoding, normalisation, paragraphs, language."""

import pytest

from policylens import paths
from policylens.documents import (
    DocumentError,
    decode_bytes,
    detect_language,
    load_document,
    load_document_bytes,
    normalize_text,
    split_paragraphs,
)

ZH = "南京要加快发展新质生产力，推动高质量发展。"


def test_seed_loads_as_english_with_fifteen_paragraphs():
    doc = load_document(paths.SEED_DOCUMENT)
    assert doc.language == "en"
    assert doc.encoding == "utf-8"
    assert len(doc.paragraphs) == 15
    assert doc.paragraphs[11].startswith('To the "new" courage.')
    assert doc.paragraphs[12].startswith('Building a "strong" foundation.')
    assert doc.paragraphs[13].startswith('The "fusion" symbiosis.')


def test_utf8_bom_and_gb18030_decode_to_the_same_text():
    assert decode_bytes("\ufeff".encode() + ZH.encode("utf-8")) == (ZH, "utf-8-sig")
    assert decode_bytes(ZH.encode("gb18030")) == (ZH, "gb18030")
    a = load_document_bytes(ZH.encode("utf-8"), "a.txt")
    b = load_document_bytes(ZH.encode("gb18030"), "b.txt")
    assert a.paragraphs == b.paragraphs and a.sha256 == b.sha256


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n\n ", "empty"), (b"abc\x00\x01\x02", "binary")],
)
def test_bad_input_raises_a_specific_message(data, message):
    with pytest.raises(DocumentError, match=message):
        load_document_bytes(data, "bad.txt")


def test_normalize_folds_fullwidth_ascii_but_keeps_chinese_punctuation():
    text = "ＡＢＣ１２３\u3000新质生产力，发展。\u200b  多余   空格 \r\n"
    assert normalize_text(text) == "ABC123 新质生产力，发展。 多余 空格"


def test_each_nonempty_line_is_a_paragraph_for_long_lines():
    long = "x" * 200
    assert split_paragraphs(f"{long}\n{long}b\n\n{long}c") == (long, long + "b", long + "c")


def test_hard_wrapped_blocks_are_joined():
    text = "The quick brown fox jumps over\nthe lazy dog again and again\nand stops.\n\n南京要加快发展新质生产力推\n动高质量发展。"
    assert split_paragraphs(text) == (
        "The quick brown fox jumps over the lazy dog again and again and stops.",
        "南京要加快发展新质生产力推动高质量发展。",
    )


@pytest.mark.parametrize(
    ("text", "language"),
    [(ZH, "zh"), ("New quality productive forces in Nanjing.", "en"), ("南京 Nanjing 新质生产力 new quality", "zh")],
)
def test_detect_language(text, language):
    assert detect_language(text) == language
