"""Numeric targets in policy text, their links to indicators, and the indicator keywords."""

from __future__ import annotations

import pandas as pd
import pytest

from policylens import paths
from policylens.documents.loader import load_document
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
    }
    columns = {c: pd.Series([r[i] for r in rows], dtype=types[c]) for i, c in enumerate(TARGET_COLUMNS)}
    return pd.DataFrame(columns)


def test_chinese_targets_with_years_verbs_and_markers():
    s1, s2, s3 = ZH[0], ZH[1], "力争“十五五”末新型研发机构达到500家。"
    expected = targets(
        [
            (1, s1, 2.0, "万亿元", "trillion_cny", 2025, "突破", "lower_bound", 17, 18),
            (1, s1, 3.5, "%", "pct", 2025, "达到", "approx", 30, 33),
            (2, s2, 1000.0, "家", "firms", 2025, "超过", "lower_bound", 15, 19),
            (2, s2, 300.0, "家", "firms", 2025, "以上", "lower_bound", 32, 35),
            (3, s3, 500.0, "家", "firms", 2030, "达到", "exact", 16, 19),
        ]
    )
    pd.testing.assert_frame_equal(extract_targets(ZH, "zh"), expected)


def test_english_targets_with_years_verbs_and_markers():
    s2 = "It aims for more than 10,000 high-tech enterprises by the end of the 14th Five-Year Plan."
    expected = targets(
        [
            (1, EN[0], 2.0, "trillion yuan", "trillion_cny", 2025, "exceed", "lower_bound", 25, 26),
            (1, EN[0], 3.5, "%", "pct", 2025, "reach", "approx", 76, 79),
            (2, s2, 10000.0, "enterprises", "firms", 2025, "more than", "lower_bound", 22, 28),
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
