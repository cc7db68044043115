"""Text out of structured formats: Word (.docx), PDF, HTML and Markdown, as blocks of plain text.

Each extractor returns blocks in reading order; a block may hold line breaks (<br>, <pre>, a PDF
page). Library errors become DocumentError, so no other exception escapes for bad content.
"""

from __future__ import annotations

import html.parser as html_parser
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.etree
import lxml.html
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, mdTrim

from policylens.documents.errors import DocumentError

# Bounds on a ZIP package (.docx, .xlsx), read from its central directory before any XML is parsed:
# a few MB of compressed XML can inflate to gigabytes. Sized to real documents: a 1,000-page report
# unpacks to about 20 MB of XML and a few dozen parts; a workbook of 500 sheets to about 1,100 parts.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # every part, images included
MAX_PACKAGE_ENTRIES = 5_000
MAX_PACKAGE_XML_BYTES = 64 * 1024 * 1024  # the XML parts, which the parsers hold in memory as trees

_DROPPED_TAGS = frozenset({"script", "style", "noscript", "template", "head"})
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


@dataclass(frozen=True)
class PackageSize:
    """What a ZIP package's central directory declares: its entries and their unpacked bytes."""

    entries: int
    unpacked: int
    xml: int  # of the parts whose names end in .xml or .rels

    @classmethod
    def of(cls, infos: list[zipfile.ZipInfo]) -> PackageSize:
        """The declared size of these entries of a central directory."""
        xml = sum(i.file_size for i in infos if i.filename.lower().endswith((".xml", ".rels")))
        return cls(len(infos), sum(i.file_size for i in infos), xml)


@dataclass(frozen=True)
class PackageLimits:
    """The bounds a ZIP container is held to; `xml` None leaves its XML unbounded apart from the total."""

    entries: int
    unpacked: int
    xml: int | None = None

    def breach(self, size: PackageSize) -> tuple[str, int, int] | None:
        """(code, declared, limit) of the first bound `size` breaks, else None: entries as counts, sizes
        in MB (the declared size rounded up). Codes: "package_entries", "package_unpacked", "package_xml"."""
        if size.entries > self.entries:
            return "package_entries", size.entries, self.entries
        if size.unpacked > self.unpacked:
            return "package_unpacked", math.ceil(size.unpacked / 2**20), self.unpacked // 2**20
        if self.xml is not None and size.xml > self.xml:
            return "package_xml", math.ceil(size.xml / 2**20), self.xml // 2**20
        return None


def package_size(data: bytes) -> PackageSize | None:
    """The declared size of a ZIP package, None when the bytes are not a readable ZIP file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return PackageSize.of(package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


_PACKAGE_MESSAGES = {
    "package_entries": "{what} holds {declared:,} {parts}; the limit is {limit:,}.",
    "package_unpacked": "{what} unpacks to {declared:,} MB; the limit is {limit:,} MB.",
    "package_xml": "{what} holds {declared:,} MB of XML; the limit is {limit:,} MB.",
}


def package_problem(
    size: PackageSize, what: str, limits: PackageLimits | None = None, parts: str = "parts"
) -> tuple[str, str] | None:
    """(code, message) for the first bound `size` breaks (PackageLimits.breach), else None; `what`
    names the file in the message ("The Word file"), `parts` its entries. `limits` defaults to a
    document package's (.docx, .xlsx): MAX_PACKAGE_ENTRIES, MAX_UNPACKED_BYTES, MAX_PACKAGE_XML_BYTES."""
    limits = limits or PackageLimits(MAX_PACKAGE_ENTRIES, MAX_UNPACKED_BYTES, MAX_PACKAGE_XML_BYTES)
    breach = limits.breach(size)
    if breach is None:
        return None
    code, declared, limit = breach
    message = _PACKAGE_MESSAGES[code].format(what=what, declared=declared, limit=limit, parts=parts)
    return code, f"{message} It was not read."


def extract_docx(data: bytes) -> list[str]:
    """Body paragraphs and table cells (each cell once, nested tables too) in document order.

    Headers, footers, footnotes, comments and text boxes are left out.
    """
    import docx  # python-docx and pypdf load on first use: a corpus of text files never needs them

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentError(
            "The file is not a Word .docx document (it is not a ZIP package). An old .doc file must be saved as .docx.",
            code="docx",
        )
    size = package_size(data)
    problem = package_problem(size, "The Word file") if size is not None else None
    if problem is not None:
        code, message = problem
        raise DocumentError(message, code=code)
    try:
        return [text for text in _iter_docx_blocks(docx.Document(io.BytesIO(data))) if text.strip()]
    except DocumentError:
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml and zipfile errors for broken files
        raise DocumentError(f"The Word .docx file is damaged or not a Word document ({exc}).", code="docx") from exc


def _iter_docx_blocks(container) -> Iterator[str]:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        elif isinstance(item, Table):
            # python-docx repeats a merged cell once per grid column and per merged row. The set holds
            # the lxml elements themselves: an id() could be reused once a proxy is freed.
            seen = set()
            for row in item.rows:
                for cell in row.cells:
                    if cell._tc not in seen:
                        seen.add(cell._tc)
                        yield from _iter_docx_blocks(cell)


def extract_pdf(data: bytes) -> list[str]:
    """The text of each page, lines as pypdf lays them out (still hard-wrapped)."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("The PDF is password-protected; save an unprotected copy.", code="pdf_encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except pypdf.errors.FileNotDecryptedError as exc:
        raise DocumentError("The PDF is password-protected; save an unprotected copy.", code="pdf_encrypted") from exc
    except Exception as exc:  # pypdf raises PdfReadError and plain ValueError/KeyError on broken files
        raise DocumentError(f"The PDF file is damaged or not a PDF ({exc}).", code="pdf") from exc
    if not any(page.strip() for page in pages):
        raise DocumentError(
            "The PDF has no text layer (scanned?): it holds only images. Run OCR on it first, or upload the text.",
            code="pdf_no_text",
        )
    return pages


def extract_html(html: str) -> list[str]:
    """Visible text of an HTML page: scripts, styles, noscript, template, comments and <head> dropped;
    block elements end blocks, <br> breaks a line, <pre> keeps its lines."""
    # One parser per call: lxml parsers must not be shared between threads (Streamlit sessions).
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)
    try:  # bytes with an explicit encoding: lxml refuses str input that carries an XML declaration
        root = lxml.html.document_fromstring(html.encode("utf-8", errors="replace"), parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": only white space
        return []
    except Exception as exc:  # libxml2 recovers from nearly anything; this is the rest
        raise DocumentError(f"The HTML could not be parsed ({exc}).", code="html") from exc
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        # libxml2 stops building the tree past 2,048 levels of nesting and drops the rest of the page;
        # Python's own parser streams tags with no depth at all, so the text is kept
        return _extract_html_stream(html)
    blocks = _Blocks()
    # start/end events, not recursion: deeply nested markup must not hit the recursion limit.
    walker = lxml.etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        dropped = tag in _DROPPED_TAGS
        if event == "start":
            if dropped:
                walker.skip_subtree()
                continue
            blocks.open(tag)
            blocks.text(element.text or "")
        else:
            if not dropped:
                blocks.close(tag)
            blocks.text(element.tail or "")  # the tail belongs to the parent, after this element
    return blocks.result()


class _Blocks:
    """extract_html's rules, fed tag by tag: block elements end blocks, <br> breaks a line, <pre>
    keeps its lines; white space collapses elsewhere."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.pieces: list[str] = []
        self.pre_depth = 0

    def _flush(self) -> None:
        text = "".join(self.pieces)
        self.blocks.append(text if self.pre_depth else _collapse_html_space(text))
        self.pieces.clear()

    def open(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        self.pre_depth += tag == "pre"
        if tag == "br":
            self.pieces.append("\n" if self.pre_depth else "\x0b")  # \x0b survives space collapsing as a break

    def close(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
        self.pre_depth = max(self.pre_depth - (tag == "pre"), 0)

    def text(self, data: str) -> None:
        self.pieces.append(data)

    def result(self) -> list[str]:
        self._flush()
        return [b.replace("\x0b", "\n") for b in self.blocks if b.strip()]


class _TagStream(html_parser.HTMLParser):
    """The same rules on a stream of tags (html.parser): no tree, so no depth limit. A <br/> comes as
    a start and an end tag (HTMLParser.handle_startendtag)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks = _Blocks()
        self.dropped: list[str] = []  # open dropped elements (script, style, head, ...)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _DROPPED_TAGS:
            self.dropped.append(tag)
        elif not self.dropped:
            self.blocks.open(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropped:
            if tag == self.dropped[-1]:
                self.dropped.pop()
        else:
            self.blocks.close(tag)

    def handle_data(self, data: str) -> None:
        if not self.dropped:
            self.blocks.text(data)


def _extract_html_stream(html: str) -> list[str]:
    reader = _TagStream()
    reader.feed(html)
    reader.close()
    return reader.blocks.result()


def _is_wide(char: str) -> bool:
    return bool(char) and unicodedata.east_asian_width(char) in "WF"


def _collapse_html_space(text: str) -> str:
    """HTML white space to one space; a line break between two CJK characters disappears (CSS Text 3)."""

    def replace(match: re.Match) -> str:
        before, after = text[match.start() - 1 : match.start()], text[match.end() : match.end() + 1]
        return "" if "\n" in match.group() and _is_wide(before) and _is_wide(after) else " "

    return _HTML_SPACE.sub(replace, text).strip()


def extract_markdown(text: str) -> list[str]:
    """Markdown rendered by markdown-it-py (CommonMark plus tables), then read as HTML: headings,
    emphasis and link syntax go, link text stays, fenced code stays as lines of text.

    Prose whose only Markdown is a leading bold run or a paragraph that is one link (news
    transcripts) is read directly, to the same blocks, without markdown-it (about 0.4 ms an item).
    """
    blocks = _read_plain_markdown(text)
    return blocks if blocks is not None else extract_html(_MARKDOWN.render(text))


# The direct reading covers single-line paragraphs between blank lines, each either plain text, a
# `**bold**` run at its start, or one `*[text](http...)*` link; anything else (any other inline
# syntax, an entity, a character HTML parsing might alter, a line that could open a block) returns
# None and goes through markdown-it. tests/unit/test_load_speed.py compares the two on generated text.
_MD_INLINE_SYNTAX = r"\\`*_\[\]<>&!~|\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufffe\uffff"
_MD_SPECIAL = re.compile(f"[{_MD_INLINE_SYNTAX}]")
# what a block construct (heading, quote, list, rule, fence, table, HTML, reference, indented code)
# may start with; `**x` and `*[` open neither a list nor a rule
_MD_BLOCK_START = re.compile(r"[ \t#>+\-=_~`|<\[:]|\d+[.)]|\*(?!\*[^*\s]|\[)")
_MD_LEADING_BOLD = re.compile(f"\\*\\*([^{_MD_INLINE_SYNTAX}]+)\\*\\*([^{_MD_INLINE_SYNTAX}]*)")
_MD_LINK_PARAGRAPH = re.compile(f"\\*\\[([^{_MD_INLINE_SYNTAX}]+)\\]\\(https?://[A-Za-z0-9\\-._~:/?#@$&'+,;=%]*\\)\\*")


def _is_md_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _bold_run_closes(last: str, after: str) -> bool:
    """Whether a `**` run after `last` and before `after` can close emphasis: CommonMark's
    right-flanking rule, as markdown-it's StateInline.scanDelims decides it."""
    return not (
        isWhiteSpace(ord(last)) or (_is_md_punct(last) and not (isWhiteSpace(ord(after)) or _is_md_punct(after)))
    )


def _read_plain_markdown(text: str) -> list[str] | None:
    """The blocks extract_html(render(text)) gives, for the plain Markdown described above; else None."""
    blocks: list[str] = []
    previous_blank = True
    for line in text.split("\n"):
        if not line.strip(" "):
            previous_blank = True
            continue
        if not previous_blank or _MD_BLOCK_START.match(line):
            return None  # a paragraph of several lines (soft and hard breaks), or a block construct
        previous_blank = False
        content = mdTrim(line)  # as markdown-it's paragraph rule trims its content
        if _MD_SPECIAL.search(line):
            if link := _MD_LINK_PARAGRAPH.fullmatch(content):
                content = link.group(1)
            elif bold := _MD_LEADING_BOLD.fullmatch(content):
                strong, rest = bold.groups()
                # the opening run must be left-flanking and the closing one right-flanking
                if isWhiteSpace(ord(strong[0])) or not _bold_run_closes(strong[-1], rest[:1] or " "):
                    return None  # the `**` stay as text
                content = strong + rest
            else:
                return None
        block = _collapse_html_space(content)
        if block.strip():
            blocks.append(block)
    return blocks
