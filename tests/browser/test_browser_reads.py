"""Browser: a document upload that takes long shows its progress bar and Cancel in the sidebar;
Cancel stops it, the sidebar says so, and the document in view stays. The server of this module
reads uploads named "slow-…" slowly (tests/slow_reads/sitecustomize.py on its PYTHONPATH)."""

from __future__ import annotations

import os

import pytest
from conftest import SERVER_LOG, serve_dashboard
from test_browser_e2e import FIRST_LOAD_TIMEOUT_MS, RERUN_TIMEOUT_MS, TITLE_IS_JS, settle, wait_for_outcome

from policylens import paths
from policylens.i18n import t
from policylens.markup import WORD_JOINER

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'
SLOW = paths.ROOT / "tests" / "slow_reads"
SIDEBAR_SHOWS_JS = (
    """text => (document.querySelector('[data-testid="stSidebar"]') || {innerText: ''}).innerText"""
    """.replaceAll('\\u2060', '').includes(text)"""
)


@pytest.fixture(scope="module")
def slow_reads_server():
    path = os.pathsep.join(filter(None, [str(SLOW), str(paths.ROOT), os.environ.get("PYTHONPATH")]))
    with serve_dashboard(SERVER_LOG.with_name("streamlit-server-slow-reads.log"), {"PYTHONPATH": path}) as url:
        yield url


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh", 1024)])
def test_a_long_read_shows_progress_and_cancel_stops_it_with_a_message(browser, slow_reads_server, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(RERUN_TIMEOUT_MS)
        page.goto(slow_reads_server + ("/?lang=zh" if lang == "zh" else "/"))
        wait_for_outcome(page, TITLE_IS_JS, t("overview.title", lang), FIRST_LOAD_TIMEOUT_MS)
        settle(page)
        title = page.locator('[data-testid="stMain"] h1').first.inner_text()
        page.locator(f'{SIDEBAR} [data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
            files=[{"name": "slow-report.txt", "mimeType": "text/plain", "buffer": "南京加快发展新质生产力。".encode()}]
        )
        reading = t("docs.reading", lang, name="slow-report.txt", seconds="0", limit="30").split("0")[0]
        page.wait_for_function(SIDEBAR_SHOWS_JS, arg=reading)
        bar = page.locator(f'{SIDEBAR} [data-testid="stProgress"]')
        assert bar.count() == 1
        page.screenshot(path=f"/tmp/reading_{lang}_{width}.png")
        page.locator(f"{SIDEBAR} button").filter(has_text=t("docs.cancel", lang)).click()
        reason = t("docs.error.cancelled", lang)
        page.wait_for_function(SIDEBAR_SHOWS_JS, arg=reason)  # the notice shows without another click
        settle(page)
        assert bar.count() == 0
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == title  # the same page, unchanged
        failed = t("docs.failed", lang, name="slow-report.txt", reason=reason).replace(WORD_JOINER, "")
        assert failed.split(reason)[0].strip() in page.locator(SIDEBAR).inner_text().replace(WORD_JOINER, "")
        page.screenshot(path=f"/tmp/cancelled_{lang}_{width}.png")
    finally:
        context.close()
