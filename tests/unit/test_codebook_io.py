"""Codebook tables and TOML round trips for the editor."""

import pytest

from policylens.text.codebook_io import build_codebook_from_tables, build_codebook_tables, format_codebook
from policylens.text.pillars import CodebookError, load_codebook, parse_codebook


def test_toml_round_trip_of_the_shipped_codebook():
    codebook = load_codebook()
    assert parse_codebook(format_codebook(codebook)) == codebook


def test_tables_round_trip_and_edits_take_effect():
    codebook = load_codebook()
    pillars, terms = build_codebook_tables(codebook)
    assert list(pillars["id"]) == ["new", "strong", "fusion"]
    terms.loc[len(terms)] = ["fusion", "zh", "数字经济", 2.5]
    pillars.loc[0, "label_en"] = "Innovation"
    edited = build_codebook_from_tables(pillars, terms, 2.0, 0.5)
    assert edited.get("new").label_en == "Innovation"
    assert edited.get("fusion").terms("zh")["数字经济"] == 2.5
    assert (edited.min_score, edited.min_margin) == (2.0, 0.5)


def test_a_new_pillar_can_be_added():
    pillars, terms = build_codebook_tables(load_codebook())
    pillars.loc[len(pillars)] = ["green", "Green", "绿", "#3a7d44", "", ""]
    terms.loc[len(terms)] = ["green", "en", "carbon neutrality", 3.0]
    edited = build_codebook_from_tables(pillars, terms, 3.0, 1.0)
    assert edited.ids == ("new", "strong", "fusion", "green")
    assert edited.get("green").terms("en") == {"carbon neutrality": 3.0}


def test_bad_edits_name_the_rows():
    pillars, terms = build_codebook_tables(load_codebook())
    pillars.loc[1, "color"] = "orange"
    terms.loc[0, "weight"] = -1
    terms.loc[1, "pillar"] = "nope"
    with pytest.raises(CodebookError) as error:
        build_codebook_from_tables(pillars, terms, 3.0, 1.0)
    message = str(error.value)
    assert "pillar row 2: the colour" in message
    assert "term row 1: the weight" in message and "term row 2: unknown pillar 'nope'" in message
