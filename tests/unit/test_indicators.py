"""Loading, validating and summarising the city-indicator table, and the conflict rule."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pandas as pd
import pytest
from indicator_rows import frame, row_factory

from policylens import paths, schema
from policylens.indicators import labels as indicators_labels
from policylens.indicators import table as indicators
from policylens.indicators.table import (
    CONFLICT,
    N_SOURCES,
    IndicatorError,
    harmonise_units,
    list_indicators,
    load_indicators,
    load_units,
    pick_one_value_per_year,
    select_headline_indicators,
    summarise_coverage,
    unit_label,
)

FULL_YEAR = indicators.FULL_YEAR_NOTE
SHARED_DATA = paths.ROOT.parent / "shared" / "data"


def _load_build_script():
    path = paths.INDICATORS_DIR / "build_indicators.py"
    spec = importlib.util.spec_from_file_location("build_indicators", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _load_build_script()


row = row_factory(
    **{
        schema.YEAR: 2020,
        schema.PILLAR: "new",
        schema.INDICATOR_ID: "rd_intensity_pct",
        schema.INDICATOR_EN: "R&D intensity",
        schema.INDICATOR_ZH: "研发投入强度",
        schema.VALUE: 3.0,
        schema.UNIT: "%",
        schema.UNIT_CODE: "pct",
        schema.SOURCE_QUOTE: "达3%",
    }
)


def write_table(tmp_path: Path, rows: list[dict[str, object]], drop: str | None = None) -> Path:
    path = tmp_path / "table.csv"
    columns = [c for c in schema.INDICATOR_COLUMNS if c != drop]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


# --- the bundled table -----------------------------------------------------------------------


def _series_rows() -> list[dict[str, str]]:
    with build.SERIES_PATH.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _new_series_rows() -> list[dict[str, str]]:
    """The headline rows the build adds: those that are not a shared row already (same city, year, id, source)."""
    shared = pd.read_csv(paths.INDICATORS_TABLE, dtype=str, keep_default_na=False).iloc[:169]
    keys = set(zip(shared[schema.CITY], shared[schema.YEAR], shared[schema.INDICATOR_ID], shared[schema.SOURCE_URL]))
    return [r for r in _series_rows() if (r["city"], r["year"], r["indicator_id"], r["source_url"]) not in keys]


def test_bundled_table_is_the_shared_rows_then_the_headline_series_each_with_its_source():
    df = load_indicators()
    series = _new_series_rows()
    assert 0 < len(series) < len(_series_rows())  # some headline rows repeat a shared row and are not added
    assert len(df) == 169 + len(series)
    assert list(df.columns) == list(schema.INDICATOR_COLUMNS)
    for column in (schema.SOURCE_URL, schema.SOURCE_TITLE, schema.SOURCE_QUOTE):
        assert (df[column].str.strip() != "").all(), column
    assert df[schema.SOURCE_URL].str.match(r"https?://\S+$").all()
    assert str(df[schema.YEAR].dtype) == "Int64"
    assert df[schema.VALUE].dtype == "float64"
    added = df.iloc[169:]
    assert set(added[schema.INDICATOR_ID]) <= set(build.HEADLINE) and set(added[schema.YEAR]) <= set(range(2015, 2025))
    secondary = sum(r["source_kind"] == "secondary" for r in series)
    assert added[schema.SOURCE_TITLE].str.endswith("(secondary compilation)").sum() == secondary


def test_every_bundled_quote_prints_its_value_and_every_rank_its_place():
    """The quote holds the value as printed; a rank is a place, so its quote names it as digits, an
    ordinal ("ninth", "第五") or the city's position in the list it quotes."""
    raw = pd.read_csv(paths.INDICATORS_TABLE, dtype=str, keep_default_na=False)
    ranks = raw[schema.UNIT_CODE] == "rank"
    for _, r in raw[~ranks].iterrows():
        assert build.quote_has_value(r[schema.SOURCE_QUOTE], r[schema.VALUE]), (r[schema.CITY], r[schema.YEAR], r[0])
    for _, r in raw[ranks].iterrows():
        city = indicators_labels.city_label(r[schema.CITY], "zh")
        assert build.quote_has_rank(r[schema.SOURCE_QUOTE], r[schema.VALUE], city), (r[schema.CITY], r[schema.YEAR])
    assert ranks.sum() >= 20  # the rule is exercised: the table holds ranks given as words and as lists


@pytest.mark.parametrize(
    ("quote", "value", "holds"),
    [
        ("全市地区生产总值16,908亿元", "16908", True),
        ("实现地区生产总值11715.10亿元", "11715.1", True),
        ("地区生产总值116908亿元", "16908", False),  # part of a longer number
        ("研发投入强度3.82%", "3.8", False),
        ("突破1.4万亿元", "1.4", True),
    ],
)
def test_a_quote_holds_a_value_only_as_printed(quote, value, holds):
    assert build.quote_has_value(quote, value) is holds


@pytest.mark.parametrize(
    ("quote", "value", "city", "holds"),
    [
        ("排名前十的城市依次為深圳、南京、杭州、廣州", "2", "南京", True),
        ("排名前十的城市依次為深圳、南京、杭州、廣州", "3", "南京", False),
        ("前十依次为深圳、杭州、苏州和青岛", "4", "青岛", True),
        ("ranked ninth among clusters", "9", "南京", True),
        ("位列全国第五", "5", "南京", True),
        ("位列全国第五", "6", "南京", False),
    ],
)
def test_a_rank_is_held_as_an_ordinal_or_a_place_in_a_list(quote, value, city, holds):
    assert build.quote_has_rank(quote, value, city) is holds


def test_the_headline_build_refuses_what_it_cannot_copy_verbatim():
    good = {
        "city": "Nanjing",
        "year": "2019",
        "indicator_id": "gdp",
        "value": "14030.15",
        "unit": "億元",
        "qualifier": "exact",
        "period_note": FULL_YEAR,
        "source_title": "Bulletin",
        "source_url": "https://example.com/b",
        "source_quote": "全市地区生产总值14030.15亿元",
        "source_kind": "primary",
        "research_note": "",
        "retrieved_via": "",
    }
    (built,) = build.build_series_rows([good], [])
    assert (built[schema.UNIT_CODE], built[schema.UNIT], built[schema.INDICATOR_ZH]) == (
        "100m_cny",
        "億元",
        "地区生产总值",
    )
    patent = {**good, "indicator_id": "invention_patents_per_10k", "value": "82.86", "unit": "件"}
    (row,) = build.build_series_rows([{**patent, "source_quote": "每万人发明专利拥有量82.86件"}], [])
    assert (row[schema.UNIT_CODE], row[schema.UNIT]) == ("items_per_10k_persons", "件 (items per 10,000 persons)")
    bad = [
        ({"source_quote": "全市地区生产总值1.4万亿元"}, "the quote does not print the value"),
        ({"unit": "%"}, "does not fit gdp"),
        ({"indicator_id": "metro_km"}, "is not a headline indicator"),
        ({"source_url": ""}, "no source URL"),
        ({"qualifier": "estimated"}, "unknown qualifier"),
        ({"source_kind": "blog"}, "unknown source_kind"),
    ]
    for change, message in bad:
        with pytest.raises(build.BuildError, match=message):
            build.build_series_rows([{**good, **change}], [])
    shared = [
        {"city": "Nanjing", "year": "2019", "indicator_id": "gdp", "source_url": "https://example.com/b", "value": "1"}
    ]
    with pytest.raises(build.BuildError, match="the shared table has 1"):
        build.build_series_rows([good], shared)
    secondary = build.build_series_rows([{**good, "source_kind": "secondary"}], [])[0]
    assert secondary[schema.SOURCE_TITLE] == "Bulletin (secondary compilation)"


def test_the_readme_sections_are_generated_from_the_bundled_table():
    """The README's coverage grid and conflict table are what the build writes for the table as it is."""
    readme = (paths.INDICATORS_DIR / "README.md").read_text(encoding="utf-8")
    sections = build.readme_sections(paths.INDICATORS_TABLE)
    assert build.update_readme(readme, sections) == readme
    grid = build.coverage_markdown(load_indicators())
    assert grid == sections["coverage"] and grid.count("| `gdp` |") == len(build.CITIES)
    conflicts = indicators.explain_conflicts(load_indicators())
    assert len(sections["conflicts"].splitlines()) == 2 + len(conflicts)


def test_bundled_table_qualifiers_count_the_shared_and_the_headline_rows():
    counts = load_indicators()[schema.QUALIFIER].value_counts()
    shared = {"exact": 141, "lower_bound": 18, "approx": 9, "preliminary": 1}
    series = pd.Series([r["qualifier"] for r in _new_series_rows()]).value_counts()
    for qualifier in schema.QUALIFIERS:
        assert counts.get(qualifier, 0) == shared.get(qualifier, 0) + int(series.get(qualifier, 0)), qualifier


def test_every_bundled_unit_code_has_both_labels():
    df = load_indicators()
    units = load_units()
    assert set(df[schema.UNIT_CODE]) <= set(units[schema.UNIT_CODE])
    assert (units[["label_en", "label_zh"]] != "").all().all()
    assert unit_label("100m_cny", "en") == "100 million CNY"
    assert unit_label("100m_cny", "zh") == "亿元"
    assert unit_label("trillion_cny", "zh") == "万亿元"


def test_unit_label_rejects_unknown_code_and_language():
    with pytest.raises(KeyError, match="no_such_unit"):
        unit_label("no_such_unit", "en")
    with pytest.raises(ValueError, match="language"):
        unit_label("pct", "fr")


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the shared research files are not present")
def test_bundled_table_is_reproducible_from_the_shared_files(tmp_path):
    out = tmp_path / "rebuilt.csv"
    assert build.main(["--source-dir", str(SHARED_DATA), "--out", str(out)]) == 0
    assert out.read_bytes() == paths.INDICATORS_TABLE.read_bytes()


def test_bundled_conflicts_resolve_as_documented():
    picked = pick_one_value_per_year(load_indicators())
    conflicts = picked[picked[CONFLICT]].set_index([schema.CITY, schema.YEAR, schema.INDICATOR_ID])
    # the shared rows' cases (notes §5), and a revised figure over the one first published
    expected = {
        ("Nanjing", 2017, "high_tech_enterprises"): (1850.0, 2),
        ("Nanjing", 2023, "high_tech_enterprises"): (10000.0, 2),
        ("Nanjing", 2021, "rd_expenditure"): (578.8, 2),
        ("Nanjing", 2020, "rd_intensity_pct"): (3.48, 2),
        ("Nanjing", 2022, "single_champions"): (16.0, 2),
        ("Nanjing", 2020, "tech_progress_contribution_pct"): (66.5, 2),
        ("Nanjing", 2023, "zjtx_little_giants"): (213.0, 3),
        ("Nanjing", 2016, "gdp"): (10819.14, 2),
    }
    for key, (value, n_sources) in expected.items():
        assert (conflicts.loc[key, schema.VALUE], conflicts.loc[key, N_SOURCES]) == (value, n_sources), key
    df = load_indicators()
    groups = df.groupby([schema.CITY, schema.YEAR, schema.INDICATOR_ID]).ngroups
    assert len(picked) == groups
    explained = indicators.explain_conflicts(df)
    assert len(explained) == int(picked[CONFLICT].sum())
    assert (
        explained.set_index([schema.CITY, schema.YEAR, schema.INDICATOR_ID]).loc[("Nanjing", 2016, "gdp"), "rule"] == 2
    )


# --- validation ------------------------------------------------------------------------------


def test_load_valid_fixture(tmp_path):
    rows = [row(), row(year=2021, value=3.6, source_url="https://example.com/b")]
    pd.testing.assert_frame_equal(load_indicators(write_table(tmp_path, rows)), frame(rows))


def test_missing_column_is_named(tmp_path):
    with pytest.raises(IndicatorError, match="missing columns.*source_url"):
        load_indicators(write_table(tmp_path, [row()], drop=schema.SOURCE_URL))


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row(value="about 3"), r"non-numeric value in row 2\b"),
        (row(value=""), r"non-numeric value in row 2\b"),
        (row(pillar="weak"), r"unknown pillar .* in row 2\b"),
        (row(qualifier="exact_as_published"), r"unknown qualifier .* in row 2\b"),
        (row(year="2020.5"), r"four-digit year in row 2\b"),
        (row(source_url=""), r"empty source_url in row 2\b"),
        (row(source_title=" "), r"empty source_title in row 2\b"),
        (row(unit_code="percent"), r"unit_code not in units.csv in row 2\b"),
    ],
)
def test_each_validation_error_names_its_row(tmp_path, bad_row, message):
    rows = [row(source_url="https://example.com/ok"), bad_row, row(year=2019)]
    with pytest.raises(IndicatorError, match=message):
        load_indicators(write_table(tmp_path, rows))


def test_several_problems_are_reported_together(tmp_path):
    rows = [row(value="x"), row(year=2019, pillar="weak"), row(year=2018, value="y")]
    with pytest.raises(IndicatorError) as error:
        load_indicators(write_table(tmp_path, rows))
    assert "non-numeric value in rows 1, 3" in str(error.value)
    assert "unknown pillar (allowed: new, strong, fusion) in row 2" in str(error.value)


def test_same_source_with_different_values_is_an_error(tmp_path):
    rows = [row(year=2019), row(value=3.1), row(value=3.2)]
    with pytest.raises(IndicatorError, match=r"different values in rows 2, 3"):
        load_indicators(write_table(tmp_path, rows))


def test_same_source_with_same_value_and_different_sources_load(tmp_path):
    rows = [row(), row(), row(value=3.2, source_url="https://example.com/other")]
    assert len(load_indicators(write_table(tmp_path, rows))) == 3


# --- conflict rule ---------------------------------------------------------------------------

PICK_COLUMNS = [schema.YEAR, schema.VALUE, schema.SOURCE_URL, N_SOURCES, CONFLICT]


def picked_values(rows: list[dict[str, object]]) -> pd.DataFrame:
    return pick_one_value_per_year(frame(rows))[PICK_COLUMNS]


def expected_pick(year: int, value: float, url: str, n_sources: int, conflict: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            schema.YEAR: pd.array([year], dtype="Int64"),
            schema.VALUE: [value],
            schema.SOURCE_URL: [url],
            N_SOURCES: [n_sources],
            CONFLICT: [conflict],
        }
    ).astype({schema.SOURCE_URL: "str"})


def test_year_end_value_beats_an_as_of_value_even_when_exact():
    rows = [
        row(value=9068.0, period_note="(as stated Jul 2023)", source_url="https://a.cn/1"),
        row(value=10000.0, qualifier="lower_bound", source_url="https://b.com/2"),
    ]
    pd.testing.assert_frame_equal(picked_values(rows), expected_pick(2020, 10000.0, "https://b.com/2", 2, True))


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        ("lower_bound", "exact", "exact"),
        ("approx", "preliminary", "preliminary"),
        ("lower_bound", "approx", "approx"),
    ],
)
def test_qualifier_order_exact_preliminary_approx_lower_bound(first, second, winner):
    rows = [
        row(value=1.0, qualifier=first, source_url="https://a.com/1"),
        row(value=2.0, qualifier=second, source_url="https://b.com/2"),
    ]
    assert pick_one_value_per_year(frame(rows))[schema.QUALIFIER].tolist() == [winner]


@pytest.mark.parametrize(
    ("official", "title"),
    [
        ("http://www.njsw.gov.cn/plan.html", "Plan"),
        ("https://mirror.example/tjgb.html", "南京市2017年国民经济和社会发展统计公报"),
        ("https://mirror.example/jsstats.html", "江苏省统计局数据(转载)"),
    ],
)
def test_official_source_beats_a_press_report(official, title):
    rows = [
        row(value=3.38, source_url="http://www.hkcd.com/x", source_title="Press"),
        row(value=3.48, source_url=official, source_title=title),
    ]
    pd.testing.assert_frame_equal(picked_values(rows), expected_pick(2020, 3.48, official, 2, True))


def test_remaining_ties_go_to_the_earlier_row():
    rows = [row(value=17.0, source_url="https://a.com/1"), row(value=16.0, source_url="https://b.com/2")]
    pd.testing.assert_frame_equal(picked_values(rows), expected_pick(2020, 17.0, "https://a.com/1", 2, True))


def test_agreeing_sources_are_not_a_conflict_even_in_different_units():
    rows = [
        row(indicator_id="gdp", value=1.6, unit_code="trillion_cny", source_url="https://a.com/1"),
        row(indicator_id="gdp", value=16000.0, unit_code="100m_cny", source_url="https://b.com/2"),
    ]
    pd.testing.assert_frame_equal(picked_values(rows), expected_pick(2020, 1.6, "https://a.com/1", 2, False))


def test_single_source_years_pass_through_sorted():
    rows = [row(year=2021, value=3.6), row(year=2020, value=3.5, city="Wuhan"), row(year=2019, value=3.4)]
    got = pick_one_value_per_year(frame(rows))
    assert got[[schema.CITY, schema.YEAR]].astype({schema.YEAR: int}).values.tolist() == [
        ["Nanjing", 2019],
        ["Nanjing", 2021],
        ["Wuhan", 2020],
    ]
    assert not got[CONFLICT].any()
    assert (got[N_SOURCES] == 1).all()


# --- units -----------------------------------------------------------------------------------


def test_harmonise_units_converts_exactly_to_the_finest_unit():
    rows = [
        row(indicator_id="gdp", value=1.6, unit_code="trillion_cny"),
        row(indicator_id="gdp", year=2022, value=16908.0, unit_code="100m_cny"),
        row(indicator_id="gdp", year=2023, value=3.46, unit_code="trillion_cny"),
    ]
    got = harmonise_units(frame(rows))
    assert got[schema.VALUE].tolist() == [16000.0, 16908.0, 34600.0]
    assert got[schema.UNIT_CODE].tolist() == ["100m_cny"] * 3
    assert got[indicators.PUBLISHED_VALUE].tolist() == [1.6, 16908.0, 3.46]


def test_harmonise_units_refuses_units_that_do_not_convert():
    rows = [row(unit_code="pct"), row(year=2021, unit_code="firms")]
    with pytest.raises(IndicatorError, match="rd_intensity_pct"):
        harmonise_units(frame(rows))


# --- summaries -------------------------------------------------------------------------------


def test_summarise_coverage_counts_values_per_city_indicator_year():
    rows = [row(year=2020), row(year=2020, source_url="https://b.com"), row(year=2022), row(city="Wuhan", year=2021)]
    expected = pd.DataFrame(
        {
            schema.CITY: ["Nanjing", "Nanjing", "Wuhan"],
            schema.INDICATOR_ID: ["rd_intensity_pct"] * 3,
            schema.YEAR: pd.array([2020, 2022, 2021], dtype="Int64"),
            indicators.N_VALUES: [2, 1, 1],
        }
    )
    pd.testing.assert_frame_equal(summarise_coverage(frame(rows)), expected, check_dtype=False)


def test_list_indicators_uses_most_common_label_and_filters_pillars():
    rows = [
        row(year=2015, indicator_en="R&D share (as stated 2016)"),
        row(year=2020),
        row(year=2022),
        row(year=2021, city="Shenzhen"),
        row(
            pillar="strong",
            indicator_id="gdp",
            indicator_en="GDP",
            indicator_zh="地区生产总值",
            unit_code="trillion_cny",
            value=1.6,
        ),
        row(
            pillar="strong",
            indicator_id="gdp",
            indicator_en="GDP",
            indicator_zh="地区生产总值",
            unit_code="100m_cny",
            year=2022,
            value=16908.0,
        ),
    ]
    expected = pd.DataFrame(
        {
            schema.PILLAR: ["new", "strong"],
            schema.INDICATOR_ID: ["rd_intensity_pct", "gdp"],
            schema.INDICATOR_EN: ["R&D intensity", "GDP"],
            schema.INDICATOR_ZH: ["研发投入强度", "地区生产总值"],
            schema.UNIT_CODE: ["pct", "100m_cny"],
            indicators.N_YEARS: [4, 2],
            indicators.N_CITIES: [2, 1],
            indicators.FIRST_YEAR: pd.array([2015, 2020], dtype="Int64"),
            indicators.LAST_YEAR: pd.array([2022, 2022], dtype="Int64"),
        }
    )
    pd.testing.assert_frame_equal(list_indicators(frame(rows)), expected, check_dtype=False)
    assert list_indicators(frame(rows), ("strong",))[schema.INDICATOR_ID].tolist() == ["gdp"]


def test_select_headline_indicators_takes_longest_series_at_latest_year():
    rows = [row(indicator_id="a", year=y, value=float(y)) for y in (2018, 2019, 2020)]
    rows += [row(indicator_id="b", year=y) for y in (2019, 2021)]
    rows += [row(indicator_id="c", year=y) for y in (2017, 2022)]  # ties with b, later last year
    rows += [row(indicator_id="d", year=2023, pillar="fusion", qualifier="lower_bound", value=96.0)]
    rows += [row(indicator_id="e", year=y, city="Wuhan") for y in (2010, 2011, 2012, 2013)]
    # the population is context (a divisor), never a pillar's headline, however long its series
    rows += [row(indicator_id="resident_population", pillar="fusion", year=y) for y in range(2010, 2020)]
    got = select_headline_indicators(frame(rows), city="Nanjing")
    expected = pd.DataFrame(
        {
            schema.PILLAR: ["new", "new", "fusion"],
            schema.INDICATOR_ID: ["a", "c", "d"],
            indicators.N_YEARS: [3, 2, 1],
            schema.YEAR: pd.array([2020, 2022, 2023], dtype="Int64"),
            schema.VALUE: [2020.0, 3.0, 96.0],
            schema.QUALIFIER: ["exact", "exact", "lower_bound"],
        }
    )
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
    assert got[schema.SOURCE_URL].tolist() == ["https://example.com/a"] * 3


def test_bundled_headline_indicators_cover_each_pillar_for_nanjing():
    got = select_headline_indicators(load_indicators())
    assert got[schema.PILLAR].tolist() == ["new", "new", "strong", "strong", "fusion", "fusion"]
    assert got[schema.INDICATOR_ID].tolist()[:3] == ["gii_cluster_rank", "high_tech_enterprises", "gdp"]
    assert (got[schema.SOURCE_URL] != "").all()


# --- the build script ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("亿元 (100 million CNY)", "100m_cny"),
        ('亿元 (100 million CNY; "突破700亿元" = lower bound)', "100m_cny"),
        ("万亿元 (trillion CNY; rounded)", "trillion_cny"),
        ('家 (firms; "超4000家" = lower bound)', "firms"),
        ("户 (firms)", "firms"),
        ('firms ("exceeded 10,000" = lower bound)', "firms"),
        ("家 (institutions)", "institutions"),
        ("家 (labs)", "labs"),
        ("件 (items per 10,000 persons)", "items_per_10k_persons"),
        ('% (approx. "29%左右", refers to recent years)', "pct"),
        ("% (y/y)", "pct_yoy"),
        ("rank", "rank"),
    ],
)
def test_map_unit(text, code):
    assert build.map_unit(text) == code


@pytest.mark.parametrize("text", ["元", "家 (companies)", "亿元", "% (share of GDP)", "rank "])
def test_map_unit_fails_loudly_on_unknown_text(text):
    with pytest.raises(build.BuildError, match="no unit pattern"):
        build.map_unit(text)


def _raw(**overrides: str) -> dict[str, str]:
    base = {
        c: str(v) for c, v in row(unit="%").items() if c not in (schema.UNIT_CODE, schema.QUALIFIER, schema.PERIOD_NOTE)
    }
    return {**base, **overrides}


def _normalized(raw: dict[str, str], qualifier: str = "exact_as_published") -> dict[str, str]:
    return {**raw, "value_qualifier": qualifier, "period_note": FULL_YEAR}


def test_build_rows_maps_unit_and_qualifier_and_keeps_text_verbatim():
    raw = _raw(value="1.60", unit='万亿元 (trillion CNY; "突破1.6萬億元" = lower bound)')
    (out,) = build.build_rows([raw], [_normalized(raw, "lower_bound")])
    assert list(out) == list(schema.INDICATOR_COLUMNS)
    assert (out[schema.VALUE], out[schema.UNIT_CODE], out[schema.QUALIFIER]) == ("1.60", "trillion_cny", "lower_bound")
    assert out[schema.UNIT] == raw[schema.UNIT]


def test_build_rows_refuses_disagreeing_files_and_qualifiers():
    raw = _raw(unit='% ("突破40%" = lower bound)')
    with pytest.raises(build.BuildError, match="row 1: unit says 'lower bound'"):
        build.build_rows([raw], [_normalized(raw, "exact_as_published")])
    with pytest.raises(build.BuildError, match=r"row 1: the two files differ in \['value'\]"):
        build.build_rows([raw], [_normalized({**raw, "value": "41"}, "lower_bound")])
    with pytest.raises(build.BuildError, match="row 1: no unit pattern"):
        build.build_rows([_raw(unit="元")], [_normalized(_raw(unit="元"))])


def test_empty_selection_gives_empty_tables_with_their_columns():
    empty = frame([row()]).iloc[0:0]
    assert list(pick_one_value_per_year(empty).columns) == [*schema.INDICATOR_COLUMNS, N_SOURCES, CONFLICT]
    assert len(list_indicators(empty).columns) == 9
    assert list(summarise_coverage(empty).columns) == [
        schema.CITY,
        schema.INDICATOR_ID,
        schema.YEAR,
        indicators.N_VALUES,
    ]
    assert select_headline_indicators(frame([row()]), city="Nowhere").empty


def test_the_build_and_the_coverage_report_name_the_same_ten_headline_indicators():
    from policylens.indicators import coverage

    assert tuple(build.HEADLINE) == coverage.HEADLINE_IDS
    assert build.SECONDARY_MARK == coverage.SECONDARY_MARK
