"""Page-switch benchmark: browser-side time from a click in the top navigation to the page drawn and idle.

Starts PolicyLens as `make run` does (its own server on a free port), opens it in Debian's headless
Chromium and, for the seed and for a generated ~110-paragraph document (uploaded through the
sidebar), clicks every page of the navigation in turn, `--rounds` times (round 1 meets cold caches),
then changes the pillar filter on a few pages. Prints a table; asserts no goal.
Usage: python bench/page_switch.py [--rounds N] [--paragraphs N] [--language en|zh]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/startup.py's helpers

from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402
from startup import CHROMIUM, CHROMIUM_ARGS, DRAWN_JS, ROOT, free_port, is_healthy  # noqa: E402

LOG_DIR = ROOT / "bench" / "out" / "page_switch"  # the server log (gitignored)
STABLE_MS = 250  # the page must stay drawn and idle this long (a page may rerun itself once)
FILTER_PAGES = ("overview", "themes", "terms")  # pages whose pillar-filter change is timed
FILTER_OPTION = "Strong"  # the pillar picked in the sidebar's filter (then cleared again)

# Counts the script runs the browser sees end (stApp's data-test-script-state leaving "running"; the
# records' old values, since a short run may start and end before the observer is called), so that
# a wait never mistakes the previous page, still idle, for the new one.
OBSERVER_JS = """() => {
  if (window.__plRuns !== undefined) return;
  window.__plRuns = 0;
  new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'running') window.__plRuns += 1;
  }).observe(document.body, {
    subtree: true, attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state'],
  });  // the whole body: the observer outlives a re-mounted stApp
}"""

# Drawn and idle, as bench/startup.py's READY_JS (script done, nothing stale or loading, no status
# widget, every plotly chart with its SVG), after a run that ended since the click (or, for a page
# switch, once the main title is no longer the previous page's: React may apply a short run's start
# and end in one update, and then the state attribute never changes), on the page `path` names,
# held for STABLE_MS. Returns the time (performance.now) the page first became ready.
SETTLED_JS = (
    """([runsBefore, path, stableMs, titleBefore]) => {
  const ready = (() => {
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    const retitled = titleBefore !== null && h1 !== null && h1.textContent.trim() !== titleBefore;
    if (window.__plRuns <= runsBefore && !retitled) return false;
    if (path !== null && window.location.pathname.replace(/\\/$/, '') !== path) return false;
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (!document.querySelector('[data-testid="stMain"]')) return false;"""
    + DRAWN_JS
    + """
  })();
  if (!ready) { window.__plReadySince = null; return false; }
  if (window.__plReadySince === null || window.__plReadySince === undefined) window.__plReadySince = performance.now();
  return performance.now() - window.__plReadySince >= stableMs ? window.__plReadySince : false;
}"""
)

TITLE_JS = """() => {
  const h1 = document.querySelector('[data-testid="stMain"] h1');
  return [window.__plRuns, h1 ? h1.textContent.trim() : ''];
}"""  # the run count and the main title before a click
STATE_JS = """() => ({
  runs: window.__plRuns, path: window.location.pathname,
  state: document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
  stale: document.querySelectorAll('[data-stale="true"]').length,
  charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(c => !!c.querySelector('.main-svg')),
})"""  # printed when a page never settles

# Project-written paragraphs (no shared corpus text): repeated with a district number to make the
# long document, so that no two paragraphs are the same.
PARAGRAPHS_EN = (
    "The municipal government will promote scientific and technological innovation to empower industrial "
    "innovation, build new research institutions and speed up the transfer of research results.",
    "Strong industries are the base of the real economy: the city will upgrade advanced manufacturing, "
    "cultivate strategic emerging industries and grow clusters of high-tech enterprises.",
    "Integration of digital technology with the real economy will be deepened, with new digital "
    "infrastructure, industrial internet platforms and smart factories in every park.",
    "Talent is the first resource: universities and enterprises will train skilled workers together and "
    "the city will offer housing and services to young researchers.",
    "Green and low-carbon development will continue, with cleaner energy, energy saving in industry and "
    "the recycling of resources across the industrial chain.",
    "Opening-up at a high level will attract foreign investment, support enterprises going global and "
    "improve the business environment for private companies.",
    "By 2027 the added value of the digital economy will reach 60 percent of the city's economy and "
    "research spending will exceed 3.5 percent of GDP.",
    "Financial services will support small and medium-sized technology enterprises with venture capital, "
    "guarantees and loans based on intellectual property.",
    "The city will improve public services, education and health care so that the results of development "
    "benefit every resident.",
    "Cooperation across the Yangtze River Delta will be strengthened, sharing platforms, standards and "
    "markets with neighbouring cities.",
)
PARAGRAPHS_ZH_FIXTURE = ROOT / "tests" / "fixtures" / "zh_policy.txt"


def write_long_document(folder: Path, paragraphs: int, language: str) -> Path:
    """A UTF-8 text of `paragraphs` paragraphs built from project-written ones; returns its path."""
    if language == "zh":
        base = [p.strip() for p in PARAGRAPHS_ZH_FIXTURE.read_text(encoding="utf-8").split("\n") if p.strip()][1:]
        title, lines = (
            "南京发展要点（基准测试）",
            [f"第{i + 1}条。{base[i % len(base)]}" for i in range(paragraphs - 1)],
        )
    else:
        title = "Development priorities of the city (benchmark document)"
        lines = [f"District {i + 1}: {PARAGRAPHS_EN[i % len(PARAGRAPHS_EN)]}" for i in range(paragraphs - 1)]
    path = folder / f"long_{language}_{paragraphs}.txt"
    path.write_text("\n\n".join([title, *lines]) + "\n", encoding="utf-8")
    return path


def list_nav_links(page) -> list[tuple[str, str, str]]:
    """(section, page title, URL path) of every page in the top navigation, in order."""
    links = []
    for section in page.get_by_test_id("stTopNavSection").all():
        name = section.locator("p").inner_text().strip()
        section.click()
        for link in page.get_by_test_id("stTopNavDropdownLink").all():
            href = link.get_attribute("href") or ""
            links.append(
                (name, link.locator("p").inner_text().strip(), "/" + href.split("://", 1)[-1].split("/", 1)[-1])
            )
        page.keyboard.press("Escape")
        page.wait_for_timeout(100)
    return links


def wait_settled(page, runs_before: int, path: str | None, timeout_s: float, title_before: str | None = None) -> float:
    """performance.now() at which the page became drawn and idle (and stayed so)."""
    page.evaluate("() => { window.__plReadySince = null; }")
    try:
        arg = [runs_before, path, STABLE_MS, title_before]
        handle = page.wait_for_function(SETTLED_JS, arg=arg, timeout=timeout_s * 1000)
    except Exception:
        print("not settled:", page.evaluate(STATE_JS), "expected", runs_before, path, file=sys.stderr)
        raise
    return float(handle.json_value())


def switch_to(page, section: str, title: str, path: str, timeout_s: float) -> float:
    """Open the section's menu, click the page; seconds from the click to the page drawn and idle."""
    page.get_by_test_id("stTopNavSection").filter(has_text=section).first.click()
    link = page.get_by_test_id("stTopNavDropdownLink").filter(has=page.get_by_text(title, exact=True)).first
    link.wait_for(state="visible")
    runs, title = page.evaluate(TITLE_JS)
    clicked = page.evaluate("() => performance.now()")
    link.click()
    return (wait_settled(page, runs, path.rstrip("/") or "", timeout_s, title) - clicked) / 1000


def change_filter(page, pick: bool, timeout_s: float) -> float:
    """Pick FILTER_OPTION in the sidebar's pillar filter (or clear it); seconds to drawn and idle."""
    box = page.get_by_test_id("stSidebar").get_by_test_id("stMultiSelect").first
    runs = page.evaluate("() => window.__plRuns")
    if pick:
        box.click()
        option = page.get_by_role("option").filter(has_text=FILTER_OPTION).first
        option.wait_for(state="visible")
        clicked = page.evaluate("() => performance.now()")
        option.click()
    else:
        clear = box.locator('[aria-label="Clear all"], [title="Clear all"]').first
        clicked = page.evaluate("() => performance.now()")
        clear.click()
    settled = wait_settled(page, runs, None, timeout_s)
    page.keyboard.press("Escape")
    return (settled - clicked) / 1000


def upload(page, path: Path, paragraphs: int, timeout_s: float) -> None:
    """Add the document through the sidebar's uploader (it becomes the active document): wait until
    the sidebar's caption of the active document counts its paragraphs."""
    runs = page.evaluate("() => window.__plRuns")
    page.get_by_test_id("stSidebar").locator('input[type="file"]').first.set_input_files(str(path))
    page.wait_for_function(
        "n => document.querySelector('[data-testid=\"stSidebar\"]').innerText.includes(n)",
        arg=f"{paragraphs:,}",
        timeout=timeout_s * 1000,
    )
    wait_settled(page, runs, None, timeout_s)


def measure_document(page, label: str, links, rounds: int, timeout_s: float, rows: list) -> None:
    for round_ in range(1, rounds + 1):
        for section, title, path in links:
            try:
                seconds = switch_to(page, section, title, path, timeout_s)
            except PlaywrightTimeout:  # reported as such in the table; the next page starts from a reload
                seconds = math.inf
                page.reload()
                page.evaluate(OBSERVER_JS)
                wait_settled(page, -1, None, timeout_s)
            rows.append((label, title, round_, seconds))
            print(f"{label:<8} round {round_}  {title:<26} {seconds:6.2f} s", flush=True)
    for section, title, path in links:
        if path.strip("/") in FILTER_PAGES or (path == "/" and "overview" in FILTER_PAGES):
            switch_to(page, section, title, path, timeout_s)
            for round_ in range(1, rounds + 1):
                for pick in (True, False):
                    seconds = change_filter(page, pick, timeout_s)
                    name = f"{title}: filter {'set' if pick else 'cleared'}"
                    rows.append((label, name, round_, seconds))
                    print(f"{label:<8} round {round_}  {name:<26} {seconds:6.2f} s", flush=True)


def print_table(rows: list, rounds: int) -> None:
    print("\nseconds from the click to the page drawn and idle, in the browser")
    print("(first: round 1, the page's caches cold for that document; later: median of rounds 2..N; inf: not")
    print(" drawn within --timeout, the page was reloaded)")
    print(f"{'document':<8} {'view':<34} {'first':>6} {'later':>6} {'max':>6}")
    seen: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for label, name, round_, seconds in rows:
        seen.setdefault((label, name), []).append((round_, seconds))
    for (label, name), values in seen.items():
        first = next(s for r, s in values if r == 1)
        later = [s for r, s in values if r > 1]
        later_text = f"{statistics.median(later):>6.2f}" if later else f"{'':>6}"
        print(f"{label:<8} {name:<34} {first:>6.2f} {later_text} {max(s for _, s in values):>6.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="visits of every page per document (default 3)")
    parser.add_argument("--paragraphs", type=int, default=110, help="paragraphs of the long document (default 110)")
    parser.add_argument("--language", choices=("en", "zh"), default="en", help="of the long document (default en)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds allowed per switch (default 60)")
    parser.add_argument("--no-seed", action="store_true", help="measure the long document only")
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        print(f"error: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "policylens.ui.launch", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    rows: list = []
    with tempfile.TemporaryDirectory(prefix="policylens-bench-") as tmp, (LOG_DIR / "server.log").open("w") as log:
        long_doc = write_long_document(Path(tmp), args.paragraphs, args.language)
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.perf_counter() + args.timeout
            while not is_healthy(base_url):
                if server.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError(f"the server did not start; see {LOG_DIR / 'server.log'}")
                time.sleep(0.05)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                page.goto(f"{base_url}/?lang=en", timeout=args.timeout * 1000)
                page.wait_for_selector('[data-testid="stApp"]', timeout=args.timeout * 1000)
                page.evaluate(OBSERVER_JS)
                wait_settled(page, -1, "", args.timeout)
                links = list_nav_links(page)
                if not args.no_seed:
                    measure_document(page, "seed", links, args.rounds, args.timeout, rows)
                    switch_to(page, *links[0], args.timeout)
                upload(page, long_doc, args.paragraphs, args.timeout)
                label = f"{args.language}-{args.paragraphs}"
                measure_document(page, label, links, args.rounds, args.timeout, rows)
                browser.close()
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
    print_table(rows, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
