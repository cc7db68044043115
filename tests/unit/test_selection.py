"""The selection model: clicks select, clears clear, the distribution gains the selected term."""

import pytest

from policylens.view.selection import INDICATOR, PILLAR, TERM, Selection, apply_click, clear, include_term


def test_a_pillar_click_filters_to_that_pillar_alone():
    before = Selection(pillars=("new", "fusion"), term="创新")
    assert apply_click(before, PILLAR, "strong") == Selection(pillars=("strong",), term="创新")


def test_a_term_or_indicator_click_selects_it_and_keeps_the_rest():
    before = Selection(pillars=("new",))
    assert apply_click(before, TERM, "产业链") == Selection(pillars=("new",), term="产业链")
    assert apply_click(before, INDICATOR, "rd_intensity") == Selection(pillars=("new",), indicator="rd_intensity")


@pytest.mark.parametrize("value", ["", "   ", None, 3, ("strong",)])
def test_a_click_without_a_usable_value_changes_nothing(value):
    before = Selection(pillars=("new",), term="创新")
    assert apply_click(before, PILLAR, value) is before
    assert apply_click(before, TERM, value) is before


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError, match="kind"):
        apply_click(Selection(), "paragraph", "3")
    with pytest.raises(ValueError, match="kind"):
        clear(Selection(), "paragraph")


def test_clear_empties_everything_or_one_part():
    full = Selection(pillars=("new",), term="创新", indicator="rd_intensity")
    assert clear(full) == Selection() and clear(full).is_empty
    assert clear(full, PILLAR) == Selection(term="创新", indicator="rd_intensity")
    assert clear(full, TERM) == Selection(pillars=("new",), indicator="rd_intensity")
    assert clear(full, INDICATOR) == Selection(pillars=("new",), term="创新")
    assert not full.is_empty


def test_include_term_puts_a_known_term_first_once():
    vocabulary = {"创新", "产业", "人才"}
    assert include_term(["产业", "人才"], "创新", vocabulary) == ["创新", "产业", "人才"]
    assert include_term(["产业", "创新"], "创新", vocabulary) == ["创新", "产业"]
    assert include_term(["产业"], "未知词", vocabulary) == ["产业"]
    assert include_term(["产业"], None, vocabulary) == ["产业"]
