"""AppTest: dashboard.py and every file in pages/ render; the pillar filter and language change views."""

import json

import pytest
from apptest import PAGES, open_app
from streamlit.testing.v1 import AppTest

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.text.analysis import analyze_default
from policylens.text.pillars import load_codebook


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_dashboard_renders_overview_by_default():
    at = open_app()
    assert at.title[0].value == "Overview"
    assert [m.label for m in at.metric][:5] == ["Paragraphs", "Sentences", "Characters", "Terms", "Vocabulary"]
    assert at.metric[0].value == "15"
    assert at.multiselect(key="widget.global.pillars").value == []


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(page):
    at = open_app()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert at.title, f"{page} has no title"


def test_pillar_filter_changes_the_themes_page():
    at = open_app()
    at.switch_page("pages/themes.py").run()
    all_cards = len(at.markdown)
    at.multiselect(key="widget.global.pillars").set_value(["strong"]).run()
    assert not at.exception
    cards = [m.value for m in at.markdown if "border-left" in m.value]
    strong = analyze_default(load_document(paths.SEED_DOCUMENT), load_codebook()).assignment
    assert len(cards) == int(strong[schema.PILLAR].eq("strong").sum()) >= 1 and len(at.markdown) < all_cards
    assert any("¶13 " in card for card in cards) and all("Strong</span>" in card for card in cards)
    traces = chart_specs(at)[0]["data"]
    assert [t["name"] for t in traces] == ["Strong"]


def test_pillar_filter_survives_a_page_switch_and_filters_overview():
    at = open_app()
    at.multiselect(key="widget.global.pillars").set_value(["fusion"]).run()
    at.switch_page("pages/terms.py").run()
    at.switch_page("pages/overview.py").run()
    assert at.multiselect(key="widget.global.pillars").value == ["fusion"]
    share = chart_specs(at)[0]["data"][0]
    # every pillar stays a bar to click; only the filtered one keeps its full colour
    in_view = [p for p, color in zip(share["customdata"], share["marker"]["color"]) if not color.startswith("rgba(")]
    assert in_view == ["fusion"]


def test_pillar_filter_changes_the_terms_bar_chart():
    at = open_app()
    at.switch_page("pages/terms.py").run()
    (cloud, bars) = chart_specs(at)  # the interactive cloud, then the ranked bars
    before, cloud_before = bars["data"][0]["y"], cloud["data"][0]["customdata"]
    at.multiselect(key="widget.global.pillars").set_value(["strong"]).run()
    (cloud, bars) = chart_specs(at)
    after = bars["data"][0]["y"]
    assert before != after and "industrial system" in after
    assert cloud["data"][0]["customdata"] != cloud_before and "industrial system" in cloud["data"][0]["customdata"]


def test_language_switch_translates_the_page():
    at = open_app()
    at.segmented_control(key="widget.global.lang").set_value("zh").run()
    assert at.title[0].value == "概览"
    assert at.metric[0].label == "段落"
    at.switch_page("pages/themes.py").run()
    assert at.title[0].value == "主题"  # the choice holds across pages


def test_document_text_is_escaped_in_paragraph_cards():
    at = open_app()
    at.switch_page("pages/themes.py").run()
    cards = [m.value for m in at.markdown if "border-left" in m.value]
    assert len(cards) == 15
    assert all("<script" not in c for c in cards)
    assert "&quot;" in cards[11] or "&#x27;" in cards[11] or '"new"' not in cards[11]


def test_a_long_document_shows_its_paragraph_cards_a_page_at_a_time():
    at = open_app()
    for lang in ("zh", "en"):  # a real choice pins the UI language (a Chinese paste would switch it)
        at.segmented_control(key="widget.global.lang").set_value(lang).run()
    text = "\n\n".join(f"第{n}段：加快发展新质生产力，推动科技创新和产业创新深度融合。" for n in range(1, 121))
    at.text_area(key="widget.docs.paste").set_value(text)
    at.button(key="docs.paste_button").click().run()
    at.switch_page("pages/themes.py").run()
    assert not at.exception, at.exception

    def cards() -> list[str]:
        return [m.value for m in at.markdown if "border-left" in m.value]

    assert len(cards()) == 50 and "¶1 " in cards()[0]
    assert any("Paragraphs 1–50 of 120." == c.value for c in at.caption)
    assert at.button(key="themes.page.previous").disabled  # the pager below the cards, on page 1

    def scrolls() -> int:  # the marker that brings the new page's top into view (elements.SCROLL_HERE)
        return sum("policylens-scroll-here" in h.proto.body for h in at.get("html"))

    assert scrolls() == 0
    at.button(key="themes.page.next").click().run()  # from the end of the page, without scrolling up
    assert "¶51 " in cards()[0] and at.number_input[0].value == 2
    assert any("Page 2 of 3" == c.value for c in at.caption)
    assert scrolls() == 1  # the run after the bottom pager's click scrolls to the top pager, once
    (pager,) = at.number_input
    pager.set_value(3).run()
    assert scrolls() == 0  # the top pager is in view already
    assert len(cards()) == 20 and "¶101 " in cards()[0]
    assert any("Paragraphs 101–120 of 120." == c.value for c in at.caption)
    assert at.button(key="themes.page.next").disabled
    at.button(key="themes.page.previous").click().run()
    assert "¶51 " in cards()[0] and at.number_input[0].value == 2
    pager.set_value(3).run()
    pillar = next(p for p in ("New", "Strong", "Fusion") if f"{p}</span>" in cards()[0])
    at.multiselect(key="widget.global.pillars").set_value([pillar.lower()]).run()  # the page comes back in range
    assert not at.exception, at.exception
    assert 0 < len(cards()) <= 50
