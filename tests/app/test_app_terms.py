"""The Terms, Overview, Dictionary and Codebook pages as a user sees them (AppTest, real jieba and
plotly): figures apart from terms, one colour per pillar panel, lock buttons only where they change
something, a cloud that fits its column, and a term table whose weight column cannot be pushed away."""

import json

import pytest
from apptest import open_app
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.text.pillars import load_codebook
from policylens.text.terms import is_figure

# Written for this test: figures (amounts, a share, a count, a year) repeated so that a raw count
# would rank them, next to a designation (2+6+6) that is a term.
ZH_FIGURES = (
    "南京坚持科技创新引领，2023年研发投入3.3万亿元，增长8.1%，新建10个新型研发机构，加快发展新质生产力。\n\n"
    "推动数字经济和实体经济深度融合，2023年数字经济增长8.1%，培育10个数字经济产业集群。\n\n"
    "壮大“2+6+6”创新型产业集群，2023年新增10个未来产业项目，3.3万亿元资金投向实体经济。\n"
)
FIGURES = {"2023年", "3.3万亿元", "8.1%", "10个"}


def paste(at: AppTest, text: str) -> AppTest:
    at.text_area(key="widget.docs.paste").set_value(text)
    at.button(key="docs.paste_button").click().run()
    assert [s.value for s in at.sidebar.success], "the pasted text was not loaded"
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def zh_terms() -> AppTest:
    at = paste(open_app("en"), ZH_FIGURES)
    at.switch_page("pages/terms.py").run()
    assert not at.exception, at.exception
    at.segmented_control(key="widget.terms.rank").set_value("count").run()
    assert not at.exception, at.exception
    return at


def test_figures_are_never_ranked_as_terms_but_listed_apart(zh_terms):
    at = zh_terms
    terms = at.dataframe[0].value["term"].tolist()
    assert "2+6+6" in terms and "数字" in terms
    assert not FIGURES & set(terms) and not [t for t in terms if is_figure(t)]
    cloud, bars = figures(at)
    assert not FIGURES & set(cloud["data"][0]["customdata"]) and not FIGURES & set(bars["data"][0]["customdata"])
    listed = at.dataframe[1].value
    assert FIGURES <= set(listed["figure"]) and listed.set_index("figure").loc["2023年", "count"] == 3
    assert any(c.value.startswith("A figure is a number") for c in at.main.caption)

    at.segmented_control(key="widget.terms.rank").set_value("key").run()
    assert not at.exception, at.exception
    assert not [t for t in at.dataframe[0].value["term"] if is_figure(t)]


def test_cloud_is_drawn_at_a_size_its_column_holds(zh_terms):
    cloud = figures(zh_terms)[0]
    layout = cloud["layout"]
    # 564 px: the Terms page's column at a 1024 px window with the sidebar open; a wider figure is
    # squeezed by the browser while its font sizes stay in px, and the words overlap
    assert layout["width"] <= 564 and layout["autosize"] is False
    assert layout["xaxis"]["range"] == [0, layout["width"] - layout["margin"]["l"] - layout["margin"]["r"]]


def test_mixed_pillar_bars_name_their_colours(zh_terms):
    _, bars = figures(zh_terms)
    (legend,) = [a["text"] for a in bars["layout"]["annotations"] if a["text"].startswith("Colour = the term")]
    for color in set(bars["data"][0]["marker"]["color"]):
        assert f'<span style="color:{color}">' in legend


def test_each_pillar_panel_of_the_overview_is_in_its_pillar_colour(zh_terms):
    codebook = load_codebook(paths.PILLARS_CODEBOOK)
    new, strong = codebook.get("new"), codebook.get("strong")
    # on the Terms page 增长 takes its own pillar's colour (New: it is used most in New paragraphs) ...
    _, bars = figures(zh_terms)
    own = dict(zip(bars["data"][0]["customdata"], bars["data"][0]["marker"]["color"]))
    assert own["增长"] == new.color
    at = paste(open_app("en"), ZH_FIGURES)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, at.exception
    panels = {}
    for spec in figures(at):
        title = spec["layout"]["title"]["text"]
        for pillar in codebook.pillars:
            if title == f"{pillar.label('en')}: top terms":
                panels[pillar.id] = spec
                assert set(spec["data"][0]["marker"]["color"]) == {pillar.color}, title
                assert not [a for a in spec["layout"]["annotations"] if a["text"].startswith("Colour =")]
    # ... and in the Strong panel, among Strong's top terms, it is drawn in Strong's colour
    assert "增长" in panels["strong"]["data"][0]["customdata"]
    assert strong.color != new.color


def test_lock_buttons_only_for_terms_that_locking_changes():
    at = paste(open_app("en"), ZH_FIGURES)
    at.switch_page("pages/dictionary.py").run()
    assert not at.exception, at.exception
    at.text_area(key="widget.dictionary.own_terms").set_value("数字经济 创新 新 科技创新").run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value.set_index("term")
    # 新 and 创新 occur more often than as tokens (inside longer words), but locking them frees nothing
    assert table.loc["新", "in_text"] > table.loc["新", "as_token"]
    assert table.loc["创新", "whole"] and table.loc["创新", "in_text"] > table.loc["创新", "as_token"]
    locks = [b.key.removeprefix("dictionary.lock.") for b in at.button if b.key.startswith("dictionary.lock.")]
    assert locks == ["数字经济"]  # cut into 数字 / 经济; every codebook term is whole already
    assert not table.loc["数字经济", "whole"]


def test_codebook_tables_keep_every_column_in_view():
    at = open_app("en")
    at.switch_page("pages/codebook.py").run()
    assert not at.exception, at.exception
    editors = {d.proto.id.rsplit("-", 1)[-1]: d.proto for d in at.dataframe if d.proto.id}
    terms = editors["codebook.terms_editor"]
    assert list(terms.column_order) == ["pillar", "language", "weight", "term"]  # a long term cannot hide it
    # the main column at a 1024 px window is 564 px: the term editor has 5/7 of it (beside the
    # preview), the pillar and pattern editors all of it; each has 36 px of row markers
    for key, room in [("codebook.terms_editor", 5 / 7 * (564 - 16)), ("codebook.pillars_editor", 564)]:
        columns = json.loads(editors[key].columns)
        assert 36 + sum(c["width"] for c in columns.values() if not c.get("hidden")) <= room, key
    patterns = json.loads(editors["codebook.patterns_editor"].columns)
    assert 36 + sum(c["width"] for c in patterns.values() if not c.get("hidden")) <= 564
