"""The rjieba backend gives exactly the tokens of today's jieba path; without rjieba it is jieba."""

import sys
from importlib.metadata import version

import jieba
import pytest

from policylens.text.analysis import build_segmenter_config
from policylens.text.fastseg import BACKEND_JIEBA, BACKEND_RJIEBA, FastSegmenter, load_fast_segmenter
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter, SegmenterConfig

rjieba = pytest.importorskip("rjieba")

# Pinned: identity is a property of these two versions (requirements.txt pins both).
assert jieba.__version__ == "0.42.1"
assert version("rjieba") == "0.2.2"

POLICY_TEXTS = [
    "加快发展新质生产力，推动高质量发展，构建现代化产业体系。",
    "壮大“2+6+6”创新型产业集群，培育专精特新“小巨人”企业51所、单项冠军企业12家。",
    "力争到2027年研发投入强度达到3.5%，新增5G基站2万个，数字经济核心产业增加值占比25-30%。",
    "全市规上工业增加值增长6.8%，完成固定资产投资2万亿元，带动就业1000余家企业、3.2万人。",
    "促进创新链产业链资金链人才链深度融合，加快科技成果转化，建设具有全球影响力的产业科技创新中心。",
    "推动AI+制造、5G+工业互联网、COVID-19疫情后复工复产，Wi-Fi 6和e-commerce平台覆盖12.3.4版。",
    "新能源汽车产量增长25-30个百分点；C++、AT&T与x_y型号并列，第3季度GDP增长5.2%。",
    "The Belt and Road Initiative与RCEP协定生效，iPhone和A股市场、B超检查、T恤衫出口同比增长1.5倍。",
    "更好发挥有为政府和有效市场作用，推动传统产业转型升级，打造4+4+1产业体系。",
    "中国-东盟自贸区3.0版谈判，V1.2.3版本、ab--cd、a__b、1-2-3号线与25—30公里。",
    "𠮷野家在㐀城开设门店，鿏元素与鿐研究，兼顾﨑岖山路。",
    "要素市场化配置改革，培育未来产业，发展低空经济和人工智能+行动。\r\n下一段  两个空格。",
    "",
    "2024年1月至12月，全省GDP达到13.6万亿元，R&D经费投入强度2.8%，每万人口高价值发明专利拥有量18.5件。",
]


@pytest.fixture(scope="module", params=["codebook", "userdict_only", "session_terms"])
def config(request):
    if request.param == "codebook":
        return build_segmenter_config(load_codebook())
    if request.param == "userdict_only":
        return SegmenterConfig()
    return SegmenterConfig(extra_terms_zh=("要素市场化", "低空经济"), user_words_zh=("人工智能+行动", "未来产业"))


@pytest.fixture(scope="module")
def pair(config):
    return Segmenter(config), load_fast_segmenter(config)


def test_fast_backend_is_rjieba_when_importable(pair):
    assert pair[1].backend == BACKEND_RJIEBA


@pytest.mark.parametrize("text", POLICY_TEXTS)
def test_fast_tokens_equal_jieba_tokens(pair, text):
    reference, fast = pair
    assert fast.cut_zh(text) == reference.cut_zh(text)
    assert fast.cut_zh_spans(text) == reference.cut_zh_spans(text)
    assert fast.tokenize(text, "zh") == reference.tokenize(text, "zh")


def test_fast_tokens_equal_jieba_tokens_on_the_whole_fixture(pair):
    reference, fast = pair
    text = "".join(POLICY_TEXTS)
    assert fast.cut_zh(text) == reference.cut_zh(text)


def test_policy_terms_and_numbers_stay_whole_on_the_fast_backend(pair):
    tokens = pair[1].cut_zh(POLICY_TEXTS[1] + POLICY_TEXTS[2])
    assert {"2+6+6", "专精特新", "小巨人", "51所", "12家", "3.5%", "5G", "2万个"} <= set(tokens)
    assert ["25", "-", "30%"] == tokens[tokens.index("30%") - 2 : tokens.index("30%") + 1]


def test_copied_frequencies_give_jieba_suggestions(pair):
    """Same frequencies and total: jieba-rs suggests what jieba suggests for an unseen compound."""
    reference, fast = pair
    tokenizer = reference.jieba_tokenizer()
    for word in ("推动新质生产力", "专精特新企业", "产业链供应链"):
        assert abs(fast._fast.suggest_freq(word) - tokenizer.suggest_freq(word)) <= 1


def test_raw_rjieba_differs_on_ascii_runs_that_the_backend_repairs():
    """Why the repair exists: jieba-rs's HMM joins 25-30 (jieba: 25 / - / 30), pinned to 0.2.2."""
    assert rjieba.Jieba().cut("增长25-30个百分点", True) == ["增长", "25-30", "个", "百分点"]
    assert load_fast_segmenter().cut_zh("增长25-30个百分点") == [
        "增长",
        "25",
        "-",
        "30个",
        "百分点",
    ]  # 30个: _NUMERIC_ZH


def test_falls_back_to_jieba_without_rjieba(monkeypatch):
    monkeypatch.setitem(sys.modules, "rjieba", None)  # `import rjieba` now raises ImportError
    segmenter = FastSegmenter(SegmenterConfig(extra_terms_zh=("要素市场化",)))
    assert segmenter.backend == BACKEND_JIEBA
    reference = Segmenter(SegmenterConfig(extra_terms_zh=("要素市场化",)))
    for text in POLICY_TEXTS[:4]:
        assert segmenter.cut_zh(text) == reference.cut_zh(text)
        assert segmenter.tokenize(text, "zh") == reference.tokenize(text, "zh")


def test_fast_segmenter_leaves_global_jieba_untouched():
    load_fast_segmenter().cut_zh("新质生产力")
    assert "新质生产力" not in jieba.dt.FREQ
