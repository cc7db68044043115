"""Downloads under concurrency: N browser sessions at once, each clicking exports while the others rerun.

Every session (its own Chromium context, hence its own Streamlit session) opens the Overview and
then, ``--rounds`` times: downloads the pillar chart's data (CSV) from its Export menu, switches
to Themes (a full script run), downloads the paragraph table (CSV), and switches back (another
run). Each file is checked for what it must hold (the chart's or the table's header), so a file
that belongs to someone else, an empty one or a failed download counts as a failure.

    .venv/bin/python bench/downloads.py                    # starts its own server; 10 then 20 sessions
    .venv/bin/python bench/downloads.py --sessions 10 --url http://127.0.0.1:8501 --json

Prints, per session count: downloads attempted, succeeded, the success rate, and the median and
slowest click-to-file time. It asserts no goal (tests/browser/test_browser_downloads.py runs it for 10
sessions and requires every download to succeed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from startup import CHROMIUM, CHROMIUM_ARGS, free_port, is_healthy  # noqa: E402  (bench/startup.py, beside this file)

from policylens.i18n import t  # noqa: E402

IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
}"""
TITLE_JS = (
    """title => [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.textContent.trim() === title)"""
)
CHART_HEADER = "\ufefftrace,series,x,y"
TABLE_HEADER = f"\ufeff{t('kwic.column.paragraph', 'en')},{t('column.pillar', 'en')}"


@dataclass
class Outcome:
    sessions: int
    attempted: int = 0
    succeeded: int = 0
    seconds: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def _wait_page(page, title: str, timeout_ms: int) -> None:
    await page.wait_for_function(TITLE_JS, arg=title, timeout=timeout_ms)
    await page.wait_for_function(IDLE_JS, timeout=timeout_ms)


async def _download(page, target, expect_start: str, outcome: Outcome, what: str) -> None:
    outcome.attempted += 1
    start = time.perf_counter()
    try:
        async with page.expect_download(timeout=60_000) as info:
            await target.click()
        download = await info.value
        failure = await download.failure()
        if failure:
            outcome.failures.append(f"{what}: {failure}")
            return
        data = Path(await download.path()).read_bytes().decode("utf-8", errors="replace")
    except Exception as exc:  # a timeout: the click never produced a file
        outcome.failures.append(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        return
    if not data.startswith(expect_start):
        outcome.failures.append(f"{what}: unexpected content {data[:60]!r}")
        return
    outcome.succeeded += 1
    outcome.seconds.append(time.perf_counter() - start)


async def _session(
    browser, base_url: str, rounds: int, outcome: Outcome, ready: list[int], start_gate: asyncio.Event
) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    try:
        page = await context.new_page()
        page.set_default_timeout(120_000)
        await page.goto(base_url + "/")
        try:
            await _wait_page(page, t("nav.overview", "en"), 300_000)
        finally:
            ready.append(1)
        await start_gate.wait()
        nav_menu = page.locator('[data-testid="stTopNavSection"]').first  # "Read": Overview, Themes, KWIC
        main = page.locator('[data-testid="stMain"]')
        for _ in range(rounds):
            await main.locator('[data-testid="stPopover"] button').first.click()
            menu = page.locator('[data-testid="stPopoverBody"]').last
            await menu.wait_for(state="visible")
            await _download(
                page, menu.get_by_text(t("export.csv", "en"), exact=True), CHART_HEADER, outcome, "overview chart CSV"
            )
            await page.keyboard.press("Escape")
            await nav_menu.click()
            await page.locator('[data-testid="stTopNavDropdownLink"]').filter(has_text=t("nav.themes", "en")).click()
            await _wait_page(page, t("themes.title", "en"), 120_000)
            await _download(
                page,
                main.get_by_text(t("export.table_csv", "en"), exact=True).first,
                TABLE_HEADER,
                outcome,
                "themes table CSV",
            )
            await nav_menu.click()
            await page.locator('[data-testid="stTopNavDropdownLink"]').filter(has_text=t("nav.overview", "en")).click()
            await _wait_page(page, t("nav.overview", "en"), 120_000)
    except Exception as exc:
        outcome.failures.append(f"session: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    finally:
        await context.close()


async def exercise(base_url: str, sessions: int, rounds: int) -> Outcome:
    """Open `sessions` sessions, then let them all click at once; return what came back."""
    from playwright.async_api import async_playwright

    outcome, ready = Outcome(sessions), []
    gate = asyncio.Event()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tasks = [
                asyncio.create_task(_session(browser, base_url, rounds, outcome, ready, gate)) for _ in range(sessions)
            ]
            while len(ready) < sessions:  # open every session first (first runs are slow), then all click at once
                await asyncio.sleep(0.2)
            gate.set()
            await asyncio.gather(*tasks)
        finally:
            await browser.close()
    return outcome


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "policylens.ui.launch",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if is_healthy(url):
            return process, url
        time.sleep(0.5)
    process.kill()
    raise SystemExit("the server did not become healthy in 120 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running PolicyLens server (default: start one)")
    parser.add_argument("--sessions", type=int, nargs="*", default=[10, 20])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="print one JSON object per session count")
    args = parser.parse_args()
    process, url = (None, args.url) if args.url else start_server()
    try:
        for sessions in args.sessions:
            outcome = asyncio.run(exercise(url, sessions, args.rounds))
            if args.json:
                print(json.dumps(asdict(outcome)), flush=True)
                continue
            rate = outcome.succeeded / outcome.attempted if outcome.attempted else 0.0
            times = outcome.seconds or [float("nan")]
            print(
                f"{sessions:3d} sessions: {outcome.succeeded}/{outcome.attempted} downloads succeeded "
                f"({rate:.1%}); click to file median {statistics.median(times):.2f} s, slowest {max(times):.2f} s",
                flush=True,
            )
            for failure in outcome.failures:
                print(f"    failed: {failure}", flush=True)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=20)


if __name__ == "__main__":
    main()
