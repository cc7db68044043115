"""Codebook tables and TOML round trips for the editor."""

import pandas as pd
import pytest

from policylens.text.codebook_io import (
    build_codebook_from_tables,
    build_codebook_tables,
    build_pattern_table,
    classification_settings,
    format_codebook,
)
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
    terms.loc[0, "weight"] = 0
    terms.loc[1, "pillar"] = "nope"
    with pytest.raises(CodebookError) as error:
        build_codebook_from_tables(pillars, terms, 3.0, 1.0)
    message = str(error.value)
    assert "pillar row 2: the colour" in message
    assert "term row 1: the weight" in message and "term row 2: unknown pillar 'nope'" in message


def test_patterns_and_settings_survive_the_editor_and_count_against_look_alikes():
    codebook = load_codebook()
    pillars, terms = build_codebook_tables(codebook)
    patterns = build_pattern_table(codebook)
    assert len(patterns) >= len(codebook.patterns)
    patterns.loc[len(patterns)] = ["校地融合", "fusion", -2.0, "town-gown is not the four chains", "校地融合不是四链"]
    terms.loc[len(terms)] = ["new", "zh", "新闻", -1.0]  # a negative term counts against its pillar
    edited = build_codebook_from_tables(
        pillars, terms, 3.0, 1.0, patterns=patterns, settings=classification_settings(codebook)
    )
    assert edited.patterns[-1].pattern == "校地融合" and edited.patterns[-1].weights == (("fusion", -2.0),)
    assert edited.get("new").terms("zh")["新闻"] == -1.0
    assert (edited.model, edited.rule_weight, edited.ignore) == (codebook.model, codebook.rule_weight, codebook.ignore)
    assert parse_codebook(format_codebook(edited)) == edited


def test_a_bad_pattern_is_named():
    pillars, terms = build_codebook_tables(load_codebook())
    columns = ["pattern", "pillar", "weight", "note", "note_zh"]
    patterns = pd.DataFrame([["(unclosed", "fusion", 1.0, "", ""]], columns=columns)
    with pytest.raises(CodebookError, match="not a valid regular expression"):
        build_codebook_from_tables(pillars, terms, 3.0, 1.0, patterns=patterns)
    patterns.loc[0] = ["融合", None, 1.0, "", ""]
    with pytest.raises(CodebookError, match="pattern row 1: choose the pillar"):
        build_codebook_from_tables(pillars, terms, 3.0, 1.0, patterns=patterns)


def test_removing_a_pillar_names_its_term_and_pattern_rows():
    codebook = load_codebook()
    pillars, terms = build_codebook_tables(codebook)
    patterns = build_pattern_table(codebook)
    with pytest.raises(CodebookError) as error:
        build_codebook_from_tables(pillars[pillars["id"] != "fusion"], terms, 3.0, 1.0, patterns=patterns)
    assert "unknown pillar 'fusion'" in str(error.value)
    kept = patterns[patterns["pillar"] != "fusion"]
    edited = build_codebook_from_tables(
        pillars[pillars["id"] != "fusion"], terms[terms["pillar"] != "fusion"], 3.0, 1.0, patterns=kept
    )
    assert edited.ids == ("new", "strong")
    assert all(cls in {"new", "strong", "none"} for p in edited.patterns for cls, _ in p.weights)
