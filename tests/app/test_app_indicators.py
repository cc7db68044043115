"""AppTest: the Indicators, Coverage and Targets pages: toggles change the figure, uploads add a dataset or
say exactly what is wrong, gaps stay gaps, and indicators link to the text of the current document."""

from __future__ import annotations

import html
import json
import re

import pytest
from apptest import TIMEOUT
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.markup import WORD_JOINER

UPLOADER = "widget.indicators.upload"
ZH_TARGETS = (
    "南京发展规划\n\n"
    "到2025年，全市地区生产总值突破2万亿元，高新技术企业达到1.2万家，建设现代化产业体系。\n\n"
    "科技创新引领，力争两院院士数量超过100名。\n\n"
    "深化产业融合，加快新质生产力发展。"
)
# A yearbook table: one row per city, one column per year; "—" and an empty cell are gaps.
WIDE_CSV = (
    "城市,指标代码,指标名称,支柱,单位,来源,链接,2019年,2020年,2021年,2022年\n"
    "南京,yearbook_rd_staff,研发人员,new,万人,南京统计年鉴2023,https://tjj.nanjing.gov.cn/yearbook/2023,10.5,—,12.25,13.75\n"
    "苏州,yearbook_rd_staff,研发人员,new,万人,苏州统计年鉴2023,https://tjj.suzhou.gov.cn/yearbook/2023,20.5,21.5,,23.5\n"
)


def shown_text(markdown: str) -> str:
    """The text a reader sees for a Markdown message (user values in it are escaped Markdown)."""
    rendered = MarkdownIt("commonmark").render(markdown)
    return html.unescape(re.sub(r"<[^>]+>", "", rendered)).replace(WORD_JOINER, "").strip()


def open_page(page: str = "pages/indicators.py", lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    for value in ("zh" if lang == "en" else "en", lang):  # a real choice pins the UI language
        at.segmented_control(key="widget.global.lang").set_value(value).run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def figure(at: AppTest) -> dict:
    (chart,) = at.get("plotly_chart")
    return json.loads(chart.proto.spec)


def traces(at: AppTest) -> dict[str, dict]:
    """City name -> its data trace (legend proxies and legend-only traces left out)."""
    return {t["name"]: t for t in figure(at)["data"] if t.get("name") and t.get("x") and t["x"][0] is not None}


def choose(at: AppTest, pillar: str, indicator: str, cities: list[str]) -> None:
    at.segmented_control(key="widget.indicators.pillar").set_value(pillar).run()
    at.selectbox(key="widget.indicators.indicator").set_value(indicator).run()
    at.multiselect(key="widget.indicators.cities").set_value(cities).run()
    assert not at.exception, at.exception


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.file_uploader(key=UPLOADER).set_value([(name, data, "text/csv")])
    at.run()
    assert not at.exception, at.exception


def paste(at: AppTest, text: str) -> None:
    at.text_area(key="widget.docs.paste").set_value(text)
    at.button(key="docs.paste_button").click().run()
    assert not at.exception, at.exception


def test_measure_scale_and_range_toggles_change_the_figure():
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing", "Suzhou"])
    absolute = figure(at)
    assert absolute["layout"]["yaxis"]["title"]["text"] == "trillion CNY"  # 亿元 read in words English uses
    assert absolute["layout"]["yaxis"]["ticktext"][:3] == ["0", "1", "2"]
    assert traces(at)["Nanjing"]["y"][0] == 10819.14  # 2016, the revised figure over the first published
    at.segmented_control(key="widget.indicators.measure").set_value("indexed").run()
    at.selectbox(key="widget.indicators.base_year").set_value(2022).run()
    indexed = figure(at)
    assert indexed["layout"]["yaxis"]["title"]["text"] == "Index (2022 = 100)"
    by_year = dict(zip(traces(at)["Nanjing"]["x"], traces(at)["Nanjing"]["y"]))
    assert by_year[2022] == 100 and by_year[2019] is None
    at.segmented_control(key="widget.indicators.measure").set_value("growth").run()
    assert figure(at)["layout"]["yaxis"]["title"]["text"] == "Change on previous year (%)"
    assert any("No value for the previous year" in c.value for c in at.caption)
    at.segmented_control(key="widget.indicators.measure").set_value("absolute").run()
    at.segmented_control(key="widget.indicators.scale").set_value("log").run()
    assert figure(at)["layout"]["yaxis"]["type"] == "log"
    (years,) = at.select_slider
    assert years.value == (2015, 2024)  # every year with a value for Nanjing or Suzhou
    years.set_value((2020, 2022)).run()
    assert min(traces(at)["Nanjing"]["x"]) == 2020 and max(traces(at)["Nanjing"]["x"]) == 2022


def test_index_says_which_city_lacks_the_base_year_and_draws_nothing_for_it():
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing", "Hefei"])
    at.segmented_control(key="widget.indicators.measure").set_value("indexed").run()
    at.selectbox(key="widget.indicators.base_year").set_value(2017).run()
    assert any(
        shown_text(c.value).startswith("Hefei, 2019, 2021, 2022, 2023, 2024: No value in the base year 2017")
        for c in at.caption
    )
    assert "Hefei" not in traces(at)  # no line, so no legend entry; the caption says why


def test_bar_table_and_compare_views():
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing", "Suzhou", "Hefei"])
    at.segmented_control(key="widget.indicators.view").set_value("bar").run()
    at.selectbox(key="widget.indicators.bar_year").set_value(2020).run()
    bars = [t for t in figure(at)["data"] if t["type"] == "bar"][0]
    assert sorted(bars["x"]) == ["Nanjing", "Suzhou"]
    assert any("No bar for Hefei: no value in 2020" in c.value for c in at.caption)
    at.segmented_control(key="widget.indicators.view").set_value("table").run()
    table = at.dataframe[0].value
    assert {"city", "year", "value", "qualifier", "unit", "source_title", "source_url"} <= set(table.columns)
    assert "≈ 12,820" in set(table["value"]) and table["source_url"].str.startswith("http").all()
    at.segmented_control(key="widget.indicators.view").set_value("compare").run()
    compare = at.dataframe[0].value.set_index("year")
    assert list(compare.columns) == ["Nanjing", "Suzhou", "Hefei"]
    assert compare.loc[2019, "Nanjing"] == "" and compare.loc[2022, "Nanjing"] == "16,908"
    assert figure(at)["data"]  # the compare view charts the cities too


def test_sources_panel_lists_every_source_with_a_link():
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing"])
    panel = [e for e in at.expander if e.label.startswith("Sources of this view")]
    assert panel
    sources = panel[0].dataframe[0].value
    assert len(sources) >= 5 and sources["source_url"].str.startswith("http").all()
    assert any("Source: " in m.value and "<a href=" in m.value for m in at.markdown)


def test_upload_of_a_wide_csv_adds_a_dataset_and_shows_its_values():
    at = open_page()
    upload(at, "yearbook.csv", WIDE_CSV.encode("gb18030"))
    assert [shown_text(s.value) for s in at.success] == [
        "Loaded yearbook.csv: 6 values, 1 indicators, 2 cities. It is now in view."
    ]
    picker = at.multiselect(key="widget.indicators.dataset_choice")
    assert picker.value[0].startswith("upload:") and "Bundled city indicators" in picker.options
    assert at.selectbox(key="widget.indicators.indicator").value == "yearbook_rd_staff"
    assert figure(at)["layout"]["title"]["text"] == "研发人员"  # named in Chinese only: shown in English too
    shown = traces(at)
    assert shown["Nanjing"]["x"] == [2019, 2020, 2021, 2022] and shown["Nanjing"]["y"] == [10.5, None, 12.25, 13.75]
    assert shown["Suzhou"]["y"] == [20.5, 21.5, None, 23.5]
    # the bundled table stays in view beside the upload: its indicators are still there to pick
    assert picker.value[1:] == ["bundled"] and len(picker.value) == 2
    assert any(o.startswith("R&D expenditure") for o in at.selectbox(key="widget.indicators.indicator").options)
    # the uploader is on the page, not in a collapsed expander
    assert not [e for e in at.expander if "yearbook" in e.label or "Data:" in e.label]


@pytest.mark.parametrize(
    ("lang", "summary", "short"),
    [
        ("en", "bad.csv was not loaded: 1 problem.", "A value is not a number."),
        ("zh", "未载入 bad.csv：发现 1 个问题。", "数值不是数字。"),
    ],
)
def test_bad_upload_says_what_and_where_and_keeps_the_previous_dataset(lang, summary, short):
    at = open_page(lang=lang)
    upload(at, "yearbook.csv", WIDE_CSV.encode("utf-8"))
    before = at.multiselect(key="widget.indicators.dataset_choice").value
    upload(at, "bad.csv", WIDE_CSV.replace("12.25", "twelve").encode("utf-8"))
    (error,) = [shown_text(e.value) for e in at.error]
    assert error.startswith(summary) and short in error and "row 2, column 2021" in error
    assert at.multiselect(key="widget.indicators.dataset_choice").value == before
    assert traces(at)["南京" if lang == "zh" else "Nanjing"]["y"] == [10.5, None, 12.25, 13.75]


@pytest.mark.parametrize(
    ("lang", "short", "detail"),
    [
        ("en", "Reading the table needed more memory than one table may take.", "more than 64 MB of memory"),
        ("zh", "读取该表所需内存超过单个表格的上限。", "more than 64 MB of memory"),  # the detail is English
    ],
)
def test_an_upload_past_the_read_memory_limit_is_refused_and_nothing_changes(monkeypatch, lang, short, detail):
    from policylens import workers
    from policylens.ui import indicator_data

    at = open_page(lang=lang)
    upload(at, "yearbook.csv", WIDE_CSV.encode("utf-8"))
    before = at.multiselect(key="widget.indicators.dataset_choice").value
    # the real limit, lowered below what pandas needs to start: the worker fails, the server does not
    monkeypatch.setattr(indicator_data, "READ_LIMITS", workers.Limits(memory=64 * workers.MiB, seconds=30.0))
    upload(at, "second.csv", WIDE_CSV.replace("12.25", "12.5").encode("utf-8"))
    (error,) = [shown_text(e.value) for e in at.error]
    assert short in error and detail in error
    assert at.multiselect(key="widget.indicators.dataset_choice").value == before


def test_coverage_page_shows_the_chosen_cities():
    at = open_page("pages/coverage.py")
    nanjing_only = {t["name"] for t in figure(at)["data"]}
    assert nanjing_only == {"No value", "Nanjing"}
    at.multiselect(key="widget.indicators.cities").set_value(["Nanjing", "Suzhou"]).run()
    assert {t["name"] for t in figure(at)["data"]} == {"No value", "Nanjing", "Suzhou"}
    assert any("indicator-years" in c.value for c in at.caption)
    at.multiselect(key="widget.global.pillars").set_value(["fusion"]).run()
    labels = set().union(*(t["y"] for t in figure(at)["data"]))
    assert "CAS+CAE academicians" in labels and "Gross domestic product" not in labels


def test_targets_page_on_the_seed_says_none_found():
    at = open_page("pages/targets.py")
    assert [shown_text(i.value) for i in at.info] == [
        "No numeric targets found in 000_785e541e3328616f.txt: no number with a unit is stated as a goal (a future "
        "target year or a target word such as will, aim to, 力争, 将)."
    ]
    assert not at.get("plotly_chart")


def test_targets_page_lists_chinese_targets_and_charts_one_against_the_series():
    at = open_page("pages/targets.py", lang="zh")
    paste(at, ZH_TARGETS)
    assert "共 3 个目标，分布在 2 段中。" in [c.value for c in at.caption]
    cards = [m.value for m in at.markdown if "border-left" in m.value]
    (gdp,) = [c for c in cards if "匹配指标：地区生产总值" in c]  # the cards' order follows the pillars
    assert len(cards) == 3 and "目标年份 2025 · 突破 · 城市：南京" in gdp
    target = [t for t in figure(at)["data"] if t["name"] == "目标（来自文档）"][0]
    assert (target["x"], target["y"], target["marker"]["symbol"]) == ([2025], [20000.0], "star")
    assert traces(at)["南京"]["y"][0] == 10819.14
    at.selectbox(key="widget.targets.pick").set_value(2).run()  # 两院院士超过100名: no year, a dashed line
    assert [s["y0"] for s in figure(at)["layout"]["shapes"] if s["line"].get("dash") == "dash"] == [100]


def test_a_national_target_is_never_drawn_against_a_city_series():
    at = open_page("pages/targets.py")
    paste(at, "南京发展规划\n\n力争到2027年，全国地区生产总值超过150万亿元。")
    (card,) = [m.value for m in at.markdown if "border-left" in m.value]
    assert "national" in card and "Not drawn against Gross domestic product: the target is national" in card
    assert [i.value for i in at.info] == [
        "The targets that match an indicator are all of another scope than its series (a national figure is never "
        "drawn against a city's series), so there is nothing to chart."
    ]
    assert not at.get("plotly_chart")


def test_indicator_shows_the_paragraphs_and_lines_that_speak_about_it():
    at = open_page(lang="zh")
    paste(at, ZH_TARGETS)
    at.switch_page("pages/indicators.py").run()
    choose(at, "strong", "gdp", ["Nanjing"])
    assert "粘贴文本 中有 1 段提到它。" in [c.value for c in at.caption]
    kwic = [m.value for m in at.markdown if "kwic-line" in m.value]
    assert len(kwic) == 1 and ">地区生产总值</mark>" in kwic[0]
    cards = [m.value for m in at.markdown if "border-left" in m.value and "¶2" in m.value]
    assert cards and ">地区生产总值</mark>" in cards[0]


def test_linked_indicators_for_a_term_and_a_clear_message_when_none():
    at = open_page()
    at.text_input(key="widget.indicators.link_term").set_value("院士").run()
    linked = at.dataframe[-1].value
    assert "CAS+CAE academicians" in set(linked["Indicator"])  # the most common name, its notes left out
    at.selectbox(key="indicators.linked_pick").set_value("academicians").run()
    at.button(key="indicators.linked_open").click().run()
    assert at.segmented_control(key="widget.indicators.pillar").value == "fusion"
    assert at.selectbox(key="widget.indicators.indicator").value == "academicians"
    at.text_input(key="widget.indicators.link_term").set_value("zzzz").run()
    assert "No indicator is linked to the term “zzzz”." in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "indicators.linked_open"]


def test_a_coverage_click_selects_the_indicator_and_shows_where_the_text_speaks_about_it():
    at = open_page(lang="zh")
    paste(at, ZH_TARGETS)
    at.switch_page("pages/coverage.py").run()
    (chart,) = at.get("plotly_chart")
    assert list(chart.proto.selection_mode), "the coverage squares are not clickable"
    fig = figure(at)
    nanjing = [t for t in fig["data"] if t["name"] == "南京"][0]
    assert "gdp" in nanjing["customdata"] and len(nanjing["customdata"]) == len(nanjing["x"])
    # what the chart's click callback stores (ui/selection.apply_click with the point's customdata)
    at.session_state["indicators.selected"] = "gdp"
    at.run()
    assert "文中相关内容：地区生产总值" in [h.value for h in at.subheader]
    cards = [m.value for m in at.markdown if "border-left" in m.value and "¶2" in m.value]
    assert cards and ">地区生产总值</mark>" in cards[0]
    assert "指标 地区生产总值" in [m.value for m in at.markdown if "policylens-selection" in m.value][0]
    at.button(key="coverage.open").click().run()
    assert at.title[0].value == "指标"
    assert at.segmented_control(key="widget.indicators.pillar").value == "strong"
    assert at.selectbox(key="widget.indicators.indicator").value == "gdp"


def test_a_shared_indicator_link_opens_that_indicator_and_picking_another_updates_the_link():
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["indicator"] = "academicians"
    at.run()
    at.switch_page("pages/indicators.py").run()
    assert at.segmented_control(key="widget.indicators.pillar").value == "fusion"
    assert at.selectbox(key="widget.indicators.indicator").value == "academicians"
    at.segmented_control(key="widget.indicators.pillar").set_value("strong").run()
    picker = at.selectbox(key="widget.indicators.indicator")
    assert at.session_state["indicators.selected"] == picker.value  # a pillar switch chooses its first indicator
    picker.select_index(1 if picker.index == 0 else 0).run()
    other = at.selectbox(key="widget.indicators.indicator").value
    assert at.session_state["indicators.selected"] == other
    shared = at.query_params["indicator"]  # AppTest keeps the last value of a repeated name last
    assert (shared if isinstance(shared, str) else shared[-1]) == other


@pytest.mark.parametrize("view", ["table", "bar"])
def test_every_indicators_control_round_trips_through_the_link(view):
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing", "Suzhou", "Hangzhou", "Hefei", "Wuhan"])
    at.segmented_control(key="widget.indicators.scale").set_value("log").run()
    at.segmented_control(key="widget.indicators.view").set_value(view).run()
    if view == "bar":
        at.selectbox(key="widget.indicators.bar_year").set_value(2022).run()
    at.run()  # the address bar is written at the start of a run, from the state the last one left
    link = {
        k: at.query_params[k][0] if isinstance(at.query_params[k], list) else at.query_params[k]
        for k in at.query_params
    }
    assert {"indicator", "cities", "scale", "view"} <= set(link) and link["view"] == view
    fresh = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for name, value in link.items():
        fresh.query_params[name] = value
    fresh.run()
    fresh.switch_page("pages/indicators.py").run()
    assert not fresh.exception, fresh.exception
    for key in ("indicators.selected", "indicators.cities", "indicators.scale", "indicators.view"):
        assert fresh.session_state[key] == at.session_state[key], key
    if view == "bar":
        assert fresh.session_state["indicators.bar_year"] == 2022


def test_an_uploaded_indicator_links_to_the_text_by_its_name():
    at = open_page()
    paste(at, "南京市研发人员规模持续扩大。\n\n全市研发人员达到新高，创新活力增强。\n\n制造业稳步发展。")
    at.switch_page("pages/indicators.py").run()
    upload(at, "yearbook.csv", WIDE_CSV.encode("gb18030"))
    assert at.selectbox(key="widget.indicators.indicator").value == "yearbook_rd_staff"
    captions = " ".join(c.value for c in at.main.caption)
    assert "研发人员" in captions  # the keyword it is looked for by: its own name
    assert not [i.value for i in at.info if "links to no text" in i.value]
    lines = [m.value for m in at.markdown if "policylens-kwic" in m.value]
    assert lines and lines[0].count(">研发人员</mark>") == 2  # one line in each of the two paragraphs


def test_per_resident_divides_by_the_same_years_population_and_lists_both_sources():
    at = open_page()
    choose(at, "strong", "gdp", ["Nanjing", "Hangzhou"])
    at.segmented_control(key="widget.indicators.measure").set_value("per_capita").run()
    assert not at.exception, at.exception
    fig = figure(at)
    assert fig["layout"]["yaxis"]["title"]["text"] == "CNY per resident"
    by_year = dict(zip(traces(at)["Hangzhou"]["x"], traces(at)["Hangzhou"]["y"]))
    assert by_year[2019] == pytest.approx(15373e8 / 1036e4)  # both published for 2019
    assert by_year.get(2015) is None  # Hangzhou has a 2015 GDP but no 2015 population: a gap
    assert any("No resident population for this city and year" in shown_text(c.value) for c in at.caption)
    at.segmented_control(key="widget.indicators.view").set_value("table").run()
    table = at.dataframe[0].value
    row = table[(table["city"] == "Hangzhou") & (table["year"] == 2019)].iloc[0]
    assert row["shown_unit"] == "CNY per resident" and row["denominator"] == "1,036 10,000 persons"
    assert row["denominator_source_url"].startswith("http") and row["source_url"].startswith("http")
    with_sources = at.dataframe[1].value  # the sources panel names the population's sources too
    assert with_sources["source_url"].isin(table["denominator_source_url"].dropna()).any()


def test_coverage_page_shows_the_headline_grid_with_primary_and_secondary_cells():
    at = open_page("pages/coverage.py", lang="zh")
    assert any("核心指标年度序列" in h.value for h in at.subheader)
    shares = at.dataframe[0].value.set_index("city")
    assert list(shares.index[:1]) == ["南京"] and (shares["cells"] == 100).all()
    assert shares.loc["南京", "sourced"] == shares.loc["南京", "primary"] + shares.loc["南京", "secondary"]
    grid = at.dataframe[1].value
    assert len(grid) == 10 and set(grid.columns) >= {"city", "indicator_id", "2015", "2024"}
    marks = set(grid[[str(y) for y in range(2015, 2025)]].to_numpy().ravel())
    assert marks <= {"●", "○", ""} and {"●", "○", ""} <= marks  # primary, secondary only and gaps all occur
