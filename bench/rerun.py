"""Rerun benchmark: server-side time of one script run after a pillar-filter change, per page (AppTest).

A bare AppTest script with one multiselect, changed the same way, gives AppTest's own overhead.
Usage: python bench/rerun.py [--runs N]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/rerun.py` from anywhere

from streamlit.testing.v1 import AppTest  # noqa: E402

from policylens.ui import state  # noqa: E402

TIMEOUT_S = 120
GOAL_MS = 150
FILTERS = (["strong"], [])  # alternated: every timed run follows a real change of the filter
BARE_SCRIPT = (
    "import streamlit as st\n"
    'st.multiselect("Pillar filter", ["new", "strong", "fusion"], key="widget.global.pillars")\n'
    'st.write("hello")\n'
)


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def time_filter_changes(at: AppTest, runs: int, label: str) -> list[float]:
    """Alternate the pillar filter `runs` times; return each rerun's wall time in ms."""
    key = state.widget_key(state.GLOBAL_PILLARS)
    for value in FILTERS:  # warm this page's caches for both filter values, untimed
        at.multiselect(key=key).set_value(value).run()
    times = []
    for i in range(runs):
        value = FILTERS[i % 2]
        at.multiselect(key=key).set_value(value)
        start = time.perf_counter()
        at.run()
        times.append(1000 * (time.perf_counter() - start))
        if at.exception:
            raise RuntimeError(f"{label}: exception after filter {value}: {at.exception[0].message}")
        if at.multiselect(key=key).value != value:
            raise RuntimeError(f"{label}: the filter did not take {value}")
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed reruns per page (default 20)")
    args = parser.parse_args(argv)

    results: dict[str, list[float]] = {}
    start = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
    at.run()  # the first run builds the tokenizer, the analysis and the caches
    print(f"first run of dashboard.py (cold caches): {time.perf_counter() - start:.2f} s", flush=True)
    if at.exception:
        raise RuntimeError(f"dashboard.py: {at.exception[0].message}")
    failures: dict[str, str] = {}
    for page in sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py")):
        try:
            at.switch_page(page).run()
            if at.exception:
                raise RuntimeError(at.exception[0].message)
            results[page] = time_filter_changes(at, args.runs, page)
        except Exception as exc:  # report the page and go on with the others
            failures[page] = f"{type(exc).__name__}: {exc}"
            at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT_S)
            at.run()
        print(f"{page}: {'failed' if page in failures else 'done'}", flush=True)

    with tempfile.TemporaryDirectory(prefix="policylens-bench-") as tmp:
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_SCRIPT, encoding="utf-8")
        at = AppTest.from_file(str(bare), default_timeout=TIMEOUT_S)
        at.run()
        results["bare AppTest script"] = time_filter_changes(at, args.runs, "bare")

    bare_median = statistics.median(results["bare AppTest script"])
    print(f"\nrerun after a pillar-filter change, {args.runs} runs each, ms (goal: median <= {GOAL_MS} ms)")
    print("(to strong / to all: medians of the runs that set the filter to ['strong'] / back to [])")
    print(
        f"{'page':<24} {'min':>7} {'median':>7} {'p90':>7} {'max':>7} {'to strong':>9} {'to all':>7} "
        f"{'median - bare':>13}  goal"
    )
    for page, times in results.items():
        median = statistics.median(times)
        is_app = page != "bare AppTest script"
        verdict = ("meets" if median <= GOAL_MS else "misses") if is_app else ""
        excess = f"{median - bare_median:>13.1f}" if is_app else f"{'':>13}"
        print(
            f"{page:<24} {min(times):>7.1f} {median:>7.1f} {p90(times):>7.1f} {max(times):>7.1f} "
            f"{statistics.median(times[0::2]):>9.1f} {statistics.median(times[1::2]):>7.1f} {excess}  {verdict}"
        )
    for page, reason in failures.items():
        print(f"{page:<24} not measured: {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
