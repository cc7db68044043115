"""Analysis figures: network, dispersion strip and keyness bars (traces, customdata, colours, axes)."""

import pandas as pd
import pytest

from policylens import schema
from policylens.figures.analysis import (
    COMMUNITY_COLORS,
    build_dispersion_figure,
    build_keyness_figure,
    build_network_figure,
)
from policylens.figures.text import GENERAL_COLOR
from policylens.text.network import build_cooccurrence, build_term_graph, count_term_frequencies

COLORS = {"new": "#2E6FD8", "strong": "#E07B24"}
LABELS = {"new": "New", "strong": "Strong"}
PARAGRAPHS = [["a", "b", "c", "a"], ["a", "b"], ["c", "<b>", "a"]]
ASSIGNMENT = pd.DataFrame(
    {schema.PARAGRAPH: [1, 2, 3], schema.PILLAR: pd.Series(["new", None, "strong"], dtype=object)}
)


@pytest.fixture
def graph():
    # edges a-b 2, a-c 2, b-c 1, a-<b> 1, c-<b> 1 (paragraph counts); nodes a 4, b 2, c 2, <b> 1
    return build_term_graph(build_cooccurrence(PARAGRAPHS, 4, "paragraph"), count_term_frequencies(PARAGRAPHS), 1)


POSITIONS = {"a": (0.0, 0.0), "b": (1.0, 0.0), "c": (0.0, 1.0), "<b>": (-1.0, -1.0)}
COMMUNITIES = {"a": 0, "b": 0, "c": 1, "<b>": 1}
TERM_PILLARS = {"a": "new", "b": None, "c": "strong", "<b>": "new"}


def nodes_of(fig):
    return next(trace for trace in fig.data if trace.meta == "nodes")


def test_network_nodes_carry_terms_sizes_and_pillar_colours(graph):
    fig = build_network_figure(
        graph,
        POSITIONS,
        COMMUNITIES,
        TERM_PILLARS,
        COLORS,
        "pillar",
        "en",
        "Source: test",
        measure="jaccard",
        pillar_labels=LABELS,
    )
    nodes = nodes_of(fig)
    assert nodes.type == "scatter" and nodes.mode == "markers+text"
    assert list(nodes.customdata) == ["a", "b", "c", "<b>"]
    assert list(nodes.text) == ["a", "b", "c", "&lt;b&gt;"]
    assert list(nodes.marker.color) == ["#2E6FD8", GENERAL_COLOR, "#E07B24", "#2E6FD8"]
    assert nodes.marker.size[0] == 40.0 and nodes.marker.size[0] > nodes.marker.size[1] > nodes.marker.size[3]
    assert "4 occurrences · 3 links" in nodes.hovertext[0] and "Community 0 · New" in nodes.hovertext[0]
    assert [t.name for t in fig.data if t.showlegend is not False and t.meta is None] == ["New", "Strong", "General"]


def test_network_edges_are_line_traces_with_width_by_weight(graph):
    fig = build_network_figure(graph, POSITIONS, COMMUNITIES, TERM_PILLARS, COLORS, "pillar", "en", "Source: test")
    lines = [trace for trace in fig.data if trace.mode == "lines"]
    # weights 2, 2 in the top quarter; weight 1 (half the maximum) in the third
    assert sorted((t.line.width, len(t.x) // 3) for t in lines) == [(2.6, 3), (4.2, 2)]
    assert all(t.hoverinfo == "skip" for t in lines)
    assert {t.type for t in fig.data} == {"scatter"}


def test_network_community_colours_title_and_subtitle(graph):
    fig = build_network_figure(
        graph,
        POSITIONS,
        COMMUNITIES,
        TERM_PILLARS,
        COLORS,
        "community",
        "en",
        "Source: test",
        measure="jaccard",
        unit="window",
        window=5,
    )
    assert list(nodes_of(fig).marker.color) == [
        COMMUNITY_COLORS[0],
        COMMUNITY_COLORS[0],
        COMMUNITY_COLORS[1],
        COMMUNITY_COLORS[1],
    ]
    assert fig.layout.title.text == "Which terms occur together"
    assert fig.layout.title.subtitle.text == (
        "4 terms · link: Jaccard index of co-occurrence in the same window of 5 terms · colour: community"
    )
    assert fig.layout.annotations[-1].text == "Source: test"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.scaleanchor == "x"


def test_network_in_chinese_and_empty(graph):
    fig = build_network_figure(
        graph, POSITIONS, COMMUNITIES, TERM_PILLARS, COLORS, "pillar", "zh", "来源:测试", measure="dice"
    )
    assert fig.layout.title.text == "哪些词语共同出现" and "Dice 系数" in fig.layout.title.subtitle.text
    empty = build_network_figure(
        build_term_graph(build_cooccurrence(PARAGRAPHS, 4), {}, 99), {}, {}, {}, COLORS, "pillar", "en", "Source: test"
    )
    assert list(nodes_of(empty).customdata or []) == []
    assert "No pair of terms" in empty.layout.annotations[0].text


DISPERSION = pd.DataFrame(
    {
        schema.TERM: pd.Series(["b", "a", "a", "a"], dtype=object),
        schema.PARAGRAPH: [2, 1, 2, 3],
        schema.COUNT: [1, 4, 1, 1],
        "relative": [500.0, 500.0, 500.0, 333.3],
    }
)


def test_dispersion_band_and_bubbles_per_pillar():
    fig = build_dispersion_figure(
        DISPERSION, ["a", "b", "c"], ASSIGNMENT, COLORS, "en", "Source: test", pillar_labels=LABELS
    )
    assert [(t.meta, t.name) for t in fig.data] == [
        ("band", "New"),
        ("terms", "New"),
        ("band", "Strong"),
        ("terms", "Strong"),
        ("band", "General"),
        ("terms", "General"),
    ]
    band = [t for t in fig.data if t.meta == "band"]
    assert [(list(t.x), t.marker.color, t.marker.symbol) for t in band] == [
        ([1], "#2E6FD8", "square"),
        ([3], "#E07B24", "square"),
        ([2], GENERAL_COLOR, "square"),
    ]
    assert [tuple(c) for c in band[0].customdata] == [("", 1)]
    general = fig.data[5]
    assert [tuple(c) for c in general.customdata] == [("b", 2), ("a", 2)]
    assert list(general.y) == ["b", "a"] and general.marker.color == GENERAL_COLOR
    assert fig.data[1].marker.size[0] == 24.0 and general.marker.size[0] == 6.0 + 18.0 * 0.5
    assert "a</b> · paragraph 1<br>4 occurrence(s), 500.0 per 1,000 terms" in fig.data[1].hovertext[0]
    assert list(fig.layout.yaxis.categoryarray) == ["Pillar", "a", "b", "c"]
    assert fig.layout.yaxis.autorange == "reversed" and fig.layout.yaxis.type == "category"
    assert fig.layout.xaxis.title.text == "Paragraph" and list(fig.layout.xaxis.range) == [0.5, 3.5]
    assert fig.layout.title.text == "Where the terms occur along the document"


def test_dispersion_in_chinese_uses_the_string_table():
    fig = build_dispersion_figure(DISPERSION, ["a"], ASSIGNMENT, COLORS, "zh", "来源:测试")
    assert fig.layout.xaxis.title.text == "段落" and fig.layout.yaxis.categoryarray[0] == "支柱"
    assert fig.data[-2].name == "综合"


STATS = pd.DataFrame(
    {
        schema.TERM: pd.Series(["up", "tiny", "down", "flat", "more"], dtype=object),
        "keyness_new": [12.5, -1.0, -8.0, 0.0, 3.0],
    }
)


def test_keyness_bars_diverge_most_positive_on_top():
    fig = build_keyness_figure(STATS, "new", 2, "#2E6FD8", "en", "Source: test", pillar_label="New")
    (bars,) = fig.data
    assert bars.type == "bar" and bars.orientation == "h"
    assert list(bars.customdata) == ["up", "more", "tiny", "down"]
    assert list(bars.x) == [12.5, 3.0, -1.0, -8.0]
    assert list(bars.marker.color) == ["#2E6FD8", "#2E6FD8", GENERAL_COLOR, GENERAL_COLOR]
    assert list(bars.marker.opacity) == [1.0, 0.45, 0.45, 1.0]
    assert list(fig.layout.yaxis.categoryarray) == ["up", "more", "tiny", "down"]
    assert fig.layout.xaxis.title.text.startswith("Log-likelihood G²")
    assert fig.layout.title.text == "New: key terms against the rest of the document"
    assert sorted(shape.x0 for shape in fig.layout.shapes) == [-6.63, 6.63]
    assert "(significant, p < 0.01)" in bars.hovertext[0] and "significant" not in bars.hovertext[1]


def test_keyness_without_key_terms_says_so():
    fig = build_keyness_figure(STATS.assign(keyness_new=0.0), "new", 5, "#2E6FD8", "zh", "来源:测试")
    assert list(fig.data[0].x) == [] and fig.layout.annotations[0].text == "该支柱没有突出的词语。"
