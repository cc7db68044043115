"""Numeric targets in policy text, their links to indicators, and the indicator keywords."""

from __future__ import annotations

import datetime

import pandas as pd
import pytest

from policylens import paths
from policylens.documents.loader import load_document
from policylens.indicators import scopes
from policylens.indicators import table as indicators
from policylens.indicators.targets import (
    TARGET_COLUMNS,
    extract_targets,
    find_linked_indicators,
    find_linked_paragraphs,
    load_indicator_keywords,
    match_targets_to_indicators,
)

ZH = [
    "到2025年，全市地区生产总值突破2万亿元，研发投入强度达到3.5%左右。",
    "“十四五”末，高新技术企业超过1000家，专精特新“小巨人”企业300家以上。",
    "2023年全市GDP为17421.4亿元，建成超算中心3家。力争“十五五”末新型研发机构达到500家。",
]
EN = [
    "By 2025, GDP will exceed 2 trillion yuan and R&D intensity will reach about 3.5%.",
    "Nanjing had 8,800 high-tech enterprises in 2022. It aims for more than 10,000 high-tech enterprises "
    "by the end of the 14th Five-Year Plan.",
    "The plan will increase the share of manufacturing to 30 percent; 300 little giant firms or more are expected.",
]


def targets(rows: list[tuple]) -> pd.DataFrame:
    types = {
        "paragraph": "int64",
        "sentence": "str",
        "value": "float64",
        "unit": "str",
        "unit_code": "object",
        "year": "Int64",
        "verb": "object",
        "qualifier": "str",
        "start": "int64",
        "end": "int64",
        "scope": "str",
        "place": "object",
    }
    columns = {c: pd.Series([r[i] for r in rows], dtype=types[c]) for i, c in enumerate(TARGET_COLUMNS)}
    return pd.DataFrame(columns)


def test_chinese_targets_with_years_verbs_and_markers():
    s1, s2, s3 = ZH[0], ZH[1], "力争“十五五”末新型研发机构达到500家。"
    expected = targets(
        [
            (1, s1, 2.0, "万亿元", "trillion_cny", 2025, "突破", "lower_bound", 17, 18, "city", None),
            (1, s1, 3.5, "%", "pct", 2025, "达到", "approx", 30, 33, "city", None),
            # no scope word: the document's, from its first paragraph (全市)
            (2, s2, 1000.0, "家", "firms", 2025, "超过", "lower_bound", 15, 19, "city", None),
            (2, s2, 300.0, "家", "firms", 2025, "以上", "lower_bound", 32, 35, "city", None),
            (3, s3, 500.0, "家", "firms", 2030, "达到", "exact", 16, 19, "city", None),
        ]
    )
    pd.testing.assert_frame_equal(extract_targets(ZH, "zh"), expected)


def test_english_targets_with_years_verbs_and_markers():
    s2 = "It aims for more than 10,000 high-tech enterprises by the end of the 14th Five-Year Plan."
    expected = targets(
        [
            (1, EN[0], 2.0, "trillion yuan", "trillion_cny", 2025, "exceed", "lower_bound", 25, 26, "unknown", None),
            (1, EN[0], 3.5, "%", "pct", 2025, "reach", "approx", 76, 79, "unknown", None),
            # "It" is Nanjing, named in the sentence before
            (2, s2, 10000.0, "enterprises", "firms", 2025, "more than", "lower_bound", 22, 28, "city", "Nanjing"),
            (
                3,
                "The plan will increase the share of manufacturing to 30 percent;",
                30.0,
                "percent",
                "pct",
                None,
                "increase to",
                "exact",
                53,
                55,
                "unknown",
                None,
            ),
            (
                3,
                "300 little giant firms or more are expected.",
                300.0,
                "firms",
                "firms",
                None,
                "or more",
                "lower_bound",
                0,
                3,
                "unknown",
                None,
            ),
        ]
    )
    pd.testing.assert_frame_equal(extract_targets(EN, "en"), expected)


def test_span_is_the_number_as_written_in_the_sentence():
    found = extract_targets(EN + ZH, "en")
    assert [s[a:b] for s, a, b in zip(found["sentence"], found["start"], found["end"])] == [
        "2",
        "3.5",
        "10,000",
        "30",
        "300",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "2023年全市GDP为17421.4亿元。",  # a past figure: no target year, no verb
        "建成超算中心3家。",  # 超 inside 超算 is no verb
        "构建4266产业体系和2+6+6集群，实现从0到1的突破。",  # numbers without units
        "南京有51所高校。",
    ],
)
def test_statements_that_are_not_targets(text):
    assert extract_targets([text], "zh").empty


def test_year_words_and_units_without_a_code():
    found = extract_targets(["到2027年前，建成3个千亿级产业集群。", "十四五期末研发经费达到1000万元。"], "zh")
    assert found[["value", "unit", "unit_code", "year"]].values.tolist() == [
        [3.0, "个", None, 2027],
        [1000.0, "万元", None, 2025],
    ]


def test_seed_document_states_no_numeric_target():
    """The seed editorial's only numbers are "from 0 to 1", "from 1 to 100/10" and "4266": none has a unit."""
    document = load_document(paths.SEED_DOCUMENT)
    assert "4266" in document.text
    assert extract_targets(document.paragraphs, document.language).empty


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language"):
        extract_targets(["x"], "fr")


# ---- keywords and matching -------------------------------------------------------------------


@pytest.fixture(scope="module")
def keywords() -> pd.DataFrame:
    return load_indicator_keywords()


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return indicators.list_indicators(indicators.load_indicators())


def test_every_bundled_indicator_but_part_year_copies_has_keywords_in_both_languages(keywords):
    bundled = set(indicators.load_indicators()["indicator_id"])
    covered = keywords.groupby("indicator_id")["language"].nunique()
    assert set(covered.index) <= bundled and (covered == 2).all()
    assert sorted(bundled - set(covered.index)) == [
        "high_tech_industry_output_share_h1_pct",
        "high_tech_industry_output_share_jan_nov_pct",
        "tech_contract_turnover_h1",
        "tech_contract_turnover_jan_sep",
        "tech_smes_asof_sep",
        "tech_smes_jan_sep",
    ]


def test_keyword_file_is_checked(tmp_path):
    path = tmp_path / "keywords.csv"
    path.write_text("indicator_id,language,keyword\ngdp,fr,PIB\n", encoding="utf-8")
    with pytest.raises(indicators.IndicatorError, match="unknown language"):
        load_indicator_keywords(path)


def test_targets_match_indicators_by_keyword_and_compatible_unit(keywords, catalogue):
    matched = match_targets_to_indicators(extract_targets(ZH, "zh"), catalogue, keywords)
    assert matched[["value", "unit", "indicator_id", "keyword", "distance", "nearest"]].values.tolist() == [
        [2.0, "万亿元", "gdp", "地区生产总值", 2, True],  # 万亿元 target, 亿元 series: UNIT_SCALES
        [2.0, "万亿元", "rd_expenditure", "研发投入", 4, False],  # same sentence, next clause
        [3.5, "%", "rd_intensity_pct", "研发投入强度", 2, True],
        [1000.0, "家", "high_tech_enterprises", "高新技术企业", 2, True],
        [1000.0, "家", "zjtx_little_giants", "专精特新", 2, False],  # as near, but in the next clause
        [300.0, "家", "zjtx_little_giants", "小巨人", 3, True],
        [300.0, "家", "high_tech_enterprises", "高新技术企业", 19, False],
        [500.0, "家", "new_rd_institutions", "新型研发机构", 2, True],  # 家 counts institutions too
    ]
    assert list(matched.columns) == [*TARGET_COLUMNS, "indicator_id", "keyword", "distance", "nearest"]


def test_english_targets_match_english_keywords(keywords, catalogue):
    matched = match_targets_to_indicators(extract_targets(EN, "en"), catalogue, keywords)
    assert matched[["value", "indicator_id", "keyword", "nearest"]].values.tolist() == [
        [2.0, "gdp", "GDP", True],
        [3.5, "rd_intensity_pct", "R&D intensity", True],
        [10000.0, "high_tech_enterprises", "high-tech enterprise", True],
        [30.0, "manufacturing_share_pct", "share of manufacturing", True],
        [300.0, "zjtx_little_giants", "little giant", True],
    ]


def test_a_target_in_an_incompatible_unit_matches_nothing(keywords, catalogue):
    found = extract_targets(["到2025年，地区生产总值增长6%。"], "zh")
    assert match_targets_to_indicators(found, catalogue, keywords).empty


def test_linked_paragraphs_use_the_documents_language(keywords):
    paragraphs = ["推动GDP稳步增长。", "培育高新技术企业。", "The GDP of Nanjing grew.", "Little giants thrive."]
    assert find_linked_paragraphs(paragraphs, "gdp", keywords, "zh") == [1, 3]
    assert find_linked_paragraphs(paragraphs, "zjtx_little_giants", keywords, "en") == [4]
    assert find_linked_paragraphs(paragraphs, "gdp", keywords, "en") == [1, 3]
    assert find_linked_paragraphs(paragraphs, "academicians", keywords, "zh") == []


def test_linked_indicators_of_terms(keywords):
    assert find_linked_indicators(["专精特新"], keywords) == [
        "zjtx_little_giants",
        "zjtx_provincial",
        "zjtx_national_firms",
    ]
    assert find_linked_indicators(["高新技术企业数量"], keywords) == ["high_tech_enterprises"]
    assert find_linked_indicators(["Nature Index"], keywords) == ["nature_index_city_rank"]
    assert find_linked_indicators(["新", "new", " "], keywords) == []
    assert find_linked_indicators(["patent"], keywords) == [
        "invention_patent_applications",
        "invention_patent_grants",
        "invention_patents_per_10k",
        "patent_applications",
        "patent_grants",
        "pct_applications",
    ]


# ---- forward-looking statements only, and their scope -----------------------------------------

# A bulletin item written for this test, in the style of an evening-news economy report: every figure is past.
BULLETIN = (
    "国家统计局今天发布数据显示，去年全国规模以上工业增加值比上年增长4.6%，全年社会消费品零售总额突破47万亿元。"
    "今年以来，我国外贸进出口保持增长，前三季度货物贸易进出口总值达到32万亿元，同比增长5.3%。"
    "截至9月末，全国高新技术企业已超过46万家，累计新增专精特新企业1.2万家。"
    "全国研发经费投入超过3.3万亿元，比上年增长8.1%。"
)


def test_a_bulletin_of_last_years_statistics_has_no_target():
    assert extract_targets([BULLETIN], "zh").empty
    assert extract_targets([BULLETIN], "zh", document_date=datetime.date(2024, 10, 20)).empty


@pytest.mark.parametrize(
    "text",
    [
        "全年GDP突破2万亿元，同比增长5%。",  # explicit past markers win over 突破
        "高新技术企业达到1.2万家。",  # a target verb, but no future anchor
        "提前完成了“十四五”期间的发展目标，5G基站超过400万个。",
        "吉林将资金投入占比由5%提高到20%以上。",  # 将 as the object marker, not "will"
        "党的十八大以来，全社会研发投入从2012年1万亿元增长到2021年2.8万亿元。",  # a span looking back
        "Last year, R&D spending grew 8%.",
        "GDP reached 2 trillion yuan, up 5% year-on-year.",
    ],
)
def test_past_statistics_are_not_targets(text):
    assert extract_targets([text], "en" if text.isascii() else "zh").empty


def test_a_city_target_with_a_target_year_takes_the_city_the_title_names():
    paragraphs = ["南京市科技创新行动方案", "到2027年，全市高新技术企业数量力争突破1.2万家。"]
    (target,) = extract_targets(paragraphs, "zh").to_dict("records")
    assert (target["value"], target["unit"], target["year"], target["verb"]) == (1.2, "万家", 2027, "突破")
    assert (target["scope"], target["place"]) == ("city", "南京")
    assert extract_targets(paragraphs[1:], "zh")[["scope", "place"]].values.tolist() == [["city", None]]


def test_a_national_figure_is_national_and_a_target_only_with_a_future_anchor():
    statistic = "全国研发经费投入超过3.3万亿元，比上年增长8.1%。"
    assert extract_targets(["南京", statistic], "zh").empty
    (target,) = extract_targets(["南京", "力争到2027年，全国研发经费投入超过4万亿元。"], "zh").to_dict("records")
    assert (target["value"], target["year"], target["scope"], target["place"]) == (4.0, 2027, "nation", "China")


def test_weak_past_markers_yield_to_a_future_anchor_and_the_tense_carries_on():
    text = "今年，中央财政下达补助资金40亿元，力争全年完成投资1000亿元，到年底普及率达到92%，覆盖人口比例63%。"
    assert extract_targets([text], "zh")["value"].tolist() == [1000.0, 92.0, 63.0]


def test_the_document_date_decides_which_years_are_future():
    text = ["2025年，全市地区生产总值达到2万亿元。"]
    assert extract_targets(text, "zh", document_date=datetime.date(2023, 3, 1))["year"].tolist() == [2025]
    assert extract_targets(text, "zh", document_date=datetime.date(2026, 3, 1)).empty
    # Without a date, a year after the latest year of a past statistic is future.
    undated = ["2023年全市地区生产总值比上年增长5%。", *text]
    assert extract_targets(undated, "zh")[["paragraph", "year"]].values.tolist() == [[2, 2025]]


def test_english_target_and_statistic_with_scopes():
    paragraphs = [
        "Nanjing innovation plan",
        "Last year, R&D spending grew 8%. By 2027, the city aims to have 12,000 high-tech enterprises.",
        "China's R&D spending will exceed 4 trillion yuan by 2027.",
    ]
    found = extract_targets(paragraphs, "en")
    assert found[["value", "year", "scope", "place"]].values.tolist() == [
        [12000.0, 2027, "city", "Nanjing"],
        [4.0, 2027, "nation", "China"],
    ]


def test_scope_mentions_and_series_scopes():
    assert scopes.find_scope_mentions("2023年广东省生产总值是全国首个，全市和我省", "zh") == [
        (5, "province", "广东"),
        (13, "nation", "China"),
        (18, "city", None),
        (21, "province", None),
    ]
    assert scopes.find_scope_mentions("national high-tech zones of the city", "en") == [(28, "city", None)]
    assert [scopes.find_series_scope(c) for c in ("Nanjing", "南京", "全国", "China", "江苏省")] == [
        ("city", "Nanjing"),
        ("city", "Nanjing"),
        ("nation", "China"),
        ("nation", "China"),
        ("province", "Jiangsu"),
    ]


def test_targets_link_only_to_series_of_their_scope(keywords):
    paragraphs = [
        "南京市创新发展规划",
        "到2027年，全市研发投入超过800亿元。",  # Nanjing: the title names the city
        "力争到2027年，全国研发投入超过4万亿元。",  # national
        "到2027年，苏州研发投入超过1000亿元。",  # another city, named
    ]
    found = extract_targets(paragraphs, "zh")
    data = pd.DataFrame(
        {
            "city": ["Nanjing", "Suzhou", "China", "Nanjing"],
            "indicator_id": ["rd_expenditure"] * 3 + ["gdp"],
            "unit_code": ["100m_cny"] * 4,
        }
    )
    catalogue = pd.DataFrame({"indicator_id": ["rd_expenditure", "gdp"], "unit_code": ["100m_cny", "100m_cny"]})
    matched = match_targets_to_indicators(found, catalogue, keywords)
    linked = scopes.match_target_scopes(matched, data)
    assert linked[["value", "scope", "indicator_id", "series_cities"]].values.tolist() == [
        [800.0, "city", "rd_expenditure", ("Nanjing",)],
        [4.0, "nation", "rd_expenditure", ("China",)],
        [1000.0, "city", "rd_expenditure", ("Suzhou",)],
    ]
    # A national target and city series only: the pair stays, with no series to draw it on.
    cities_only = scopes.match_target_scopes(matched, data[data["city"] != "China"])
    assert cities_only["series_cities"].tolist() == [("Nanjing",), (), ("Suzhou",)]


def test_a_target_of_unknown_scope_may_be_drawn_on_any_series():
    assert scopes.is_same_scope("unknown", None, "Nanjing") and scopes.is_same_scope("unknown", None, "China")
    assert scopes.is_same_scope("city", None, "Suzhou") and not scopes.is_same_scope("city", None, "全国")
    assert not scopes.is_same_scope("city", "南京", "Suzhou") and not scopes.is_same_scope("nation", "China", "Nanjing")


def test_an_uploaded_indicator_links_to_the_text_that_names_it():
    from policylens.indicators.targets import find_linked_paragraphs, keywords_for_table, load_indicator_keywords

    bundled = load_indicator_keywords()
    upload = pd.DataFrame(
        {
            "indicator_id": ["digital_core_output", "digital_core_output", "gdp"],
            "indicator_en": ["Digital economy core output (share of GDP)", "Digital economy core output", "GDP"],
            "indicator_zh": ["数字经济核心产业增加值（占GDP比重）", "数字经济核心产业增加值", "地区生产总值"],
        }
    )
    keywords = keywords_for_table(upload, bundled)
    mine = keywords[keywords["indicator_id"] == "digital_core_output"]
    assert sorted(zip(mine["language"], mine["keyword"])) == [
        ("en", "Digital economy core output"),
        ("zh", "数字经济核心产业增加值"),
    ]
    # an indicator the bundled table already covers keeps its own keywords, none derived
    assert keywords[keywords["indicator_id"] == "gdp"].equals(bundled[bundled["indicator_id"] == "gdp"])
    paragraphs = ["全市数字经济核心产业增加值增长12%。", "制造业稳步发展。"]
    assert find_linked_paragraphs(paragraphs, "digital_core_output", keywords, "zh") == [1]
    assert find_linked_paragraphs(paragraphs, "digital_core_output", bundled, "zh") == []
