"""Browser: a document upload that takes long shows its progress bar and Cancel in the sidebar;
Cancel stops it, the sidebar says so, and the document in view stays. A large document's analysis
shows a notice with Cancel, which goes back to the seed. The server of this module reads uploads
named "slow-read…" and analyses documents named "slow-…" slowly (tests/slow_reads/sitecustomize.py
on its PYTHONPATH)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from test_browser_e2e import (
    FIRST_LOAD_TIMEOUT_MS,
    MAIN_SHOWS_JS,
    RERUN_TIMEOUT_MS,
    SIDEBAR_SHOWS_JS,
    TITLE_IS_JS,
    settle,
    wait_for_outcome,
)

from policylens.i18n import t
from policylens.markup import WORD_JOINER

pytestmark = pytest.mark.browser

SIDEBAR = '[data-testid="stSidebar"]'


@contextmanager
def overview(browser, url: str, lang: str, width: int) -> Iterator:
    """A settled Overview of the seed in a new browser context, the UI language chosen in the URL."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.set_default_timeout(RERUN_TIMEOUT_MS)
        page.goto(f"{url}/?lang={lang}")  # chosen: a Chinese upload keeps the English UI
        wait_for_outcome(page, TITLE_IS_JS, t("overview.title", lang), FIRST_LOAD_TIMEOUT_MS)
        settle(page)
        yield page
    finally:
        context.close()


def upload(page, name: str, text: str) -> None:
    page.locator(f'{SIDEBAR} [data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[{"name": name, "mimeType": "text/plain", "buffer": text.encode()}]
    )


@pytest.mark.parametrize(("lang", "width"), [("en", 1440), ("zh", 1024)])
def test_a_long_read_shows_progress_and_cancel_stops_it_with_a_message(browser, slow_reads_server, lang, width):
    with overview(browser, slow_reads_server, lang, width) as page:
        title = page.locator('[data-testid="stMain"] h1').first.inner_text()
        upload(page, "slow-read.txt", "南京加快发展新质生产力。")
        reading = t("docs.reading", lang, name="slow-read.txt", seconds="0", limit="30").split("0")[0]
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
        failed = t("docs.failed", lang, name="slow-read.txt", reason=reason).replace(WORD_JOINER, "")
        assert failed.split(reason)[0].strip() in page.locator(SIDEBAR).inner_text().replace(WORD_JOINER, "")
        page.screenshot(path=f"/tmp/cancelled_{lang}_{width}.png")


@pytest.mark.parametrize(("lang", "width"), [("zh", 1440), ("en", 1024)])
def test_a_large_documents_analysis_shows_a_notice_and_cancel_goes_back_to_the_seed(
    browser, slow_reads_server, lang, width
):
    from policylens.ui.heavy import WORKER_CHARACTERS

    paragraph = "南京加快发展新质生产力，推动科技创新和产业创新深度融合，建设现代化产业体系。"
    text = "\n\n".join([paragraph * 10] * (WORKER_CHARACTERS // (len(paragraph) * 10) + 1))
    with overview(browser, slow_reads_server, lang, width) as page:
        upload(page, "slow-analysis.txt", text)
        analysing = t("docs.analysing", lang, name="slow-analysis.txt", characters=len(text), limit="60")
        page.wait_for_function(MAIN_SHOWS_JS, arg=analysing.replace("**", "")[:20])
        page.screenshot(path=f"/tmp/analysing_{lang}_{width}.png")
        page.locator('[data-testid="stMain"] button').filter(has_text=t("docs.cancel", lang)).click()
        cancelled = t("docs.analysis_cancelled", lang, name="slow-analysis.txt").replace("**", "")
        page.wait_for_function(SIDEBAR_SHOWS_JS, arg=cancelled[:12])  # long before the 25 s analysis ends
        settle(page)
        assert page.locator('[data-testid="stMain"] h1').first.inner_text() == t("overview.title", lang)
        assert "slow-analysis.txt" not in page.locator('[data-testid="stMain"]').inner_text()  # the seed
        page.screenshot(path=f"/tmp/analysis_cancelled_{lang}_{width}.png")
