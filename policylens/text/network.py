"""Term co-occurrence: edge tables, the term graph, its communities and a fixed-seed layout."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import Literal

import networkx as nx
import pandas as pd

SOURCE, TARGET, COOCCURRENCES, WEIGHT = "source", "target", "cooccurrences", "weight"
FREQUENCY = "frequency"  # node attribute of the term graph
UNITS = ("paragraph", "window")
MEASURES = ("count", "jaccard", "dice")
# spring_layout switches to a scipy-based solver from 500 nodes, and a network of more labelled
# terms than this cannot be read anyway.
MAX_TERMS = 300
SEED = 42


def _top_terms(paragraph_terms: Sequence[Sequence[str]], top_n: int) -> list[str]:
    """The `top_n` most frequent terms, most frequent first, ties by term (as summarise_terms)."""
    counts = Counter(term for terms in paragraph_terms for term in terms)
    return sorted(counts, key=lambda term: (-counts[term], term))[:top_n]


def _units(paragraph_terms: Sequence[Sequence[str]], vocabulary: set[str], unit: str, window: int) -> Counter:
    """How many units hold each set of vocabulary terms (a paragraph, or each window position)."""
    sets: Counter = Counter()
    for terms in paragraph_terms:
        if unit == "paragraph":
            sets[frozenset(vocabulary.intersection(terms))] += 1
            continue
        # windows of `window` consecutive terms, one starting at every term; a paragraph shorter
        # than the window is one unit; windows never cross a paragraph boundary
        for start in range(max(1, len(terms) - window + 1)):
            sets[frozenset(vocabulary.intersection(terms[start : start + window]))] += 1
    return sets


def build_cooccurrence(
    paragraph_terms: Sequence[Sequence[str]],
    top_n: int,
    unit: Literal["paragraph", "window"] = "paragraph",
    window: int = 5,
    measure: Literal["count", "jaccard", "dice"] = "count",
) -> pd.DataFrame:
    """Co-occurrence edges between the `top_n` most frequent terms.

    A unit is a paragraph, or (unit "window") a run of `window` consecutive content terms inside a
    paragraph, one run starting at every term. With units(A) the number of units holding A and
    co the number holding both A and B:
      count   = co
      jaccard = co / (units(A) + units(B) - co)   (shared units over units holding either)
      dice    = 2 co / (units(A) + units(B))
    Columns: source, target (source is the more frequent term), cooccurrences (co), weight (the
    measure); only pairs with co > 0, heaviest first (ties by cooccurrences, source, target).
    """
    if unit not in UNITS or measure not in MEASURES:
        raise ValueError(f"unit must be one of {UNITS} and measure one of {MEASURES}")
    if not 1 <= top_n <= MAX_TERMS:
        raise ValueError(f"top_n must be between 1 and {MAX_TERMS}")
    if unit == "window" and window < 2:
        raise ValueError("a co-occurrence window needs at least 2 terms")
    vocabulary = _top_terms(paragraph_terms, top_n)
    rank = {term: i for i, term in enumerate(vocabulary)}
    units_of: Counter = Counter()
    pairs: Counter = Counter()
    for terms, n in _units(paragraph_terms, set(vocabulary), unit, window).items():
        ordered = sorted(terms, key=rank.__getitem__)
        for term in ordered:
            units_of[term] += n
        for pair in combinations(ordered, 2):
            pairs[pair] += n
    rows = []
    for (a, b), co in pairs.items():
        if measure == "count":
            weight = float(co)
        elif measure == "jaccard":
            weight = co / (units_of[a] + units_of[b] - co)
        else:
            weight = 2 * co / (units_of[a] + units_of[b])
        rows.append((a, b, co, weight))
    edges = pd.DataFrame(
        {
            SOURCE: pd.Series([r[0] for r in rows], dtype="object"),
            TARGET: pd.Series([r[1] for r in rows], dtype="object"),
            COOCCURRENCES: pd.Series([r[2] for r in rows], dtype="int64"),
            WEIGHT: pd.Series([r[3] for r in rows], dtype="float64"),
        }
    )
    return edges.sort_values(
        [WEIGHT, COOCCURRENCES, SOURCE, TARGET], ascending=[False, False, True, True], kind="stable"
    ).reset_index(drop=True)


def build_term_graph(edges: pd.DataFrame, term_frequencies: Mapping[str, int], min_weight: float = 0.0) -> nx.Graph:
    """An undirected graph of the edges with weight >= `min_weight`.

    Terms left without an edge are dropped. Nodes carry `frequency` (from `term_frequencies`,
    0 if absent) and are inserted most frequent first; edges carry `weight` and `cooccurrences`.
    """
    kept = edges[edges[WEIGHT] >= min_weight]
    terms = set(kept[SOURCE]) | set(kept[TARGET])
    graph = nx.Graph()
    for term in sorted(terms, key=lambda t: (-term_frequencies.get(t, 0), t)):
        graph.add_node(term, **{FREQUENCY: int(term_frequencies.get(term, 0))})
    for source, target, co, weight in kept[[SOURCE, TARGET, COOCCURRENCES, WEIGHT]].itertuples(index=False):
        graph.add_edge(source, target, **{WEIGHT: float(weight), COOCCURRENCES: int(co)})
    return graph


def detect_communities(graph: nx.Graph, seed: int = SEED) -> dict[str, int]:
    """Louvain communities (weighted, fixed seed): term -> community number.

    Community 0 is the largest; ties go to the community holding the most frequent term.
    """
    if graph.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(graph, weight=WEIGHT, seed=seed)
    order = {term: i for i, term in enumerate(graph.nodes)}  # nodes are most frequent first
    ranked = sorted(found, key=lambda c: (-len(c), min(order[t] for t in c)))
    return {term: number for number, members in enumerate(ranked) for term in sorted(members, key=order.get)}


def layout_graph(graph: nx.Graph, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions (networkx spring_layout, weighted, fixed seed) in [-1, 1]."""
    if graph.number_of_nodes() == 0:
        return {}
    positions = nx.spring_layout(graph, weight=WEIGHT, seed=seed)
    return {term: (float(x), float(y)) for term, (x, y) in positions.items()}


def count_term_frequencies(paragraph_terms: Sequence[Sequence[str]]) -> dict[str, int]:
    """Occurrences of every term in the document (the node sizes of the term graph)."""
    return dict(Counter(term for terms in paragraph_terms for term in terms))


def build_network(
    paragraph_terms: Sequence[Sequence[str]],
    top_n: int,
    unit: str,
    measure: str,
    min_weight: float,
) -> tuple[nx.Graph, dict[str, tuple[float, float]], dict[str, int]]:
    """(graph, positions, communities) of the co-occurrence network of the `top_n` terms: what the
    Network page draws."""
    edges = build_cooccurrence(paragraph_terms, top_n, unit=unit, measure=measure)
    graph = build_term_graph(edges, count_term_frequencies(paragraph_terms), min_weight)
    return graph, layout_graph(graph), detect_communities(graph)
