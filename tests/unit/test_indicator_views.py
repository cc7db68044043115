"""Indicator views: measures, gaps said not filled, tables, city alignment, targets on charts, keyword lines."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from indicator_rows import frame, row_factory

from policylens import schema
from policylens.figures.indicator_views import build_measure_figure, build_target_figure, build_view_figure
from policylens.indicators import table as indicators
from policylens.indicators import targets, units
from policylens.indicators.views import (
    SHOWN,
    ViewSpec,
    build_compare_table,
    build_export_table,
    build_measure_series,
    build_view_table,
    convert_value,
    count_coverage,
    list_sources,
    summarise_gaps,
    view_series,
)
from policylens.text import kwic

FULL_YEAR = indicators.FULL_YEAR_NOTE


row = row_factory(**{schema.SOURCE_URL: "https://example.gov.cn/a"})


DATA = frame(
    [
        row(year=2017, value=100.0),
        row(year=2018, value=110.0, qualifier="approx", source_title="Press", source_url="https://news.example.com/b"),
        row(year=2020, value=1.5, unit="万亿元", unit_code="trillion_cny"),  # 15,000 亿元: converted by a power of ten
        row(city="Suzhou", year=2018, value=200.0),
        row(city="Suzhou", year=2019, value=220.0),
    ]
)


def test_indexed_series_is_100_in_the_base_year_and_says_why_a_city_has_none():
    series = build_measure_series(DATA, "indexed", base_year=2017)
    nanjing = series[series[schema.CITY] == "Nanjing"].set_index(schema.YEAR)
    assert nanjing[SHOWN].tolist() == pytest.approx([100.0, 110.0, 15000.0])
    assert nanjing.loc[2018, "note"] == "qualified"  # rests on an approximate value
    assert series[series[schema.CITY] == "Suzhou"][SHOWN].isna().all()
    assert summarise_gaps(series) == [("no_base_year", "Suzhou", (2018, 2019))]


def test_growth_is_only_against_the_previous_calendar_year():
    series = build_measure_series(DATA, "growth")
    nanjing = series[series[schema.CITY] == "Nanjing"].set_index(schema.YEAR)
    assert nanjing.loc[2018, SHOWN] == pytest.approx(10.0)
    assert pd.isna(nanjing.loc[2020, SHOWN])  # 2019 is missing: no growth bridged over the gap
    assert ("no_previous_year", "Nanjing", (2017, 2020)) in summarise_gaps(series)


def test_view_series_keeps_the_previous_year_outside_the_range_for_growth():
    spec = ViewSpec("gdp", ("Suzhou",), years=(2019, 2019), measure="growth")
    series = view_series(DATA, spec)
    assert series[schema.YEAR].tolist() == [2019]
    assert series[SHOWN].tolist() == pytest.approx([10.0])


def test_view_series_of_an_indicator_without_rows_is_empty():
    assert view_series(DATA, ViewSpec("nope", ("Nanjing",))).empty


def test_view_table_marks_qualifiers_and_keeps_sources():
    table = build_view_table(build_measure_series(DATA, "absolute"), "absolute", "en")
    assert table.columns.tolist() == [
        schema.CITY,
        schema.YEAR,
        schema.VALUE,
        schema.QUALIFIER,
        "unit",
        SHOWN,
        "note",
        "sources",
        schema.SOURCE_TITLE,
        schema.SOURCE_URL,
    ]
    first = table.iloc[1]
    assert (first[schema.YEAR], first[schema.VALUE], first[schema.QUALIFIER]) == (2018, "≈ 110", "approximate")
    assert first[schema.SOURCE_URL] == "https://news.example.com/b"
    assert table.iloc[2][schema.VALUE] == "15,000" and table.iloc[2]["unit"] == "100 million CNY"


def test_view_table_explains_a_missing_index_in_chinese():
    table = build_view_table(build_measure_series(DATA, "indexed", 2017), "indexed", "zh", base_year=2017)
    suzhou = table[table[schema.CITY] == "苏州"]
    assert suzhou[SHOWN].tolist() == ["", ""]
    assert suzhou["note"].tolist() == ["基期 2017 年无数据,不计算指数。"] * 2


def test_compare_table_aligns_years_and_leaves_gaps_empty():
    table = build_compare_table(build_measure_series(DATA, "absolute"), "gdp", ["Suzhou", "Nanjing", "Hefei"])
    assert table.columns.tolist() == [schema.YEAR, "Suzhou", "Nanjing", "Hefei"]
    assert table[schema.YEAR].tolist() == [2017, 2018, 2019, 2020]
    assert table["Nanjing"].tolist() == ["100", "≈ 110", "", "15,000"]
    assert table["Suzhou"].tolist() == ["", "200", "220", ""]
    assert table["Hefei"].tolist() == ["", "", "", ""]


def test_compare_table_of_an_index_marks_values_that_rest_on_a_qualified_value():
    table = build_compare_table(
        build_measure_series(DATA, "indexed", 2017), "gdp", ["Nanjing", "Suzhou"], "en", "indexed"
    )
    assert table["Nanjing"].tolist() == ["100.0", "110.0 *", "", "15,000.0"]
    assert table["Suzhou"].tolist() == ["", "", "", ""]


def test_sources_list_every_source_with_its_count():
    sources = list_sources(DATA)
    assert sources.values.tolist() == [
        ["Bulletin", "https://example.gov.cn/a", 4],
        ["Press", "https://news.example.com/b", 1],
    ]


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        (2.0, "trillion_cny", "100m_cny", 20000.0),
        (1.2, "10k_firms", "firms", 12000.0),
        (3.8, "pct", "pct", 3.8),
        (500.0, None, "firms", 500.0),
        (3.0, "pct", "100m_cny", None),
    ],
)
def test_convert_value_by_powers_of_ten_only(value, source, target, expected):
    assert convert_value(value, source, target) == expected


def test_count_coverage_counts_indicator_years_over_the_span():
    assert count_coverage(DATA) == (4, 4)
    assert count_coverage(DATA.iloc[0:0]) == (0, 0)


def test_measure_figure_breaks_lines_at_gaps_and_marks_derived_points():
    fig = build_measure_figure(build_measure_series(DATA, "indexed", 2017), "indexed", base_year=2017)
    (nanjing,) = [t for t in fig.data if t.name == "Nanjing"]
    assert list(nanjing.x) == [2017, 2018, 2019, 2020]
    assert nanjing.y[2] is None and nanjing.connectgaps is False
    assert nanjing.marker.symbol[:2] == ("circle", "x")  # an index resting on an approximate value
    assert fig.layout.yaxis.title.text == "Index (2017 = 100)"
    assert "index, 2017 = 100" in fig.layout.title.text


def test_view_figure_log_scale_and_growth_axis():
    spec = ViewSpec("gdp", ("Nanjing", "Suzhou"), log=True)
    assert build_view_figure(DATA, spec).layout.yaxis.type == "log"
    growth = build_view_figure(DATA, spec._replace(measure="growth", log=False))
    assert growth.layout.yaxis.title.text == "Change on previous year (%)"
    bar = build_view_figure(DATA, spec._replace(kind="bar", bar_year=2018, log=False))
    assert [t.type for t in bar.data][0] == "bar" and list(bar.data[0].y) == [200.0, 110.0]


def test_target_is_drawn_at_its_year_in_the_chart_unit_with_the_document_as_source():
    found = targets.extract_targets(["到2025年，全市地区生产总值突破2万亿元。"], "zh")
    fig, drawn = build_target_figure(DATA[DATA[schema.CITY] == "Nanjing"], found.iloc[0].to_dict(), "plan.txt", "en")
    assert drawn
    (target,) = [t for t in fig.data if t.name == "Target (from the document)"]
    assert (list(target.x), list(target.y), target.marker.symbol) == ([2025], [20000.0], "star")
    assert fig.layout.annotations[-1].text.endswith("Target: plan.txt")


def test_target_without_year_is_a_dashed_line_and_a_foreign_unit_is_not_drawn():
    found = targets.extract_targets(["GDP will grow by more than 3%.", "GDP to exceed 5,000 100 million yuan."], "en")
    no_year = found[found[schema.UNIT_CODE] == "100m_cny"].iloc[0].to_dict()
    fig, drawn = build_target_figure(DATA[DATA[schema.CITY] == "Nanjing"], no_year, "plan.txt")
    assert drawn and [s.y0 for s in fig.layout.shapes if s.line.dash == "dash"] == [5000.0]
    percent = found[found[schema.UNIT_CODE] == "pct"].iloc[0].to_dict()
    assert build_target_figure(DATA[DATA[schema.CITY] == "Nanjing"], percent, "plan.txt")[1] is False


def test_keyword_lines_find_the_same_paragraphs_as_the_linked_paragraphs():
    keywords = targets.load_indicator_keywords()
    paragraphs = ["南京两院院士达到９６名。", "没有相关内容。", "院士工作站建设。"]
    patterns = targets.keyword_patterns("academicians", keywords, "zh")
    lines = kwic.find_patterns_in_context(paragraphs, patterns, 3, language="zh", fold=targets.fold_text)
    assert lines[[schema.PARAGRAPH, kwic.MATCH, kwic.LEFT, kwic.RIGHT]].values.tolist() == [
        [1, "两院院士", "南京", "达到９"],
        [3, "院士", "", "工作站"],
    ]
    assert sorted(set(lines[schema.PARAGRAPH])) == targets.find_linked_paragraphs(
        paragraphs, "academicians", keywords, "zh"
    )


def test_keyword_lines_in_english_keep_offsets_and_word_windows():
    keywords = targets.load_indicator_keywords()
    text = "Nanjing has 96 Academicians and many academician workstations."
    lines = kwic.find_patterns_in_context(
        [text], targets.keyword_patterns("academicians", keywords, "en"), 2, language="en", fold=targets.fold_text
    )
    assert lines[kwic.MATCH].tolist() == ["Academicians", "academician"]
    assert [text[s:e] for s, e in zip(lines[kwic.START], lines[kwic.END])] == lines[kwic.MATCH].tolist()
    assert lines[kwic.LEFT].tolist() == ["has 96 ", "and many "]


def test_indicator_name_falls_back_to_the_other_language_then_the_id():
    from policylens.indicators.labels import indicator_name

    assert indicator_name({"indicator_id": "x", "indicator_en": "", "indicator_zh": "研发人员"}, "en") == "研发人员"
    assert indicator_name({"indicator_id": "x", "indicator_en": "R&D staff", "indicator_zh": ""}, "zh") == "R&D staff"
    assert indicator_name({"indicator_id": "x", "indicator_en": "", "indicator_zh": ""}, "en") == "x"


def test_a_city_with_no_value_in_the_measure_has_no_legend_entry():
    lone = DATA[DATA[schema.CITY] == DATA[schema.CITY].iloc[0]].head(1)
    others = DATA[DATA[schema.CITY] != lone[schema.CITY].iloc[0]]
    series = build_measure_series(pd.concat([lone, others]), "growth")
    fig = build_measure_figure(series, "growth")
    named = {t.name for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None}
    drawn = {t.name for t in fig.data if t.y is not None and any(v is not None for v in t.y)}
    assert named == drawn and lone[schema.CITY].iloc[0] not in {n for n in named}


def test_the_exported_table_is_tidy_and_typed_for_spreadsheets_and_data_frames():
    import io

    import openpyxl

    from policylens.export.files import build_xlsx

    table = build_export_table(build_measure_series(DATA, "absolute"), "absolute", "zh")
    assert table["value"].dtype == "float64" and table["year"].dtype == "int64"
    nanjing = table[table["city"] == "Nanjing"].set_index("year")
    assert nanjing.loc[2018, "value"] == 110.0 and nanjing.loc[2018, "qualifier"] == "approx"  # no "≈ 110" text
    assert nanjing.loc[2020, "value"] == 15000.0  # 1.5 万亿元 in the chart unit, 亿元
    assert set(table["indicator"]) == {"地区生产总值"} and set(table["city_label"]) == {"南京", "苏州"}
    assert list(table.columns[:3]) == ["indicator_id", "indicator", "city"] and {"source_title", "source_url"} <= set(
        table
    )
    sheet = openpyxl.load_workbook(io.BytesIO(build_xlsx({"t": table}))).active
    header = [c.value for c in sheet[1]]
    values = [r[header.index("value")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(v, (int, float)) for v in values)  # numbers in Excel, not strings
    indexed = build_export_table(build_measure_series(DATA, "indexed", 2018), "indexed", "en", 2018)
    assert (
        indexed["shown"].dtype == "float64"
        and indexed.set_index(["city", "year"]).loc[("Suzhou", 2018), "shown"] == 100.0
    )


# --- amounts and value axes (indicators.units) -------------------------------------------------
@pytest.mark.parametrize(
    ("value", "unit_code", "zh", "en"),
    [
        (15000.0, "100m_cny", "1.5万亿元", "1.5 trillion CNY"),
        (8000.0, "100m_cny", "8,000亿元", "800 billion CNY"),
        (16908.0, "100m_cny", "1.6908万亿元", "1.6908 trillion CNY"),  # exact: nothing rounded
        (701.64, "100m_cny", "701.64亿元", "70.164 billion CNY"),
        (1.35, "trillion_cny", "1.35万亿元", "1.35 trillion CNY"),
        (100.0, "10k_persons", "100万人", "1 million persons"),
        (72.15, "10k_persons", "72.15万人", "721,500 persons"),
        (1.0, "million_persons", "100万人", "1 million persons"),  # never "1百万人"
        (82.0, "persons", "82人", "82 persons"),
        (12099.0, "firms", "1.2099万家", "12,099 firms"),
        (1.45, "10k_firms", "1.45万家", "14,500 firms"),
        (37286.0, "items", "3.7286万件", "37,286 items"),
        (0.0, "100m_cny", "0元", "0 CNY"),
    ],
)
def test_amounts_read_in_wan_and_yi_in_chinese_and_in_words_in_english(value, unit_code, zh, en):
    assert units.format_amount(value, unit_code, "zh") == zh
    assert units.format_amount(value, unit_code, "en") == en
    for text in (zh, en):
        assert not re.search(r"\d ?[kMGT]\b", text), text  # never an SI suffix


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (11715.0, 24691.0, [10000.0, 12000.0, 15000.0, 20000.0, 25000.0]),  # within one power of ten
        (500.0, 24000.0, [500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0]),  # below 10^3 too
        (9.0, 94.0, [5.0, 10.0, 20.0, 50.0, 100.0]),
        (1.0, 1e6, [1.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0, 1e6]),
        (1.2, 1e12, [1.0, 100.0, 1e4, 1e6, 1e8, 1e10, 1e12]),  # every other power when too many
    ],
)
def test_log_ticks_cover_the_data_from_below_its_lowest_value(low, high, expected):
    ticks = units.log_tickvals(low, high)
    assert ticks == expected
    assert ticks[0] <= low and ticks[-1] >= high and len(ticks) <= units.MAX_TICKS


def test_axis_ticks_of_amounts_in_both_languages_and_of_an_index():
    zh = units.build_axis_ticks([1000.0, 24691.0], "100m_cny", "zh", log=True)
    assert zh.ticktext == ("1,000亿元", "2,000亿元", "5,000亿元", "1万亿元", "2万亿元", "5万亿元")
    assert zh.title == "元" and zh.range[0] < 3 < 4.699 < zh.range[1]
    en = units.build_axis_ticks([1000.0, 24691.0], "100m_cny", "en", log=True)
    assert en.ticktext == ("0.1", "0.2", "0.5", "1", "2", "5") and en.title == "trillion CNY"
    people = units.build_axis_ticks([10.5, 23.5], "10k_persons", "en")
    assert people.ticktext == ("0", "50,000", "100,000", "150,000", "200,000", "250,000")
    assert people.title == "persons" and people.range is None
    index = units.build_axis_ticks([100.0, 1250.0], None, "en", log=True, title="Index (2017 = 100)")
    assert index.ticktext == ("100", "200", "500", "1,000", "2,000") and index.title == "Index (2017 = 100)"
    assert units.build_axis_ticks([], "100m_cny", "en").tickvals == ()


def test_log_view_gets_explicit_ticks_covering_the_data():
    spec = ViewSpec("gdp", ("Nanjing", "Suzhou"), log=True)
    for lang, first in (("en", "1"), ("zh", "1万亿元")):
        axis = build_view_figure(indicators.load_indicators(), spec, lang).layout.yaxis
        assert axis.type == "log" and axis.tickmode == "array"
        assert axis.ticktext[0] == first and len(axis.tickvals) >= 4
        assert 10 ** axis.range[0] <= min(axis.tickvals) and 10 ** axis.range[1] >= max(axis.tickvals)


def test_the_table_keeps_a_rows_label_note_and_the_export_one_indicator_name():
    rows = frame(
        [
            row(year=2017, value=100.0, indicator_en="Gross domestic product"),
            row(year=2018, value=110.0, indicator_en="Gross domestic product (secondary compilation, rounded)"),
        ]
    )
    series = build_measure_series(rows, "absolute")
    table = build_view_table(series, "absolute")
    assert list(table["note"]) == ["", "Note: secondary compilation, rounded"]
    assert set(build_export_table(series, "absolute")["indicator"]) == {"Gross domestic product"}


def test_index_ticks_follow_the_data_on_lines_and_start_at_zero_under_bars():
    df = indicators.load_indicators()
    line = build_view_figure(df, ViewSpec("gdp", ("Nanjing", "Suzhou"), measure="indexed", base_year=2018))
    assert line.layout.yaxis.ticktext == ("60", "80", "100", "120", "140", "160")  # not 0, 50, 100, 150, 200
    bars = ViewSpec("gdp", ("Nanjing", "Suzhou"), measure="indexed", base_year=2018, kind="bar", bar_year=2022)
    assert build_view_figure(df, bars).layout.yaxis.tickvals[0] == 0  # a bar is read from 0
