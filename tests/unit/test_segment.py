"""Segmentation goldens (real policy phrases, exact tokens under our user dictionary) and English terms."""

import jieba
import pytest

from policylens.text.segment import Segmenter, SegmenterConfig, load_stopwords, normalize_en_term

# Pinned: goldens depend on jieba's dictionary (requirements.txt pins jieba==0.42.1).
assert jieba.__version__ == "0.42.1"

GOLDENS_ZH = [
    ("加快发展新质生产力", ["加快", "发展", "新质生产力"]),
    ("推动高质量发展", ["推动", "高质量发展"]),
    ("促进创新链产业链资金链人才链深度融合", ["促进", "创新链", "产业链", "资金链", "人才链", "深度融合"]),
    ("培育专精特新企业", ["培育", "专精特新", "企业"]),
    ("加快科技成果转化", ["加快", "科技成果转化"]),
    ("建设具有全球影响力的产业科技创新中心", ["建设", "具有", "全球", "影响力", "的", "产业科技创新中心"]),
    ("壮大“2+6+6”创新型产业集群", ["壮大", "“", "2+6+6", "”", "创新型产业集群"]),
    ("构建现代化产业体系", ["构建", "现代化产业体系"]),
    ("推动传统产业转型升级", ["推动", "传统产业", "转型升级"]),
    ("更好发挥有为政府和有效市场作用", ["更好", "发挥", "有为政府", "和", "有效市场", "作用"]),
]


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()


@pytest.mark.parametrize(("text", "tokens"), GOLDENS_ZH)
def test_chinese_policy_terms_stay_whole(segmenter, text, tokens):
    assert segmenter.cut_zh(text) == tokens


def test_private_tokenizer_leaves_global_jieba_untouched(segmenter):
    segmenter.cut_zh("新质生产力")
    assert "新质生产力" not in jieba.dt.FREQ  # our user dictionary never reaches the global one
    assert segmenter.jieba_tokenizer() is not jieba.dt


def test_chinese_tokenize_drops_stopwords_fillers_and_punctuation(segmenter):
    assert segmenter.tokenize("要加快推动新质生产力发展，坚持创新。", "zh") == ["新质生产力", "发展", "创新"]


def test_extra_terms_are_kept_whole_and_never_stopwords():
    segmenter = Segmenter(SegmenterConfig(extra_terms_zh=("要素市场化",)))
    assert "要素市场化" in segmenter.tokenize("推进要素市场化配置", "zh")


def test_english_phrases_are_kept_whole_and_lemmatised(segmenter):
    text = (
        "Nanjing's emerging industries and the innovation chain drive high-quality development "
        "of new quality productive forces."
    )
    assert segmenter.tokenize(text, "en") == [
        "nanjing",
        "emerging industry",
        "innovation chain",
        "drive",
        "high-quality development",
        "new quality productive force",
    ]


def test_english_allow_list_keeps_domain_words():
    stop = load_stopwords("en")
    assert {"new", "high", "first", "open", "strong"}.isdisjoint(stop)
    assert {"the", "and", "should"} <= stop


def test_normalize_en_term():
    assert normalize_en_term("Industries") == "industry"
    assert normalize_en_term("Emerging Industries") == "emerging industry"


def test_find_spans_maps_terms_back_to_the_text(segmenter):
    text = "Traditional industries, and emerging industries."
    spans = segmenter.find_spans(text, {"emerging industry"}, "en")
    assert [(text[a:b], term) for a, b, term in spans] == [("emerging industries", "emerging industry")]
    zh = "推动产业链创新链融合"
    assert [(zh[a:b], term) for a, b, term in segmenter.find_spans(zh, {"创新链"}, "zh")] == [("创新链", "创新链")]


def test_numbers_with_units_and_designations_stay_whole(segmenter):
    text = "GDP超2万亿元，研发投入强度达3.5%，培育1000余家企业，建设“2+6+6”和4+4+1体系，51所高校，2025年"
    assert segmenter.tokenize(text, "zh") == [
        "GDP",
        "超",
        "2万亿元",
        "研发投入",
        "强度",
        "达",
        "3.5%",
        "培育",
        "1000余家",
        "企业",
        "建设",
        "2+6+6",
        "4+4+1",
        "体系",
        "51所",
        "高校",
    ]
    assert segmenter.tokenize("R&D intensity reached 3.5% in 2025", "en") == ["r&d", "intensity", "reach", "3.5%"]


def test_session_user_words_and_stopword_edits():
    config = SegmenterConfig(
        user_words_zh=("资金链人才链",), stopword_edits=(("zh", "add", "企业"), ("zh", "remove", "要"))
    )
    assert Segmenter(config).tokenize("要促进资金链人才链，企业发展", "zh") == ["要", "资金链人才链", "发展"]


def test_discourse_fillers_go_but_the_visible_and_invisible_hand_stay(segmenter):
    text = (
        "On the one hand, upgrade traditional industries; on the other hand, use the government's "
        "visible hand and the market's invisible hand."
    )
    assert segmenter.tokenize(text, "en") == [
        "upgrade",
        "traditional industry",
        "government",
        "visible hand",
        "market",
        "invisible hand",
    ]
