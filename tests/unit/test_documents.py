"""Unit tests for policylens.documents: decoding, normalisation, paragraphs, language, script, limits."""

import dataclasses
import datetime

import pytest

from policylens import paths
from policylens.documents.loader import (
    MAX_BYTES,
    DocumentError,
    decode_bytes,
    detect_language,
    load_document,
    load_document_bytes,
    load_pasted_text,
    normalize_text,
    reflow_lines,
    split_paragraphs,
)
from policylens.documents.script import detect_script

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
    text = (
        "The quick brown fox jumps over\nthe lazy dog again and again\nand stops.\n\n"
        "南京要加快发展新质生产力推\n动高质量发展。"
    )
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


def test_hard_wrapped_chinese_joins_after_chinese_punctuation_without_a_space():
    assert split_paragraphs("南京要加快发展新质生产力，\n推动高质量发展。") == (
        "南京要加快发展新质生产力，推动高质量发展。",
    )


def test_normalize_drops_control_characters_and_unicode_line_separators_break_lines():
    assert normalize_text("\x00新\x00质\x01 生产力\u2028第二行\x85第三行") == "新质 生产力\n第二行\n第三行"


def test_one_paragraph_per_line_is_not_mistaken_for_hard_wrapping():
    text = "南京新质生产力发展要点\n以“新”为勇。坚持科技创新引领。\n以“强”筑基。构建现代化产业体系。\n以“融”共生。"
    assert split_paragraphs(text) == tuple(text.split("\n"))


def test_reflow_joins_full_lines_and_ends_paragraphs_at_short_lines_and_blanks():
    full = "x" * 60
    lines = ["Heading", full, full, "end of one.", full, "", "after a blank", "短", "新" * 30, "质" * 30, "完。"]
    assert reflow_lines(lines) == (
        "Heading",
        f"{full} {full} end of one.",
        full,
        "after a blank",
        "短",
        "新" * 30 + "质" * 30 + "完。",
    )
    assert reflow_lines(["a", "b", ""]) == ("a", "b")  # lines too short to be wrapped prose stay apart
    assert reflow_lines([]) == ()


TRADITIONAL = "南京要加快發展新質生產力，推動高質量發展。\n以「強」築基。"
SIMPLIFIED_OF_TRADITIONAL = ("南京要加快发展新质生产力，推动高质量发展。", "以「强」筑基。")


@pytest.mark.parametrize("codec", ["utf-8", "big5", "gb18030"])
def test_traditional_text_is_converted_and_the_original_kept(codec):
    doc = load_document_bytes(TRADITIONAL.encode(codec), "tw.txt")
    assert doc.encoding == codec and doc.script == "traditional"
    assert doc.paragraphs == SIMPLIFIED_OF_TRADITIONAL
    assert doc.text == "\n".join(SIMPLIFIED_OF_TRADITIONAL)
    assert doc.original_paragraphs == doc.display_paragraphs == tuple(TRADITIONAL.split("\n"))
    simplified = load_document_bytes("\n".join(SIMPLIFIED_OF_TRADITIONAL).encode(), "cn.txt")
    assert simplified.paragraphs == doc.paragraphs and simplified.sha256 != doc.sha256


def test_simplified_and_english_documents_keep_no_original():
    zh = load_document_bytes(ZH.encode(), "zh.txt")
    assert (zh.script, zh.original_paragraphs, zh.display_paragraphs) == ("simplified", None, (ZH,))
    en = load_document(paths.SEED_DOCUMENT)
    assert (en.script, en.original_paragraphs) == ("n/a", None)


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("南京新質生產力", "traditional"),
        ("南京新质生产力", "simplified"),
        ("这是一个简体文件，提到了「臺灣」一次。", "simplified"),  # a quoted name does not flip the script
        ("南京", "simplified"),  # same in both scripts: nothing to convert
        ("no Chinese at all", "n/a"),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


def test_pasted_text_reads_like_a_txt_file():
    text = "南京要加快发展新质生产力，\r\n推动高质量发展。\n\n以“强”筑基。"
    pasted = load_pasted_text(text)
    assert (pasted.name, pasted.encoding) == ("pasted.txt", "n/a")
    assert dataclasses.replace(pasted, name="a.txt", encoding="utf-8") == load_document_bytes(text.encode(), "a.txt")
    assert load_pasted_text("南京新質生產力", name="tw").paragraphs == ("南京新质生产力",)
    with pytest.raises(DocumentError, match="^The pasted text is empty.$"):
        load_pasted_text(" \n\t")


def test_file_over_the_size_limit_is_refused_with_the_limit_in_the_message(tmp_path):
    with pytest.raises(
        DocumentError, match=r"^The file is 20.1 MB; the limit is 20 MB: split it, or paste the part you need.$"
    ) as info:
        load_document_bytes(b"x" * (MAX_BYTES + 1), "big.txt")
    assert info.value.code == "too_large"
    sparse = tmp_path / "huge.pdf"
    with sparse.open("wb") as f:
        f.truncate(50 * 10**6)  # sparse: refused from its size, never read
    with pytest.raises(
        DocumentError, match=r"^The file is 50.0 MB; the limit is 20 MB: split it, or paste the part you need.$"
    ):
        load_document(sparse)
    with pytest.raises(DocumentError, match="limit is 20 MB"):
        load_pasted_text("新" * (MAX_BYTES // 3 + 1))


def test_load_document_refuses_an_unsupported_type_before_reading(tmp_path):
    with pytest.raises(DocumentError, match=r"^Unsupported file type '.xlsx'. Supported types: .txt, .md"):
        load_document(tmp_path / "missing.xlsx")
    with pytest.raises(FileNotFoundError):
        load_document(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("name", "date"),
    [
        ("2024-03-05.md", datetime.date(2024, 3, 5)),
        ("xwlb_20240305.txt", datetime.date(2024, 3, 5)),
        ("南京2024年3月5日.txt", datetime.date(2024, 3, 5)),
        ("report2024.txt", None),
        ("20241350.txt", None),
    ],
)
def test_a_documents_date_comes_from_its_file_name(name, date):
    assert load_pasted_text("到2027年，全市力争突破1万家。", name).date == date


def test_a_document_is_named_by_its_title_when_its_first_paragraph_reads_as_one():
    from policylens.documents.loader import detect_title

    body = ("第一段正文。", "第二段正文。")
    assert detect_title(("南京市推进新质生产力发展行动方案", *body)) == "南京市推进新质生产力发展行动方案"
    assert detect_title(("Making new quality productive forces Nanjing's mark", *body)).startswith("Making")
    assert detect_title(("这是一句完整的话，以句号结尾。", *body)) == ""  # a sentence, not a heading
    assert detect_title(("短标题", "只有一段正文。")) == ""  # too short a document to tell
    assert detect_title(("标" * 61, *body)) == ""  # 61 Chinese characters: a paragraph, not a title
    document = load_pasted_text("南京创新方案\n\n第一段。\n\n第二段。")
    assert document.title == "南京创新方案" and document.label == "南京创新方案"
    untitled = load_pasted_text("第一段。\n\n第二段。\n\n第三段。", name="notes.txt")
    assert untitled.title == "" and untitled.label == "notes.txt"
