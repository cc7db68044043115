"""Co-occurrence edges per measure and unit, the term graph, the links drawn, its communities and its layout."""

import json
import os
import subprocess
import sys

import networkx as nx
import pandas as pd
import pytest

from policylens import paths
from policylens.text.network import (
    build_cooccurrence,
    build_network,
    build_term_graph,
    count_term_frequencies,
    detect_communities,
    layout_graph,
    select_links,
)

# counts: a 4, b 2, c 2, d 1. Paragraph units holding each: a 3, b 2, c 2
PARAGRAPHS = [["a", "b", "c", "a"], ["a", "b"], ["c", "d", "a"]]
CLUSTERS = [["d", "e", "f", "g"]] * 3 + [["a", "b", "c"]] * 3 + [["c", "d"]]


def edges(source, target, cooccurrences, weight):
    return pd.DataFrame(
        {
            "source": pd.Series(source, dtype=object),
            "target": pd.Series(target, dtype=object),
            "cooccurrences": pd.Series(cooccurrences, dtype="int64"),
            "weight": pd.Series(weight, dtype="float64"),
        }
    )


@pytest.mark.parametrize(
    ("measure", "weights"),
    [
        ("count", [2.0, 2.0, 1.0]),
        ("jaccard", [2 / (3 + 2 - 2), 2 / (3 + 2 - 2), 1 / (2 + 2 - 1)]),
        ("dice", [2 * 2 / (3 + 2), 2 * 2 / (3 + 2), 2 * 1 / (2 + 2)]),
    ],
)
def test_paragraph_cooccurrence_per_measure(measure, weights):
    got = build_cooccurrence(PARAGRAPHS, 3, "paragraph", measure=measure)
    pd.testing.assert_frame_equal(got, edges(["a", "a", "b"], ["b", "c", "c"], [2, 2, 1], weights))


def test_window_cooccurrence_counts_windows_inside_paragraphs():
    # windows of 2: {a,b} {b,c} {c,a} | {a,b} | {c,d} {d,a}; units holding a 4, b 3, c 3, d 2
    got = build_cooccurrence(PARAGRAPHS, 4, "window", window=2, measure="jaccard")
    expected = edges(
        ["a", "c", "a", "b", "a"],
        ["b", "d", "d", "c", "c"],
        [2, 1, 1, 1, 1],
        [2 / (4 + 3 - 2), 1 / (3 + 2 - 1), 1 / (4 + 2 - 1), 1 / (3 + 3 - 1), 1 / (4 + 3 - 1)],
    )
    pd.testing.assert_frame_equal(got, expected)


def test_window_longer_than_a_paragraph_makes_it_one_unit():
    got = build_cooccurrence(PARAGRAPHS, 4, "window", window=10, measure="count")
    pd.testing.assert_frame_equal(got, build_cooccurrence(PARAGRAPHS, 4, "paragraph", measure="count"))


def test_cooccurrence_rejects_bad_options():
    for kwargs in (
        {"unit": "sentence"},
        {"measure": "pmi"},
        {"top_n": 0},
        {"top_n": 301},
        {"unit": "window", "window": 1},
    ):
        with pytest.raises(ValueError):
            build_cooccurrence(PARAGRAPHS, **{"top_n": 3, **kwargs})


def test_term_graph_keeps_heavy_edges_and_drops_isolated_terms():
    graph = build_term_graph(build_cooccurrence(PARAGRAPHS, 4, "paragraph"), count_term_frequencies(PARAGRAPHS), 2)
    assert list(graph.nodes(data="frequency")) == [("a", 4), ("b", 2), ("c", 2)]
    assert sorted(graph.edges(data="weight")) == [("a", "b", 2.0), ("a", "c", 2.0)]
    assert graph.edges["a", "b"]["cooccurrences"] == 2


def test_communities_are_deterministic_and_numbered_by_size():
    graph = build_term_graph(build_cooccurrence(CLUSTERS, 7, "paragraph"), count_term_frequencies(CLUSTERS), 0)
    expected = {"d": 0, "e": 0, "f": 0, "g": 0, "a": 1, "b": 1, "c": 1}
    assert detect_communities(graph) == expected
    assert detect_communities(graph) == expected
    assert detect_communities(build_term_graph(edges([], [], [], []), {}, 0)) == {}


def test_layout_is_fixed_by_the_seed():
    graph = build_term_graph(build_cooccurrence(CLUSTERS, 7, "paragraph"), count_term_frequencies(CLUSTERS), 0)
    first, again = layout_graph(graph), layout_graph(graph)
    assert first == again and set(first) == set(graph.nodes)
    assert all(-1.0 <= v <= 1.0 for xy in first.values() for v in xy)
    assert layout_graph(graph, seed=7) != first
    assert layout_graph(build_term_graph(edges([], [], [], []), {}, 0)) == {}


def test_build_network_gives_the_graph_its_layout_and_communities():
    graph, positions, communities = build_network(CLUSTERS, top_n=3, unit="paragraph", measure="count", min_weight=1)
    assert set(graph.nodes) <= {"c", "d", "a"}  # the three most frequent terms at most
    assert set(positions) == set(communities) == set(graph.nodes)
    assert graph.has_edge("c", "d") and graph["c"]["d"]["weight"] == 1


def test_minimum_frequency_leaves_rare_terms_out():
    # counts a 4, b 2, c 2, d 1: d takes no part from 2 occurrences, b and c none from 3
    assert build_cooccurrence(PARAGRAPHS, 4, min_frequency=2).equals(build_cooccurrence(PARAGRAPHS, 3))
    assert build_cooccurrence(PARAGRAPHS, 4, min_frequency=3).empty  # a alone: no pair
    graph, _, _ = build_network(PARAGRAPHS, 4, "paragraph", "count", 0, min_frequency=2)
    assert list(graph.nodes) == ["a", "b", "c"]


def weighted(edges: list[tuple[str, str, float]]) -> nx.Graph:
    graph = nx.Graph()
    for a, b, w in edges:
        graph.add_edge(a, b, weight=w, cooccurrences=1)
    return graph


# a square a-b-c-d with both diagonals; an isolated pair e-f
SQUARE = [("a", "b", 0.9), ("b", "c", 0.8), ("c", "d", 0.7), ("d", "a", 0.6), ("a", "c", 0.5), ("b", "d", 0.4)]
SQUARE += [("e", "f", 0.3)]


def test_links_the_spanning_tree_the_backbone_or_all():
    graph = weighted(SQUARE)
    tree = select_links(graph, "tree")
    assert sorted(tree.edges) == [("a", "b"), ("b", "c"), ("c", "d"), ("e", "f")]  # a forest: two parts
    assert list(tree.nodes) == list(graph.nodes) and all(d["tree"] for _, _, d in tree.edges(data=True))
    backbone = select_links(graph, "backbone", extra=2)
    assert sorted(backbone.edges) == [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("c", "d"), ("e", "f")]
    assert backbone.edges["a", "d"] == {"weight": 0.6, "cooccurrences": 1, "tree": False}
    assert select_links(graph, "backbone").number_of_edges() == 4 + 3  # default: half as many extra as terms (6)
    assert sorted(select_links(graph, "all").edges) == sorted(graph.edges)
    with pytest.raises(ValueError):
        select_links(graph, "mst")


def test_layout_spreads_along_its_longest_axis():
    chain = weighted([(f"n{i}", f"n{i + 1}", 1.0) for i in range(9)])  # a path of ten terms
    positions = layout_graph(chain)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    assert max(xs) - min(xs) > 3 * (max(ys) - min(ys))  # laid out along x
    assert max(abs(v) for v in xs + ys) == pytest.approx(1.0)
    assert positions["n0"][0] <= 0  # the first (most frequent) term on the left
    # distances on the page follow hops: two links apart is about twice one link (Kamada-Kawai energy)
    step = [
        (
            (positions[f"n{i}"][0] - positions[f"n{i + k}"][0]) ** 2
            + (positions[f"n{i}"][1] - positions[f"n{i + k}"][1]) ** 2
        )
        ** 0.5
        for i, k in ((4, 1), (4, 2))
    ]
    assert 1.7 < step[1] / step[0] < 2.1


def test_components_are_laid_out_apart():
    positions = layout_graph(weighted(SQUARE))
    square = [positions[t] for t in "abcd"]
    pair = [positions[t] for t in "ef"]
    nearest = min(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5 for x1, y1 in square for x2, y2 in pair)
    assert nearest > 0.3


def test_network_layout_does_not_depend_on_the_process():
    # a link opened on another server process (another string hash seed) must draw the same picture
    script = (
        "import json; from policylens.text.network import build_network;"
        "paragraphs = [p.split() for p in open(0, encoding='utf-8').read().split('\\n')];"
        "g, pos, com = build_network(paragraphs, 40, 'paragraph', 'jaccard', 0.1);"
        "print(json.dumps([list(g.edges), sorted(pos.items()), sorted(com.items())]))"
    )
    text = "\n".join(" ".join(f"w{(i * 7 + j * 3) % 23}" for j in range(6)) for i in range(30))
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            input=text,
            capture_output=True,
            text=True,
            check=True,
            cwd=paths.ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(paths.ROOT)},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and json.loads(runs[0])[1]
