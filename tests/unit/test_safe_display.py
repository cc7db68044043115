"""Issue 9, safe display: user strings reach the page and the charts as text (Markdown, HTML and
plotly's pseudo-HTML all escaped), file names are cleaned, and only http(s) links are drawn."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import pytest
from apptest import TIMEOUT
from google.protobuf.json_format import MessageToDict
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from policylens import paths, schema
from policylens.export.files import build_chart_data, build_chart_html
from policylens.figures.analysis import build_dispersion_figure, build_keyness_figure, build_network_figure
from policylens.figures.indicators import build_coverage_figure, build_indicator_figure
from policylens.figures.text import build_paragraph_map_figure, build_pillar_share_figure, build_term_bar_figure
from policylens.i18n import t
from policylens.markup import (
    MAX_FILE_NAME_CHARS,
    WORD_JOINER,
    build_highlighted_html,
    clean_file_name,
    escape_html,
    escape_markdown,
    escape_plotly,
    is_web_url,
    safe_href,
    t_html,
    t_md,
)
from policylens.text.pillars import load_codebook

PAYLOAD = "![i](http://127.0.0.1:9/t.png)[x](http://127.0.0.1:9/).txt"
HOSTILE = [
    PAYLOAD,
    "<img src=x onerror=alert(1)><script>alert(1)</script><a href='javascript:x'>y</a>",
    "**bold** __bold__ *em* _em_ ~~del~~ `code` ``co`de``",
    "# heading",
    "> quote",
    "- item",
    "+ item",
    "1. item",
    "2) item",
    "***",
    "---",
    "===",
    "| a | b |",
    "[ref]: http://127.0.0.1:9/",
    "<http://127.0.0.1:9/>",
    "http://127.0.0.1:9/x www.example.com",
    "mail me@example.com",
    "$x^2$ and $$y$$",
    ":red[red] :blue-background[b] :material/home: :smile: :+1:",
    "x:smile",
    "back\\slash \\*not em\\* C:\\path\\",
    "&amp; &lt;b&gt; &#33; &copy;",
    "100% {n:,} {name}",
    "a\nb\r\nc\td\x00e\x85f\u2028g",
]
TAGS = re.compile(r"<(?!/?p>)[a-z]")  # any element but the one paragraph


def render_markdown(source: str) -> str:
    """CommonMark plus GFM tables and strikethrough (markdown-it-py), raw HTML allowed."""
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(source)


def shown(rendered: str) -> str:
    """The text a browser shows for one rendered paragraph."""
    inner = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.DOTALL)
    assert inner, rendered
    return html.unescape(inner.group(1))


def as_typed(text: str) -> str:
    """What escape_markdown promises to show: control characters as spaces."""
    return re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text)


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_renders_as_the_text_itself(text):
    rendered = render_markdown(escape_markdown(text))
    assert not TAGS.search(rendered), rendered  # no img, a, script, em, strong, code, del, h1, ul, table ...
    assert shown(rendered).replace(WORD_JOINER, "") == as_typed(text).strip()


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_markdown_leaves_streamlit_nothing_to_expand(text):
    source = escape_markdown(text)
    assert ":" not in source  # no :red[...], :material/...:, :smile: for Streamlit to find
    assert not re.search(r"(?<!\\)\$", source)  # no unescaped $ to start maths
    visible = shown(render_markdown(source))
    # the GFM autolink literals Streamlit's Markdown applies to the parsed text find nothing
    assert not re.search(r"(https?://|www(?=\.))", visible, re.IGNORECASE)
    assert not re.search(r"[-.\w+]+@[-\w]+(?:\.[-\w]+)+", visible)


def test_leading_spaces_do_not_make_a_code_block():
    assert "<code>" not in render_markdown(escape_markdown("    indented"))


def test_t_md_escapes_only_the_values_and_keeps_number_formats():
    text = t_md("sidebar.document_caption", "en", name="a_b*.txt", language="English", paragraphs=3, characters=12345)
    assert text == "a\\_b\\*\\.txt · English · 3 paragraphs · 12,345 characters"
    assert t_md(
        "overview.document_line", "en", name="a_b*.txt", language="English", paragraphs=3, characters=12345
    ) == ("a\\_b\\*\\.txt · English · 3 paragraphs · 12,345 characters")
    assert t_md("docs.loaded", "en", name="x", encoding="utf-8") == "Loaded x (text encoding utf\\-8)."


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_html_shows_the_text_inline_and_in_a_block(text):
    for wrapper in ("<span>{}</span>", '<div style="color:red">{}</div>'):
        rendered = render_markdown(wrapper.format(escape_html(text)))
        assert not re.search(r"<(img|a|script|em|strong|code|del|h\d|ul|ol|table)\b", rendered), rendered
        text_shown = html.unescape(re.sub(r"<[^>]+>", "", rendered)).strip().replace(WORD_JOINER, "")
        assert text_shown == as_typed(text).strip()


def test_t_html_keeps_the_template_and_escapes_the_values():
    assert t_html("selection.term", "en", term="<b>x</b>") == "term &lt;b&gt;x&lt;/b&gt;"
    assert t_html("selection.pillars", "en", pillars="A") == "Filtered to: A"


def test_highlighted_document_text_cannot_become_an_image():
    out = build_highlighted_html(PAYLOAD, [(0, 3, "![i]")], "#2E6FD8")
    rendered = render_markdown(f"<span>{out}</span>")
    assert "<img" not in rendered and "<a " not in rendered and rendered.count("<mark") == 1
    assert 'title="&#33;&#91;i&#93;"' in out


# --- file names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("a\x00b.txt", "ab.txt"),
        ("report\x85\x9f.pdf", "report.pdf"),
        ("evil\u202etxt.exe", "eviltxt.exe"),
        ("\u2066name\u2069.md", "name.md"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\政策.docx", "政策.docx"),
        ("  tabs\tand\nnewlines.txt ", "tabsandnewlines.txt"),
        (PAYLOAD, ").txt"),  # the slashes are folder separators: only the last part is a file name
    ],
)
def test_file_names_lose_controls_bidi_and_folders(raw, cleaned):
    assert clean_file_name(raw, "unnamed") == (cleaned, True)


@pytest.mark.parametrize("raw", ["", "\x00", "\u202e\u202c", "dir/", " . ", ".."])
def test_a_file_name_with_nothing_left_becomes_the_placeholder(raw):
    assert clean_file_name(raw, "未命名文件") == ("未命名文件", True)


def test_a_file_name_that_is_only_an_extension_gets_the_placeholder_in_front():
    assert clean_file_name("\x00.txt", "unnamed file") == ("unnamed file.txt", True)


def test_a_long_file_name_is_cut_and_keeps_its_extension():
    name, changed = clean_file_name("政" * 300 + ".docx", "unnamed")
    assert changed and len(name) == MAX_FILE_NAME_CHARS and name.endswith("政.docx")


@pytest.mark.parametrize("raw", ["政策_gbk.txt", "policy (final) v2.docx", "![i](x).md", "a&b.html"])
def test_an_ordinary_file_name_is_kept_as_it_is(raw):
    assert clean_file_name(raw, "unnamed") == (raw, False)


# --- links --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "ftp://example.com/a",
        "//evil.example/x",
        "/relative/path",
        "example.com",
        "http://",
        "https:///path",
        "http://[::1",
        "http://exa mple.com",
        "http://example.com/\x00",
        "https:\\\\evil.example",
        "统计公报 2022",
        "",
        None,
        3,
    ],
)
def test_only_absolute_http_urls_are_links(url):
    assert not is_web_url(url) and safe_href(url) is None


@pytest.mark.parametrize("url", ["http://example.com", "https://www.gov.cn/a?b=1&c=2#d", "HTTPS://EXAMPLE.COM/x"])
def test_http_and_https_urls_are_links(url):
    assert is_web_url(url) and safe_href(url) == html.escape(url)


# --- plotly -------------------------------------------------------------------------------------

EVIL = "<a href='http://127.0.0.1:9/'>x</a><b>%{y}</b>"
ESCAPED = escape_plotly(EVIL)


def hostile_codebook():
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    return replace(codebook, pillars=tuple(replace(p, label_en=f"{p.id} {EVIL}") for p in codebook.pillars))


NOT_DRAWN = {"customdata", "legendgroup", "meta", "uid", "ids"}


def drawn_strings(node: object, key: str = "") -> list[str]:
    """Every string of a figure's JSON that plotly draws: customdata (the click payload, never in a
    template here) and identifiers (legendgroup, meta, uid) are left out."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() if k not in NOT_DRAWN for s in drawn_strings(v, k)]
    if isinstance(node, (list, tuple)):
        return [s for v in node for s in drawn_strings(v, key)]
    return []


def assert_no_markup(fig: go.Figure) -> None:
    strings = drawn_strings(fig.to_plotly_json())
    assert not [s for s in strings if "<a" in s or "<b>%{y}" in s or "%{y}</b>" in s]


def test_term_bars_escape_terms_pillar_titles_and_the_source():
    codebook = hostile_codebook()
    terms = pd.DataFrame({schema.TERM: [EVIL, "创新"], schema.COUNT: [5, 3]})
    fig = build_term_bar_figure(
        terms, {EVIL: "new"}, codebook, "en", f"Top terms of {codebook.get('new').label('en')}", f"Source: {EVIL}.txt"
    )
    (bars,) = fig.data
    assert list(bars.y) == [ESCAPED, "创新"] and list(bars.customdata) == [EVIL, "创新"]  # a click selects the raw term
    assert "&lt;a href" in fig.layout.title.text and "&lt;a href" in fig.layout.annotations[-1].text
    assert_no_markup(fig)
    data = build_chart_data(fig)
    assert data["y"].tolist() == [EVIL, "创新"]  # the CSV holds the raw strings


def test_pillar_share_and_paragraph_map_escape_codebook_labels():
    codebook = hostile_codebook()
    summary = pd.DataFrame({schema.PILLAR: ["new", None], "char_share": [0.6, 0.4], schema.PARAGRAPHS: [2, 1]})
    share = build_pillar_share_figure(summary, codebook, "en", "Source: x")
    assert share.data[0].y[0] == f"new {ESCAPED}" and "&lt;a" in share.data[0].hovertext[0]
    assert_no_markup(share)
    scores = pd.DataFrame({schema.PARAGRAPH: [1, 2], schema.PILLAR: ["new", "new"], schema.SCORE: [3.0, 1.0]})
    assignment = pd.DataFrame({schema.PARAGRAPH: [1, 2], schema.PILLAR: ["new", None]})
    strip = build_paragraph_map_figure(scores, assignment, codebook, "en", "Source: x")
    assert strip.data[0].name == f"new {ESCAPED}" and "&lt;a" in strip.data[0].hovertext[0]
    assert_no_markup(strip)


def test_analysis_figures_escape_terms_and_pillar_labels():
    import networkx as nx

    labels = {"new": EVIL}
    graph = nx.Graph()
    graph.add_node(EVIL, frequency=3)
    graph.add_node("b", frequency=1)
    graph.add_edge(EVIL, "b", weight=1.0)
    network = build_network_figure(
        graph,
        {EVIL: (0, 0), "b": (1, 1)},
        {EVIL: 0, "b": 0},
        {EVIL: "new", "b": None},
        {"new": "#2E6FD8"},
        "pillar",
        "en",
        "Source: x",
        pillar_labels=labels,
    )
    assert ESCAPED in [t.name for t in network.data]
    assert_no_markup(network)
    dispersion = pd.DataFrame({schema.TERM: [EVIL], schema.PARAGRAPH: [1], schema.COUNT: [2], "relative": [1.0]})
    assignment = pd.DataFrame({schema.PARAGRAPH: [1], schema.PILLAR: ["new"]})
    strip = build_dispersion_figure(
        dispersion, [EVIL], assignment, {"new": "#2E6FD8"}, "en", "Source: x", pillar_labels=labels, highlight=EVIL
    )
    assert f"<b>{ESCAPED}</b>" in strip.layout.yaxis.ticktext
    assert_no_markup(strip)
    stats = pd.DataFrame({schema.TERM: [EVIL, "b"], "keyness_new": [12.0, -9.0]})
    keyness = build_keyness_figure(stats, "new", 5, "#2E6FD8", "en", "Source: x", pillar_label=EVIL)
    assert list(keyness.data[0].y) == [ESCAPED, "b"] and ESCAPED in keyness.layout.title.text
    assert_no_markup(keyness)


def indicator_rows(**overrides: object) -> pd.DataFrame:
    base = {
        schema.CITY: EVIL,
        schema.YEAR: 2022,
        schema.PILLAR: "strong",
        schema.INDICATOR_ID: "x",
        schema.INDICATOR_EN: EVIL,
        schema.INDICATOR_ZH: "指标",
        schema.VALUE: 1.0,
        schema.UNIT: "亿元",
        schema.UNIT_CODE: "100m_cny",
        schema.QUALIFIER: "exact",
        schema.PERIOD_NOTE: EVIL,
        schema.SOURCE_TITLE: EVIL,
        schema.SOURCE_URL: "https://example.com/a",
        schema.SOURCE_QUOTE: "",
    }
    frame = pd.DataFrame([{**base, **overrides}], columns=list(schema.INDICATOR_COLUMNS))
    return frame.astype({schema.YEAR: "Int64", schema.VALUE: "float64"})


def test_indicator_figures_escape_uploaded_cities_names_and_sources_once():
    fig = build_indicator_figure(indicator_rows())
    assert fig.layout.title.text == ESCAPED  # escaped once, not "&amp;lt;"
    assert list(fig.data[0].x) == [ESCAPED] and "&lt;a" in fig.data[0].hovertext[0]
    assert_no_markup(fig)
    page = build_chart_html(fig, fig.layout.title.text, font_css="")
    title = re.search(r"<title>(.*?)</title>", page).group(1)  # the page's, in <head>
    assert "<" not in title and html.unescape(title) == EVIL  # shown as text, escaped once
    coverage = pd.DataFrame({schema.INDICATOR_ID: ["x"], schema.YEAR: [2022], schema.CITY: [EVIL], "n_values": [1]})
    cover = build_coverage_figure(coverage, "en", {"x": EVIL}, source=f"Source: {EVIL}")
    assert list(cover.data[-1].y) == [ESCAPED] and cover.data[-1].name == ESCAPED
    assert_no_markup(cover)


# --- the app, every page ------------------------------------------------------------------------

PAGES = sorted((paths.ROOT / "pages").glob("*.py"))
# A file name cannot hold "/" (that is a folder), so the Markdown payload of this one has none.
MARKDOWN_NAME = "![i](javascript:alert(1))[x](#top) **b** :smile: :red[r] $x$ <img src=x onerror=alert(1)>.txt"
DOCUMENT = (
    b"Innovation drives industry and ![i](http://127.0.0.1:9/t.png) images. "
    b"More innovation, [x](http://127.0.0.1:9/) and <b>bold</b> stay text.\n\nA second innovation paragraph."
)
# Unescaped Markdown or HTML from the payloads (a backslash before it is an escape: shown as text).
RAW = re.compile(
    r"(?<!\\)!\[i|\]\(http|\]\(javascript|(?<!\\)<img|(?<!\\)<a href='|(?<!\\)\*\*b\*\*|:smile:|:red\["
    r"|(?<!\\)\$x|(?<!\\)<b>bold|javascript:alert"
)
CSV_HEADER = "city,year,indicator_en,pillar,value,unit,source_title,source_url\n"
HOSTILE_CELL = "![i](http://127.0.0.1:9/t.png) <a href='http://127.0.0.1:9/'>x</a> **b** :smile:"
BAD_CSV = CSV_HEADER + f'Nanjing,2022,"{HOSTILE_CELL}",strong,1,亿元,T,javascript:alert(1)\n'
GOOD_CSV = CSV_HEADER + (
    f'"{HOSTILE_CELL}",2021,"{HOSTILE_CELL}",strong,1,亿元,"$x$ :red[r]",https://example.com/a\n'
    f'"{HOSTILE_CELL}",2022,"{HOSTILE_CELL}",strong,2,亿元,"$x$ :red[r]",https://example.com/b\n'
)


def open_app() -> AppTest:
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["term"] = "![i](http://127.0.0.1:9/t.png)"  # a shared link's value, reported in a notice
    at.run()
    assert not at.exception, at.exception
    for value in ("zh", "en"):  # pin English
        at.segmented_control(key="widget.global.lang").set_value(value).run()
    return at


def upload(at: AppTest, key: str, *files: tuple[str, bytes]) -> None:
    at.file_uploader(key=key).set_value([(name, data, "application/octet-stream") for name, data in files]).run()
    assert not at.exception, at.exception


def nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from nodes(child)


def markdown_strings(at: AppTest) -> list[str]:
    """Every string Streamlit renders as Markdown (or as HTML): bodies of markdown, captions, alerts,
    headings and toasts; labels and help of widgets, metrics, expanders and tabs; radio and button
    group options. Selectbox and multiselect options and widget values are plain text: left out."""
    found = []

    def collect(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str) and key in {"body", "label", "help", "content", "options", "placeholder"}:
            found.append(value)

    for node in nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or node.type in {"selectbox", "multiselect", "plotly_chart", "arrow_data_frame"}:
            continue
        data = MessageToDict(proto)
        if node.type != "radio":
            data.pop("options", None)
        collect(data)
    return found


def drawn_chart_strings(at: AppTest) -> list[str]:
    import json

    return [s for chart in at.get("plotly_chart") for s in drawn_strings(json.loads(chart.proto.spec))]


def assert_shown_as_text(at: AppTest, where: str) -> None:
    assert not at.exception, (where, at.exception)
    unsafe = [s for s in markdown_strings(at) if RAW.search(s)]
    assert not unsafe, (where, unsafe)
    assert not [s for s in drawn_chart_strings(at) if "<a " in s or "<img" in s], where


def test_hostile_names_cells_and_text_show_as_text_on_every_page():
    at = open_app()
    upload(at, "widget.docs.upload", (MARKDOWN_NAME, DOCUMENT), (PAYLOAD, DOCUMENT + b" Again."))
    successes = [s.value for s in at.sidebar.success]
    assert len(successes) == 2 and all(s.startswith("Loaded ") for s in successes)
    # the payload's slashes made it a path: it is listed by its last part, and the notice says so
    assert t("upload.renamed", "en", name="X").split(" X")[0] in successes[1]
    assert at.selectbox(key="widget.docs.active").options[1:] == [MARKDOWN_NAME, ").txt"]
    at.selectbox(key="widget.docs.active").set_value(at.selectbox(key="widget.docs.active").options[1]).run()
    at.switch_page("pages/indicators.py").run()
    upload(at, "widget.indicators.upload", ("bad.csv", BAD_CSV.encode()))
    (error,) = [e.value for e in at.error]
    assert "row 2" in error and t("indicator_upload.error.bad_source_url", "en") in error
    assert "javascript&#58;alert\\(1\\)" in error  # quoted, escaped
    upload(
        at,
        "widget.indicators.upload",
        ("bad.csv", BAD_CSV.encode()),
        (MARKDOWN_NAME.replace(".txt", ".csv"), GOOD_CSV.encode()),
    )
    assert [s.value for s in at.success], [e.value for e in at.error]
    at.multiselect(key="widget.indicators.cities").set_value([HOSTILE_CELL]).run()
    at.text_input(key="widget.indicators.link_term").set_value(HOSTILE_CELL).run()
    at.session_state["global.term"] = "innovation"
    for page in PAGES:
        at.switch_page(str(page.relative_to(paths.ROOT))).run()
        if page.name == "kwic.py":
            at.text_input(key="widget.kwic.query").set_value(HOSTILE_CELL).run()
            assert_shown_as_text(at, "kwic query")
            at.text_input(key="widget.kwic.query").set_value("innovation").run()
        assert_shown_as_text(at, page.name)


def test_a_nul_in_a_file_name_keeps_the_session_and_the_earlier_documents():
    at = open_app()
    first = ("first.txt", "推动数字经济和实体经济深度融合。".encode())
    upload(at, "widget.docs.upload", first)
    # the uploader keeps first.txt, as a browser does; the new file's name holds a NUL and a bidi override
    upload(at, "widget.docs.upload", first, ("po\x00li\u202ecy.txt", DOCUMENT))
    (success,) = [s.value for s in at.sidebar.success]
    assert success.startswith("Loaded policy\\.txt") and "listed as policy\\.txt" in success
    picker = at.selectbox(key="widget.docs.active")
    assert picker.options[1:] == ["first.txt", "policy.txt"] and picker.index == 2  # the new one is active
    for _ in range(2):  # every later rerun works too
        at.run()
        assert not at.exception, at.exception
    at.selectbox(key="widget.docs.active").set_value(at.selectbox(key="widget.docs.active").options[1]).run()
    assert not at.exception and any(c.value.startswith("first\\.txt · ") for c in at.sidebar.caption)
    at.segmented_control(key="widget.global.lang").set_value("zh").run()
    upload(at, "widget.docs.upload", first, ("po\x00li\u202ecy.txt", DOCUMENT), ("\x00.txt", DOCUMENT))
    (success,) = [s.value for s in at.sidebar.success]
    assert success.startswith("已载入 未命名文件\\.txt")  # "\x00.txt" left only an extension: the placeholder


def test_every_link_column_keeps_only_web_links():
    """A ratio's divisor link is a LinkColumn too: a javascript: URL from an upload never becomes a link."""
    from policylens.ui.widgets.elements import keep_web_links

    table = pd.DataFrame(
        {
            "source_url": ["https://example.com/a", "javascript:alert(1)"],
            "denominator_source_url": ["javascript:alert(2)", None],
            "note": ["javascript:alert(3)", ""],
        }
    )
    kept = keep_web_links(table)
    assert kept["source_url"].iloc[0] == "https://example.com/a" and pd.isna(kept["source_url"].iloc[1])
    assert kept["denominator_source_url"].isna().all()
    assert kept["note"].tolist() == ["javascript:alert(3)", ""]  # text, not a link: shown as text
