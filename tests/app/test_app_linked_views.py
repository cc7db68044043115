"""AppTest: linked selection (chart clicks, the selection bar, Clear), the URL as view state (round
trips, invalid parameters), exports on every chart and table, and every label in both languages."""

import json
import re

import pytest
from apptest import PAGES, TIMEOUT, open_app
from streamlit.testing.v1 import AppTest

from policylens import paths
from policylens.i18n import STRINGS, t
from policylens.ui import state

PILLARS = state.widget_key(state.GLOBAL_PILLARS)
TERM = "high-quality development"  # a seed term among the top ten


def charts(at: AppTest) -> list[tuple[str, dict]]:
    """(element id, figure JSON) of every chart; the id ends with the chart's key."""
    return [(c.proto.id, json.loads(c.proto.spec)) for c in at.get("plotly_chart")]


def chart(at: AppTest, key: str) -> dict:
    (figure,) = [f for element_id, f in charts(at) if key in element_id]
    return figure


def query(at: AppTest) -> dict[str, str]:
    """The app's URL query (the last value of a repeated name)."""
    return {name: value if isinstance(value, str) else value[-1] for name, value in at.query_params.items()}


def selectable(at: AppTest) -> list[str]:
    return [c.proto.id for c in at.get("plotly_chart") if list(c.proto.selection_mode)]


def selection_bar(at: AppTest) -> str:
    bars = [m.value for m in at.markdown if "policylens-selection" in m.value]
    return bars[0] if bars else ""


# --- the click handler, as a plain function in a script run ---------------------------------


def click_script() -> None:
    import streamlit as st

    from policylens.ui import selection, state

    state.init_state("en")
    event = st.session_state.get("test.event")
    if event is not None:
        st.session_state["test.chart"] = event
        selection.handle_chart_click("test.chart", st.session_state["test.kind"], st.session_state["test.index"])
        del st.session_state["test.event"]


def click(at: AppTest, kind: str, customdata, index: int = 0) -> AppTest:
    at.session_state["test.event"] = {"selection": {"points": [{"customdata": customdata}], "point_indices": [0]}}
    at.session_state["test.kind"], at.session_state["test.index"] = kind, index
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_pillar_click_sets_the_pillar_filter_and_renews_the_charts():
    at = AppTest.from_function(click_script, default_timeout=TIMEOUT).run()
    click(at, "pillar", "strong")  # the Overview share bar: customdata = pillar id
    assert at.session_state[state.GLOBAL_PILLARS] == ["strong"]
    assert at.session_state[state.SELECTION_NONCE] == 1
    click(at, "pillar", [7, "fusion"], index=1)  # the Themes map: customdata = (paragraph, pillar id)
    assert at.session_state[state.GLOBAL_PILLARS] == ["fusion"]
    click(at, "pillar", "")  # the General bar selects nothing
    assert at.session_state[state.GLOBAL_PILLARS] == ["fusion"] and at.session_state[state.SELECTION_NONCE] == 2
    assert state.NAV_PENDING not in at.session_state


def test_a_term_click_selects_it_and_asks_for_keyword_in_context():
    at = AppTest.from_function(click_script, default_timeout=TIMEOUT).run()
    click(at, "term", [TERM, 4])  # a Distribution bubble: customdata = (term, paragraph)
    assert at.session_state[state.SELECTION_TERM] == TERM
    assert at.session_state[state.KWIC_QUERY] == f'"{TERM}"'  # a phrase is quoted
    assert at.session_state[state.NAV_PENDING] == "pages/kwic.py"


# --- the selection across the app ------------------------------------------------------------


def test_charts_that_select_are_clickable_and_carry_what_they_select():
    at = open_app()
    assert len(selectable(at)) == 4  # the share bars and the three pillar term bars
    share = chart(at, "overview.share")
    assert share["data"][0]["customdata"][:3] == ["new", "strong", "fusion"]
    for page, n in [
        ("pages/themes.py", 1),
        ("pages/terms.py", 2),
        ("pages/network.py", 1),
        ("pages/distribution.py", 1),
        ("pages/statistics.py", 1),
    ]:
        at.switch_page(page).run()
        assert len(selectable(at)) == n, page
        for _, figure in charts(at):
            assert "dragmode" not in figure["layout"], "a drag mode stops click selection"


def test_a_selected_term_opens_in_context_joins_the_distribution_and_clears_in_one_click():
    at = open_app()
    # what the term click's callback leaves in state (see the handler test above)
    at.session_state[state.SELECTION_TERM] = TERM
    at.session_state[state.KWIC_QUERY] = f'"{TERM}"'
    at.session_state[state.NAV_PENDING] = "pages/kwic.py"
    at.run()
    assert at.title[0].value == "Keyword in context"
    assert at.text_input(key="widget.kwic.query").value == f'"{TERM}"'
    assert f"term {TERM}" in selection_bar(at)
    assert query(at) == {"term": TERM}

    at.switch_page("pages/distribution.py").run()
    assert at.multiselect(key="widget.distribution.terms").value[0] == TERM
    dispersion = chart(at, "distribution.chart")
    assert f"<b>{TERM}</b>" in dispersion["layout"]["yaxis"]["ticktext"]
    assert dispersion["layout"]["shapes"], "the selected term's row is not highlighted"

    at.switch_page("pages/terms.py").run()
    bars = chart(at, "terms.bar")
    opacity = dict(zip(bars["data"][0]["y"], bars["data"][0]["marker"]["opacity"]))
    assert opacity[TERM] == 1.0 and min(opacity.values()) < 1.0

    at.button(key="selection.clear").click().run()
    assert at.session_state[state.SELECTION_TERM] is None and not selection_bar(at)
    assert "term" not in query(at)


def test_the_selection_bar_shows_the_pillar_filter_on_every_page_and_clears_it():
    at = open_app()
    at.multiselect(key=PILLARS).set_value(["strong"]).run()
    for page in PAGES:
        at.switch_page(page).run()
        assert "Filtered to: Strong" in selection_bar(at), page
    at.button(key="selection.clear").click().run()
    assert at.multiselect(key=PILLARS).value == [] and not selection_bar(at)


# --- the URL ---------------------------------------------------------------------------------


def test_the_url_follows_the_state_and_restores_it_in_a_new_session():
    at = open_app()
    assert query(at) == {}
    at.multiselect(key=PILLARS).set_value(["fusion", "new"]).run()
    at.segmented_control(key="widget.global.lang").set_value("zh").run()
    at.session_state[state.SELECTION_TERM] = TERM
    at.session_state[state.INDICATORS_CITIES] = ["Nanjing", "Hangzhou"]
    at.session_state[state.INDICATORS_YEARS] = (2018, 2023)
    at.session_state[state.INDICATORS_MEASURE] = "indexed"
    at.session_state[state.INDICATORS_SCALE] = "log"
    at.session_state[state.INDICATORS_SELECTED] = "college_students"
    at.run()
    shared = query(at)
    assert shared == {
        "pillars": "fusion,new",
        "lang": "zh",
        "term": TERM,
        "indicator": "college_students",
        "cities": "Nanjing,Hangzhou",
        "from": "2018",
        "to": "2023",
        "mode": "indexed",
        "scale": "log",
    }

    fresh = open_app(params=shared)  # a new browser session opening the shared link
    assert fresh.multiselect(key=PILLARS).value == ["fusion", "new"]
    assert fresh.title[0].value == "概览"
    for key, value in [
        (state.SELECTION_TERM, TERM),
        (state.INDICATORS_SELECTED, "college_students"),
        (state.INDICATORS_CITIES, ["Nanjing", "Hangzhou"]),
        (state.INDICATORS_YEARS, (2018, 2023)),
        (state.INDICATORS_MEASURE, "indexed"),
        (state.INDICATORS_SCALE, "log"),
    ]:
        assert fresh.session_state[key] == value, key
    assert not fresh.warning
    assert query(fresh) == shared


def test_invalid_parameters_are_ignored_with_a_notice_in_the_ui_language():
    at = open_app(
        params={
            "pillars": "strong,bogus",
            "term": "不存在的词",
            "doc": "plan.docx",
            "mode": "3d",
            "from": "1800",
            "cities": "Atlantis",
            "utm_source": "mail",
        }
    )
    assert at.multiselect(key=PILLARS).value == ["strong"]  # the valid part is kept
    (notice,) = [w.value for w in at.warning]
    for expected in ("bogus", "不存在的词", "plan\\.docx", "3d", "1800", "Atlantis", "utm\\_source"):
        assert expected in notice, expected
    assert "showing the seed" in notice
    assert query(at) == {"pillars": "strong"}
    at.button(key="url.dismiss").click().run()
    assert not at.warning

    zh = open_app(params={"lang": "zh", "indicator": "no_such_indicator"})
    (notice,) = [w.value for w in zh.warning]
    assert notice.startswith(t("url.notice.title", "zh")) and "内置数据中没有指标" in notice


def test_a_shared_link_to_a_page_restores_that_page_and_its_selection():
    at = AppTest.from_file(str(paths.ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["pillars"] = "strong"
    at.run()
    at.switch_page("pages/themes.py").run()
    assert not at.exception
    cards = [m.value for m in at.markdown if "border-left" in m.value]
    assert len(cards) == 1 and "Filtered to: Strong" in selection_bar(at)


# --- exports ---------------------------------------------------------------------------------


def download_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def test_every_chart_has_its_export_menu_and_every_table_its_downloads():
    at = open_app()
    for page in PAGES:
        at.switch_page(page).run()
        labels = download_labels(at)
        charts = len(at.get("plotly_chart"))
        assert labels.count(t("export.html", "en")) == charts, page
        assert labels.count(t("export.csv", "en")) == charts, page
        assert t("export.bundle", "en") in labels and t("export.report", "en") in labels, page
        assert all(
            b.proto.deferred_file_id
            for b in at.get("download_button")
            if b.label.startswith(("Chart", "This", "Report"))
        ), "a view export is built on a rerun instead of on click"
    at.switch_page("pages/statistics.py").run()
    assert download_labels(at).count("CSV") == 1 and download_labels(at).count("Excel") == 1
    at.switch_page("pages/terms.py").run()
    assert {"PNG", "SVG"} <= set(download_labels(at))  # the cloud image
    assert at.selectbox(key=state.widget_key(state.TERMS_CLOUD_WIDTH)).value == 1600


# --- both languages --------------------------------------------------------------------------

ENGLISH_ONLY = {v["en"] for v in STRINGS.values() if v["en"] != v["zh"] and "{" not in v["en"]}


def visible_labels(at: AppTest) -> list[str]:
    texts = [e.value for e in [*at.title, *at.header, *at.subheader, *at.caption]]
    for kind in (
        "button",
        "download_button",
        "slider",
        "selectbox",
        "multiselect",
        "text_input",
        "number_input",
        "toggle",
        "segmented_control",
        "text_area",
        "expander",
        "tab",
        "metric",
        "popover",
    ):
        texts += [getattr(e, "label", "") or "" for e in at.get(kind)]
    for frame in at.dataframe:
        config = json.loads(frame.proto.columns or "{}")
        texts += [c.get("label", "") for c in config.values() if isinstance(c, dict)]
        # a column shown without a configured label shows its raw (English) name
        texts += [
            f"raw column {name}"
            for name in frame.value.columns
            if str(name) not in config and re.fullmatch(r"[A-Za-z_ ]+", str(name))
        ]
    return [text for text in texts if text]


@pytest.mark.parametrize("page", PAGES)
def test_chinese_ui_shows_no_english_label(page):
    at = open_app()
    at.segmented_control(key="widget.global.lang").set_value("zh").run()
    at.multiselect(key=PILLARS).set_value(["strong"]).run()  # the selection bar too
    at.switch_page(page).run()
    assert not at.exception, at.exception
    english = [text for text in visible_labels(at) if text in ENGLISH_ONLY or text.startswith("raw column")]
    assert english == [], f"{page} shows English labels in the Chinese UI: {english}"
    assert at.title[0].value in {v["zh"] for v in STRINGS.values()}
    at.segmented_control(key="widget.global.lang").set_value("en").run()
    assert at.title[0].value in {v["en"] for v in STRINGS.values()}
    # the scan sees the labels: in English, the sidebar's and the page's own are found
    assert {t("sidebar.pillars", "en"), t("export.report", "en")} <= set(visible_labels(at))
