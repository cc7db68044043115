"""Word, PDF, HTML and Markdown documents, built in each test, through load_document and formats."""

import io
import zipfile

import docx
import pypdf
import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from policylens.documents.formats import extract_html, extract_markdown
from policylens.documents.loader import SUPPORTED_EXTENSIONS, DocumentError, load_document, load_document_bytes

TITLE = "南京新质生产力发展要点"
NEW = "以“新”为勇。坚持科技创新引领，加快科技成果转化。"
STRONG = "以“强”筑基。构建现代化产业体系。"


def build_docx() -> bytes:
    """Heading, paragraph, a 3x3 table with a horizontal and a vertical merge, a closing paragraph."""
    document = docx.Document()
    document.add_heading(TITLE, level=1)
    document.add_paragraph(NEW)
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [["指标", "2023年", "2024年"], ["研发投入", "3.2%", "3.5%"], ["高新技术企业", "9000家", "1万家"]]
    ):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.cell(0, 1).merge(table.cell(0, 2))  # keeps both texts in one cell
    table.cell(1, 0).merge(table.cell(2, 0))
    document.add_paragraph(STRONG)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def build_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with a text layer: each line drawn as it is given (so wrapped lines stay wrapped).

    STSong-Light is one of the CJK fonts every PDF reader has, so nothing is embedded.
    """
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for i, line in enumerate(lines):
            pdf.drawString(72, 750 - 20 * i, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def build_blank_pdf(password: str | None = None) -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password is not None:
        writer.encrypt(password, algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


WRAPPED_PDF = [
    [
        TITLE,
        "以“新”为勇。坚持科技创新引领，加强原始创新和颠覆性创新，加大研",
        "发投入，培育高新技术企业和科技型中小企业，建设新型研发机构，加",
        "快科技成果转化。",
    ],
    ["以“强”筑基。构建现代化产业体系，壮大“2+6+6”创新型产业集群，推", "动传统产业转型升级。", "第 2 页"],
]


def test_docx_paragraphs_and_table_cells_in_document_order(tmp_path):
    path = tmp_path / "要点.docx"
    path.write_bytes(build_docx())
    doc = load_document(path)
    assert doc.paragraphs == (
        TITLE,
        NEW,
        "指标",
        "2023年",
        "2024年",
        "研发投入",
        "高新技术企业",
        "3.2%",
        "3.5%",
        "9000家",
        "1万家",
        STRONG,
    )
    assert (doc.name, doc.language, doc.encoding, doc.script) == ("要点.docx", "zh", "n/a", "simplified")


def test_pdf_pages_are_joined_and_wrapped_lines_reflowed():
    doc = load_document_bytes(build_pdf(WRAPPED_PDF), "要点.pdf")
    assert doc.paragraphs == (
        TITLE,
        "以“新”为勇。坚持科技创新引领，加强原始创新和颠覆性创新，加大研发投入，培育高新技术企业和科技型中小企业，"
        "建设新型研发机构，加快科技成果转化。",
        "以“强”筑基。构建现代化产业体系，壮大“2+6+6”创新型产业集群，推动传统产业转型升级。",
    )  # "第 2 页", the page number at the foot of page 2, is page chrome, not a paragraph
    assert (doc.encoding, doc.language) == ("n/a", "zh")


def test_pdf_running_headers_footers_and_page_numbers_are_dropped_and_paragraphs_kept():
    body = [
        [
            "南京市人民政府公报 2024年第3期",
            "第一段的开头，这是一段很长的正文内容，讲的是新质生产力的培育，",
            "直到这里结束。",
            "- 1 -",
        ],
        [
            "南京市人民政府公报 2024年第3期",
            "第二段：推动科技创新和产业创新深度融合，建设现代化产业体系，",
            "加快发展。",
            "- 2 -",
        ],
        ["南京市人民政府公报 2024年第3期", "第三段：深化体制机制改革。", "Page 3 of 4"],
        ["南京市人民政府公报 2024年第3期", "第四段：营造良好创新生态。", "4/4"],
    ]
    doc = load_document_bytes(build_pdf(body), "gazette.pdf")
    assert not any("公报" in p or "Page" in p or p.startswith("-") for p in doc.paragraphs), doc.paragraphs
    assert doc.paragraphs[0].startswith("第一段的开头") and doc.paragraphs[0].endswith("直到这里结束。")
    assert doc.paragraphs[-1] == "第四段：营造良好创新生态。"


def test_pdf_text_with_no_short_lines_still_ends_paragraphs_at_sentence_ends():
    from policylens.documents import loader

    line = "推动科技创新和产业创新深度融合，加快构建以先进制造业为骨干的现代化产业体系，培育新质生产力。"
    paragraphs = loader.reflow_lines([line] * 200)  # 200 full lines, each ending a sentence: no line is short
    assert len(paragraphs) > 1 and max(len(p) for p in paragraphs) <= loader.MAX_REFLOWED_CHARACTERS + len(line)
    unbroken = loader.reflow_lines(["创新" * 30] * 400)  # no sentence end at all: a hard break past 4 × the cap
    assert len(unbroken) > 1 and max(len(p) for p in unbroken) <= 4 * loader.MAX_REFLOWED_CHARACTERS + 60


def test_pdf_with_an_empty_user_password_is_read():
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(build_pdf([[TITLE]])))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    assert load_document_bytes(out.getvalue(), "open.pdf").paragraphs == (TITLE,)


HTML = """<!DOCTYPE html>
<html><head><title>页面标题</title><style>p { color: red; }</style><script>alert(1)</script></head>
<body>
<!-- a comment -->
<h1>南京新质<em>生产力</em></h1>
<p>南京要加快发展新质生产力，
推动高质量发展。<br>第二行 <a href="/x">链接文字</a></p>
<noscript>请启用脚本</noscript><template><p>模板</p></template>
<ul><li>one</li><li>two   words</li></ul>
<table><tr><th>指标</th><td>3.5%</td></tr></table>
<pre>code line 1
  code line 2</pre>
<script type="text/javascript">document.write("<p>hidden</p>")</script>
<div>The quick brown
fox &amp; the dog</div>
</body></html>"""

HTML_PARAGRAPHS = (
    "南京新质生产力",
    "南京要加快发展新质生产力，推动高质量发展。",
    "第二行 链接文字",
    "one",
    "two words",
    "指标",
    "3.5%",
    "code line 1",
    "code line 2",
    "The quick brown fox & the dog",
)


def test_html_keeps_visible_text_and_drops_scripts_and_styles():
    doc = load_document_bytes(HTML.encode("utf-8"), "page.html")
    assert doc.paragraphs == HTML_PARAGRAPHS
    for hidden in ("alert(1)", "color: red", "hidden", "请启用脚本", "模板", "页面标题", "a comment"):
        assert hidden not in doc.text


def test_html_in_gb18030_with_htm_extension_gives_the_same_paragraphs():
    doc = load_document_bytes(HTML.encode("gb18030"), "PAGE.HTM")
    assert doc.paragraphs == HTML_PARAGRAPHS and doc.encoding == "gb18030"


def test_html_line_break_between_chinese_characters_is_dropped_but_kept_between_words():
    assert extract_html("<p>新质\n生产力 and\nmore</p>") == ["新质生产力 and more"]


def test_deeply_nested_html_does_not_hit_the_recursion_limit():
    # deeper than Python's recursion limit (1000); libxml2 itself stops nesting at about 2048
    assert extract_html("<div>" * 2000 + "深" + "</div>" * 2000) == ["深"]


def test_xml_declaration_and_a_stale_meta_charset_do_not_override_our_decoding():
    html = '<?xml version="1.0" encoding="gbk"?><html><head><meta charset="gbk"></head><body><p>新质</p></body></html>'
    assert extract_html(html) == ["新质"]
    assert extract_html("  \n ") == []


MARKDOWN = """# 南京新质生产力 *发展要点*

南京要加快发展**新质生产力**，
推动[高质量发展](https://example.org/a "title")。See `code` and _emphasis_.

```python
print("新质生产力")
x = 1
```

| 指标 | 2024年 |
|------|--------|
| 研发投入 | 3.5% |

- 第一条
- 第二条

> 引用的话

<script>alert(1)</script>
"""


def test_markdown_syntax_is_stripped_to_text():
    doc = load_document_bytes(MARKDOWN.encode("utf-8"), "notes.md")
    assert doc.paragraphs == (
        "南京新质生产力 发展要点",
        "南京要加快发展新质生产力，推动高质量发展。See code and emphasis.",
        'print("新质生产力")',
        "x = 1",
        "指标",
        "2024年",
        "研发投入",
        "3.5%",
        "第一条",
        "第二条",
        "引用的话",
    )
    assert extract_markdown("[链接文字](http://x.y)") == ["链接文字"]


def test_supported_extensions():
    assert SUPPORTED_EXTENSIONS == (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")


def _zip_without_word_part() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("hello.txt", "not a word document")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0 an old binary .doc",
            "old.docx",
            "docx",
            "The file is not a Word .docx document (it is not a ZIP package). An old .doc file must be saved as .docx.",
        ),
        (_zip_without_word_part(), "zip.docx", "docx", "The Word .docx file is damaged or not a Word document ("),
        (build_docx()[:2000], "cut.docx", "docx", "The file is not a Word .docx document"),
        (b"%PDF-1.4\ngarbage", "bad.pdf", "pdf", "The PDF file is damaged or not a PDF ("),
        (b"plain text, not a pdf", "text.pdf", "pdf", "The PDF file is damaged or not a PDF ("),
        (build_pdf([[TITLE]])[:600], "cut.pdf", "pdf", "The PDF file is damaged or not a PDF ("),
        (
            build_blank_pdf(),
            "scan.pdf",
            "pdf_no_text",
            "The PDF has no text layer (scanned?): it holds only images. Run OCR on it first, or upload the text.",
        ),
        (
            build_blank_pdf(password="secret"),
            "locked.pdf",
            "pdf_encrypted",
            "The PDF is password-protected; save an unprotected copy.",
        ),
        (b"<html><script>alert(1)</script></html>", "empty.html", "no_text", "The file contains no text."),
        (b"```\n```\n", "empty.md", "no_text", "The file contains no text."),
        (b"", "empty.docx", "empty", "The file is empty."),
        (b"\n \n", "blank.md", "empty", "The file is empty."),
        (
            b"text",
            "report.doc",
            "unsupported",
            "Unsupported file type '.doc'. Supported types: .txt, .md, .markdown, .html, .htm, .docx, .pdf.",
        ),
        (b"text", "README", "unsupported", "Unsupported file type without an extension. Supported types: .txt"),
    ],
    ids=[
        "doc-not-zip",
        "zip-not-docx",
        "truncated-docx",
        "pdf-garbage",
        "text-as-pdf",
        "truncated-pdf",
        "scanned-pdf",
        "locked-pdf",
        "html-only-script",
        "md-empty-fence",
        "empty",
        "blank",
        "doc",
        "no-extension",
    ],
)
def test_bad_documents_raise_a_specific_message(data, name, code, message):
    with pytest.raises(DocumentError) as info:
        load_document_bytes(data, name)
    assert str(info.value).startswith(message)
    assert info.value.code == code


def _word_bomb(xml_bytes: int) -> bytes:
    """A real .docx whose document.xml is padded with `xml_bytes` of whitespace: it compresses to a
    few kB and unpacks to whatever the test asks for."""
    source = zipfile.ZipFile(io.BytesIO(build_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * xml_bytes, 1)
            package.writestr(info.filename, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("limit", "value", "code", "message"),
    [
        ("MAX_PACKAGE_XML_BYTES", 2 * 2**20, "package_xml", "The Word file holds 4 MB of XML; the limit is 2 MB."),
        ("MAX_UNPACKED_BYTES", 2 * 2**20, "package_unpacked", "The Word file unpacks to 4 MB; the limit is 2 MB."),
        ("MAX_PACKAGE_ENTRIES", 5, "package_entries", "The Word file holds "),
    ],
)
def test_a_word_bomb_is_refused_from_its_central_directory_before_any_xml_is_parsed(
    monkeypatch, limit, value, code, message
):
    from policylens.documents import formats

    bomb = _word_bomb(3 * 2**20)  # 3 MB of padding and the template's 0.8 MB: 4 MB rounded up
    assert len(bomb) < 200_000
    monkeypatch.setattr(formats, limit, value)
    monkeypatch.setattr(docx, "Document", lambda *a, **k: pytest.fail("python-docx parsed a refused file"))
    with pytest.raises(DocumentError) as info:
        load_document_bytes(bomb, "bomb.docx")
    assert info.value.code == code and str(info.value).startswith(message)
    assert str(info.value).endswith("It was not read.")


def test_a_word_file_within_every_bound_is_read():
    document = load_document_bytes(_word_bomb(2**20), "padded.docx")
    assert TITLE in document.paragraphs


def test_a_text_longer_than_one_document_is_refused_with_the_corpus_as_the_way_out(monkeypatch):
    from policylens.documents import loader

    monkeypatch.setattr(loader, "MAX_CHARACTERS", 1_000)
    shorter = load_document_bytes(("新质生产力。" * 100).encode("utf-8"), "short.txt")  # 600 characters: read
    assert shorter.characters == 600
    long_text = "\n\n".join(["新质生产力是创新起主导作用的先进生产力。"] * 60)  # 1,200 characters
    with pytest.raises(DocumentError) as info:
        load_document_bytes(long_text.encode("utf-8"), "long.txt")
    assert info.value.code == "too_long"
    assert str(info.value).startswith("The text holds 1,200 characters in 60 paragraphs; one document may hold 1,000")
    monkeypatch.setattr(loader, "MAX_CHARACTERS", 10**6)
    monkeypatch.setattr(loader, "MAX_PARAGRAPHS", 50)
    with pytest.raises(DocumentError, match="in 60 paragraphs"):
        loader.load_pasted_text(long_text)


@pytest.mark.parametrize("depth", [3_000, 100_000])
def test_html_nested_past_the_tree_parser_depth_keeps_its_text(depth):
    """libxml2 drops everything past 2,048 levels; the page is then read as a stream of tags instead,
    with the same rules (scripts and <head> dropped, blocks, <br>)."""
    page = (
        "<html><head><title>Hidden</title><script>var x = '<p>no</p>';</script></head><body>"
        + "<div>" * depth
        + "深层的新质生产力<br>second line"
        + "</div>" * depth
        + "<p>加快构建现代化产业体系。</p></body></html>"
    )
    assert extract_html(page) == ["深层的新质生产力\nsecond line", "加快构建现代化产业体系。"]
    document = load_document_bytes(page.encode("utf-8"), "deep.html")
    assert "加快构建现代化产业体系。" in document.paragraphs
