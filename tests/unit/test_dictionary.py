"""Segmentation check, user dictionary and stopword list round trips."""

import pandas as pd
import pytest

from policylens import schema
from policylens.text.dictionary import (
    WordListError,
    apply_stopword_edits,
    check_segmentation,
    count_split_occurrences,
    find_lockable,
    format_userdict,
    parse_userdict,
    parse_word_list,
)
from policylens.text.segment import Segmenter, SegmenterConfig

TEXT = "推动数字经济和实体经济深度融合，发展新质生产力。数字经济是新质生产力的重要方向。"


def test_check_segmentation_before_and_after_locking_a_term():
    before = check_segmentation(["数字经济", "新质生产力", ""], TEXT, Segmenter())
    expected = pd.DataFrame(
        {
            schema.TERM: ["数字经济", "新质生产力"],
            "whole": [False, True],
            "segmented_as": ["数字 / 经济", "新质生产力"],
            "in_text": [2, 2],
            "as_token": [0, 2],
        }
    )
    pd.testing.assert_frame_equal(before, expected)
    after = check_segmentation(["数字经济"], TEXT, Segmenter(SegmenterConfig(user_words_zh=("数字经济",))))
    assert after.loc[0, "whole"] and after.loc[0, "as_token"] == 2


def test_userdict_round_trip_and_jieba_line_format():
    text = format_userdict(["数字经济", "人工智能+", "数字经济"])
    assert text == "数字经济\n人工智能+\n"
    assert parse_userdict(text.encode()) == ("数字经济", "人工智能+")
    assert parse_userdict("\ufeff新质生产力 300 n\n数字经济 5\n".encode()) == ("新质生产力", "数字经济")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        ("坏 行 有 四".encode(), "Lines 1"),
        ("词".encode("gb18030") * 3 + b"\xff", "UTF-8"),
        (b"a\x00b", "binary"),
    ],
)
def test_bad_lists_get_specific_messages(data, message):
    with pytest.raises(WordListError, match=message):
        parse_userdict(data)


def test_word_list_skips_comments_and_duplicates():
    assert parse_word_list("# comment\n要\n推动\n要\n".encode()) == ("要", "推动")


def test_stopword_edit_log_keeps_the_latest_action_per_word():
    edits = apply_stopword_edits((), "zh", add=["企业"])
    edits = apply_stopword_edits(edits, "zh", remove=["企业", "要"])
    assert edits == (("zh", "remove", "企业"), ("zh", "remove", "要"))


def test_lock_buttons_only_where_locking_changes_the_segmentation():
    text = TEXT + "加强科技创新，创新驱动发展，培育创新型企业。"
    segmenter = Segmenter(SegmenterConfig(extra_terms_zh=("新质生产力", "科技创新")))  # as codebook terms are
    terms = ["数字经济", "新质生产力", "科技创新", "创新", "新", "实体经济", "深度融合"]
    table = check_segmentation(terms, text, segmenter)
    shown = table.set_index(schema.TERM)
    # 创新 occurs 3 times but is a whole token once: the other two lie inside 科技创新 and 创新型
    assert shown.loc["创新", "in_text"] == 3 and shown.loc["创新", "as_token"] == 1 and shown.loc["创新", "whole"]
    assert shown.loc["新", "in_text"] > shown.loc["新", "as_token"]
    assert find_lockable(table, text, segmenter) == ["数字经济", "实体经济"]  # the two jieba cuts apart
    # once locked, a term is whole and in the dictionary: no button for it any more
    locked = Segmenter(SegmenterConfig(extra_terms_zh=("新质生产力", "科技创新"), user_words_zh=("数字经济",)))
    assert find_lockable(check_segmentation(terms, text, locked), text, locked) == ["实体经济"]


def test_an_occurrence_is_cut_when_a_token_boundary_falls_inside_it():
    segmenter = Segmenter()
    text = "数字经济和数字化"
    spans = segmenter.cut_zh_spans(text)
    assert [token for token, _, _ in spans] == ["数字", "经济", "和", "数字化"]
    assert count_split_occurrences("数字经济", text, spans) == 1
    assert count_split_occurrences("数字", text, spans) == 0  # whole once, inside 数字化 once: never cut
    assert count_split_occurrences("济和", text, spans) == 1
