"""Keyword in context: query syntax, token matching in Chinese and English, context windows, sorting, HTML."""

from types import SimpleNamespace

import pandas as pd
import pytest

from policylens import schema
from policylens.i18n import t
from policylens.text.kwic import (
    KWIC_COLUMNS,
    Query,
    QueryError,
    build_kwic_html,
    build_token_spans,
    find_keyword_in_context,
    parse_query,
    query_for_term,
    sort_kwic,
)
from policylens.text.segment import Segmenter

ZH = ("推动科技创新和产业创新深度融合，打造创新链。", "创新是第一动力，创新生态持续优化。")
EN = (
    "Develop new quality productive forces and modern industries.",
    "Industrial upgrading drives the industry; China's forces grow.",
)


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()


@pytest.fixture(scope="module")
def zh_tokens(segmenter):
    return build_token_spans(SimpleNamespace(language="zh", paragraphs=ZH), segmenter)


@pytest.fixture(scope="module")
def en_tokens(segmenter):
    return build_token_spans(SimpleNamespace(language="en", paragraphs=EN), segmenter)


def kwic_frame(**columns):
    ints = (schema.PARAGRAPH, "start", "end")
    return pd.DataFrame({c: pd.Series(columns[c], dtype="int64" if c in ints else "object") for c in KWIC_COLUMNS})


def test_parse_query_alternatives_phrases_and_case():
    parsed = parse_query('  Industr* | 创新* OR "New Quality  Productivity" |*链 ')
    assert parsed.alternatives == (("industr*",), ("创新*",), ("new", "quality", "productivity"), ("*链",))


def test_parse_query_accepts_full_width_bar_and_curly_quotes_and_drops_repeats():
    assert parse_query("创新｜“数字 经济”|创新").alternatives == (("创新",), ("数字", "经济"))


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("创新", (("创新",),)),
        ("high-quality development", (("high-quality", "development"),)),
        ("or", (("or",),)),
        ("a|b", (("a|b",),)),
        ("2*3", (("2*3",),)),
    ],
)
def test_a_selected_term_becomes_the_query_that_finds_exactly_it(term, expected):
    """One quoting rule for the chart click, the shared link and the report: syntax in a term is literal."""
    assert parse_query(query_for_term(term)).alternatives == expected
    assert query_for_term("创新") == "创新"  # a plain word stays as typed in the search box


@pytest.mark.parametrize("query", ["", "   ", "|", " OR ", '""'])
def test_parse_query_rejects_empty_queries(query):
    with pytest.raises(QueryError, match="Type a word"):
        parse_query(query)


def test_parse_query_rejects_unbalanced_quotes_and_bare_wildcards():
    with pytest.raises(QueryError, match="Unbalanced quote"):
        parse_query('"new quality')
    with pytest.raises(QueryError, match="matches everything") as error:
        parse_query("创新|**")
    assert (error.value.key, error.value.values) == ("kwic.error.wildcard", {"word": "**"})
    assert t(error.value.key, "zh", **error.value.values).startswith("** 会匹配所有词语")
    assert issubclass(QueryError, ValueError)


def test_chinese_tokens_come_from_the_user_dictionary(zh_tokens):
    assert [t for t, _, _ in zh_tokens[0]] == [
        "推动",
        "科技创新",
        "和",
        "产业创新",
        "深度融合",
        "，",
        "打造",
        "创新链",
        "。",
    ]
    assert zh_tokens[1][5] == ("创新生态", 8, 12)


def test_chinese_wildcard_matches_whole_tokens_with_character_windows(zh_tokens):
    got = find_keyword_in_context(ZH, zh_tokens, "创新*", 3, {1: "new", 2: None}, language="zh")
    expected = kwic_frame(
        paragraph=[1, 2, 2],
        start=[18, 0, 8],
        end=[21, 2, 12],
        match=["创新链", "创新", "创新生态"],
        term=["创新链", "创新", "创新生态"],
        left=["，打造", "", "动力，"],
        right=["。", "是第一", "持续优"],
        pillar=["new", None, None],
    )
    pd.testing.assert_frame_equal(got, expected)


def test_chinese_plain_word_does_not_match_inside_a_compound(zh_tokens):
    got = find_keyword_in_context(ZH, zh_tokens, "创新", 2, {}, language="zh")
    assert got[["paragraph", "start", "match"]].values.tolist() == [[2, 0, "创新"]]


def test_chinese_alternatives_and_infix_wildcards(zh_tokens):
    got = find_keyword_in_context(ZH, zh_tokens, "*创新*|*链", 1, None, language="zh")
    assert got["match"].tolist() == ["科技创新", "产业创新", "创新链", "创新", "创新生态"]
    assert got["left"].tolist() == ["动", "和", "造", "", "，"]
    assert got[schema.PILLAR].tolist() == [None] * 5


def test_chinese_word_split_by_the_dictionary_matches_its_run_of_tokens(zh_tokens):
    # jieba cuts 第一动力 into 第一 / 动力; the longer alternative wins over 动力 alone
    got = find_keyword_in_context(ZH, zh_tokens, "动力|第一动力", 3, {}, language="zh")
    assert got[["start", "end", "match", "left", "right"]].values.tolist() == [[3, 7, "第一动力", "创新是", "，创新"]]


def test_window_zero_and_large_windows_stay_inside_the_paragraph(zh_tokens):
    none = find_keyword_in_context(ZH, zh_tokens, "创新链", 0, {}, language="zh")
    assert (none["left"].tolist(), none["right"].tolist()) == ([""], [""])
    wide = find_keyword_in_context(ZH, zh_tokens, "创新链", 100, {}, language="zh").iloc[0]
    assert wide["left"] + wide["match"] + wide["right"] == ZH[0]
    with pytest.raises(ValueError):
        find_keyword_in_context(ZH, zh_tokens, "创新链", -1, {}, language="zh")


def test_english_tokens_are_lemmas_with_spans(en_tokens):
    assert en_tokens[1][:3] == (("industrial", 0, 10), ("upgrade", 11, 20), ("drive", 21, 27))
    assert ("china", 42, 47) in en_tokens[1] and not any(t == "s" for t, _, _ in en_tokens[1])


def test_english_tokens_follow_the_segmenter_but_split_phrases_into_words(segmenter):
    text = "R&D rose 4.5% as new quality productive forces grew."
    merged = segmenter.cut_en_spans(text)
    assert ("new quality productive force", 17, 46) in merged
    words = build_token_spans(SimpleNamespace(language="en", paragraphs=(text,)), segmenter)[0]
    assert words[:4] == tuple(merged[:4])
    assert words[4:] == (
        ("new", 17, 20),
        ("quality", 21, 28),
        ("productive", 29, 39),
        ("force", 40, 46),
        ("grow", 47, 51),
    )


def test_english_word_inside_a_phrase_is_found(segmenter):
    text = "Develop new quality productive forces."
    tokens = build_token_spans(SimpleNamespace(language="en", paragraphs=(text,)), segmenter)
    got = find_keyword_in_context((text,), tokens, "quality", 1, {}, language="en")
    assert got[["match", "left", "right"]].values.tolist() == [["quality", "new ", " productive"]]


def test_english_phrase_query_with_word_windows(en_tokens):
    got = find_keyword_in_context(EN, en_tokens, '"new quality productive forces"', 2, {1: "new"}, language="en")
    expected = kwic_frame(
        paragraph=[1],
        start=[8],
        end=[37],
        match=["new quality productive forces"],
        term=["new quality productive force"],
        left=["Develop "],
        right=[" and modern"],
        pillar=["new"],
    )
    pd.testing.assert_frame_equal(got, expected)


def test_english_wildcard_matches_surface_or_lemma_case_insensitively(en_tokens):
    got = find_keyword_in_context(EN, en_tokens, "INDUSTR*", 2, {}, language="en")
    assert got["match"].tolist() == ["industries", "Industrial", "industry"]
    assert got[schema.TERM].tolist() == ["industry", "industrial", "industry"]
    # fewer than two words after "industries": the context runs to the paragraph's end
    assert got["left"].tolist() == ["and modern ", "", "drives the "]
    assert got["right"].tolist() == [".", " upgrading drives", "; China's forces"]


def test_english_lemma_query_finds_inflected_forms(en_tokens):
    got = find_keyword_in_context(EN, en_tokens, Query("force", (("force",),)), 1, {}, language="en")
    assert got[["paragraph", "match", "left", "right"]].values.tolist() == [
        [1, "forces", "productive ", " and"],
        [2, "forces", "China's ", " grow."],
    ]


def test_no_match_gives_an_empty_table_with_the_columns(en_tokens):
    got = find_keyword_in_context(EN, en_tokens, "missing", 3, {}, language="en")
    assert list(got.columns) == list(KWIC_COLUMNS) and got.empty
    assert got[schema.PARAGRAPH].dtype == "int64"


SORTABLE = kwic_frame(
    paragraph=[1, 2, 3, 4],
    start=[0, 0, 0, 0],
    end=[1, 1, 1, 1],
    match=["x"] * 4,
    term=["x"] * 4,
    left=["the big ", "a small ", "one big ", "Zed "],
    right=[" runs", " Ate it", " runs away", " b"],
    pillar=[None] * 4,
)


def test_sort_by_left_reads_the_left_context_backwards():
    # keys: "big the", "small a", "big one", "zed" -> big one < big the < small a < zed
    assert sort_kwic(SORTABLE, "left")[schema.PARAGRAPH].tolist() == [3, 1, 2, 4]


def test_sort_by_right_and_by_position():
    assert sort_kwic(SORTABLE, "right")[schema.PARAGRAPH].tolist() == [2, 4, 1, 3]
    assert sort_kwic(SORTABLE.iloc[::-1], "position")[schema.PARAGRAPH].tolist() == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="Cannot sort"):
        sort_kwic(SORTABLE, "middle")


def test_sort_by_left_in_chinese_uses_the_nearest_character_first(zh_tokens):
    got = find_keyword_in_context(ZH, zh_tokens, "*创新*|*链", 2, {}, language="zh")
    # nearest character first, punctuation skipped: "" < 力 (力，) < 动 (推动) < 和 (新和) < 造 (打造),
    # in code-point order (not pinyin)
    assert sort_kwic(got, "left")["match"].tolist() == ["创新", "创新生态", "科技创新", "产业创新", "创新链"]


def test_kwic_html_escapes_document_text_and_rejects_unsafe_colours():
    row = {schema.PARAGRAPH: 7, "left": "<script>alert(1)</script> ", "match": "<b>AI</b>", "right": ' & "more"'}
    out = build_kwic_html(row, "#2E6FD8")
    # HTML escaped, and the Markdown punctuation as character references (st.markdown parses this HTML)
    assert "<script>" not in out and "&lt;script&gt;alert&#40;1&#41;&lt;/script&gt;" in out
    assert "&lt;b&gt;AI&lt;/b&gt;</mark>" in out and "&amp; &quot;more&quot;" in out
    assert "border-bottom:2px solid #2E6FD8" in out and "¶7" in out
    unsafe = build_kwic_html(row, 'red;"><script>x</script>')
    assert "<script>" not in unsafe and "#9e9e9e" in unsafe
    assert "#aabbcc" in build_kwic_html(row, "#abc")


# --- Chinese: a plain word inside longer words (the page's default for Chinese documents) ---------

# Written for these tests: 创新 stands alone once and inside three longer words jieba keeps whole;
# jieba cuts 数字经济 into 数字 / 经济.
ZH_COMPOUNDS = ("坚持科技创新引领，打造创新链和产业链。", "创新是第一动力，推动数字经济和创新型产业集群发展。")


@pytest.fixture(scope="module")
def compound_tokens(segmenter):
    return build_token_spans(SimpleNamespace(language="zh", paragraphs=ZH_COMPOUNDS), segmenter)


def test_the_fixture_words_are_single_tokens_for_jieba(compound_tokens):
    tokens = {t for paragraph in compound_tokens for t, _, _ in paragraph}
    assert {"科技创新", "创新链", "创新", "创新型产业集群", "数字", "经济"} <= tokens


def test_chinese_plain_word_matches_inside_compounds_when_asked(compound_tokens):
    got = find_keyword_in_context(
        ZH_COMPOUNDS, compound_tokens, "创新", 2, {2: "new"}, language="zh", inside_words=True
    )
    expected = kwic_frame(
        paragraph=[1, 1, 2, 2],
        start=[4, 11, 0, 15],
        end=[6, 13, 2, 17],
        match=["创新"] * 4,
        term=["创新"] * 4,
        left=["科技", "打造", "", "济和"],
        right=["引领", "链和", "是第", "型产"],
        pillar=[None, None, "new", "new"],
    )
    pd.testing.assert_frame_equal(got, expected)
    # whole tokens (the default, and the page's switch): only the word standing alone
    whole = find_keyword_in_context(ZH_COMPOUNDS, compound_tokens, "创新", 2, {}, language="zh")
    assert whole[["paragraph", "start", "match"]].values.tolist() == [[2, 0, "创新"]]
    # the wildcard form still returns whole tokens, and as many lines as the plain word inside words
    tokens = find_keyword_in_context(ZH_COMPOUNDS, compound_tokens, "*创新*", 2, {}, language="zh", inside_words=True)
    assert tokens["match"].tolist() == ["科技创新", "创新链", "创新", "创新型产业集群"]
    assert len(tokens) == len(got)


def test_inside_words_takes_the_longest_alternative_and_joins_phrase_words(compound_tokens):
    got = find_keyword_in_context(
        ZH_COMPOUNDS, compound_tokens, '创新|创新链|"数字 经济"', 1, {}, language="zh", inside_words=True
    )
    assert got[["paragraph", "match", "left", "right"]].values.tolist() == [
        [1, "创新", "技", "引"],
        [1, "创新链", "造", "和"],
        [2, "创新", "", "是"],
        [2, "数字经济", "动", "和"],
        [2, "创新", "和", "型"],
    ]


def test_inside_words_mixes_with_token_wildcards_without_overlap(compound_tokens):
    # 产业* is matched on tokens (产业链), 创新 inside words: in the one token 创新型产业集群, 创新 alone
    got = find_keyword_in_context(ZH_COMPOUNDS, compound_tokens, "创新|产业*", 0, {}, language="zh", inside_words=True)
    spans = list(zip(got["paragraph"], got["start"], got["end"]))
    assert spans == sorted(spans)
    assert all(a[2] <= b[1] for a, b in zip(spans, spans[1:]) if a[0] == b[0])
    assert got["match"].tolist() == ["创新", "创新", "产业链", "创新", "创新"]


def test_english_words_stay_whole_even_when_inside_words_is_asked(en_tokens):
    got = find_keyword_in_context(EN, en_tokens, "force", 1, {}, language="en", inside_words=True)
    assert got["match"].tolist() == ["forces", "forces"]  # not "productive forces" cut inside a word
    assert find_keyword_in_context(EN, en_tokens, "dustr", 1, {}, language="en", inside_words=True).empty
