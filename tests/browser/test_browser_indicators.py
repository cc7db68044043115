"""End-to-end: upload a yearbook-style wide CSV on the Indicators page in headless Chromium; the chart (plotly
SVG) and the table show the uploaded values, gaps stay gaps."""

from __future__ import annotations

import time

import pytest

from policylens import paths

pytestmark = pytest.mark.browser

FIRST_LOAD_TIMEOUT_MS = 120_000
RERUN_TIMEOUT_MS = 60_000
SCREENSHOTS = paths.ROOT / "artifacts" / "screenshots"
ERROR_SELECTOR = '[data-testid="stException"], [data-testid="stAlertContentError"]'
SETTLED_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const busy = '[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]';
  if (document.querySelector(busy)) return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('.js-plotly-plot .main-svg')) return false;
  }
  return true;
}"""
MAIN_SHOWS_JS = (
    """text => (document.querySelector('[data-testid="stMain"]') || {innerText: ''}).innerText.includes(text)"""
)
# The drawn chart: its title, and per trace the name, the data and how many markers the SVG holds.
CHART_JS = """gd => ({
  title: (gd.querySelector('.gtitle') || {}).textContent || '',
  ytitle: (gd.querySelector('.ytitle') || {}).textContent || '',
  traces: (gd.data || []).map(t => ({name: t.name || '', x: t.x || [], y: t.y || []})),
  points: [...gd.querySelectorAll('.scatterlayer .trace')].map(tr => tr.querySelectorAll('.point').length),
})"""
GRID_CELLS_JS = """() => [...document.querySelectorAll(
  '[data-testid="stMain"] [data-testid="stDataFrame"] [role="gridcell"]')]
  .map(c => c.textContent.trim())"""
# Years as columns, as statistical yearbooks print them; "—" and an empty cell are gaps.
WIDE_CSV = (
    "城市,指标代码,指标名称,支柱,单位,来源,链接,2019年,2020年,2021年,2022年\n"
    "南京,yearbook_rd_staff,研发人员,new,万人,南京统计年鉴2023,https://tjj.nanjing.gov.cn/yearbook/2023,10.5,—,12.25,13.75\n"
    "苏州,yearbook_rd_staff,研发人员,new,万人,苏州统计年鉴2023,https://tjj.suzhou.gov.cn/yearbook/2023,20.5,21.5,,23.5\n"
)


def wait_for(page, text: str, timeout: int = RERUN_TIMEOUT_MS) -> None:
    """Until the main area shows `text` (or an error) and the app has settled; fail on an error."""
    page.wait_for_function(
        f"arg => document.querySelector({ERROR_SELECTOR!r}) !== null || ({MAIN_SHOWS_JS})(arg)",
        arg=text,
        timeout=timeout,
    )
    errors = page.locator(ERROR_SELECTOR)
    assert not errors.count(), f"the app shows an error: {errors.all_inner_texts()}"
    page.wait_for_function(SETTLED_JS, timeout=timeout)


def eventually(page, check, timeout_s: float = 10):
    deadline = time.monotonic() + timeout_s
    while not (result := check()) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    return result


def test_upload_a_wide_csv_and_see_it_in_the_chart_and_the_table(browser, streamlit_server, tmp_path):
    path = tmp_path / "yearbook.csv"
    path.write_bytes(WIDE_CSV.encode("gb18030"))  # what Excel saves on a Chinese system
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(streamlit_server + "/indicators")
        wait_for(page, "Bundled city indicators", FIRST_LOAD_TIMEOUT_MS)  # the uploader is beside it, in view
        page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        wait_for(page, "Loaded yearbook.csv: 6 values, 1 indicators, 2 cities.")

        chart = page.locator('[data-testid="stMain"] .js-plotly-plot').first
        drawn = eventually(page, lambda: (c := chart.evaluate(CHART_JS))["title"] == "研发人员" and c)
        assert drawn, chart.evaluate(CHART_JS)
        assert drawn["ytitle"] == "persons"  # 万人 read as people: 105,000 … 235,000 on the ticks
        lines = {t["name"]: t for t in drawn["traces"] if t["x"] and t["x"][0] is not None}
        assert lines["Nanjing"]["x"] == [2019, 2020, 2021, 2022]
        assert lines["Nanjing"]["y"] == [10.5, None, 12.25, 13.75]  # the gap stays a gap
        assert lines["Suzhou"]["y"] == [20.5, 21.5, None, 23.5]
        assert sum(drawn["points"]) >= 6  # every value is a marker in the SVG
        sources = page.locator('[data-testid="stMain"] a[href="https://tjj.nanjing.gov.cn/yearbook/2023"]')
        assert sources.count() >= 1  # the source line under the chart links the yearbook

        page.get_by_text("Table", exact=True).click()
        # the grid draws on a canvas; its cells are also in the DOM as an accessible grid
        cells = eventually(page, lambda: (found := page.evaluate(GRID_CELLS_JS)) and "13.75" in found and found, 30)
        page.wait_for_function(SETTLED_JS, timeout=RERUN_TIMEOUT_MS)
        assert cells, page.evaluate(GRID_CELLS_JS)
        for value in (
            "10.5",
            "12.25",
            "13.75",
            "20.5",
            "21.5",
            "23.5",
            "南京统计年鉴2023",
            "https://tjj.suzhou.gov.cn/yearbook/2023",
        ):
            assert value in cells
        assert "—" not in cells
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "browser_indicators_upload_table.png"))
        assert not errors, errors
    finally:
        context.close()
