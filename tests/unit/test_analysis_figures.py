"""Analysis figures: network (with its label placement), dispersion strip and keyness bars (traces,
customdata, colours, axes)."""

from functools import cache
from itertools import combinations

import pandas as pd
import pytest

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.figures.analysis import (
    COMMUNITY_COLORS,
    EDGE_COLOR,
    EXTRA_EDGE_COLOR,
    NODE_SIZE,
    build_dispersion_figure,
    build_keyness_figure,
    build_network_figure,
)
from policylens.figures.network_layout import (
    ASCENT,
    DESCENT,
    FONT_SIZE,
    PLOT_HEIGHT,
    PLOT_WIDTH,
    Box,
    label_box,
    measure_label,
    place_labels,
)
from policylens.figures.text import GENERAL_COLOR
from policylens.text.analysis import analyze_document, build_segmenter_config
from policylens.text.network import (
    build_cooccurrence,
    build_network,
    build_term_graph,
    count_term_frequencies,
    select_links,
)
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter

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
    assert nodes.marker.size[0] == NODE_SIZE[1] and nodes.marker.size[0] > nodes.marker.size[1] > nodes.marker.size[3]
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
        "<br>5 links: maximum spanning tree + the strongest others"
    )
    assert fig.layout.annotations[-1].text == "Source: test"
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


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


def test_network_fills_the_plot_frame_and_marks_tree_links(graph):
    backbone = select_links(graph, "backbone", extra=1)  # tree a-b, a-c, a-<b>; strongest other: b-c
    fig = build_network_figure(backbone, POSITIONS, COMMUNITIES, TERM_PILLARS, COLORS, "pillar", "en", "Source: x")
    nodes = nodes_of(fig)
    assert list(fig.layout.xaxis.range) == [0, PLOT_WIDTH] and list(fig.layout.yaxis.range) == [0, PLOT_HEIGHT]
    assert (min(nodes.x), max(nodes.x)) == (34.0, PLOT_WIDTH - 34.0)  # stretched to the frame, padded
    assert (min(nodes.y), max(nodes.y)) == (28.0, PLOT_HEIGHT - 28.0)
    # the plot area is the frame the labels were placed in, whatever the source line's margin
    margin = fig.layout.margin
    assert fig.layout.height - margin.t - margin.b == PLOT_HEIGHT and margin.autoexpand is False
    assert len(nodes.textposition) == 4 and all(nodes.text)
    colours = {(t.line.color, len(t.x) // 3) for t in fig.data if t.mode == "lines"}
    assert colours == {(EDGE_COLOR, 2), (EDGE_COLOR, 1), (EXTRA_EDGE_COLOR, 1)}


def test_measured_labels_follow_plotly_text_offsets():
    line = (ASCENT + DESCENT) * FONT_SIZE  # the line box a browser reports for the text
    assert measure_label("新质生产力") == (5 * FONT_SIZE, line)  # a CJK character is 1 em
    assert measure_label("nil")[0] < measure_label("Nil")[0] < measure_label("新新新")[0]
    size = (60.0, line)
    # plotly.js sets the text r / 0.8 + 1 px from the marker centre (here r = 8: 11 px); the baseline
    # of a top label is 0.25 em above that, of a middle one 0.25 em below the centre, of a bottom
    # one 0.75 em below the line
    top = label_box(100, 100, 16, "top center", size)
    assert (top.x0, top.x1, top.anchor) == (70, 130, 100)
    assert (top.y0, top.y1) == pytest.approx((111 + 3 - DESCENT * 12, 111 + 3 + ASCENT * 12))
    right = label_box(100, 100, 16, "middle right", size)
    assert (right.x0, right.y0, right.y1) == pytest.approx((111, 97 - DESCENT * 12, 97 + ASCENT * 12))
    below = label_box(100, 100, 16, "bottom left", size)
    assert (below.x0, below.x1, below.y0) == pytest.approx((29, 89, 100 - 11 - 9 - DESCENT * 12))


def test_label_boxes_that_cross_their_nodes_conflict():
    # apart here, but node b lies right of node a while b's label is left of a's: widening crosses them
    a, b = Box(0, 0, 10, 10, anchor=20), Box(11 + 3, 0, 30, 10, anchor=5)
    assert a.conflicts(b) and b.conflicts(a)
    assert not Box(0, 0, 10, 10, anchor=5).conflicts(Box(14, 0, 30, 10, anchor=20))
    assert not a.conflicts(Box(0, 20, 10, 30, anchor=0))  # one above the other


def test_crowded_labels_are_hidden_least_frequent_first():
    nodes = [(f"t{i:02d}", 260.0, 250.0, 10.0) for i in range(12)]  # twelve nodes on one spot, same-size labels
    placed = place_labels(nodes)
    assert placed["t00"] == "top center"
    shown = [term for term, position in placed.items() if position]
    assert 2 <= len(shown) < 12 and shown == [f"t{i:02d}" for i in range(len(shown))]
    boxes = [label_box(260, 250, 10, placed[t], measure_label(t)) for t in shown]
    assert not any(a.conflicts(b) for a, b in combinations(boxes, 2))


def test_hidden_labels_keep_their_hover_and_are_counted(graph):
    stacked = {term: (0.0, 0.0) for term in graph.nodes}
    fig = build_network_figure(graph, stacked, COMMUNITIES, TERM_PILLARS, COLORS, "pillar", "en", "Source: x")
    nodes = nodes_of(fig)
    assert all(nodes.hovertext) and len(nodes.text) == 4
    assert "hidden" not in fig.layout.title.subtitle.text  # four labels fit around one spot
    stacked_many = build_term_graph(
        build_cooccurrence([[f"t{i}" for i in range(12)]] * 2, 12), {f"t{i}": 1 for i in range(12)}, 0
    )
    fig = build_network_figure(
        stacked_many, {n: (0.0, 0.0) for n in stacked_many}, {}, {}, COLORS, "community", "en", "Source: x"
    )
    nodes = nodes_of(fig)
    hidden = [term for term, text in zip(nodes.customdata, nodes.text) if not text]
    assert hidden and all(nodes.hovertext)
    assert f"{len(hidden)} labels hidden for room" in fig.layout.title.subtitle.text


@cache
def real_terms(document: str) -> tuple:
    """The content terms per paragraph of a real document, under the shipped codebook."""
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    return analyze_document(
        load_document(document), codebook, Segmenter(build_segmenter_config(codebook))
    ).paragraph_terms


def real_network(document: str, top_n: int, links: str = "backbone") -> tuple:
    return build_network(real_terms(document), top_n, "paragraph", "jaccard", 0.2, links=links)


def label_boxes(fig, stretch: float = 1.0) -> list[Box]:
    """The box of every shown label, as placed, in a plot `stretch` times the frame's width."""
    nodes = nodes_of(fig)
    return [
        label_box(x * stretch, y, size, position, measure_label(text))
        for x, y, size, position, text in zip(nodes.x, nodes.y, nodes.marker.size, nodes.textposition, nodes.text)
        if text
    ]


def overlapping(boxes: list[Box]) -> list[tuple[Box, Box]]:
    return [(a, b) for a, b in combinations(boxes, 2) if a.overlaps(b)]


@pytest.mark.parametrize(
    ("document", "top_n"),
    [(paths.SEED_DOCUMENT, 30), (paths.SEED_DOCUMENT, 100), (paths.ROOT / "tests/fixtures/zh_policy.txt", 60)],
)
def test_no_two_labels_overlap_on_a_real_document(document, top_n):
    graph, positions, communities = real_network(str(document), top_n)
    fig = build_network_figure(graph, positions, communities, {}, COLORS, "community", "zh", "来源:测试")
    boxes = label_boxes(fig)
    assert len(boxes) >= min(30, graph.number_of_nodes()) * 0.6  # most terms keep their label
    for stretch in (1.0, 1.3, 1.8):  # the page at 1024 px, wider windows
        assert overlapping(label_boxes(fig, stretch)) == []
    inside = all(0 <= b.x0 and b.x1 <= PLOT_WIDTH and 0 <= b.y0 and b.y1 <= PLOT_HEIGHT for b in boxes)
    assert inside


def test_the_same_network_draws_the_same_picture():
    graph, positions, communities = real_network(str(paths.SEED_DOCUMENT), 30)
    again = real_network(str(paths.SEED_DOCUMENT), 30)
    assert again[1] == positions and again[2] == communities
    first = build_network_figure(graph, positions, communities, {}, COLORS, "community", "en", "Source: x")
    second = build_network_figure(*again, {}, COLORS, "community", "en", "Source: x")
    assert first.to_json() == second.to_json()


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
    # every row shown, top first (an explicit range); c never occurs: its row says 0
    assert list(fig.layout.yaxis.range) == [3.5, -0.5] and fig.layout.yaxis.type == "category"
    assert list(fig.layout.yaxis.ticktext) == ["Pillar", "a", "b", "c (0)"]
    assert fig.layout.xaxis.title.text == "Paragraph" and list(fig.layout.xaxis.range) == [0.5, 3.5]
    assert fig.layout.title.text == "Where the terms occur along the document"
    assert not fig.layout.title.subtitle.text  # no filter, no note


def test_dispersion_in_chinese_uses_the_string_table():
    fig = build_dispersion_figure(DISPERSION, ["a"], ASSIGNMENT, COLORS, "zh", "来源:测试")
    assert fig.layout.xaxis.title.text == "段落" and fig.layout.yaxis.categoryarray[0] == "支柱"
    assert fig.data[-2].name == "综合"


def test_filtered_dispersion_keeps_the_whole_axis_and_names_absent_terms():
    strong = ASSIGNMENT[ASSIGNMENT[schema.PILLAR] == "strong"]  # paragraph 3 of 3
    rows = DISPERSION[DISPERSION[schema.PARAGRAPH].isin(strong[schema.PARAGRAPH])]
    fig = build_dispersion_figure(
        rows, ["a", "b"], strong, COLORS, "en", "Source: test", pillar_labels=LABELS, paragraphs=5, filtered=["Strong"]
    )
    assert list(fig.layout.xaxis.range) == [0.5, 5.5]  # paragraph 1 to the document's last, not the filter's
    assert list(fig.layout.yaxis.ticktext) == ["Pillar", "a", "b (0)"] and list(fig.layout.yaxis.range) == [2.5, -0.5]
    assert fig.layout.title.subtitle.text == (
        "Pillar filter: Strong · 1 of 5 paragraphs<br>Not in the filtered paragraphs: b"
    )
    zh = build_dispersion_figure(rows, ["a", "b"], strong, COLORS, "zh", "来源", paragraphs=5, filtered=["强"])
    assert zh.layout.title.subtitle.text == "支柱筛选：强 · 1 / 5 段<br>筛选后的段落中没有：b"
    assert list(zh.layout.yaxis.ticktext)[-1] == "b（0）"


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
