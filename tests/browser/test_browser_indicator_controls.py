"""End-to-end, Indicators page (issue 13): every control survives a shared link, a city keeps its colour
from one pillar to another, and the table downloads are tidy and typed for pandas and Excel."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pandas as pd
import pytest
from test_browser_indicators import FIRST_LOAD_TIMEOUT_MS, RERUN_TIMEOUT_MS, SETTLED_JS, wait_for

pytestmark = pytest.mark.browser

MAIN = '[data-testid="stMain"]'
VIEWPORT = {"width": 1024, "height": 1400}  # the narrow layout, where options used to hide behind a scroll
# The state of the page's controls as drawn: the checked option of every segmented control (pillar,
# measure, scale, view), the text of the first selectboxes (indicator, base year), the chosen cities
# and the two ends of the time range.
CONTROLS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const checked = [...main.querySelectorAll('[data-testid="stButtonGroup"]')].map(group =>
    [...group.querySelectorAll('button')].filter(b => b.getAttribute('aria-checked') === 'true')
      .map(b => b.innerText.trim()).join('|'));
  const selects = {};  // the first of each label: the linked-indicators picker further down is another
  for (const i of main.querySelectorAll('[data-testid="stSelectbox"] input')) {
    const label = i.getAttribute('aria-label');
    if (!(label in selects)) selects[label] = i.value;
  }
  const picker = [...main.querySelectorAll('[data-testid="stMultiSelect"]')]
    .find(m => m.innerText.trim().startsWith('Cities'));
  const cities = [...picker.querySelectorAll('.react-aria-ComboBox [data-tag]')].map(t => t.getAttribute('aria-label'));
  const years = [...main.querySelectorAll('[data-testid="stSlider"] input[type="range"]')]
    .map(i => i.getAttribute('aria-valuetext'));
  return {checked, selects, cities, years};
}"""
# The lines of the chart: trace name -> line colour, for the traces that draw data (not legend proxies).
LINE_COLORS_JS = """() => {
  const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return Object.fromEntries((gd.data || [])
    .filter(t => t.line && t.line.color && t.x && t.x.length && t.x[0] !== null && t.legendgroup !== 'qualifier')
    .map(t => [t.name, t.line.color]));
}"""


def open_page(browser, url: str, accept_downloads: bool = False):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=accept_downloads)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    wait_for(page, "Pillar", FIRST_LOAD_TIMEOUT_MS)
    return context, page, errors


def controls(page) -> dict:
    return page.evaluate(CONTROLS_JS)


def until(page, check, message: str) -> None:
    """Wait until `check(controls)` holds on a settled page (each control change is one rerun)."""
    page.wait_for_function(SETTLED_JS, timeout=RERUN_TIMEOUT_MS)
    for _ in range(300):
        if check(controls(page)):
            page.wait_for_function(SETTLED_JS, timeout=RERUN_TIMEOUT_MS)
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"{message}: {controls(page)}")


def click_option(page, group: int, label: str) -> None:
    """Click an option of the `group`-th segmented control (0 pillar, 1 measure, 2 scale, 3 view)."""
    options = page.locator(f"{MAIN} [data-testid='stButtonGroup']").nth(group).locator("button")
    options.filter(has_text=re.compile(f"^{re.escape(label)}$")).click()
    until(page, lambda c: c["checked"][group] == label, f"{label} was not chosen")


def pick(page, aria_label: str, typed: str, expected_start: str) -> None:
    """Type into a selectbox and take the first match."""
    page.locator(f'{MAIN} [data-testid="stSelectbox"] input[aria-label="{aria_label}"]').first.click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    until(page, lambda c: c["selects"].get(aria_label, "").startswith(expected_start), f"{typed} was not picked")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_every_control_comes_back_from_a_shared_link(browser, streamlit_server):
    context, page, errors = open_page(browser, streamlit_server + "/indicators?lang=en")
    try:
        defaults = controls(page)
        assert defaults["checked"] == ["New", "Absolute", "Linear", "Chart"]
        assert defaults["cities"] == ["Nanjing"]

        click_option(page, 0, "Strong")
        pick(page, "Indicator", "Gross domestic", "Gross domestic product")
        page.locator(f'{MAIN} [data-testid="stMultiSelect"]').filter(has_text="Cities").locator("input").click()
        page.keyboard.type("Suzhou")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        until(page, lambda c: c["cities"] == ["Nanjing", "Suzhou"], "Suzhou was not added")
        # the picker shows Suzhou at once; wait for the server's rerun (it writes the cities to the URL)
        page.wait_for_function("() => location.search.includes('cities=Nanjing')", timeout=RERUN_TIMEOUT_MS)
        page.wait_for_function(SETTLED_JS, timeout=RERUN_TIMEOUT_MS)
        years = controls(page)["years"]
        assert years == ["2015", "2024"], (years, page.url)
        page.locator(f'{MAIN} [data-testid="stSlider"] input[type="range"]').first.focus()
        page.keyboard.press("ArrowRight")  # the range now starts a year later
        until(page, lambda c: c["years"] == ["2016", "2024"], "the time range did not move")
        click_option(page, 1, "Indexed")
        pick(page, "Base year (= 100)", "2021", "2021")
        click_option(page, 2, "Log")
        click_option(page, 3, "Table")
        page.wait_for_function(
            "() => location.search.includes('view=table') && location.search.includes('base=2021')",
            timeout=RERUN_TIMEOUT_MS,
        )
        shared = page.url
        chosen = controls(page)
        assert not errors, errors
    finally:
        context.close()

    assert query(shared) == {
        "lang": ["en"],
        "indicator": ["gdp"],
        "cities": ["Nanjing,Suzhou"],
        "from": ["2016"],
        "to": ["2024"],
        "mode": ["indexed"],
        "base": ["2021"],
        "scale": ["log"],
        "view": ["table"],
    }
    context, page, errors = open_page(browser, shared)  # a fresh context: nothing but the link
    try:
        until(page, lambda c: c["checked"][3:] == ["Table"], "the view did not come back")
        restored = controls(page)
        assert restored["checked"] == ["Strong", "Indexed", "Log", "Table"]
        assert restored["selects"]["Indicator"].startswith("Gross domestic product")
        assert restored["selects"]["Base year (= 100)"] == "2021"
        assert restored["cities"] == ["Nanjing", "Suzhou"]
        assert restored["years"] == ["2016", "2024"]
        assert restored == chosen
        assert query(page.url) == query(shared)  # and the restored page writes the same link
        assert not errors, errors
    finally:
        context.close()

    context, page, errors = open_page(browser, streamlit_server + "/indicators?lang=en")  # defaults stay defaults
    try:
        assert controls(page) == defaults
        assert not {"mode", "scale", "view", "base", "from", "to"} & set(query(page.url))
    finally:
        context.close()


def test_a_city_keeps_its_colour_under_another_pillar(browser, streamlit_server):
    cities = ("Nanjing", "Suzhou", "Hangzhou", "Hefei", "Wuhan", "Shenzhen")
    url = streamlit_server + "/indicators?lang=en&indicator=gdp&cities=" + ",".join(cities)
    context, page, errors = open_page(browser, url)
    try:
        until(page, lambda c: c["checked"][0] == "Strong", "GDP is not under Strong")
        strong = page.evaluate(LINE_COLORS_JS)
        click_option(page, 0, "New")
        pick(page, "Indicator", "National Innovative City", "National Innovative City")  # a rank, same six cities
        page.wait_for_function(
            "() => (document.querySelector('[data-testid=stMain] .gtitle') || {}).textContent"
            " === 'National Innovative City innovation capability ranking'",
            timeout=RERUN_TIMEOUT_MS,
        )
        new = page.evaluate(LINE_COLORS_JS)
        assert not errors, errors
    finally:
        context.close()
    assert set(strong) == set(new) == set(cities)
    for city in cities:
        assert strong[city] == new[city], city  # one colour per city, whatever the pillar
    for colors in (strong, new):
        assert len(set(colors.values())) == len(colors), colors  # and no two cities share one


def download(page, name: str, folder: Path) -> tuple[Path, str]:
    """Click the download link `name`; the file, saved before its context (and Playwright's copy) goes."""
    link = page.locator(MAIN).get_by_role("link", name=name, exact=True).first
    link.wait_for(timeout=RERUN_TIMEOUT_MS)
    with page.expect_download(timeout=120_000) as info:
        link.click()
    saved = folder / info.value.suggested_filename
    info.value.save_as(saved)
    return saved, info.value.suggested_filename


def test_the_table_downloads_are_tidy_and_typed(browser, streamlit_server, tmp_path):
    url = streamlit_server + "/indicators?lang=en&indicator=gdp&cities=Nanjing,Suzhou&view=table"
    context, page, errors = open_page(browser, url, accept_downloads=True)
    try:
        until(page, lambda c: c["checked"][3] == "Table", "the table is not shown")
        csv_path, csv_name = download(page, "CSV", tmp_path)
        xlsx_path, xlsx_name = download(page, "Excel", tmp_path)
        assert not errors, errors
    finally:
        context.close()
    stem = f"policylens_indicators-table_gdp_nanjing-suzhou_{datetime.date.today().isoformat()}"
    assert (csv_name, xlsx_name) == (f"{stem}.csv", f"{stem}.xlsx")

    table = pd.read_csv(csv_path, encoding="utf-8-sig")
    for column in ("indicator_id", "indicator", "city", "year", "value", "unit", "qualifier"):
        assert column in table.columns
    assert {"source_title", "source_url"} <= set(table.columns)
    assert pd.api.types.is_float_dtype(table["value"]) and pd.api.types.is_integer_dtype(table["year"])
    assert set(table["indicator"]) == {"Gross domestic product"}  # the name, never a row's note
    assert set(table["city"]) == {"Nanjing", "Suzhou"} and set(table["unit"]) == {"100 million CNY"}
    assert set(table["qualifier"]) <= {"exact", "approx", "lower_bound", "preliminary", "revised"}
    nanjing_2017 = table[(table["city"] == "Nanjing") & (table["year"] == 2017)]
    assert nanjing_2017["value"].tolist() == [11715.1]
    assert table["source_url"].str.startswith("http").all()

    sheet = openpyxl.load_workbook(xlsx_path, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == list(table.columns)
    values = [r[header.index("value")] for r in rows[1:]]
    assert len(values) == len(table) and all(isinstance(v, float | int) for v in values)  # numbers, not text
