"""Key terms on fixture texts written for these tests: compounds whole, figures apart, no single
characters, filler pushed down; real jieba, wordfreq and the project's dictionaries."""

from __future__ import annotations

import pandas as pd

from policylens import schema
from policylens.documents.loader import load_pasted_text
from policylens.text.analysis import analyze_document
from policylens.text.keyterms import (
    JIEBA_DICT,
    JIEBA_IDF,
    SCORE,
    WORDFREQ,
    KeyTermOptions,
    count_figures,
    count_key_terms,
    is_figure,
    load_reference,
    rank_key_terms,
    reference_probability,
)
from policylens.text.newwords import apply_compounds, build_runs_zh, discover_compounds

# Written for these tests: a short local-news style item about a fictional shipyard cluster.
ZH_ITEM = "\n".join(
    [
        "今年以来，江北新区船舶海工产业发展势头强劲，船舶海工企业加快布局，成为经济增长的重要力量。",
        "紫金山实验室联合高校建设大科学装置，为船舶海工装备研发提供支撑，全年研发投入3.3万亿元，增长8.1%。",
        "“十五五”时期，当地坚持先立后破，建设双一流学科，把握新质生产力发展机遇，2024年新增船舶海工项目12个。",
        "下一步，新区将推动船舶海工与港口物流协同发展，打造世界级船舶海工集群。",
    ]
)
EN_ITEM = "\n".join(
    [
        "The city will expand offshore wind capacity and build a green hydrogen hub by 2030.",
        "Offshore wind projects attracted $3 billion of investment last year, up 8.1%.",
        "The green hydrogen hub links offshore wind farms with steel makers and port logistics.",
    ]
)


def key_terms(text: str, codebook, segmenter, options: KeyTermOptions | None = None) -> pd.DataFrame:
    options = options or KeyTermOptions()
    analysis = analyze_document(load_pasted_text(text), codebook, segmenter)
    return rank_key_terms(count_key_terms(analysis, segmenter, options), options=options)


def test_dictionary_compounds_stay_whole(codebook, segmenter):
    terms = set(key_terms(ZH_ITEM, codebook, segmenter)[schema.TERM])
    assert {"紫金山实验室", "大科学装置", "十五五", "双一流", "先立后破", "新质生产力"} <= terms
    assert not {"紫金山", "装置", "先立", "一流"} & terms


def test_a_repeated_compound_is_discovered_in_the_document(codebook, segmenter):
    ranked = key_terms(ZH_ITEM, codebook, segmenter)
    row = ranked.set_index(schema.TERM).loc["船舶海工"]
    assert row["compound"] and row[schema.COUNT] == 6
    assert "海工" not in set(ranked[schema.TERM])  # every occurrence merged
    assert ranked[schema.TERM].iloc[0] == "船舶海工"


def test_numbers_are_figures_not_terms(codebook, segmenter):
    terms = set(key_terms(ZH_ITEM, codebook, segmenter)[schema.TERM])
    assert not {"3.3万亿元", "8.1%", "2024", "12个"} & terms
    figures = count_figures(load_pasted_text(ZH_ITEM).paragraphs, "zh")
    assert {"3.3万亿元", "8.1%", "2024年", "12个"} <= set(figures["figure"])
    assert all(is_figure(f) for f in ("3.3万亿元", "8.1%", "2024年", "三年")) and not is_figure("5G")
    assert not is_figure("2+6+6")


def test_no_single_characters(codebook, segmenter):
    terms = key_terms(ZH_ITEM, codebook, segmenter)[schema.TERM]
    assert terms.str.len().min() >= 2


def test_filler_is_pushed_below_the_topic(codebook, segmenter):
    ranked = key_terms(ZH_ITEM, codebook, segmenter)[schema.TERM].tolist()
    top = ranked[:10]
    assert not {"发展", "成为", "把握", "今年以来"} & set(top)
    # without the filler list the reference frequency alone still ranks 发展 below the topic
    plain = key_terms(ZH_ITEM, codebook, segmenter, KeyTermOptions(demote_filler=False))[schema.TERM].tolist()
    assert plain.index("船舶海工") < plain.index("发展")


def test_every_reference_ranks_and_scores_rare_words_higher():
    for name in (WORDFREQ, JIEBA_DICT, JIEBA_IDF):
        reference = load_reference(name, "zh")
        assert reference_probability("发展", reference) > reference_probability("船舶", reference) > 0
        assert reference_probability("船舶海工", reference) < reference_probability("船舶", reference)


def test_key_terms_follow_the_paragraphs_asked_for(codebook, segmenter):
    analysis = analyze_document(load_pasted_text(ZH_ITEM), codebook, segmenter)
    counts = count_key_terms(analysis, segmenter)
    second = rank_key_terms(counts, [2])
    assert set(second[schema.TERM]) >= {"紫金山实验室", "大科学装置"} and "十五五" not in set(second[schema.TERM])
    assert list(second.columns) == [
        schema.TERM,
        SCORE,
        schema.COUNT,
        schema.PARAGRAPHS,
        "reference_per_million",
        "compound",
    ]


def test_english_key_terms_are_lemmas_and_phrases_without_stopwords(codebook, segmenter):
    ranked = key_terms(EN_ITEM, codebook, segmenter)
    terms = ranked[schema.TERM].tolist()
    assert "offshore wind" in terms[:3] and "green hydrogen hub" in terms[:5]
    assert not {"the", "and", "with", "of", "by"} & set(terms)
    assert "8.1%" not in terms and {"8.1%", "$3 billion", "2030"} <= set(
        count_figures(EN_ITEM.split("\n"), "en")["figure"]
    )


def test_discovery_needs_repetition_and_varied_neighbours():
    paragraphs = ["甲乙丙丁", "戊乙丙己", "庚乙丙"]
    terms = [["甲", "乙", "丙", "丁"], ["戊", "乙", "丙", "己"], ["庚", "乙", "丙"]]
    runs = build_runs_zh(paragraphs, terms)
    found = discover_compounds(runs, joiner="")
    assert found == {}  # two characters: shorter than a compound's three
    words = [
        ["北极", "冰盖", "监测站", "建成"],
        ["科考队", "开展", "北极", "冰盖", "观测"],
        ["北极", "冰盖", "科考", "进展"],
    ]
    words.append(["监测站", "服务", "科考队"])
    texts = ["北极冰盖监测站建成", "科考队开展北极冰盖观测", "北极冰盖科考取得进展", "监测站服务科考队"]
    runs = build_runs_zh(texts, words)
    found = discover_compounds(runs)
    assert found == {("北极", "冰盖"): "北极冰盖"}
    assert apply_compounds(runs[0], found) == ["北极冰盖", "监测站", "建成"]
