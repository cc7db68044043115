"""A chart's source line wraps to fit the figure (figures.style.wrap_source)."""

from __future__ import annotations

from policylens.figures.style import SOURCE_WRAP, wrap_source
from policylens.markup import unescape_plotly


def widths(line: str) -> int:
    return sum(2 if ord(c) > 0x2E80 else 1 for c in line)


def test_an_english_source_wraps_at_spaces_within_the_width():
    text = "Source: " + " ".join(["Nanjing Municipal Bureau of Statistics, Statistical Communique"] * 3)
    lines = wrap_source(text, width=40).split("<br>")
    assert len(lines) > 2 and all(widths(line) <= 40 for line in lines)
    assert " ".join(lines) == text  # nothing lost, words whole


def test_a_chinese_source_without_spaces_wraps_and_counts_each_character_twice():
    text = "来源：南京市统计局《2024年南京市国民经济和社会发展统计公报》，第三部分工业和建筑业，规模以上工业增加值"
    assert " " not in text and widths(text) > SOURCE_WRAP
    lines = wrap_source(text).split("<br>")
    assert len(lines) == 2 and all(widths(line) <= SOURCE_WRAP for line in lines)
    assert "".join(lines) == text


def test_a_short_source_stays_one_line_and_markup_is_escaped():
    assert wrap_source("Source: <b>NBS</b>") == "Source: &lt;b&gt;NBS&lt;/b&gt;"
    assert unescape_plotly(wrap_source("Source: <b>NBS</b>")) == "Source: <b>NBS</b>"
