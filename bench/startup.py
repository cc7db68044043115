"""Startup benchmark: process start to a fully drawn page in headless Chromium, PolicyLens vs a bare app.

Each run starts a fresh `streamlit run` process and a fresh browser context (cold HTTP cache), notes
when the first content shows and stops the clock when the page is drawn and idle. Prints both goals
of the Overview: first content (title and summary) within GOAL_CONTENT x the bare app, fully drawn
within GOAL_RENDERED x the bare app with one chart. Usage: python bench/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOAL_CONTENT = 1.3  # PolicyLens first content / bare app's text
GOAL_RENDERED = 1.25  # PolicyLens drawn and idle / bare app with one chart drawn
BARE_SCRIPT = 'import streamlit as st\nst.write("hello")\n'
# The floor for any page with a chart: the bare app plus one small plotly bar chart. Streamlit loads
# its 4.7 MB plotly bundle for the first chart of a page, which no app code can avoid.
PLOT_SCRIPT = (
    'import plotly.graph_objects as go\nimport streamlit as st\n\nst.title("Chart")\n'
    'st.plotly_chart(go.Figure(go.Bar(x=["a", "b"], y=[1, 2])))\n'
)
# The same with pandas imported first: every PolicyLens view computes with pandas, so its first run
# pays this import before any content can show (--floor adds it, to read the goals against it).
PANDAS_SCRIPT = "import pandas  # noqa: F401\n" + PLOT_SCRIPT
WIDTH = 22  # the app column
LOG_DIR = ROOT / "bench" / "out" / "startup"  # server logs of every run (gitignored)

# Drawn and idle: `marker_js` holds, the script is not running, nothing is stale or still a loading
# skeleton, no status widget shows, and every plotly element has drawn its SVG.
# Nothing stale or still a loading skeleton, no status widget shows, every plotly element has drawn
# its SVG: the end of a page's run as a reader sees it (a function body's last statements; bench/
# page_switch.py uses it too).
DRAWN_JS = """
  if (document.querySelector('[data-stale="true"], [data-testid="stSkeleton"], [data-testid="stAppSkeleton"]')) {
    return false;
  }
  for (const w of document.querySelectorAll('[data-testid="stStatusWidget"]')) {
    if (w.getClientRects().length) return false;
  }
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('.js-plotly-plot .main-svg')) return false;
  }
  return true;"""

READY_JS = (
    """([markerKind, marker]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (markerKind === 'h1') {
    if (![...main.querySelectorAll('h1')].some(h => h.textContent.trim() === marker)) return false;
    if (!main.querySelector('.js-plotly-plot')) return false;
  } else if (!main.innerText.includes(marker)) {
    return false;
  }
"""
    + DRAWN_JS
    + """
}"""
)


MARKER_JS = """([markerKind, marker]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (markerKind === 'h1') return [...main.querySelectorAll('h1')].some(h => h.textContent.trim() === marker);
  return main.innerText.includes(marker);
}"""

# The first content a reader gets: the title (or text) and, for a page with a summary, its first
# metric drawn with its value (the Overview's paragraphs, sentences, ... of the document).
CONTENT_JS = """([markerKind, marker, summary]) => {
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  const titled = markerKind === 'h1'
    ? [...main.querySelectorAll('h1')].some(h => h.textContent.trim() === marker)
    : main.innerText.includes(marker);
  if (!titled || !summary) return titled;
  const metric = main.querySelector('[data-testid="stMetricValue"]');
  return !!metric && metric.textContent.trim() !== '';
}"""


@dataclass(frozen=True)
class Target:
    name: str
    command: tuple[str, ...]  # how a user starts it (PolicyLens: the `make run` launcher)
    cwd: Path
    marker_kind: str  # "h1": a level-1 title (plus charts); "text": any text in the main area
    marker: str
    summary: bool = False  # the first content includes a summary metric (st.metric) below the title
    env: tuple[tuple[str, str], ...] = ()  # set for the server process


@dataclass(frozen=True)
class Measurement:
    target: str
    run: int
    healthy_s: float  # process start -> /_stcore/health answers ok
    marker_s: float  # process start -> the title (or text) first shows
    content_s: float  # process start -> the title and the summary show (= marker_s without a summary)
    rendered_s: float  # process start -> page drawn and idle
    charts: int
    rss_mb: float


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server this script started; kill it when it has not ended within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def is_healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def read_rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def list_descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc (psutil may not be installed)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # the command name in field 2 may hold spaces; the parent pid follows its ')'
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


def measure(target: Target, run: int, browser, log_dir: Path, timeout_s: float) -> Measurement:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [
        *target.command,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    with (log_dir / f"{target.name}-{run}.log").open("w", encoding="utf-8") as log:
        start = time.perf_counter()
        env = {**os.environ, **dict(target.env)}
        process = subprocess.Popen(command, cwd=target.cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        while not is_healthy(base_url):
            if process.poll() is not None:
                raise RuntimeError(f"{target.name} exited with code {process.returncode}; see {log_dir}")
            if time.perf_counter() - start > timeout_s:
                raise TimeoutError(f"{target.name} not healthy after {timeout_s} s")
            time.sleep(0.02)
        healthy = time.perf_counter() - start
        page.goto(base_url, timeout=timeout_s * 1000)
        page.wait_for_function(MARKER_JS, arg=[target.marker_kind, target.marker], timeout=timeout_s * 1000)
        marker = time.perf_counter() - start
        page.wait_for_function(
            CONTENT_JS, arg=[target.marker_kind, target.marker, target.summary], timeout=timeout_s * 1000
        )
        content = time.perf_counter() - start
        page.wait_for_function(READY_JS, arg=[target.marker_kind, target.marker], timeout=timeout_s * 1000)
        rendered = time.perf_counter() - start
        charts = page.locator(".js-plotly-plot").count()
        rss_kb = sum(read_rss_kb(pid) for pid in [process.pid, *list_descendants(process.pid)])
    finally:
        context.close()
        stop_process(process)
    return Measurement(target.name, run, healthy, marker, content, rendered, charts, rss_kb / 1024)


def print_report(results: list[Measurement], targets: list[Target]) -> None:
    print("\ntimes in seconds from process start; RSS of the server (and children) after the page is drawn")
    print("(content: the title and, for PolicyLens, its summary metrics; for the bare apps the same as title)")
    header = f"{'run':>3}  {'app':<{WIDTH}} {'healthy':>8} {'title':>8} {'content':>8} {'rendered':>9} {'charts':>6}"
    print(f"{header} {'RSS MB':>7}")
    for m in results:
        print(
            f"{m.run:>3}  {m.target:<{WIDTH}} {m.healthy_s:>8.2f} {m.marker_s:>8.2f} {m.content_s:>8.2f} "
            f"{m.rendered_s:>9.2f} {m.charts:>6} {m.rss_mb:>7.0f}"
        )
    content, rendered = {}, {}
    for target in targets:
        rows = [m for m in results if m.target == target.name]
        content[target.name] = statistics.median(m.content_s for m in rows)
        rendered[target.name] = statistics.median(m.rendered_s for m in rows)
        print(
            f"{'med':>3}  {target.name:<{WIDTH}} {statistics.median(m.healthy_s for m in rows):>8.2f} "
            f"{statistics.median(m.marker_s for m in rows):>8.2f} {content[target.name]:>8.2f} "
            f"{rendered[target.name]:>9.2f} {'':>6} {statistics.median(m.rss_mb for m in rows):>7.0f}"
        )
    print("\nratios of medians from this run:")
    for name in [t.name for t in targets if t.name.startswith("policylens")]:
        ratio = content[name] / content["bare"]
        verdict = "meets" if ratio <= GOAL_CONTENT else "misses"
        print(f"  {name} first content / bare: {ratio:.2f}  (goal <= {GOAL_CONTENT}: {verdict})")
        if "bare+chart" in rendered:
            ratio = rendered[name] / rendered["bare+chart"]
            verdict = "meets" if ratio <= GOAL_RENDERED else "misses"
            print(f"  {name} rendered / bare+chart: {ratio:.2f}  (goal <= {GOAL_RENDERED}: {verdict})")
        print(f"  {name} rendered / bare: {rendered[name] / rendered['bare']:.2f}")
    if "bare+chart+pandas" in rendered:
        floor = "bare+chart+pandas"
        print(f"  {floor} first content / bare: {content[floor] / content['bare']:.2f}  (the floor with pandas)")
        print(f"  {floor} rendered / bare+chart: {rendered[floor] / rendered['bare+chart']:.2f}")
    if "bare+chart" in rendered:
        print(
            f"  bare+chart / bare rendered (the floor of a page with one plotly chart): "
            f"{rendered['bare+chart'] / rendered['bare']:.2f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per app (default 3)")
    parser.add_argument("--timeout", type=float, default=180, help="seconds allowed per run (default 180)")
    parser.add_argument("--floor", action="store_true", help="also run the one-chart app with pandas imported")
    parser.add_argument("--compare-warm-up", action="store_true", help="also run PolicyLens with its warm-up off")
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="NAME:VAR=VALUE[;VAR=VALUE]",
        help="also run PolicyLens with these environment variables (repeatable)",
    )
    args = parser.parse_args(argv)
    if not os.access(CHROMIUM, os.X_OK):
        print(f"error: {CHROMIUM} not found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    # what `make run` does before serving, outside the clock: the web font and the disk caches
    subprocess.run([sys.executable, "-m", "policylens", "install-font"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "policylens.text.lemma_cache"], cwd=ROOT, check=True, capture_output=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="policylens-bench-") as tmp:
        bare_dir = Path(tmp) / "bare"
        bare_dir.mkdir()
        (bare_dir / "app.py").write_text(BARE_SCRIPT, encoding="utf-8")
        (bare_dir / "chart.py").write_text(PLOT_SCRIPT, encoding="utf-8")
        (bare_dir / "pandas_chart.py").write_text(PANDAS_SCRIPT, encoding="utf-8")
        launch = (sys.executable, "-m", "policylens.ui.launch")
        targets = [
            Target("policylens", launch, ROOT, "h1", "Overview", summary=True),
            Target("bare", (sys.executable, "-m", "streamlit", "run", "app.py"), bare_dir, "text", "hello"),
            Target("bare+chart", (sys.executable, "-m", "streamlit", "run", "chart.py"), bare_dir, "h1", "Chart"),
        ]
        if args.floor:
            command = (sys.executable, "-m", "streamlit", "run", "pandas_chart.py")
            targets.append(Target("bare+chart+pandas", command, bare_dir, "h1", "Chart"))
        if args.compare_warm_up:  # the same launcher with its warm-up thread off (policylens.ui.launch)
            env = (("POLICYLENS_WARM_UP", "0"),)
            targets.insert(1, Target("policylens no warm-up", launch, ROOT, "h1", "Overview", summary=True, env=env))
        for i, variant in enumerate(args.variant):  # NAME:VAR=VALUE[,VAR=VALUE...] for the server process
            name, _, assignments = variant.partition(":")
            env = tuple(tuple(a.split("=", 1)) for a in assignments.split(";") if "=" in a)
            targets.insert(1 + i, Target(f"policylens {name}", launch, ROOT, "h1", "Overview", summary=True, env=env))
        results: list[Measurement] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for run in range(1, args.runs + 1):
                    order = targets if run % 2 else targets[::-1]  # alternate who goes first
                    for target in order:
                        result = measure(target, run, browser, LOG_DIR, args.timeout)
                        print(f"run {run} {target.name}: rendered in {result.rendered_s:.2f} s", flush=True)
                        results.append(result)
            finally:
                browser.close()
    print_report(results, targets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
