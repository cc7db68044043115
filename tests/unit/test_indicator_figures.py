"""Indicator figures: real gaps, value charts, qualifier symbols, conflicts, units and sources."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from indicator_rows import frame, row_factory

from policylens import paths, schema
from policylens.figures.indicator_axes import build_source_line
from policylens.figures.indicators import (
    CITY_COLORS,
    build_coverage_figure,
    build_indicator_figure,
    city_color,
    format_value,
)
from policylens.figures.style import GAP_COLOR, TEMPLATE
from policylens.figures.text import GENERAL_COLOR
from policylens.indicators import table as indicators
from policylens.text.pillars import load_codebook

FULL_YEAR = indicators.FULL_YEAR_NOTE


row = row_factory(
    **{
        schema.VALUE: 11715.1,
        schema.UNIT: "亿元 (100 million CNY)",
        schema.SOURCE_TITLE: "Bulletin 2017",
        schema.SOURCE_URL: "https://example.com/2017",
        schema.SOURCE_QUOTE: "11715.1亿元",
    }
)


def data_trace(fig: go.Figure, name: str) -> go.Scatter:
    """The trace that holds a city's values (not its legend proxy, whose x is [None])."""
    (trace,) = [t for t in fig.data if t.name == name and t.x is not None and t.x[0] is not None]
    return trace


def source_annotation(fig: go.Figure) -> str:
    (text,) = [a.text for a in fig.layout.annotations if a.text.startswith(("Source", "来源"))]
    return text


TWO_YEARS = [row(), row(year=2019, value=14030.2, source_title="Bulletin 2019", source_url="https://example.com/2019")]


def test_missing_year_is_a_gap_not_an_interpolation():
    fig = build_indicator_figure(frame(TWO_YEARS))
    trace = data_trace(fig, "Nanjing")
    assert list(trace.x) == [2017, 2018, 2019]
    assert list(trace.y) == [11715.1, None, 14030.2]
    assert trace.mode == "lines+markers"
    assert trace.connectgaps is False


def test_single_year_indicator_is_a_value_chart_without_lines():
    rows = [
        row(year=2023, value=188.0, unit_code="firms", city="Hefei"),
        row(year=2023, value=213.0, unit_code="firms", source_url="https://example.com/nj"),
    ]
    fig = build_indicator_figure(frame(rows))
    assert not any("lines" in (getattr(t, "mode", None) or "") for t in fig.data)
    (bar,) = [t for t in fig.data if t.type == "bar"]
    assert list(bar.x) == ["Nanjing", "Hefei"]
    assert list(bar.y) == [213.0, 188.0]
    assert fig.layout.xaxis.title.text == "City, 2023"


def test_value_chart_labels_cities_with_their_years_when_years_differ():
    rows = [row(year=2018, city="Wuhan"), row(year=2023, value=3.46, unit_code="trillion_cny")]
    (bar,) = [t for t in build_indicator_figure(frame(rows), lang="zh").data if t.type == "bar"]
    assert list(bar.x) == ["南京（2023年）", "武汉（2018年）"]
    assert list(bar.y) == [34600.0, 11715.1]


def test_qualifiers_get_their_own_symbols_legend_and_hover():
    rows = [
        row(),
        row(year=2018, value=12820.0, qualifier="approx", source_url="https://e.com/18"),
        row(year=2020, value=14817.0, qualifier="preliminary", source_url="https://e.com/20"),
        row(year=2021, value=16000.0, qualifier="lower_bound", source_url="https://e.com/21"),
    ]
    fig = build_indicator_figure(frame(rows))
    trace = data_trace(fig, "Nanjing")
    assert list(trace.x) == [2017, 2018, 2019, 2020, 2021]
    assert list(trace.marker.symbol) == ["circle", "circle-open", "circle", "diamond", "triangle-up"]
    assert "≥ 1.6 trillion CNY (lower bound)" in trace.hovertext[4]  # 16,000 亿元, in words English readers use
    assert "≈ 1.282 trillion CNY (approximate)" in trace.hovertext[1]
    assert trace.hovertext[2] == ""
    legend = {t.name: t.marker.symbol for t in fig.data if t.legendgroup == "qualifier"}
    assert legend == {
        "Lower bound (≥)": ("triangle-up",),
        "Approximate (≈)": ("circle-open",),
        "Preliminary": ("diamond",),
    }


def test_value_chart_marks_lower_bound_with_its_symbol():
    rows = [row(year=2023, value=22000.0, qualifier="lower_bound"), row(year=2023, city="Wuhan", value=12500.0)]
    fig = build_indicator_figure(frame(rows))
    (marks,) = [t for t in fig.data if t.type == "scatter" and t.x is not None and t.x[0] is not None]
    assert list(marks.x) == ["Nanjing"]
    assert list(marks.marker.symbol) == ["triangle-up"]
    (bar,) = [t for t in fig.data if t.type == "bar"]
    assert list(bar.text) == ["≥ 2.2", "1.25"]  # in the axis title's trillion CNY
    assert fig.layout.yaxis.title.text == "trillion CNY"
    (bar_zh,) = [t for t in build_indicator_figure(frame(rows), lang="zh").data if t.type == "bar"]
    assert list(bar_zh.text) == ["≥ 2.2万亿元", "1.25万亿元"]


def test_conflict_shows_picked_value_and_flags_the_others_in_hover():
    rows = [
        row(year=2020, value=3.38, unit_code="pct", source_url="http://www.hkcd.com/x"),
        row(year=2020, value=3.48, unit_code="pct", source_url="http://www.njsw.gov.cn/plan"),
        row(year=2021, value=3.6, unit_code="pct", source_url="https://example.com/21"),
    ]
    trace = data_trace(build_indicator_figure(frame(rows)), "Nanjing")
    assert list(trace.y) == [3.48, 3.6]
    assert "Conflict: 2 sources disagree; also published: 3.38%" in trace.hovertext[0]
    assert "Conflict" not in trace.hovertext[1]


def test_mixed_units_are_charted_in_one_unit_and_hover_shows_the_published_value():
    rows = [
        *TWO_YEARS,
        row(
            year=2021, value=1.6, unit_code="trillion_cny", qualifier="lower_bound", source_url="https://example.com/21"
        ),
    ]
    trace = data_trace(build_indicator_figure(frame(rows)), "Nanjing")
    assert list(trace.y) == [11715.1, None, 14030.2, None, 16000.0]
    assert "as published: 1.6 trillion CNY" in trace.hovertext[4]


@pytest.mark.parametrize(
    ("lang", "unit", "title", "ticks"),
    [
        ("en", "trillion CNY", "Gross domestic product", ("0", "0.5", "1", "1.5")),
        ("zh", "元", "地区生产总值", ("0", "5,000亿元", "1万亿元", "1.5万亿元")),
    ],
)
def test_axis_title_has_the_unit_and_title_is_the_indicator_label(lang, unit, title, ticks):
    fig = build_indicator_figure(frame(TWO_YEARS), lang=lang)
    assert fig.layout.yaxis.title.text == unit
    assert fig.layout.title.text == title
    assert fig.layout.yaxis.ticktext == ticks  # explicit, from the data: never "15k"
    assert fig.layout.yaxis.tickvals == (0, 5000, 10000, 15000)


def test_title_is_the_indicator_name_never_one_rows_note():
    """The bundled table writes a row's note into its label ("(secondary compilation, rounded)"): the
    title is the indicator's name; the note goes to that row's hover."""
    rows = [
        row(
            year=2018,
            value=12820.0,
            qualifier="approx",
            indicator_en="Gross domestic product (secondary compilation, rounded)",
            indicator_zh="地区生产总值(预计)",
        ),
        row(
            year=2019,
            value=14030.0,
            indicator_en="Gross domestic product (secondary compilation, rounded)",
            source_url="https://e.com/19",
        ),
        row(year=2020, value=14817.0, indicator_en="Gross domestic product", source_url="https://e.com/20"),
    ]
    for lang, title, note in (
        ("en", "Gross domestic product", "Note: secondary compilation, rounded"),
        ("zh", "地区生产总值", "注：预计"),
    ):
        fig = build_indicator_figure(frame(rows), lang=lang)
        assert fig.layout.title.text == title
        trace = data_trace(fig, "Nanjing" if lang == "en" else "南京")
        assert note in trace.hovertext[0]
        assert "Note" not in trace.hovertext[2] and "注：" not in trace.hovertext[2]
    bar = build_indicator_figure(frame(rows[:1]))  # one row only, the one with the note: still the name
    assert bar.layout.title.text == "Gross domestic product"


def test_rank_axis_is_reversed_with_one_at_the_top():
    rows = [
        row(indicator_id="gii_cluster_rank", unit_code="rank", value=94.0),
        row(
            indicator_id="gii_cluster_rank",
            unit_code="rank",
            year=2018,
            value=27.0,
            source_url="https://example.com/18",
        ),
    ]
    fig = build_indicator_figure(frame(rows))
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.yaxis.title.text == "rank (1 = top)"


def test_every_city_keeps_one_colour_of_its_own_apart_from_the_pillar_colours():
    rows = [*TWO_YEARS, row(city="Wuhan"), row(city="Wuhan", year=2018)]
    fig = build_indicator_figure(frame(rows))
    assert data_trace(fig, "Nanjing").line.color == CITY_COLORS["Nanjing"] == city_color("Nanjing")
    assert data_trace(fig, "Wuhan").line.color == CITY_COLORS["Wuhan"]
    assert fig.layout.template.to_plotly_json() == TEMPLATE.to_plotly_json()
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    taken = {p.color.lower() for p in codebook.pillars} | {GENERAL_COLOR.lower()}
    colours = [c.lower() for c in CITY_COLORS.values()]
    assert len(set(colours)) == len(colours) and not taken & set(colours)


def test_source_line_is_inside_the_figure_and_escaped():
    rows = [row(source_title="A <b>bold</b> & co"), row(year=2019, source_url="https://example.com/19")]
    text = source_annotation(build_indicator_figure(frame(rows)))
    assert text.startswith("Sources: ")
    assert "A &lt;b&gt;bold&lt;/b&gt; &amp; co" in text
    assert "Bulletin 2017" in text


def test_source_line_shortens_many_titles():
    titles = pd.Series(["A", "B", "B", "C", "D", "E"])
    assert build_source_line(titles) == "Sources: B; A; +3 more"
    assert build_source_line(pd.Series(["Only"]), "zh") == "来源：Only"


def test_format_value_in_both_languages():
    assert format_value(8800.0, "firms", "lower_bound") == "≥ 8,800 firms (lower bound)"
    assert format_value(29.0, "pct", "approx") == "≈ 29% (approximate)"
    assert format_value(4.0, "rank", "exact", "zh") == "第 4 名"
    assert format_value(14817.0, "100m_cny", "preliminary", "zh") == "1.4817万亿元（初步数）"
    assert format_value(8000.0, "100m_cny", "exact", "zh") == "8,000亿元"
    assert format_value(100.0, "10k_persons", "exact", "zh") == "100万人"
    assert format_value(14817.0, "100m_cny", "exact") == "1.4817 trillion CNY"


def test_rows_of_several_indicators_are_refused():
    with pytest.raises(ValueError, match="exactly one indicator"):
        build_indicator_figure(frame([row(), row(indicator_id="other")]))


def test_every_bundled_indicator_builds_with_its_sources():
    df = indicators.load_indicators()
    for indicator_id, rows in df.groupby(schema.INDICATOR_ID):
        for lang in ("en", "zh"):
            fig = build_indicator_figure(rows, lang=lang)
            assert source_annotation(fig), (indicator_id, lang)
            assert fig.layout.yaxis.title.text, (indicator_id, lang)


def test_coverage_figure_draws_squares_and_gaps():
    coverage = pd.DataFrame(
        {
            schema.CITY: ["Nanjing", "Nanjing", "Nanjing"],
            schema.INDICATOR_ID: ["gdp", "gdp", "rd"],
            schema.YEAR: pd.array([2017, 2019, 2018], dtype="Int64"),
            indicators.N_VALUES: [1, 2, 1],
        }
    )
    fig = build_coverage_figure(coverage, lang="en", indicator_labels={"gdp": "GDP"})
    gaps, nanjing = fig.data
    assert gaps.marker.color == GAP_COLOR
    assert set(zip(gaps.x, gaps.y)) == {(2018, "GDP"), (2017, "rd"), (2019, "rd")}
    assert nanjing.marker.symbol == "square"
    assert list(zip(nanjing.x, nanjing.y)) == [(2017, "GDP"), (2019, "GDP"), (2018, "rd")]
    assert "2 value(s)" in nanjing.hovertext[1]
    assert all(t.type == "scatter" for t in fig.data)
    assert list(fig.layout.yaxis.categoryarray) == ["rd", "GDP"]
    assert source_annotation(fig).startswith("Source: ")


def test_coverage_figure_places_cities_side_by_side():
    coverage = indicators.summarise_coverage(frame([row(), row(city="Wuhan")]))
    fig = build_coverage_figure(coverage, lang="zh")
    xs = {t.name: list(t.x) for t in fig.data[1:]}
    assert xs == {"南京": [2016.7], "武汉": [2017.3]}
    assert fig.layout.title.text == "数据覆盖：指标 × 年份"
