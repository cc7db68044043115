"""Tests for policylens.export: formula-injection neutralising, CSV/XLSX, chart HTML and data, cloud PNG,
provenance and the export bundle (images are covered in test_image_export)."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import plotly.graph_objects as go
import pytest
from PIL import Image
from plotly.io._utils import plotly_cdn_url

from policylens.documents.loader import load_pasted_text
from policylens.export import files as export
from policylens.export import images as image_export
from policylens.export.files import (
    ChartExport,
    ViewFilters,
    build_chart_data,
    build_chart_html,
    build_cloud_png,
    build_csv,
    build_export_bundle,
    build_provenance,
    build_xlsx,
    neutralise_cell,
    neutralise_table,
)
from policylens.export.images import ExportUnavailable
from policylens.figures.clouds import CloudOptions, render_cloud
from policylens.text.pillars import load_codebook, parse_codebook
from policylens.text.segment import SegmenterConfig

TRIGGERS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "＝1", "＋1", "－1", "＠x"]


@pytest.fixture
def table():
    return pd.DataFrame(
        {
            "term": ['=HYPERLINK("http://x")', "新质生产力", "-2", "plain"],
            "count": [3, -1, 2, 0],
            "evidence": [("a", "b"), (), ("=x",), ("c",)],
        }
    )


@pytest.fixture
def bar_figure():
    fig = go.Figure(go.Bar(x=[3, 1], y=["创新", "=cmd"], text=["3", "1"], customdata=["new", "strong"], name="terms"))
    fig.add_trace(go.Scatter(x=[None], y=[None], name="legend only"))
    fig.update_layout(title_text="高频词 <b>&</b>")
    return fig


@pytest.mark.parametrize("value", TRIGGERS)
def test_text_cells_starting_a_formula_get_a_quote(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["新质", "plain text", "", "a=b", 5, -3.5, None])
def test_other_cells_are_unchanged(value):
    assert neutralise_cell(value) == value


def test_neutralise_table_keeps_numbers_numeric_and_joins_tuples(table):
    expected = pd.DataFrame(
        {
            "term": ['\'=HYPERLINK("http://x")', "新质生产力", "'-2", "plain"],
            "count": [3, -1, 2, 0],
            "evidence": ["a; b", "", "'=x", "c"],
        }
    )
    pd.testing.assert_frame_equal(neutralise_table(table), expected, check_dtype=False)
    assert pd.api.types.is_integer_dtype(neutralise_table(table)["count"])


def test_csv_is_utf8_with_bom_and_reads_back_neutralised(table):
    data = build_csv(table)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", keep_default_na=False, dtype={"term": str})
    assert list(back["term"]) == ['\'=HYPERLINK("http://x")', "新质生产力", "'-2", "plain"]
    assert list(back["count"]) == [3, -1, 2, 0]


def test_xlsx_holds_text_not_formulas_and_numbers_as_numbers(table):
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx({"terms": table})))
    sheet = book["terms"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")' and sheet["A3"].value == "新质生产力"
    assert [sheet.cell(row=r, column=2).value for r in range(2, 6)] == [3, -1, 2, 0]
    assert {sheet.cell(row=r, column=2).data_type for r in range(2, 6)} == {"n"}
    assert sheet.freeze_panes == "A2"


def test_xlsx_sheet_names_are_cut_cleaned_and_unique(table):
    long = "a/very:long*sheet?name[with]forbidden characters"
    book = openpyxl.load_workbook(io.BytesIO(build_xlsx({long: table, long + "!": table})))
    names = book.sheetnames
    assert len(names) == 2 and len(set(names)) == 2
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)


def test_chart_data_lists_plotted_points_without_legend_only_traces(bar_figure):
    expected = pd.DataFrame(
        {
            "trace": [0, 0],
            "series": ["terms", "terms"],
            "x": [3, 1],
            "y": ["创新", "=cmd"],
            "label": ["3", "1"],
            "customdata": ["new", "strong"],
        }
    )
    pd.testing.assert_frame_equal(build_chart_data(bar_figure), expected, check_dtype=False)
    assert b"'=cmd" in build_csv(build_chart_data(bar_figure))


def test_chart_data_numbers_points_of_a_trace_without_x():
    data = build_chart_data(go.Figure(go.Scatter(y=[5, None, 7])))
    assert list(data["x"]) == [0, 2] and list(data["y"]) == [5, 7]


def test_chart_html_is_standalone_and_offline(bar_figure):
    page = build_chart_html(bar_figure, title="<b>share</b>", lang="zh")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh">' in page
    assert "<title>&lt;b&gt;share&lt;/b&gt;</title>" in page
    assert page.count("Plotly.newPlot(") == 1
    assert len(re.findall(r"<script[^>]*\bsrc=", page)) == 0 and "<link" not in page
    assert '@font-face{font-family:"Noto Sans SC"' in page
    assert "\\u003cb\\u003e" in page  # figure JSON is escaped inside the script


def test_chart_html_from_the_cdn_is_small_pinned_and_checked(bar_figure):
    """The small page loads plotly.js when opened (the app itself fetches nothing): the exact version
    plotly.py bundles, with its subresource integrity, so a changed CDN file is not run."""
    inline = build_chart_html(bar_figure, title="share", font_css="")
    online = build_chart_html(bar_figure, title="share", font_css="", plotly_js="cdn")
    assert len(inline.encode()) > 4_000_000 > 100_000 > len(online.encode())
    (tag,) = re.findall(r"<script[^>]*\bsrc=[^>]*>", online)
    assert f'src="{plotly_cdn_url()}"' in tag and 'integrity="sha256-' in tag and 'crossorigin="anonymous"' in tag
    assert export.plotly_integrity() in tag
    assert online.count("Plotly.newPlot(") == 1
    with pytest.raises(ValueError, match="plotly_js"):
        build_chart_html(bar_figure, plotly_js="directory")


def test_cloud_png_is_redrawn_at_the_chosen_width():
    cloud = render_cloud({"新质生产力": 5, "创新": 3, "产业": 2}, {}, CloudOptions(width=300, height=150))
    assert Image.open(io.BytesIO(build_cloud_png(cloud))).size == (300, 150)
    assert Image.open(io.BytesIO(build_cloud_png(cloud, width=900))).size == (900, 450)
    with pytest.raises(ValueError):
        build_cloud_png(render_cloud({}, {}, CloudOptions()))


@pytest.fixture(scope="module")
def provenance():
    document = load_pasted_text("新质生产力推动高质量发展。\n科技创新引领产业创新。", name="policy.txt")
    config = SegmenterConfig(user_words_zh=("新质生产力",), stopword_edits=(("zh", "add", "推动"),))
    filters = ViewFilters(pillars=("new",), term="创新", indicator="gdp", cities=("Nanjing",), years=(2020, 2024))
    when = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    return build_provenance(document, load_codebook(), config, filters, now=when)


def test_provenance_records_document_codebook_session_filters_and_versions(provenance):
    assert provenance["generated_utc"] == "2026-11-01T08:30:00+00:00"
    assert provenance["document"]["name"] == "policy.txt"
    assert re.fullmatch(r"[0-9a-f]{64}", provenance["document"]["sha256"])
    assert provenance["document"]["encoding"] == "n/a"
    assert parse_codebook(provenance["codebook_toml"]) == load_codebook()
    assert provenance["user_dictionary"] == ["新质生产力"]
    assert provenance["stopword_edits"] == [{"language": "zh", "action": "add", "word": "推动"}]
    assert provenance["filters"] == {
        "pillars": ["new"],
        "term": "创新",
        "indicator": "gdp",
        "cities": ["Nanjing"],
        "years": [2020, 2024],
    }
    assert set(provenance["packages"]) == {"streamlit", "plotly", "pandas", "jieba", "wordcloud", "kaleido"}
    assert provenance["packages"]["plotly"]
    json.dumps(provenance)


def _open(bundle: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(bundle))
    assert archive.testzip() is None
    return archive


def test_bundle_holds_html_csv_clouds_tables_and_provenance(bar_figure, provenance, table):
    cloud = render_cloud({"创新": 3, "产业": 2}, {}, CloudOptions(width=200, height=100))
    bundle = build_export_bundle(
        [ChartExport("Top terms", bar_figure), ChartExport("Top terms", bar_figure, data=table)],
        provenance,
        clouds={"terms cloud": cloud},
        tables={"terms": table},
        images=False,
    )
    archive = _open(bundle)
    names = set(archive.namelist())
    assert names == {
        "provenance.json",
        "charts/Top_terms.html",
        "charts/Top_terms_2.html",
        "data/Top_terms.csv",
        "data/Top_terms_2.csv",
        "clouds/terms_cloud.png",
        "clouds/terms_cloud.svg",
        "tables/terms.csv",
    }
    record = json.loads(archive.read("provenance.json"))
    assert record["files"] == sorted(names - {"provenance.json"})
    assert record["document"] == provenance["document"] and "images_unavailable" not in record
    assert archive.read("data/Top_terms_2.csv") == build_csv(table)
    assert "@font-face" in archive.read("clouds/terms_cloud.svg").decode("utf-8")


def test_bundle_without_a_browser_says_why_and_keeps_the_rest(bar_figure, provenance, monkeypatch):
    def unavailable(*args, **kwargs):
        raise ExportUnavailable("export.reason.no_browser")

    monkeypatch.setattr(export, "build_figure_image", unavailable)
    archive = _open(build_export_bundle([ChartExport("share", bar_figure)], provenance, lang="zh"))
    assert set(archive.namelist()) == {"provenance.json", "charts/share.html", "data/share.csv"}
    record = json.loads(archive.read("provenance.json"))
    assert "工具栏" in record["images_unavailable"]


def test_bundle_includes_png_and_svg_when_a_browser_is_there(bar_figure, provenance):
    pytest.importorskip("kaleido")
    if image_export.find_browser() is None:
        pytest.skip("no Chromium: covered by test_image_export, which fails in CI without it")
    archive = _open(build_export_bundle([ChartExport("share", bar_figure)], provenance))
    assert {"charts/share.png", "charts/share.svg"} <= set(archive.namelist())
    assert archive.read("charts/share.png").startswith(b"\x89PNG")
    image_export.stop_image_server()
