"""End-to-end: the Check page on the bundled seed: confirm two paragraphs, read the agreement, see the
confirmation on Themes, take the labels out as TSV and back in, and survive files that are not labels.

Screenshots of the page (1440 and 1024 px wide, English and 中文) go to /tmp/check_*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser_e2e import (
    FIRST_LOAD_TIMEOUT_MS,
    MAIN_SHOWS_JS,
    RERUN_TIMEOUT_MS,
    TITLE_IS_JS,
    VIEWPORT,
    assert_no_errors,
    download,
    follow_nav_link,
    rerun,
    settle,
    wait_for_outcome,
)

from policylens import paths
from policylens.figures.text import pillar_label
from policylens.i18n import t
from policylens.text.evaluation import CLASSIFIER, LABEL_COLUMNS
from policylens.text.pillars import load_codebook

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = Path("/tmp")
CODEBOOK = load_codebook(paths.PILLARS_CODEBOOK)
# The seed's ¶8 ("To the 'new' courage") the classifier calls New; its ¶1 (the headline) General.
LABELS = {8: "new", 1: "fusion"}
CLASSIFIER_SAYS = {8: "new", 1: "none"}
TOTAL = "2 / 15"  # the seed has 15 paragraphs
MAIN = '[data-testid="stMain"]'
UPLOAD_DONE_JS = f"""() => !document.querySelector('{MAIN} [data-testid="stFileUploader"] [role="progressbar"]')"""


def open_check(context, base_url: str, lang: str = "en"):
    """A new tab (a new Streamlit session) on the Check page of the bundled seed."""
    page = context.new_page()
    page.set_default_timeout(RERUN_TIMEOUT_MS)
    page.goto(base_url + "/check" + ("?lang=zh" if lang == "zh" else ""))
    wait_for_outcome(page, TITLE_IS_JS, t("check.title", lang), FIRST_LOAD_TIMEOUT_MS)
    return page


def label_control(page, paragraph: int, lang: str = "en"):
    """The segmented control "Your label for ¶N" (a radiogroup named by its label)."""
    name = t("check.your_label", lang, paragraph=paragraph)
    return page.locator(MAIN).get_by_role("radiogroup", name=name, exact=True)


def choose_label(page, paragraph: int, pillar_id: str, confirmed: int, lang: str = "en") -> None:
    """Click a pillar under a paragraph and wait for the Confirmed metric to count it (an import's
    error message, kept on the page until the next import, does not count as a failure here)."""
    option = label_control(page, paragraph, lang).get_by_role("radio", name=pillar_label(CODEBOOK, pillar_id, lang))
    click_expecting(page, option, f"{confirmed} / 15")


def click_expecting(page, target, outcome: str) -> None:
    """Click `target`, wait until the main area shows `outcome`, then for the rerun to finish.

    Unlike test_browser_e2e.rerun, an error alert does not end the wait: here it may be the outcome.
    """
    assert not page.evaluate(MAIN_SHOWS_JS, outcome), f"{outcome!r} is there before the click"
    target.click()
    page.wait_for_function(MAIN_SHOWS_JS, arg=outcome)
    settle(page)


def selected_label(page, paragraph: int) -> list[str]:
    return label_control(page, paragraph).locator('[role="radio"][aria-checked="true"]').all_inner_texts()


def metrics(page) -> dict[str, str]:
    """The Check page's metrics, label -> value."""
    found = {}
    for metric in page.locator(f'{MAIN} [data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        found[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return found


def upload_labels(page, path: Path) -> None:
    """Put a file in the Check page's "Upload labels (TSV)" uploader; wait for the Import button."""
    uploader = page.locator(f'{MAIN} [data-testid="stFileUploader"]').filter(has_text=t("check.upload", "en"))
    uploader.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
    # the chip shows a long name elided in the middle; its title holds the whole name
    uploader.locator(f'[data-testid="stFileChipName"][title="{path.name}"]').wait_for(state="visible")
    page.wait_for_function(UPLOAD_DONE_JS)
    import_button(page).wait_for(state="visible")
    settle(page)


def import_button(page):
    return page.locator(MAIN).get_by_role("button", name=t("check.import", "en"), exact=True)


def grid_rows(dataframe) -> list[list[str]]:
    """The cells of an st.dataframe, row by row, from the table the grid keeps for screen readers."""
    return dataframe.locator("table").evaluate(
        "t => [...t.querySelectorAll('tr')].map(r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim()))"
    )


def assert_page_sound(page) -> None:
    """No exception element and no traceback text anywhere in the page."""
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.content()


def screenshot(page, name: str, width: int) -> Path:
    """A full-page PNG at `width` px (the viewport stretched to the content: Streamlit scrolls in stMain)."""
    path = SCREENSHOT_DIR / f"check_{name}.png"
    page.set_viewport_size({"width": width, "height": VIEWPORT["height"]})
    settle(page)
    height = page.evaluate(f"() => (document.querySelector('{MAIN}') || {{}}).scrollHeight || 0")
    page.set_viewport_size({"width": width, "height": max(VIEWPORT["height"], height)})
    try:
        settle(page)
        page.evaluate("() => document.fonts.ready.then(() => undefined)")
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)
        settle(page)
    return path


@pytest.fixture(scope="module")
def labelled(browser, streamlit_server, tmp_path_factory):
    """One session on /check with ¶8 labelled New and ¶1 Fusion, and the labels TSV it downloads."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = open_check(context, streamlit_server)
        for confirmed, (paragraph, pillar_id) in enumerate(LABELS.items(), start=1):
            choose_label(page, paragraph, pillar_id, confirmed)
        link = page.locator(MAIN).get_by_role("link", name=t("check.download", "en"), exact=True)
        saved = tmp_path_factory.mktemp("labels") / "labels.tsv"
        saved.write_bytes(download(page, link).read_bytes())
        assert_no_errors(page)
        yield page, saved
    finally:
        context.close()


@pytest.fixture(scope="module")
def second_context(browser):
    """Another browser (no cookies, no tab shared with `labelled`); each test opens its own tab in it."""
    context = browser.new_context(viewport=VIEWPORT)
    yield context
    context.close()


def test_confirming_two_paragraphs_shows_agreement_and_marks_the_themes_card(labelled):
    page, _ = labelled
    shown = metrics(page)
    assert shown[t("check.confirmed", "en")] == TOTAL
    assert shown[t("check.exact", "en")] == "50%"
    assert shown[t("check.kappa", "en")] == "0.33"  # p_o = 1/2, p_e = 1/4: (1/2 - 1/4) / (3/4)
    assert shown[t("check.top2", "en")] == "50%"  # neither paragraph's secondary pillar is Fusion
    main = page.locator(MAIN)
    assert main.get_by_text(t("check.agreement_caption", "en"), exact=True).count() == 1
    assert main.get_by_text(t("check.confusion", "en"), exact=True).count() == 1
    assert main.locator('[data-testid="stDataFrame"]').count() == 2  # per pillar, and the confusion matrix
    # rows: your label; columns: the classifier's (¶8 New -> New, ¶1 Fusion -> General)
    assert grid_rows(main.locator('[data-testid="stDataFrame"]').nth(1)) == [
        ["Your label", "New", "Strong", "Fusion", "General"],
        ["New", "1", "0", "0", "0"],
        ["Strong", "0", "0", "0", "0"],
        ["Fusion", "0", "0", "0", "1"],
        ["General", "0", "0", "0", "0"],
    ]
    main_text = main.inner_text()
    effect = t("check.effect", "en", n=2, changed=0, paragraphs="").split(".")[0]  # "Confirmed paragraphs used ..."
    no_effect = t("check.no_effect", "en", n=2)
    assert effect in main_text or no_effect in main_text, "no learning-effect message or caption"
    assert selected_label(page, 8) == ["New"] and selected_label(page, 1) == ["Fusion"]

    follow_nav_link(page, "/themes")  # the same session: the labels hold
    card = main.locator('[data-testid="stMarkdownContainer"] div[style*="border-left"]').filter(has_text="¶1 ·")
    assert card.count() == 1, "no card for ¶1 on Themes"
    card_text = card.inner_text()
    assert "confirmed by you" in card_text and "¶1)" in card_text, card_text
    assert card_text.startswith(pillar_label(CODEBOOK, "fusion", "en")), card_text
    assert_no_errors(page)


def test_labels_download_as_tsv_and_import_into_a_new_session(labelled, second_context, streamlit_server):
    _, saved = labelled
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == [*LABEL_COLUMNS, CLASSIFIER]
    assert lines[0] == "id\tdate\titem_title\tpara_no\ttext\tprimary\tsecondary\tconfidence\treason\tclassifier"
    rows = [dict(zip(lines[0].split("\t"), line.split("\t"), strict=True)) for line in lines[1:]]
    assert len(rows) == 2
    assert {int(r["para_no"]): r["primary"] for r in rows} == LABELS
    assert {int(r["para_no"]): r["classifier"] for r in rows} == CLASSIFIER_SAYS
    assert all(r["text"] and r["item_title"] for r in rows)

    page = open_check(second_context, streamlit_server)
    try:
        assert metrics(page)[t("check.confirmed", "en")] == "0 / 15"
        upload_labels(page, saved)
        with rerun(page, MAIN_SHOWS_JS, "Imported 2 labels"):
            import_button(page).click()
        assert t("check.imported", "en", n=2, unmatched=0) in page.locator(MAIN).inner_text()
        assert metrics(page)[t("check.confirmed", "en")] == TOTAL
        assert metrics(page)[t("check.kappa", "en")] == "0.33"
        assert selected_label(page, 8) == ["New"] and selected_label(page, 1) == ["Fusion"]
        assert selected_label(page, 2) == []
        assert_no_errors(page)
    finally:
        page.close()


def test_a_file_that_is_not_utf8_or_lacks_primary_gets_its_message_and_the_page_keeps_working(
    second_context, streamlit_server, tmp_path
):
    gbk = tmp_path / "labels_gbk.tsv"
    gbk.write_bytes("id\ttext\tprimary\tsecondary\n1\t加快发展新质生产力\tnew\t\n".encode("gbk"))
    no_primary = tmp_path / "labels_no_primary.tsv"
    no_primary.write_text("id\ttext\tsecondary\n1\tInnovation drives new quality productive forces.\t\n", "utf-8")
    lacks = "The labelled set lacks the column(s) primary (tab-separated, with a header)."

    page = open_check(second_context, streamlit_server)
    try:
        for path, message in (
            (gbk, t("check.not_utf8", "en")),
            (no_primary, t("check.bad_file", "en", reason=lacks)),
        ):
            upload_labels(page, path)
            click_expecting(page, import_button(page), message)
            alerts = page.locator(f'{MAIN} [data-testid="stAlertContentError"]').all_inner_texts()
            assert [a.strip() for a in alerts] == [message], alerts
            assert_page_sound(page)
            assert metrics(page)[t("check.confirmed", "en")] == "0 / 15"
        # the page still takes a label
        choose_label(page, 8, "new", 1)
        assert metrics(page)[t("check.exact", "en")] == "100%"
        assert_page_sound(page)
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_page_screenshots(second_context, streamlit_server, lang):
    page = open_check(second_context, streamlit_server, lang)
    try:
        for confirmed, (paragraph, pillar_id) in enumerate(LABELS.items(), start=1):
            choose_label(page, paragraph, pillar_id, confirmed, lang)
        assert_no_errors(page)
        for width in (1440, 1024):
            shot = screenshot(page, f"{lang}_{width}", width)
            assert shot.stat().st_size > 10_000
    finally:
        page.close()
