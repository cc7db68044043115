"""Segmentation check, user dictionary and stopword list round trips."""

import pandas as pd
import pytest

from policylens import schema
from policylens.text.dictionary import (
    WordListError,
    apply_stopword_edits,
    check_segmentation,
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
