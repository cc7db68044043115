"""AppTest: the co-occurrence network's readable default and filters (English seed and a Chinese
document), and the Distribution page under the sidebar's pillar filter, checked against the core."""

import json
from functools import cache
from itertools import combinations

import networkx as nx
from apptest import open_app

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.figures.analysis import COMMUNITY_COLORS
from policylens.figures.network_layout import label_box, measure_label
from policylens.text.analysis import Analysis, analyze_document, build_segmenter_config
from policylens.text.distribution import summarise_dispersion
from policylens.text.network import build_network, count_term_frequencies
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter
from policylens.ui import state

PILLARS = state.widget_key(state.GLOBAL_PILLARS)
# Written for this test: eight paragraphs of a city work plan, the same policy terms recurring.
ZH_PLAN = "\n\n".join(
    [
        "坚持科技创新引领产业创新，加快培育新质生产力，推动高新技术企业和科技型中小企业量质齐升。",
        "建设现代化产业体系，推动集成电路、生物医药、新能源汽车等战略性新兴产业集群发展，壮大未来产业。",
        "深化科技体制改革，加大研发投入，完善科技成果转化机制，支持企业建设新型研发机构和创新平台。",
        "推动数字经济和实体经济深度融合，加快传统产业数字化转型，建设智能工厂和工业互联网平台。",
        "优化营商环境，完善人才政策，引进培育高层次人才和创新团队，让各类人才在城市安心发展。",
        "扩大高水平对外开放，推动长三角一体化发展，加强区域科技创新合作，共建产业创新走廊。",
        "推进绿色低碳转型，发展新能源和节能环保产业，建设绿色工厂，推动产业结构和能源结构优化。",
        "加强金融支持科技创新，发展创业投资和科技金融，完善企业融资服务，促进科技、产业、金融良性循环。",
    ]
)


def figure(at, key: str) -> dict:
    """The figure JSON of the chart whose element id holds `key`."""
    (spec,) = [c.proto.spec for c in at.get("plotly_chart") if key in c.proto.id]
    return json.loads(spec)


def node_trace(fig: dict) -> dict:
    (nodes,) = [trace for trace in fig["data"] if trace.get("meta") == "nodes"]
    return nodes


def line_segments(fig: dict) -> int:
    return sum(len(trace["x"]) // 3 for trace in fig["data"] if trace.get("mode") == "lines")


def overlapping_labels(nodes: dict) -> list[tuple[str, str]]:
    """Pairs of shown labels whose boxes (as the layout module measures them) overlap."""
    boxes = [
        (text, label_box(x, y, size, position, measure_label(text)))
        for x, y, size, position, text in zip(
            nodes["x"], nodes["y"], nodes["marker"]["size"], nodes["textposition"], nodes["text"]
        )
        if text
    ]
    return [(a, b) for (a, box_a), (b, box_b) in combinations(boxes, 2) if box_a.overlaps(box_b)]


@cache
def seed_analysis() -> Analysis:
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    return analyze_document(load_document(paths.SEED_DOCUMENT), codebook, Segmenter(build_segmenter_config(codebook)))


def open_page(page: str, paste: str | None = None):
    at = open_app("en")
    if paste is not None:
        at.text_area(key="widget.docs.paste").set_value(paste).run()
        at.button(key="docs.paste_button").click().run()
        assert [s.value for s in at.sidebar.success], "the pasted text was not loaded"
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_network_default_is_thirty_terms_on_a_spanning_tree_with_the_strongest_links():
    at = open_page("pages/network.py")
    fig = figure(at, state.NETWORK_CHART)
    nodes = node_trace(fig)
    graph, positions, _ = build_network(
        seed_analysis().paragraph_terms, 30, "paragraph", "jaccard", 0.2, min_frequency=2
    )
    assert nodes["customdata"] == list(graph.nodes) and len(nodes["customdata"]) == 30
    # tree: one link fewer than terms (the seed's network is connected); plus half as many others
    assert line_segments(fig) == graph.number_of_edges() == 29 + 15
    assert "44 links: maximum spanning tree + the strongest others" in (fig["layout"]["title"]["subtitle"]["text"])
    assert overlapping_labels(nodes) == [] and all(nodes["text"])
    sizes = dict(zip(nodes["customdata"], nodes["marker"]["size"]))
    frequencies = count_term_frequencies(seed_analysis().paragraph_terms)
    biggest = max(nodes["customdata"], key=frequencies.get)
    assert sizes[biggest] == max(sizes.values())  # node size by frequency

    at.run()  # a rerun (or a link opened later) draws the same picture
    assert node_trace(figure(at, state.NETWORK_CHART)) == nodes


def test_network_filters_on_frequency_and_link_strength_and_shows_all_links_on_request():
    at = open_page("pages/network.py")
    frequencies = count_term_frequencies(seed_analysis().paragraph_terms)
    at.number_input(key=state.widget_key(state.NETWORK_MIN_FREQUENCY)).set_value(6).run()
    nodes = node_trace(figure(at, state.NETWORK_CHART))["customdata"]
    assert nodes and min(frequencies[t] for t in nodes) >= 6
    assert len(nodes) < 30  # fewer than 30 seed terms occur six times

    at.number_input(key=state.widget_key(state.NETWORK_MIN_FREQUENCY)).set_value(1).run()
    at.selectbox(key=state.widget_key(state.NETWORK_LINKS)).set_value("all").run()
    every = line_segments(figure(at, state.NETWORK_CHART))
    at.number_input(key=state.widget_key(state.NETWORK_MIN_WEIGHT)).set_value(0.4).run()
    strong = figure(at, state.NETWORK_CHART)
    assert 0 < line_segments(strong) < every
    graph, _, _ = build_network(seed_analysis().paragraph_terms, 30, "paragraph", "jaccard", 0.4, links="all")
    assert line_segments(strong) == graph.number_of_edges()
    assert min(d["weight"] for _, _, d in graph.edges(data=True)) >= 0.4

    at.selectbox(key=state.widget_key(state.NETWORK_LINKS)).set_value("tree").run()
    tree = figure(at, state.NETWORK_CHART)
    terms = len(node_trace(tree)["customdata"])
    parts = nx.number_connected_components(graph)  # the same terms as the "all" view above
    assert line_segments(tree) == terms - parts  # a spanning forest
    subtitle = tree["layout"]["title"]["subtitle"]["text"]
    assert f"<br>{terms - parts} links: maximum spanning tree" in subtitle and "strongest others" not in subtitle
    assert not at.exception, at.exception


def test_network_of_a_chinese_document_colours_communities_without_overlapping_labels():
    at = open_page("pages/network.py", paste=ZH_PLAN)
    at.number_input(key=state.widget_key(state.NETWORK_MIN_FREQUENCY)).set_value(1).run()
    at.number_input(key=state.widget_key(state.NETWORK_MIN_WEIGHT)).set_value(0.1).run()
    at.slider(key=state.widget_key(state.NETWORK_TOP_N)).set_value(60).run()
    at.selectbox(key=state.widget_key(state.NETWORK_COLOR_BY)).set_value("community").run()
    assert not at.exception, at.exception
    nodes = node_trace(figure(at, state.NETWORK_CHART))
    assert len(nodes["customdata"]) > 30 and any("\u4e00" <= c <= "\u9fff" for c in nodes["customdata"][0])
    assert set(nodes["marker"]["color"]) <= set(COMMUNITY_COLORS) | {"#9e9e9e"}
    assert len(set(nodes["marker"]["color"])) > 1
    assert overlapping_labels(nodes) == []
    shown = [text for text in nodes["text"] if text]
    assert len(shown) > len(nodes["text"]) / 2


def test_distribution_under_the_pillar_filter_spans_the_document_and_counts_the_filtered_paragraphs():
    analysis = seed_analysis()
    assignment = analysis.assignment
    strong = assignment.loc[assignment[schema.PILLAR] == "strong", schema.PARAGRAPH].tolist()
    assert 0 < len(strong) < len(analysis.paragraph_terms)
    vocabulary = summarise_dispersion(
        analysis.paragraph_terms, sorted({t for p in analysis.paragraph_terms for t in p})
    )
    in_strong = summarise_dispersion(analysis.paragraph_terms, vocabulary[schema.TERM].tolist(), strong)
    counts = dict(zip(in_strong[schema.TERM], in_strong[schema.COUNT]))
    totals = dict(zip(vocabulary[schema.TERM], vocabulary[schema.COUNT]))
    present = max((t for t in counts if counts[t]), key=lambda t: (totals[t] - counts[t], t))  # most outside too
    absent = max((t for t in counts if not counts[t]), key=lambda t: (totals[t], t))

    at = open_page("pages/distribution.py")
    at.multiselect(key="widget.distribution.terms").set_value([present, absent]).run()
    at.multiselect(key=PILLARS).set_value(["strong"]).run()
    assert not at.exception, at.exception
    fig = figure(at, state.DISTRIBUTION_CHART)
    assert fig["layout"]["xaxis"]["range"] == [0.5, len(analysis.paragraph_terms) + 0.5]
    assert fig["layout"]["yaxis"]["ticktext"][-1] == f"{absent} (0)"
    assert f"Not in the filtered paragraphs: {absent}" in fig["layout"]["title"]["subtitle"]["text"]
    points = {p[1] for trace in fig["data"] for p in trace.get("customdata") or [] if p[0]}
    assert points and points <= set(strong)

    table = at.dataframe[-1].value.set_index(schema.TERM)
    assert table.loc[present, schema.COUNT] == counts[present] < totals[present]
    assert table.loc[absent, schema.COUNT] == 0
    captions = [c.value for c in at.caption]
    assert any(
        f"{len(strong)} of {len(analysis.paragraph_terms)} paragraphs the pillar filter keeps" in c for c in captions
    )
    assert any("Not in the filtered paragraphs (0 occurrences)" in c and absent in c for c in captions)

    at.multiselect(key=PILLARS).set_value([]).run()
    table = at.dataframe[-1].value.set_index(schema.TERM)
    assert table.loc[present, schema.COUNT] == totals[present] and table.loc[absent, schema.COUNT] == totals[absent]
    assert not any("pillar filter keeps" in c.value for c in at.caption)


def test_a_link_restores_the_network_controls_and_a_change_is_written_back():
    from streamlit.testing.v1 import AppTest

    link = {"net_n": "20", "net_minf": "3", "net_links": "tree", "net_color": "community"}
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=120)
    for name, value in link.items():
        at.query_params[name] = value
    at.run()
    at.switch_page("pages/network.py").run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.slider(key=state.widget_key(state.NETWORK_TOP_N)).value == 20
    assert at.number_input(key=state.widget_key(state.NETWORK_MIN_FREQUENCY)).value == 3
    assert at.selectbox(key=state.widget_key(state.NETWORK_LINKS)).value == "tree"
    assert at.selectbox(key=state.widget_key(state.NETWORK_COLOR_BY)).value == "community"
    at.selectbox(key=state.widget_key(state.NETWORK_MEASURE)).set_value("dice").run()
    query = {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}
    assert {**link, "net_measure": "dice"}.items() <= query.items()
