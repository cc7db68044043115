"""Tests for policylens.export.report: every section, one plotly.js, nothing fetched from the network, the CJK
font subset, escaped document text; and the `report` command of policylens.report_cli."""

import argparse
import base64
import io
import re
from html.parser import HTMLParser

import pytest
from fontTools.ttLib import TTFont
from plotly.offline import get_plotlyjs

from policylens import paths
from policylens.documents.loader import load_pasted_text
from policylens.export.cli import add_report_parser, run_report
from policylens.export.report import build_report_html
from policylens.indicators import table as indicators
from policylens.text.analysis import analyze_document

SECTIONS = ("summary", "pillars", "clouds", "terms", "kwic", "indicators")
ATTACK = "<script>alert(1)</script>"
TEXT = "\n".join(
    [
        f"加快科技创新,发展新质生产力。{ATTACK}科技创新引领产业创新,研发投入持续增长。",
        "建设现代化产业体系,做强制造业,培育战略性新兴产业和未来产业,产业集群加快成长。",
        "推动科技创新和产业创新深度融合,四链融合,协同发展。",
        "南京的高质量发展迈出新步伐。",
    ]
)
RESOURCE_TAGS = {"script", "link", "img", "iframe", "source", "video", "audio", "embed", "object", "image", "use"}


class _Page(HTMLParser):
    """Collects tags with their attributes, script bodies and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data):
        current = self._in[-1] if self._in else ""
        if current == "script":
            self.scripts.append(data)
        elif current != "style":
            self.text.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def indicator_table():
    table = indicators.load_indicators()
    # An uploaded table may carry a hostile link; it must not become a clickable javascript: URL.
    return table.assign(
        **{"source_url": table["source_url"].mask(table["indicator_id"] == "gdp", "javascript:alert(1)")}
    )


@pytest.fixture(scope="module")
def report_zh(codebook, segmenter, indicator_table):
    document = load_pasted_text(TEXT, name="<b>政策</b>.txt")
    analysis = analyze_document(document, codebook, segmenter)
    return build_report_html(analysis, codebook, segmenter, indicator_table, (), "zh")


@pytest.fixture(scope="module")
def report_strong(codebook, segmenter):
    from policylens.documents.loader import load_document

    analysis = analyze_document(load_document(paths.SEED_DOCUMENT), codebook, segmenter)
    return build_report_html(analysis, codebook, segmenter, indicators.load_indicators(), ("strong",), "en")


def test_report_has_every_section(report_zh):
    for section in SECTIONS:
        assert f'<h2 id="{section}">' in report_zh, section
    assert "<svg" in report_zh  # the word clouds, inline
    assert report_zh.count('class="kwic-line"') >= 3
    assert "<title>PolicyLens 报告:&lt;b&gt;政策&lt;/b&gt;.txt</title>" in report_zh


def test_plotly_js_is_inlined_exactly_once(report_zh):
    assert report_zh.count(get_plotlyjs()[:200]) == 1
    assert report_zh.count("plotly.js v") == 1
    scripts = _parse(report_zh).scripts
    charts = [s for s in scripts if "Plotly.newPlot(" in s]
    assert len(charts) >= 3  # pillar overview and indicator charts
    assert len(scripts) == 1 + len(charts)


def test_report_references_no_network_resource(report_zh):
    parsed = _parse(report_zh)
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "xlink:href", "data", "poster", "srcset"):
            value = (attrs.get(name) or "").strip().lower()
            if tag in RESOURCE_TAGS and value:
                assert value.startswith("data:"), (tag, name, value)
    assert not [t for t, _ in parsed.tags if t == "link"]
    assert "@import" not in report_zh
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", report_zh)
    assert "Content-Security-Policy" in report_zh and "default-src 'none'" in report_zh


def test_report_embeds_a_cjk_font_subset_covering_its_text(report_zh):
    match = re.search(r'@font-face\{font-family:"Noto Sans SC";[^}]*base64,([A-Za-z0-9+/=]+)\)', report_zh)
    assert match, "no embedded CJK font"
    cmap = TTFont(io.BytesIO(base64.b64decode(match.group(1)))).getBestCmap()
    visible = "".join(_parse(report_zh).text)
    han = {c for c in visible if "\u4e00" <= c <= "\u9fff"}
    assert han and {ord(c) for c in han} <= set(cmap)
    assert len(cmap) < 3000  # a subset, not the whole font


def test_document_text_is_escaped(report_zh):
    assert ATTACK not in report_zh and "alert(1)</script>" not in report_zh
    assert "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;" in report_zh  # shown, as text, in the KWIC lines
    assert "<b>政策</b>" not in report_zh


def test_only_http_links_become_links(report_zh):
    hrefs = [attrs.get("href", "") for tag, attrs in _parse(report_zh).tags if tag == "a"]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert "javascript:alert(1)" in report_zh  # still listed, as plain text


def test_pillar_filter_applies_to_the_overview_and_indicators(report_strong):
    assert "pillars: Strong" in report_strong
    assert "Global Innovation Index" not in report_strong  # a "new" indicator
    assert '"customdata":["strong"]' in report_strong  # the pillar overview shows only that pillar
    assert '<h2 id="indicators">' in report_strong


def test_report_without_indicators_leaves_the_section_out(codebook, segmenter):
    analysis = analyze_document(load_pasted_text(TEXT), codebook, segmenter)
    page = build_report_html(analysis, codebook, segmenter, indicators.load_indicators().iloc[0:0], (), "en")
    assert '<h2 id="indicators">' not in page and '<h2 id="kwic">' in page


# --- the command ------------------------------------------------------------------------------
def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m policylens")
    add_report_parser(parser.add_subparsers(dest="command", required=True))
    return run_report(parser.parse_args(["report", *argv]))


def test_cli_writes_the_report_with_extra_indicators(tmp_path, capsys):
    extra = indicators.load_indicators().head(3).assign(city="Testville")
    extra.to_csv(tmp_path / "extra.csv", index=False)
    out = tmp_path / "report.html"
    code = _run(
        str(paths.SEED_DOCUMENT),
        "--indicators",
        str(tmp_path / "extra.csv"),
        "--out",
        str(out),
        "--lang",
        "zh",
        "--pillar",
        "fusion",
    )
    assert code == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "支柱:融" in page
    assert str(out) in capsys.readouterr().out


@pytest.mark.parametrize("problem", ["missing", "bad_indicators", "bad_pillar", "bad_type"])
def test_cli_bad_input_exits_2_with_a_message(tmp_path, capsys, problem):
    document = str(paths.SEED_DOCUMENT)
    args = {
        "missing": [str(tmp_path / "nope.txt")],
        "bad_indicators": [document, "--indicators", str(tmp_path / "bad.csv")],
        "bad_pillar": [document, "--pillar", "weak"],
        "bad_type": [str(tmp_path / "a.xyz")],
    }[problem]
    (tmp_path / "bad.csv").write_text("city,year\nNanjing,2020\n", encoding="utf-8")
    (tmp_path / "a.xyz").write_text("text", encoding="utf-8")
    assert _run(*args, "--out", str(tmp_path / "r.html")) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "r.html").exists()
