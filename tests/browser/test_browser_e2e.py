"""End-to-end: the real app in headless Chromium: every page, the pillar filter, 中文 and the CJK web font.

Screenshots of every page (each language, filtered and not) go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from policylens import paths
from policylens.fonts.bundled import STATIC_FONT_NAME
from policylens.fonts.web import parse_unicode_range, read_manifest, streamlit_font_faces
from policylens.i18n import t
from policylens.text.pillars import load_codebook
from policylens.ui.kwic import count_line as kwic_count_line

pytestmark = pytest.mark.browser

FIRST_LOAD_TIMEOUT_MS = 120_000  # the first session of a server builds the tokenizer and the analysis
RERUN_TIMEOUT_MS = 60_000
VIEWPORT = {"width": 1400, "height": 900}
SCREENSHOTS = paths.ROOT / "artifacts" / "screenshots"
FONT_DIR = "/app/static/fonts/"
# The views this suite knows (URL path -> i18n name); any further page in the nav is visited too.
KNOWN_PAGES = {"/": "overview", "/themes": "themes", "/terms": "terms", "/indicators": "indicators"}
STRONG_OPTION = "Strong 强"

ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'

# The app is idle and drawn: no script run, no stale or still-loading element, no visible status
# widget, and every plotly element has drawn its SVG (plotly.js is a lazily loaded chunk).
SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) {
    return false;
  }
  for (const w of document.querySelectorAll('[data-testid="stStatusWidget"]')) {
    if (w.getClientRects().length) return false;
  }
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('.js-plotly-plot .main-svg')) return false;
  }
  return true;
}"""

# Outcomes an interaction waits for (each takes one argument).
TITLE_IS_JS = """title => [...document.querySelectorAll('[data-testid="stMain"] h1')]
  .some(h => h.textContent.trim() === title)"""
TITLE_CHANGED_FROM_JS = """old => {
  const titles = [...document.querySelectorAll('[data-testid="stMain"] h1')].map(h => h.textContent.trim());
  return titles.length > 0 && !titles.includes(old);
}"""
MAIN_SHOWS_JS = (
    """text => (document.querySelector('[data-testid="stMain"]') || {innerText: ''}).innerText.includes(text)"""
)
# The sidebar's text, without the word joiners that break file names, includes `text`.
SIDEBAR_SHOWS_JS = (
    """text => (document.querySelector('[data-testid="stSidebar"]') || {innerText: ''}).innerText"""
    """.replaceAll('\\u2060', '').includes(text)"""
)

# True when the sidebar has not scrolled across two animation frames.
SIDEBAR_STILL_JS = """() => new Promise(resolve => {
  const el = document.querySelector('[data-testid="stSidebarContent"]');
  const top = el ? el.scrollTop : 0;
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(!el || el.scrollTop === top)));
})"""

CHARTS_JS = """els => els.map(gd => ({
  title: (gd.querySelector('.gtitle') || {}).textContent || '',
  traces: (gd.data || []).map(tr => tr.name || ''),
  nonempty: (gd.data || []).some(tr => ['x', 'y', 'z', 'values'].some(k => tr[k] && tr[k].length)),
  bars: gd.querySelectorAll('.barlayer .point').length,
  faded: (gd.data || []).reduce((n, tr) => n + (tr.marker && Array.isArray(tr.marker.color)
    ? tr.marker.color.filter(c => String(c).startsWith('rgba(')).length : 0), 0),
}))"""

NAV_SECTION = '[data-testid="stTopNavSection"]'  # the page menus in the header (st.navigation position="top")
NAV_LINK = '[data-testid="stTopNavDropdownLink"]'  # a page link in the open menu

# Each Noto Sans SC face's status by its unicode-range. (document.fonts.check() is no probe: it wants
# every face whose range touches the text loaded, and the rare-character slice's declared range runs
# across the common characters that later-declared slices draw; see fonts.web.declared_ranges.)
FONT_JS = """async () => {
  await document.fonts.ready;
  return Object.fromEntries([...document.fonts]
    .filter(f => f.family.replace(/["']/g, '') === 'Noto Sans SC')
    .map(f => [f.unicodeRange.replace(/ /g, ''), f.status]));
}"""


@dataclass
class App:
    """A browser tab on the app, with what the network and the page reported."""

    page: object  # playwright.sync_api.Page
    base_url: str
    responses: dict[str, int] = field(default_factory=dict)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module", autouse=True)
def fresh_screenshots_folder() -> None:
    """Drop the previous run's screenshots, so the folder shows only what this run saw."""
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()


@pytest.fixture(scope="module")
def shared_context(browser):
    """One browser context for most tests: its HTTP cache spares re-fetching the frontend each time.

    Every test still opens its own tab, hence its own Streamlit session with default state.
    """
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def open_app(context, base_url: str) -> App:
    """A new tab showing the fully drawn Overview; fails at once if the app shows an error instead."""
    page = context.new_page()
    page.set_default_timeout(RERUN_TIMEOUT_MS)
    opened = App(page, base_url)
    page.on("response", lambda r: opened.responses.setdefault(urlparse(r.url).path, r.status))
    page.on("pageerror", lambda exc: opened.page_errors.append(str(exc)))
    page.goto(base_url + "/")
    wait_for_outcome(page, TITLE_IS_JS, "Overview", FIRST_LOAD_TIMEOUT_MS)
    return opened


@pytest.fixture
def app(shared_context, streamlit_server) -> Iterator[App]:
    opened = open_app(shared_context, streamlit_server)
    try:
        yield opened
        assert not opened.page_errors, f"uncaught JavaScript errors: {opened.page_errors}"
    finally:
        opened.page.close()


@pytest.fixture
def fresh_app(browser, streamlit_server) -> Iterator[App]:
    """Like `app`, in a new context with an empty cache, so every download shows on the network."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        opened = open_app(context, streamlit_server)
        yield opened
        assert not opened.page_errors, f"uncaught JavaScript errors: {opened.page_errors}"
    finally:
        context.close()


def settle(page, timeout: int = RERUN_TIMEOUT_MS) -> None:
    page.wait_for_function(SETTLED_JS, timeout=timeout)


def error_text(page) -> str:
    return "\n".join(page.locator(ERROR_SELECTOR).all_inner_texts())


def wait_for_outcome(page, done_js: str, arg: str, timeout: int = RERUN_TIMEOUT_MS) -> None:
    """Wait until `done_js(arg)` holds and the app has settled; fail at once if the app shows an error."""
    page.wait_for_function(
        f"arg => document.querySelector({ERROR_SELECTOR!r}) !== null || ({done_js})(arg)",
        arg=arg,
        timeout=timeout,
    )
    assert not page.locator(ERROR_SELECTOR).count(), f"the app shows an error: {error_text(page)}"
    settle(page, timeout)


@contextmanager
def rerun(page, done_js: str, arg: str) -> Iterator[None]:
    """Wrap an interaction: afterwards wait for its visible outcome, then for the rerun to finish.

    The outcome is awaited first because the script-state attribute alone can miss a quick rerun:
    the frontend may apply "running" and "notRunning" in one render, so no change is ever seen.
    """
    assert not page.evaluate(done_js, arg), f"the outcome {arg!r} is there before the interaction"
    yield
    wait_for_outcome(page, done_js, arg)


def eventually(page, check: Callable[[], bool], timeout_s: float = 10) -> bool:
    """Poll `check` until it holds or time runs out: plotly applies a new figure asynchronously."""
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return result


def assert_no_errors(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, f"exception shown: {error_text(page)}"
    assert page.get_by_text("Traceback").count() == 0, "the page shows a traceback"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"the page shows an error: {errors.all_inner_texts()}"


def title_of(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def charts(page) -> list[dict]:
    return page.locator('[data-testid="stMain"] .js-plotly-plot').evaluate_all(CHARTS_JS)


def chart_titled(page, title: str) -> dict:
    matches = [c for c in charts(page) if title in c["title"]]
    assert len(matches) == 1, f"expected one chart titled {title!r}, got {[c['title'] for c in charts(page)]}"
    return matches[0]


def paragraph_cards(page) -> int:
    return page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] div[style*="border-left"]').count()


def pillar_filter(page, lang: str = "en"):
    """The sidebar's pillar multiselect, found by its label."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has_text=t("sidebar.pillars", lang)
    )


def open_dropdown(page, multiselect) -> None:
    """Open a multiselect's option list so that it stays open.

    The list closes on any scroll of the sidebar, and the scroll that brings the widget into view
    lands asynchronously: scroll first, let it settle for two frames, then open (retried twice).
    """
    button = multiselect.locator('button[aria-haspopup="listbox"]')
    expanded = multiselect.locator('input[role="combobox"][aria-expanded="true"]')
    for _ in range(3):
        button.scroll_into_view_if_needed()
        page.wait_for_function(SIDEBAR_STILL_JS)
        button.click()
        if eventually(page, lambda: expanded.count() > 0, timeout_s=3):
            page.wait_for_function(SIDEBAR_STILL_JS)
            if expanded.count():
                return
    raise AssertionError("the multiselect's option list does not stay open")


def filtered_to(pillar_id: str, lang: str) -> str:
    """The selection bar's text for a pillar filter."""
    return t("selection.pillars", lang, pillars=load_codebook(paths.PILLARS_CODEBOOK).get(pillar_id).label(lang))


def choose_pillar(page, option: str, lang: str = "en") -> None:
    """Open the pillar filter (no pillar chosen yet) and pick one option."""
    multiselect = pillar_filter(page, lang)
    open_dropdown(page, multiselect)
    pillar_id = {"Strong 强": "strong"}[option]
    with rerun(page, MAIN_SHOWS_JS, filtered_to(pillar_id, lang)):
        page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")  # close the dropdown so it does not cover the page
    assert option in multiselect.inner_text()


def switch_language(page, name: str, title: str) -> None:
    """Click a language in the sidebar's segmented control; `title` is the page title it leads to."""
    with rerun(page, TITLE_IS_JS, title):
        page.locator('[data-testid="stSidebar"]').get_by_role("radio", name=name, exact=True).click()


def open_nav_menu(page, index: int):
    """Open the header's page menu number `index`; returns its page links."""
    page.locator(NAV_SECTION).nth(index).click()
    links = page.locator(NAV_LINK)
    links.first.wait_for(state="visible")
    return links


def close_nav_menu(page) -> None:
    page.keyboard.press("Escape")
    page.locator(NAV_LINK).first.wait_for(state="hidden")


def nav_menus(page) -> list[tuple[str, list[tuple[str, str]]]]:
    """(section, [(page title, URL path), ...]) of every menu of the header navigation, each opened in turn."""
    menus = []
    for index in range(page.locator(NAV_SECTION).count()):
        section = page.locator(NAV_SECTION).nth(index).inner_text().strip()
        links = open_nav_menu(page, index)
        found = links.evaluate_all("els => els.map(e => [e.innerText.trim(), e.href])")
        menus.append((section, [(title, urlparse(href).path) for title, href in found]))
        close_nav_menu(page)
    return menus


def nav_paths(page) -> list[str]:
    return [path for _, links in nav_menus(page) for _, path in links]


def nav_text(page) -> str:
    """Every section and page title of the navigation."""
    return "\n".join(f"{section}\n" + "\n".join(title for title, _ in links) for section, links in nav_menus(page))


def follow_nav_link(page, path: str) -> None:
    """Click the navigation link whose URL path is `path` (in its section's menu) and wait for that page."""
    for index, (_, links) in enumerate(nav_menus(page)):
        paths = [p for _, p in links]
        if path in paths:
            with rerun(page, TITLE_CHANGED_FROM_JS, title_of(page)):
                open_nav_menu(page, index).nth(paths.index(path)).click()
            break
    else:
        raise AssertionError(f"no navigation link to {path}")
    assert urlparse(page.url).path == path


def save_screenshot(page, name: str) -> None:
    """A full-page PNG: the viewport is stretched to the content, since Streamlit scrolls inside stMain."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("""() => Math.max(...['[data-testid="stMain"]', '[data-testid="stSidebarContent"]']
        .map(s => (document.querySelector(s) || {}).scrollHeight || 0))""")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(VIEWPORT["height"], height)})
    try:
        settle(page)
        page.evaluate("() => document.fonts.ready.then(() => undefined)")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)
        settle(page)


def test_app_opens_on_overview_without_errors(app):
    page = app.page
    assert title_of(page) == "Overview"
    assert_no_errors(page)
    assert page.locator('[data-testid="stMain"] [data-testid="stMetric"]').count() >= 4
    assert charts(page), "the Overview shows no plotly chart"
    assert set(KNOWN_PAGES) <= set(nav_paths(page)), nav_paths(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("pillar", [None, "strong"], ids=["all", "strong"])
def test_every_page_renders_through_the_sidebar_nav(app, lang, pillar):
    page = app.page
    if lang == "zh":
        switch_language(page, "中文", t("overview.title", "zh"))
    if pillar:
        choose_pillar(page, STRONG_OPTION, lang)
    paths_in_nav = nav_paths(page)
    # every page through its link, the Overview (where the tab starts) last
    for number, path in enumerate([p for p in paths_in_nav if p != "/"] + ["/"], start=1):
        name = KNOWN_PAGES.get(path, path.strip("/").replace("/", "-"))
        follow_nav_link(page, path)
        assert_no_errors(page)
        if path in KNOWN_PAGES:
            assert title_of(page) == t(f"{name}.title", lang)
            drawn = charts(page)
            assert drawn, f"{name} shows no plotly chart"
            assert all(c["nonempty"] for c in drawn), f"{name} has an empty chart: {drawn}"
        if pillar and path in KNOWN_PAGES:
            assert page.locator('[data-testid="stMain"]').get_by_text(filtered_to("strong", lang)).count() >= 1
        save_screenshot(page, f"{lang}-{pillar or 'all'}-{number}-{name}")


def test_pillar_filter_narrows_the_themes_page(app):
    page = app.page
    follow_nav_link(page, "/themes")
    map_title = t("figure.paragraph_map.title", "en")
    cards_before = paragraph_cards(page)
    traces_before = chart_titled(page, map_title)["traces"]
    assert cards_before > 1 and len(traces_before) > 1

    choose_pillar(page, STRONG_OPTION)

    cards_after = paragraph_cards(page)
    assert 0 < cards_after < cards_before
    assert eventually(page, lambda: chart_titled(page, map_title)["traces"] == ["Strong"]), charts(page)
    assert_no_errors(page)


def faded_to_one(chart: dict) -> bool:
    """The pillar-share chart under a one-pillar filter: every bar stays (to click another), all but one faded."""
    return chart["bars"] >= 3 and chart["faded"] == chart["bars"] - 1


def test_pillar_filter_narrows_the_overview_and_survives_a_page_switch(app):
    page = app.page
    share_title = t("figure.pillar_share.title", "en")
    bars_before = chart_titled(page, share_title)["bars"]
    assert bars_before >= 3  # New, Strong, Fusion (and General)

    choose_pillar(page, STRONG_OPTION)
    assert eventually(page, lambda: faded_to_one(chart_titled(page, share_title))), charts(page)

    follow_nav_link(page, "/terms")
    follow_nav_link(page, "/")
    assert STRONG_OPTION in pillar_filter(page).inner_text()
    assert eventually(page, lambda: faded_to_one(chart_titled(page, share_title))), charts(page)
    assert_no_errors(page)


def test_language_switch_shows_chinese_titles(app):
    page = app.page
    switch_language(page, "中文", "概览")
    assert title_of(page) == "概览"
    labels = nav_text(page)
    assert all(label in labels for label in ("主题", "词语", "指标"))
    follow_nav_link(page, "/themes")
    assert title_of(page) == "主题"  # the choice holds across pages
    chart_titled(page, "各支柱在文档中的位置")  # chart titles follow the language too
    assert_no_errors(page)


def test_cjk_web_font_is_served_and_loaded(fresh_app):
    page = fresh_app.page
    switch_language(page, "中文", "概览")
    status = page.evaluate(FONT_JS)
    faces = streamlit_font_faces()
    assert len(status) == len(faces), f"Noto Sans SC faces on the page: {status}"
    # the face whose declared range is checked first for 新质生产力 (the one that holds them) is loaded
    wanted = {ord(c) for c in "新质生产力"}
    holder = next(f for f in reversed(faces) if wanted <= parse_unicode_range(f["unicodeRange"]))
    assert status[holder["unicodeRange"]] == "loaded", status
    # the browser fetched only the WOFF2 slices the page's characters need, never the 7.2 MB OTF ...
    manifest = read_manifest()
    assert manifest, "no web-font slices: `python -m policylens install-font` builds them"
    slice_paths = [FONT_DIR + s["file"] for s in manifest["slices"]]
    fetched = [p for p in slice_paths if fresh_app.responses.get(p) == 200]
    assert slice_paths[0] in fetched and slice_paths[1] in fetched, fresh_app.responses
    assert slice_paths[-1] not in fetched  # the rare-character slice (3.5 MB) is not needed here
    assert FONT_DIR + STATIC_FONT_NAME not in fresh_app.responses
    # ... and the server answers for each slice directly
    response = page.request.get(fresh_app.base_url + slice_paths[1])
    assert response.status == 200
    assert len(response.body()) == manifest["slices"][1]["bytes"]


ZH_UPLOAD = (
    "南京新质生产力发展要点\n\n"
    "以“新”为勇。坚持科技创新引领，加快科技成果转化，打造产业科技创新中心。\n\n"
    "以“融”共生。推动创新链产业链资金链人才链深度融合，营造创新生态。\n"
)


def upload_file(page, path: Path, loaded_message: str) -> None:
    """Open the sidebar's 'Add a document' box, upload `path`, and wait for the loaded message."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if not sidebar.locator('[data-testid="stFileUploaderDropzoneInput"]').count():
        sidebar.get_by_text("Add a document").click()
    with rerun(page, "text => document.body.innerText.includes(text)", loaded_message):
        sidebar.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))


def test_upload_gb18030_text_and_docx_then_search_in_context(fresh_app, tmp_path):
    page = fresh_app.page
    gbk = tmp_path / "政策_gb18030.txt"
    gbk.write_bytes(ZH_UPLOAD.encode("gb18030"))
    upload_file(page, gbk, "GB18030")  # the notice is in Chinese once the UI follows the document
    assert_no_errors(page)
    # the Overview's document summary reports the detected encoding
    assert "gb18030" in page.locator('[data-testid="stMain"]').inner_text()

    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("加快发展新质生产力。")
    document.add_paragraph("推动创新链产业链深度融合，建设创新生态。")
    word = tmp_path / "policy.docx"
    document.save(word)
    upload_file(page, word, "policy.docx")
    assert_no_errors(page)

    follow_nav_link(page, "/kwic")
    search = page.locator('[data-testid="stMain"] [data-testid="stTextInputField"]').first
    # the UI now follows the Chinese document's language
    count_line = kwic_count_line(2, 1, "zh")
    with rerun(page, "text => document.body.innerText.includes(text)", count_line):
        search.fill("创新*")
        search.press("Enter")
    # the .docx is active: 创新* matches the whole tokens 创新链 and 创新生态, in document order
    assert page.locator(".kwic-match").all_inner_texts() == ["创新链", "创新生态"]
    assert count_line in page.locator('[data-testid="stMain"]').inner_text()
    save_screenshot(page, "upload-docx-kwic")


def test_the_bottom_pager_turns_the_page_and_shows_the_new_page_from_its_top(fresh_app, tmp_path):
    page = fresh_app.page
    long = tmp_path / "long.txt"
    paragraph = "第{}段：加快发展新质生产力，推动科技创新和产业创新深度融合。"
    long.write_text("\n\n".join(paragraph.format(n) for n in range(1, 121)))
    upload_file(page, long, "long.txt")
    follow_nav_link(page, "/themes")
    main = page.locator('[data-testid="stMain"]')
    bottom_next = main.locator('[data-testid="stButton"] button').filter(has_text=t("pager.next", "zh")).last
    bottom_next.scroll_into_view_if_needed()
    top_pager = main.locator('[data-testid="stNumberInput"]').first
    assert top_pager.bounding_box()["y"] < 0  # scrolled past: the top pager is above the window
    with rerun(page, MAIN_SHOWS_JS, "第51段"):
        bottom_next.click()
    assert top_pager.locator("input").input_value() == "2"
    box = top_pager.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= VIEWPORT["height"], f"top pager out of view: {box}"
    assert_no_errors(page)


def test_clicking_a_network_term_opens_it_in_context(app):
    page = app.page
    follow_nav_link(page, "/network")
    nodes = page.locator('[data-testid="stMain"] .js-plotly-plot .scatterlayer .trace .points path')
    assert eventually(page, lambda: nodes.count() >= 10), "the network drew no nodes"
    box = nodes.nth(0).bounding_box()
    with rerun(page, TITLE_IS_JS, "Keyword in context"):
        # the lower half of the marker: the term's label sits above it
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8)
    query = page.locator('[data-testid="stMain"] [data-testid="stTextInputField"]').first.input_value()
    assert query.strip('"') and page.locator(".kwic-line").count() >= 1
    assert_no_errors(page)


# --- issue 5: linked views, shared links and downloads ---------------------------------------

FORMULA_DOC = (
    '=HYPERLINK("http://example.invalid","click") Nanjing builds new quality productive forces.\n\n'
    "+1 innovation chains and industrial chains grow together in Nanjing.\n\n"
    "@SUM(A1) talent and capital serve the real economy of Nanjing.\n"
)
REPORT_REMOTE_LOAD = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


def download(page, button, timeout: int = 120_000) -> Path:
    """Click a download button (a link to the server's download route; the file is built on click)
    and return the saved file."""
    with page.expect_download(timeout=timeout) as info:
        button.click()
    return Path(info.value.path())


def open_export_menu(page, index: int):
    """Open the Export popover under the `index`-th chart of the page; return the popover body."""
    page.locator('[data-testid="stMain"] [data-testid="stPopover"] button').nth(index).click()
    body = page.locator('[data-testid="stPopoverBody"]').last
    body.wait_for(state="visible")
    return body


def click_share_bar(page, index: int, pillar_id: str) -> None:
    """Click bar `index` of the Overview's pillar-share chart (New, Strong, Fusion, General) and wait for its filter."""
    bars = page.locator('[data-testid="stMain"] .js-plotly-plot').first.locator(".barlayer .point path")
    assert eventually(page, lambda: bars.count() >= 4), "the pillar share chart drew no bars"
    bars.nth(index).scroll_into_view_if_needed()  # under a filter its note pushes the chart down
    box = bars.nth(index).bounding_box()
    with rerun(page, MAIN_SHOWS_JS, filtered_to(pillar_id, "en")):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_another_pillar_can_be_clicked_under_a_filter_and_back_undoes_each_filter(app):
    page = app.page
    start = page.url
    click_share_bar(page, 1, "strong")
    assert eventually(page, lambda: "pillars=strong" in page.url), page.url
    click_share_bar(page, 2, "fusion")  # the Strong filter left every bar clickable
    assert eventually(page, lambda: "pillars=fusion" in page.url), page.url
    assert "Fusion" in pillar_filter(page).inner_text()

    with rerun(page, MAIN_SHOWS_JS, filtered_to("strong", "en")):
        page.go_back()
    assert eventually(page, lambda: "Strong" in pillar_filter(page).inner_text()), pillar_filter(page).inner_text()
    page.go_back()
    assert eventually(page, lambda: "Strong" not in pillar_filter(page).inner_text()), "Back did not undo the filter"
    share_title = t("figure.pillar_share.title", "en")

    def unfiltered() -> bool:  # one share chart, redrawn with no bar faded (mid-redraw there may be none)
        shown = [c for c in charts(page) if share_title in c["title"]]
        return len(shown) == 1 and shown[0]["bars"] >= 3 and shown[0]["faded"] == 0

    assert eventually(page, unfiltered), charts(page)
    assert page.url == start and "pillars" not in page.url
    assert_no_errors(page)


def test_clicking_a_pillar_bar_filters_and_the_shared_link_shows_the_same_view(app, browser, streamlit_server):
    page = app.page
    share = page.locator('[data-testid="stMain"] .js-plotly-plot').first
    bars = share.locator(".barlayer .point path")
    assert eventually(page, lambda: bars.count() >= 3), "the pillar share chart drew no bars"
    box = bars.nth(1).bounding_box()  # New, Strong, Fusion, General: the second bar is Strong
    with rerun(page, MAIN_SHOWS_JS, filtered_to("strong", "en")):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert "Strong" in pillar_filter(page).inner_text()
    assert eventually(page, lambda: "pillars=strong" in page.url), f"the URL does not hold the filter: {page.url}"
    shared_url = page.url
    save_screenshot(page, "linked-pillar-click")

    context = browser.new_context(viewport=VIEWPORT)  # a fresh browser, nothing shared but the link
    try:
        other = context.new_page()
        other.set_default_timeout(RERUN_TIMEOUT_MS)
        other.goto(shared_url)
        wait_for_outcome(other, MAIN_SHOWS_JS, filtered_to("strong", "en"), FIRST_LOAD_TIMEOUT_MS)
        assert title_of(other) == "Overview" and "Strong" in pillar_filter(other).inner_text()
        assert eventually(other, lambda: charts(other) and faded_to_one(charts(other)[0])), (
            "the share chart is not filtered"
        )
        assert_no_errors(other)
    finally:
        context.close()


def test_a_shared_link_to_a_page_opens_it_in_the_shell_on_a_new_server_s_first_run(browser, fresh_streamlit_server):
    """The first run of a server is a deep link: Streamlit starts in its legacy pages/ mode and runs
    pages/kwic.py by itself; the page hands itself back to dashboard.py (policylens.ui.navigation),
    so the view has dashboard.py's navigation, sidebar and the state the link carries."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.set_default_timeout(RERUN_TIMEOUT_MS)
        page.goto(fresh_streamlit_server + "/kwic?pillars=strong&lang=zh")
        wait_for_outcome(page, TITLE_IS_JS, t("kwic.title", "zh"), FIRST_LOAD_TIMEOUT_MS)
        assert urlparse(page.url).path == "/kwic"
        paths_in_nav = nav_paths(page)
        assert "/" in paths_in_nav and "/kwic" in paths_in_nav and "/overview" not in paths_in_nav, paths_in_nav
        labels = nav_text(page)
        assert t("nav.kwic", "zh") in labels and t("nav.indicators", "zh") in labels, labels
        assert "Strong" in pillar_filter(page, "zh").inner_text()  # the shell's sidebar, set from the link
        assert page.locator('[data-testid="stMain"]').get_by_text(filtered_to("strong", "zh")).count() >= 1
        assert page.locator('[data-testid="stSidebar"]').get_by_text(t("export.bundle", "zh")).count() >= 1
        assert_no_errors(page)
        save_screenshot(page, "deep-link-first-run-kwic")
    finally:
        context.close()


def test_downloads_csv_png_and_report_are_what_they_claim(fresh_app):
    from PIL import Image

    pd = pytest.importorskip("pandas")
    page = fresh_app.page
    # the Overview's pillar share chart as PNG: 900 x 300 px at scale 2 (kaleido, the bundled font)
    menu = open_export_menu(page, 0)
    png = download(page, menu.get_by_role("link", name=t("export.png", "en")))
    with Image.open(png) as image:
        image.load()
        assert image.format == "PNG" and image.size == (1800, 600)
        assert len(image.getcolors(1 << 16) or range(1 << 16)) > 10, "the PNG is blank"
    page.keyboard.press("Escape")

    # a pasted document whose paragraphs start like spreadsheet formulas
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    page.locator('[data-testid="stSidebar"] textarea').fill(FORMULA_DOC)
    sidebar_shows = """text => document.querySelector('[data-testid="stSidebar"]').innerText.includes(text)"""
    with rerun(page, sidebar_shows, "· 3 paragraphs"):
        page.locator('[data-testid="stSidebar"]').get_by_role("button", name=t("docs.paste_button", "en")).click()
    follow_nav_link(page, "/themes")
    csv = download(page, page.locator('[data-testid="stMain"]').get_by_role("link", name="CSV", exact=True))
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf"), "no UTF-8 BOM for Excel"
    table = pd.read_csv(csv, encoding="utf-8-sig")
    texts = table[t("themes.column.text", "en")].tolist()
    assert texts[0].startswith("'=HYPERLINK(") and texts[1].startswith("'+1 ") and texts[2].startswith("'@SUM")
    assert len(table) == 3

    report = download(
        page, page.locator('[data-testid="stSidebar"]').get_by_role("link", name=t("export.report", "en"))
    )
    html_text = report.read_text(encoding="utf-8")
    assert html_text.count('class="plotly-graph-div"') >= 1 and "Plotly.newPlot" in html_text
    assert not REPORT_REMOTE_LOAD.search(html_text), "the report loads something from the network"
    # the view bundle, built in a worker process with its charts' PNG and SVG (kaleido)
    bundle = download(
        page, page.locator('[data-testid="stSidebar"]').get_by_role("link", name=t("export.bundle", "en"))
    )
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert "provenance.json" in names and any(n.endswith(".png") for n in names), names
        assert any(n.startswith("tables/") for n in names), names  # the Themes page's paragraph table
    save_screenshot(page, "downloads-themes")
