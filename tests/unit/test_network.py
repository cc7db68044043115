"""Co-occurrence edges per measure and unit, the term graph, its communities and its layout."""

import pandas as pd
import pytest

from policylens.text.network import (
    build_cooccurrence,
    build_network,
    build_term_graph,
    count_term_frequencies,
    detect_communities,
    layout_graph,
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
