"""The Overview's content for a pillar filter: summary numbers, shares and each pillar's top terms."""

import pytest

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.figures.overview import TOP_TERMS, build_overview
from policylens.text.analysis import analyze_default
from policylens.text.pillars import load_codebook


@pytest.fixture(scope="module")
def seed():
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    return analyze_default(load_document(paths.SEED_DOCUMENT), codebook), codebook


def bars(figure):
    return [label for trace in figure.data for label in trace.y]


def test_all_pillars(seed):
    analysis, codebook = seed
    view = build_overview(analysis, codebook, (), "en", "Source: seed")
    assert view.summary.paragraphs == len(analysis.document.paragraphs) and view.shown is None
    assert view.classified == int(analysis.assignment[schema.PILLAR].notna().sum())
    assert [pid for pid, _ in view.term_figures] == ["new", "strong", "fusion"]
    for pillar_id, figure in view.term_figures:
        expected = analysis.terms_by_pillar[analysis.terms_by_pillar[schema.PILLAR] == pillar_id][schema.TERM]
        assert sorted(bars(figure)) == sorted(expected.head(TOP_TERMS))
    assert {"New", "Strong", "Fusion"} <= set(bars(view.share_figure))


def test_a_filter_keeps_only_its_pillar_and_highlights_the_term(seed):
    analysis, codebook = seed
    view = build_overview(analysis, codebook, ("strong",), "zh", "来源", highlight="future industry")
    assert [pid for pid, _ in view.term_figures] == ["strong"]
    # every pillar stays a bar to click; those outside the filter are faded
    assert bars(view.share_figure) == ["新", "强", "融", "综合"]
    colors = dict(zip(view.share_figure.data[0].customdata, view.share_figure.data[0].marker.color))
    assert colors.pop("strong") == codebook.get("strong").color
    assert all(c.startswith("rgba(") for c in colors.values())
    strong = set(analysis.assignment.loc[analysis.assignment[schema.PILLAR] == "strong", schema.PARAGRAPH])
    assert view.shown.paragraphs == len(strong) < view.summary.paragraphs
    assert view.shown.characters == sum(len(analysis.document.paragraphs[i - 1]) for i in strong)
    ((_, figure),) = view.term_figures
    assert "invisible hand" not in bars(figure) and "hand" not in bars(figure)
    opacity = dict(zip(figure.data[0].y, figure.data[0].marker.opacity))
    assert opacity.pop("future industry") == 1.0 and set(opacity.values()) == {0.35}  # the others pale
