"""The Overview as a first-time reader meets it (AppTest on dashboard.py): what PolicyLens does, the
document by its title, a pillar filter that keeps every pillar clickable and counts only its
paragraphs, and the browser's Back (a URL this app did not write) undoing the filter."""

from __future__ import annotations

import html
import json

from apptest import open_app
from streamlit.testing.v1 import AppTest

from policylens.i18n import t
from policylens.ui import state, url_sync

SEED_TITLE = "Let the new quality productivity become the most distinctive mark of Nanjing's high-quality development"


def share_chart(at: AppTest) -> dict:
    (figure,) = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if state.OVERVIEW_SHARE in c.proto.id]
    return figure


def metric(at: AppTest, label: str) -> str:
    (value,) = [m.value for m in at.metric if m.label == label]
    return value


def query(at: AppTest) -> dict[str, str]:
    return {name: value if isinstance(value, str) else value[-1] for name, value in at.query_params.items()}


def choose_pillars(at: AppTest, pillars: list[str]) -> AppTest:
    at.multiselect(key=state.widget_key(state.GLOBAL_PILLARS)).set_value(pillars).run()
    assert not at.exception, at.exception
    return at


def test_the_overview_says_what_policylens_does_and_names_the_seed_by_its_title():
    for lang in ("en", "zh"):
        at = open_app(lang)
        text = " ".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes removed
        assert "PolicyLens" in text and "New 新" in text and "Fusion 融" in text
        assert SEED_TITLE in text, "the seed is not shown by its title"
        captions = " ".join(c.value for c in at.caption).replace("\\", "")
        assert t("overview.seed_note", lang) in captions, "nothing says the seed is a machine translation"
        assert "000_785e541e3328616f.txt" in captions  # the file is still named, beside the title
        links = {link.proto.label for link in at.get("page_link")}
        assert {t("nav.themes", lang), t("nav.terms", lang), t("nav.indicators", lang)} <= links
        sources = [a["text"] for a in share_chart(at)["layout"]["annotations"] if "text" in a]
        assert any(SEED_TITLE[:40] in s for s in sources), sources


def test_a_pillar_filter_keeps_every_bar_and_counts_only_its_paragraphs():
    at = open_app("en")
    whole = metric(at, t("overview.paragraphs", "en"))
    (bars,) = share_chart(at)["data"]
    assert len(bars["y"]) == 4 and not any(c.startswith("rgba") for c in bars["marker"]["color"])

    choose_pillars(at, ["strong"])
    (bars,) = share_chart(at)["data"]
    assert len(bars["y"]) == 4, "the filter collapsed the pillar chart: no other pillar can be clicked"
    colors = dict(zip(bars["customdata"], bars["marker"]["color"]))
    assert colors["strong"].startswith("#"), "the filtered pillar is faded"
    assert all(colors[p].startswith("rgba(") and colors[p].endswith(", 0.3)") for p in ("new", "fusion", ""))
    shown = metric(at, t("overview.paragraphs", "en"))
    assert int(shown) < int(whole), "the summary ignores the filter"
    (note,) = [i.value for i in at.info if "Filtered to" in i.value]
    assert f"{shown} of {whole} paragraphs" in note


def test_back_to_the_address_before_a_filter_undoes_it(monkeypatch):
    at = open_app("en")
    before = query(at)
    choose_pillars(at, ["strong"])
    assert query(at).get("pillars") == "strong"
    choose_pillars(at, ["strong", "fusion"])
    after_two = query(at)

    # the browser's Back: the frontend reruns the app on the previous address and flags the run
    # (AppTest cannot send the flag; the browser test sends the real one)
    monkeypatch.setattr(url_sync, "is_history_navigation", lambda: True)
    at.query_params.clear()
    for name, value in {**before, "pillars": "strong"}.items():
        at.query_params[name] = value
    at.run()
    assert at.session_state[state.GLOBAL_PILLARS] == ["strong"]

    at.query_params.clear()
    for name, value in before.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    assert at.session_state[state.GLOBAL_PILLARS] == [], "Back did not undo the filter"
    assert "pillars" not in query(at) and after_two != query(at)

    at.run()  # an ordinary rerun after that changes nothing
    assert at.session_state[state.GLOBAL_PILLARS] == []


def test_a_page_switch_that_clears_the_address_keeps_the_view():
    at = open_app("en")
    choose_pillars(at, ["strong"])
    at.query_params.clear()  # st.switch_page (a chart click that opens another page) clears the query
    at.switch_page("pages/themes.py").run()
    assert not at.exception
    assert at.session_state[state.GLOBAL_PILLARS] == ["strong"] and query(at).get("pillars") == "strong"


def test_the_headline_cards_give_each_value_with_its_year_qualifier_and_linked_source():
    from policylens import schema
    from policylens.indicators.table import load_indicators, select_headline_indicators
    from policylens.markup import escape_html

    rows = select_headline_indicators(load_indicators(), city="Nanjing")
    for lang in ("en", "zh"):
        at = open_app(lang)
        (grid,) = [m.value for m in at.markdown if "grid-template-columns" in m.value]
        for row in rows.to_dict("records"):
            name = row[schema.INDICATOR_ZH] if lang == "zh" else row[schema.INDICATOR_EN]
            assert escape_html(name) in grid
            assert t("indicators.as_of", lang, year=row[schema.YEAR], qualifier="") in grid
            assert f'href="{html.escape(row[schema.SOURCE_URL])}"' in grid, row[schema.SOURCE_URL]
        assert grid.count(t("indicators.sources_label", lang)) == len(rows)
    choose_pillars(at, ["fusion"])
    (grid,) = [m.value for m in at.markdown if "grid-template-columns" in m.value]
    fusion = rows[rows[schema.PILLAR] == "fusion"]
    assert 0 < grid.count(t("indicators.sources_label", "zh")) == len(fusion) < len(rows)
