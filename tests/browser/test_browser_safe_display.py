"""End-to-end: user strings show as typed on every page, never as Markdown or HTML (issue 9).

A file name, document text and indicator cells that hold Markdown images and links pointing at
127.0.0.1:9 (a port nothing listens on) are loaded in headless Chromium; every page is visited and
the browser must neither request that address nor hold an image, link or frame pointing at it,
while the strings themselves are visible as text.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from test_browser_e2e import (
    FIRST_LOAD_TIMEOUT_MS,
    TITLE_IS_JS,
    VIEWPORT,
    assert_no_errors,
    follow_nav_link,
    nav_paths,
    save_screenshot,
    upload_file,
    wait_for_outcome,
)

pytestmark = pytest.mark.browser

TRAP = "127.0.0.1:9"
# a file name cannot hold "/", but a browser resolves "http:127.0.0.1:9?x" like "http://127.0.0.1:9/?x"
NAME = f"![i](http:{TRAP}?name.png)[x](http:{TRAP}?n) *c* :red[r].txt"
TEXT = (
    "Innovation drives new quality productive forces.\n\n"
    f"The industrial chain ![p](http://{TRAP}/para.png) and [a link](http://{TRAP}/para) stay plain text.\n\n"
    f"Talent and capital <img src=http://{TRAP}/raw.png> meet in the innovation ecosystem :red[alarm] $x^2$ a\\b.\n"
)
CELLS = (
    "city,indicator_id,indicator_name,pillar,unit,year,value,source_title,source_url\n"
    f"Nanjing,safe_test,![c](http://{TRAP}/cell.png) [x](http://{TRAP}/c),new,%,2022,1.5,"
    f"Yearbook [t](http://{TRAP}/t),https://example.org/yearbook\n"
)
SCRIPTED = (
    "city,indicator_id,indicator_name,pillar,unit,year,value,source_title,source_url\n"
    "Nanjing,safe_test_js,Scripted link,new,%,2022,2.5,Bulletin,javascript:alert(1)\n"
)
POINTERS_JS = """trap => [...document.querySelectorAll('img, a, iframe, source, image, link')]
  .map(e => e.getAttribute('src') || e.getAttribute('href') || e.getAttribute('xlink:href') || '')
  .filter(u => u.includes(trap))"""


def test_hostile_names_text_and_cells_show_as_text_on_every_page(browser, streamlit_server, tmp_path):
    context = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []
    context.on("request", lambda r: requested.append(r.url) if TRAP in r.url else None)
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(streamlit_server + "/")
        wait_for_outcome(page, TITLE_IS_JS, "Overview", FIRST_LOAD_TIMEOUT_MS)
        document = tmp_path / NAME
        document.write_text(TEXT, encoding="utf-8")
        upload_file(page, document, "*c* :red[r].txt")
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text().replace("\u2060", "")
        assert NAME in sidebar, "the loaded notice does not show the file name as typed"

        for path in nav_paths(page):
            if urlparse(page.url).path != path:
                follow_nav_link(page, path)
            assert_no_errors(page)
            assert page.evaluate(POINTERS_JS, TRAP) == [], f"{path} turned a user string into markup"
            if path == "/themes":
                # a WORD JOINER (U+2060) before "//" keeps Streamlit from linking bare URLs
                main = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
                assert (
                    f"![p](http://{TRAP}/para.png)" in main
                    and f"<img src=http://{TRAP}/raw.png>" in main
                    and "a\\b" in main
                )
                save_screenshot(page, "safe-display-themes")

        follow_nav_link(page, "/indicators")  # the uploader is in view beside the dataset picker
        uploader = page.locator('[data-testid="stMain"] [data-testid="stFileUploaderDropzoneInput"]')
        for name, content, outcome in (
            ("hostile.csv", CELLS, "Loaded hostile.csv"),
            ("scripted.csv", SCRIPTED, "javascript:alert(1)"),
        ):
            (tmp_path / name).write_text(content, encoding="utf-8")
            uploader.set_input_files(str(tmp_path / name))
            page.wait_for_function("t => document.body.innerText.includes(t)", arg=outcome)
            assert page.evaluate(POINTERS_JS, TRAP) == [], f"{name}: a cell became markup"
        main = page.locator('[data-testid="stMain"]').inner_text().replace("\u2060", "")
        assert "Source URL is not an http:// or https:// address in row 2" in main
        assert not page.locator('a[href^="javascript:"]').count()
        save_screenshot(page, "safe-display-indicators")
        assert requested == [], f"the browser fetched {requested}"
    finally:
        context.close()
