"""Term co-occurrence: edge tables, the term graph, its readable backbone, communities and a fixed-seed layout."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # networkx takes 0.1-0.5 s to import: only the functions that build a graph load it
    import networkx as nx

SOURCE, TARGET, COOCCURRENCES, WEIGHT = "source", "target", "cooccurrences", "weight"
FREQUENCY = "frequency"  # node attribute of the term graph
TREE = "tree"  # edge attribute: the edge belongs to the maximum spanning tree
UNITS = ("paragraph", "window")
MEASURES = ("count", "jaccard", "dice")
# Which links are drawn (KH Coder's "minimum spanning tree" option, for similarities): the maximum
# spanning tree plus the strongest other links, the tree alone, or every link above the threshold.
LINKS = ("backbone", "tree", "all")
COLORINGS = ("pillar", "community")  # what colours a node: its pillar, or its Louvain community
EXTRA_LINKS_PER_TERM = 0.5  # the backbone's strongest non-tree links: half as many as its terms
# spring_layout switches to a scipy-based solver from 500 nodes, and a network of more labelled
# terms than this cannot be read anyway.
MAX_TERMS = 300
SEED = 42
STRESS_ITERATIONS, STRESS_TOLERANCE = 120, 1e-4  # the layout stops when stress falls by less than 0.01 %


def _top_terms(paragraph_terms: Sequence[Sequence[str]], top_n: int, min_frequency: int = 1) -> list[str]:
    """The `top_n` most frequent terms occurring at least `min_frequency` times, most frequent
    first, ties by term (as summarise_terms)."""
    counts = Counter(term for terms in paragraph_terms for term in terms)
    kept = [term for term, n in counts.items() if n >= min_frequency]
    return sorted(kept, key=lambda term: (-counts[term], term))[:top_n]


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
    min_frequency: int = 1,
) -> pd.DataFrame:
    """Co-occurrence edges between the `top_n` most frequent terms (of those occurring at least
    `min_frequency` times).

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
    vocabulary = _top_terms(paragraph_terms, top_n, min_frequency)
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
    import networkx as nx

    kept = edges[edges[WEIGHT] >= min_weight]
    terms = set(kept[SOURCE]) | set(kept[TARGET])
    graph = nx.Graph()
    for term in sorted(terms, key=lambda t: (-term_frequencies.get(t, 0), t)):
        graph.add_node(term, **{FREQUENCY: int(term_frequencies.get(term, 0))})
    for source, target, co, weight in kept[[SOURCE, TARGET, COOCCURRENCES, WEIGHT]].itertuples(index=False):
        graph.add_edge(source, target, **{WEIGHT: float(weight), COOCCURRENCES: int(co)})
    return graph


def select_links(graph: nx.Graph, links: str = "backbone", extra: int | None = None) -> nx.Graph:
    """The links drawn: a copy of `graph` with every term and only some of its edges.

    "tree": the maximum spanning tree by weight (a forest when the graph is not connected; ties
    fall to the edge order, which is fixed), the skeleton KH Coder calls the minimum spanning tree
    (of distances); "backbone": the tree plus the `extra` strongest other edges (default half as
    many as terms; by weight, then co-occurrences, then the terms); "all": every edge. Edges carry
    `tree` (True on the spanning tree's).
    """
    import networkx as nx

    if links not in LINKS:
        raise ValueError(f"links must be one of {LINKS}")
    tree = nx.maximum_spanning_tree(graph, weight=WEIGHT)
    in_tree = {frozenset(edge) for edge in tree.edges}
    kept = nx.Graph()
    kept.add_nodes_from(graph.nodes(data=True))
    if links == "all":
        chosen = list(graph.edges)
    else:
        chosen = [edge for edge in graph.edges if frozenset(edge) in in_tree]
        if links == "backbone":
            others = [edge for edge in graph.edges if frozenset(edge) not in in_tree]
            others.sort(key=lambda e: (-graph.edges[e][WEIGHT], -graph.edges[e][COOCCURRENCES], *sorted(e)))
            count = round(EXTRA_LINKS_PER_TERM * graph.number_of_nodes()) if extra is None else extra
            chosen += others[:count]
    for a, b in chosen:
        kept.add_edge(a, b, **graph.edges[a, b], **{TREE: frozenset((a, b)) in in_tree})
    return kept


def detect_communities(graph: nx.Graph, seed: int = SEED) -> dict[str, int]:
    """Louvain communities (weighted, fixed seed): term -> community number.

    Community 0 is the largest; ties go to the community holding the most frequent term.
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    found = nx.community.louvain_communities(graph, weight=WEIGHT, seed=seed)
    order = {term: i for i, term in enumerate(graph.nodes)}  # nodes are most frequent first
    ranked = sorted(found, key=lambda c: (-len(c), min(order[t] for t in c)))
    return {term: number for number, members in enumerate(ranked) for term in sorted(members, key=order.get)}


def _stress_majorization(dist: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Points whose distances follow `dist`, improved from `start` by stress majorization.

    It minimises the Kamada-Kawai energy, sum over pairs of w_ij (|x_i - x_j| - d_ij)^2 with
    w_ij = d_ij^-2, by repeated Guttman transforms x <- L^+ B(x) x, each of which never raises it
    (Gansner, Koren & North 2004, "Graph drawing by stress majorization"). Plain numpy: networkx's
    kamada_kawai_layout needs scipy, not a runtime dependency, and its L-BFGS ran 20 times slower
    on a loaded 2-core machine (BLAS threads).
    """
    n = len(dist)
    apart = ~np.eye(n, dtype=bool)
    weights = np.zeros_like(dist)
    weights[apart] = dist[apart] ** -2.0
    inverse = np.linalg.pinv(np.diag(weights.sum(axis=1)) - weights)  # the weighted Laplacian's
    points, previous = start.astype(float), np.inf
    for _ in range(STRESS_ITERATIONS):
        norms = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1))
        stress = float((weights * (norms - dist) ** 2)[apart].sum())
        if previous - stress <= STRESS_TOLERANCE * stress:
            break
        previous = stress
        ratio = np.divide(weights * dist, norms, out=np.zeros_like(dist), where=norms > 0)
        guttman = np.diag(ratio.sum(axis=1)) - ratio
        points = inverse @ (guttman @ points)
    return points


def layout_graph(graph: nx.Graph, seed: int = SEED) -> dict[str, tuple[float, float]]:
    """Kamada-Kawai positions in [-1, 1], started from a fixed-seed Fruchterman-Reingold layout.

    Kamada-Kawai places terms so that their distance on the page follows the number of links
    between them (here by stress majorization), which spreads a tree evenly (KH Coder's default
    layout); terms of different components are kept one hop further apart than the widest
    component. The same graph and seed give the same positions.
    """
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    start = nx.spring_layout(graph, weight=WEIGHT, seed=seed)
    if graph.number_of_nodes() < 3:
        positions = start
    else:
        terms = list(graph.nodes)
        hops = dict(nx.all_pairs_shortest_path_length(graph))
        apart = 1 + max(d for row in hops.values() for d in row.values())
        dist = np.array([[hops[a].get(b, apart) for b in terms] for a in terms], dtype=float)
        placed = _stress_majorization(dist, np.array([start[t] for t in terms]))
        positions = dict(zip(terms, placed))
    # turned so that its longest extent runs along x (principal axes), the most frequent term on
    # the upper left: a figure that stretches each axis to its frame then fills it
    terms = list(positions)
    points = np.array([positions[t] for t in terms], dtype=float)
    points -= points.mean(axis=0)
    if len(terms) > 1:
        _, _, axes = np.linalg.svd(points, full_matrices=False)
        points = points @ axes.T
        points *= [-1.0 if points[0, 0] > 0 else 1.0, -1.0 if points[0, 1] < 0 else 1.0]
    spread = float(np.abs(points).max()) or 1.0
    return {term: (float(x / spread), float(y / spread)) for term, (x, y) in zip(terms, points)}


def count_term_frequencies(paragraph_terms: Sequence[Sequence[str]]) -> dict[str, int]:
    """Occurrences of every term in the document (the node sizes of the term graph)."""
    return dict(Counter(term for terms in paragraph_terms for term in terms))


def build_network(
    paragraph_terms: Sequence[Sequence[str]],
    top_n: int,
    unit: str,
    measure: str,
    min_weight: float,
    *,
    min_frequency: int = 1,
    links: str = "backbone",
) -> tuple[nx.Graph, dict[str, tuple[float, float]], dict[str, int]]:
    """(graph, positions, communities) of the co-occurrence network of the `top_n` terms occurring
    at least `min_frequency` times, links of weight >= `min_weight` thinned by `links`
    (select_links), laid out and divided into communities as drawn: what the Network page draws."""
    edges = build_cooccurrence(paragraph_terms, top_n, unit=unit, measure=measure, min_frequency=min_frequency)
    graph = select_links(build_term_graph(edges, count_term_frequencies(paragraph_terms), min_weight), links)
    return graph, layout_graph(graph), detect_communities(graph)
