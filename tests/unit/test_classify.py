"""The pillar classifier on text written for these tests: model, codebook rules, patterns, examples."""

import dataclasses

from policylens import schema
from policylens.documents.loader import load_paragraphs
from policylens.text.analysis import analyze_default, analyzer_for, build_segmenter_config
from policylens.text.classify import DETAIL, Example, classify_paragraphs, codebook_model, mask_ignored
from policylens.text.codebook_io import (
    build_codebook_from_tables,
    build_codebook_tables,
    build_pattern_table,
    classification_settings,
)
from policylens.text.model import model_from_json, model_to_json
from policylens.text.pillars import Pattern
from policylens.text.segment import Segmenter

# One paragraph per pillar, a look-alike and a framing paragraph, written for these tests.
NEW = "研究团队在量子计算基础研究中取得原创性突破，首次实现了百比特超导芯片的稳定运行，相关论文发表在国际期刊上。"
STRONG = "全市制造业增加值同比增长8%，新能源汽车产业集群规模突破三千亿元，一批传统工厂完成智能化改造。"
FUSION = "高校科研团队与企业共建中试平台和概念验证中心，引导基金为科技成果转化提供资金支持，推动产学研深度融合。"
TOURISM = "推进文旅融合发展，打造一批旅游目的地，丰富夜间消费场景，让游客玩得开心、住得舒心。"
FRAMING = "会议强调，要深入学习贯彻党的二十大精神，坚定信心、真抓实干，推动经济社会高质量发展。"


def classify(texts, codebook, segmenter, **kwargs):
    return classify_paragraphs(texts, "zh", codebook, segmenter.tokenize, **kwargs)[1]


def test_the_shipped_model_is_there_and_covers_every_pillar(codebook):
    model = codebook_model(codebook)
    assert model is not None and model.trained_on > 1000
    assert set(model.classes) == {*codebook.ids, "none"}
    assert model_from_json(model_to_json(model)).classes == model.classes


def test_one_paragraph_of_each_pillar_and_none(codebook, segmenter):
    assignment = classify([NEW, STRONG, FUSION, TOURISM, FRAMING], codebook, segmenter)
    assert assignment[schema.PILLAR].tolist() == ["new", "strong", "fusion", None, None]
    assert all(0 < c <= 1 for c in assignment[schema.CONFIDENCE])
    fusion = assignment.loc[2, DETAIL]
    assert "成果转化" in " ".join(fusion["codebook"] + [t for t, _ in fusion["model"]])
    notes = {p.pattern: p.label("en") for p in codebook.patterns}
    assert any("lab to market" in notes[pattern] for pattern, _, _ in fusion["patterns"])


def test_a_look_alike_pattern_takes_back_what_the_term_gave(codebook, segmenter):
    """文旅融合 has the fusion term 融合; the look-alike pattern cancels it, and says so."""
    detail = classify([TOURISM], codebook, segmenter).loc[0, DETAIL]
    assert "融合" in detail["codebook"] or not detail["codebook"]
    assert any(cls == "fusion" and weight < 0 for _, cls, weight in detail["patterns"])


def test_a_users_pattern_changes_the_result_live(codebook, segmenter):
    """A rule the user states (校地合作 is fusion, strongly) moves a paragraph; removing it moves it back."""
    text = "学校与地方政府签署校地合作协议，共同举办文化节和体育赛事。"
    assert classify([text], codebook, segmenter)[schema.PILLAR].tolist() == [None]
    ruled = dataclasses.replace(codebook, patterns=(*codebook.patterns, Pattern("校地合作", (("fusion", 80.0),))))
    assignment = classify([text], ruled, segmenter)
    assert assignment[schema.PILLAR].tolist() == ["fusion"]
    assert ("校地合作", "fusion", 80.0) in assignment.loc[0, DETAIL]["patterns"]


def test_ignored_framing_is_not_read(codebook):
    masked = mask_ignored(FRAMING, codebook)
    assert len(masked) == len(FRAMING) and "二十大精神" not in masked and "高质量发展" not in masked
    assert "坚定信心" in masked


def test_zero_to_one_with_quote_marks_is_matched(codebook, segmenter):
    detail = classify(["实现从“0”到“1”的突破。"], codebook, segmenter).loc[0, DETAIL]
    assert any(cls == "new" for _, cls, _ in detail["patterns"])


def test_a_confirmed_example_teaches_the_classifier_in_the_session(codebook, segmenter):
    text = "该市为每家入选企业配备一名首席服务专员，提供一对一的上门服务。"
    before = classify([text], codebook, segmenter)
    example = Example("市里给入选企业配备首席服务专员，专员上门提供一对一服务。", "zh", "fusion", "check ¶1")
    after = classify([text], codebook, segmenter, examples=[example])
    assert before[schema.PILLAR].tolist() != ["fusion"]
    assert after[schema.PILLAR].tolist() == ["fusion"]
    ((_, label, source, similarity),) = after.loc[0, DETAIL]["examples"][:1]
    assert (label, source) == ("fusion", "check ¶1") and 0.25 <= similarity <= 1


def test_without_a_model_the_rules_decide_with_min_score(codebook, segmenter):
    rules = dataclasses.replace(codebook, model="")
    assert codebook_model(rules) is None
    assignment = classify([STRONG, "天气晴朗。"], rules, segmenter)
    assert assignment[schema.PILLAR].tolist() == ["strong", None]
    assert assignment.loc[0, schema.SCORE] >= rules.min_score


def test_a_secondary_pillar_needs_its_probability(codebook, segmenter):
    mixed = NEW + STRONG
    lenient = dataclasses.replace(codebook, secondary_min=0.05)
    assignment = classify([mixed], lenient, segmenter)
    assert assignment.loc[0, schema.SECONDARY] in {"new", "strong"} - {assignment.loc[0, schema.PILLAR]}
    strict = dataclasses.replace(codebook, secondary_min=1.0)
    assert classify([mixed], strict, segmenter).loc[0, schema.SECONDARY] is None


def test_the_codebook_editor_keeps_the_model_and_the_rules(codebook):
    pillars, terms = build_codebook_tables(codebook)
    edited = build_codebook_from_tables(
        pillars, terms, 3.0, 1.0, patterns=build_pattern_table(codebook), settings=classification_settings(codebook)
    )
    assert edited == codebook


def test_analysis_and_evaluate_paths_agree(codebook):
    document = load_paragraphs([NEW, STRONG, FUSION])
    assert analyzer_for(codebook)(document)[schema.PILLAR].tolist() == (
        analyze_default(document, codebook).assignment[schema.PILLAR].tolist()
    )


def test_a_confirmed_paragraph_keeps_the_users_label_and_is_not_its_own_evidence(codebook, segmenter):
    corrected = Example(FUSION, "zh", "new", "mine ¶1")
    assignment = classify([FUSION, STRONG], codebook, segmenter, examples=[corrected])
    assert assignment[schema.PILLAR].tolist()[0] == "new" and assignment.loc[0, schema.CONFIDENCE] == 1.0
    detail = assignment.loc[0, DETAIL]
    assert detail["confirmed"] == "mine ¶1" and all(source != "mine ¶1" for _, _, source, _ in detail["examples"])
    assert assignment.loc[1, DETAIL]["confirmed"] is None


def test_a_pillar_the_model_does_not_know_is_decided_by_its_terms(codebook, segmenter):
    green = dataclasses.replace(
        codebook,
        pillars=(
            *codebook.pillars,
            dataclasses.replace(codebook.pillars[0], id="green", terms_zh=(("碳达峰", 3.0), ("光伏", 3.0))),
        ),
    )
    text = "全市推进碳达峰行动，新建光伏电站和碳达峰示范区。"
    assert classify([text], green, Segmenter(build_segmenter_config(green)))[schema.PILLAR].tolist() == ["green"]
    assert classify([STRONG], green, segmenter)[schema.PILLAR].tolist() == ["strong"]


def test_without_a_model_patterns_for_none_hold_a_paragraph_back(codebook, segmenter):
    rules = dataclasses.replace(codebook, model="")
    assert classify([STRONG], rules, segmenter)[schema.PILLAR].tolist() == ["strong"]
    vetoed = dataclasses.replace(rules, patterns=(Pattern("制造业", (("none", 50.0),)),))
    assert classify([STRONG], vetoed, segmenter)[schema.PILLAR].tolist() == [None]


def test_two_codebooks_that_differ_only_in_a_weight_have_different_cache_keys(codebook, segmenter):
    from policylens.ui.settings import settings_key

    minus_one = dataclasses.replace(codebook, patterns=(Pattern("x", (("new", -1.0),)),))
    minus_two = dataclasses.replace(codebook, patterns=(Pattern("x", (("new", -2.0),)),))
    assert hash(-1.0) == hash(-2.0)  # why hash() cannot be the key
    assert settings_key(minus_one, segmenter) != settings_key(minus_two, segmenter)
