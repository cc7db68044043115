"""Reliability benchmark (issue 15, item 5): many sessions against one running server, over the
websocket protocol (bench/stclient.py, no browser). Prints the server's memory idle and with 1, 5 and
20 sessions open, the filter-change latency of 20 sessions changing the pillar filter at once, and the
bad-input matrix of bench/bad_inputs.py uploaded through the app's own uploaders while other sessions
keep rerunning. Usage: python bench/reliability.py [--sessions N] [--only NAME ...] [--skip-matrix]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/reliability.py` from anywhere
sys.path.insert(0, str(ROOT / "bench"))

from bad_inputs import build_files  # noqa: E402
from startup import free_port, is_healthy, stop_process  # noqa: E402
from stclient import FULL_RUN_ENDS, ProtocolTimeout, Session, plain  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from policylens.text.pillars import load_codebook  # noqa: E402
from policylens.ui import state  # noqa: E402
from policylens.ui.launch import CHINESE_WARM_UP_DELAY  # noqa: E402

LOG_DIR = ROOT / "bench" / "out" / "reliability"  # the server's log (gitignored)
PILLARS_KEY = state.widget_key(state.GLOBAL_PILLARS)  # the sidebar's multiselect
SESSION_COUNTS = (1, 5, 20)
GOAL_FILTER_S = 1.0  # median filter change with 20 sessions
GOAL_OUTCOME_S = 30.0  # a bad file's outcome shows within
GOAL_PEAK_MB = 500.0  # server and its workers above idle, while one bad file is handled
GOAL_OTHERS_S = 1.0  # the slowest rerun another session sees meanwhile
# Which uploader takes each loader of bad_inputs.build_files: (page URL path, uploader key, button to click)
UPLOADERS = {
    "document": ("", state.widget_key(state.DOCS_UPLOAD), None),
    "analyse": ("", state.widget_key(state.DOCS_UPLOAD), None),
    "indicators": ("indicators", state.widget_key(state.INDICATORS_UPLOAD), None),
    "corpus": ("corpus", state.widget_key(state.CORPUS_UPLOAD), state.CORPUS_INGEST),  # the Ingest button
}


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def verdict(ok: bool) -> str:
    return "meets" if ok else "MISSES"


# -- the server -----------------------------------------------------------------------------------
def start_server(port: int, timeout_s: float, log_path: Path) -> subprocess.Popen:
    """The launcher as `make run` starts it; returns once /_stcore/health answers ok."""
    command = [sys.executable, "-m", "policylens.ui.launch", "--server.port", str(port)]
    command += ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    start = time.perf_counter()
    while not is_healthy(f"http://127.0.0.1:{port}"):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}; see {log_path}")
        if time.perf_counter() - start > timeout_s:
            stop_server(process)
            raise TimeoutError(f"the server was not healthy after {timeout_s:.0f} s; see {log_path}")
        time.sleep(0.1)
    return process


def stop_server(process: subprocess.Popen) -> None:
    """Stop the server and any worker it left behind (only processes this script started)."""
    try:
        children = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    stop_process(process)
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass


def tree_rss_mb(pid: int) -> float:
    """Resident memory of the server and all its children, summed (pages they share count twice)."""
    try:
        root = psutil.Process(pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0
    for process in processes:
        try:
            total += process.memory_info().rss
        except psutil.NoSuchProcess:
            continue
    return total / 2**20


def settled_rss_mb(pid: int, limit_s: float = 30.0) -> float:
    """RSS once it has stopped moving (within 2 MB over 2 s: the warm-up thread's imports are done)."""
    readings = [tree_rss_mb(pid)]
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        time.sleep(0.5)
        readings.append(tree_rss_mb(pid))
        if len(readings) >= 5 and max(readings[-5:]) - min(readings[-5:]) < 2:
            break
    return readings[-1]


class PeakSampler(threading.Thread):
    """The highest tree RSS seen, sampled every `every` seconds until stopped."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak = pid, every, 0.0
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.is_set():
            self.peak = max(self.peak, tree_rss_mb(self.pid))
            self.halt.wait(self.every)

    def stop(self) -> float:
        self.halt.set()
        self.join()
        return max(self.peak, tree_rss_mb(self.pid))


# -- sessions -------------------------------------------------------------------------------------
def pillar_values() -> tuple[list[str], list[str]]:
    """The multiselect's value for "strong" (its formatted option, as the browser sends it) and for all."""
    codebook = load_codebook()
    pillar = codebook.get("strong")
    return [f"{pillar.label_en} {pillar.label_zh}"], []


def open_sessions(base_url: str, count: int, timeout: float) -> tuple[list[Session], list[float]]:
    """`count` new tabs on the Overview, one after another, each drawn once; and their first runs' seconds."""
    sessions, firsts = [], []
    for _ in range(count):
        session = Session(base_url, timeout=timeout)
        firsts.append(session.open())
        sessions.append(session)
    return sessions, firsts


def close_all(sessions: list[Session]) -> None:
    for session in sessions:
        session.close()


@dataclass
class FilterResult:
    times: list[float] = field(default_factory=list)
    not_taken: int = 0  # runs after which the multiselect did not show the value sent
    errors: list[str] = field(default_factory=list)


def change_filters(sessions: list[Session], changes: int, timeout: float) -> FilterResult:
    """Every session changes the pillar filter `changes` times, alternately to "strong" and back to
    all; in each round all of them send their change at the same moment (a barrier)."""
    values = pillar_values()
    result = FilterResult()
    lock = threading.Lock()
    barrier = threading.Barrier(len(sessions))

    def work(session: Session) -> None:
        for change in range(changes):
            wanted = values[change % 2]
            session.set_strings(PILLARS_KEY, wanted)
            try:
                barrier.wait(timeout=timeout * 2)
                seconds = session.rerun(timeout=timeout)
            except (threading.BrokenBarrierError, ProtocolTimeout, OSError) as exc:
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}")
                barrier.abort()
                return
            with lock:
                result.times.append(seconds)
                result.not_taken += list(session.find(PILLARS_KEY).raw_values) != wanted

    threads = [threading.Thread(target=work, args=(s,), daemon=True) for s in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result


class Background(threading.Thread):
    """One session changing the pillar filter in a loop, recording each rerun as (sent, finished,
    seconds). The pause between changes is drawn from 0.5-1.5 x `think` (seeded per session): with one
    fixed pause the sessions fall into step and always rerun together."""

    def __init__(self, session: Session, think: float, timeout: float, halt: threading.Event, seed: int) -> None:
        super().__init__(daemon=True)
        self.session, self.think, self.timeout, self.halt = session, think, timeout, halt
        self.random = random.Random(seed)
        self.samples: list[tuple[float, float, float]] = []
        self.in_flight: float | None = None  # when the rerun now running was sent
        self.error: str | None = None

    def run(self) -> None:
        values = pillar_values()
        change = 0
        self.halt.wait(self.random.uniform(0, self.think))  # not all at once
        while not self.halt.is_set():
            self.session.set_strings(PILLARS_KEY, values[change % 2])
            change += 1
            sent = self.in_flight = time.perf_counter()
            try:
                self.session.rerun(timeout=self.timeout)
            except (ProtocolTimeout, OSError) as exc:  # this session is out of step now: stop it
                self.samples.append((sent, time.perf_counter(), time.perf_counter() - sent))
                self.error = f"{type(exc).__name__}: {exc}"
                self.in_flight = None
                return
            finished = time.perf_counter()
            self.samples.append((sent, finished, finished - sent))
            self.in_flight = None
            self.halt.wait(self.random.uniform(0.5, 1.5) * self.think)

    def during(self, start: float, end: float) -> list[float]:
        """Seconds of each rerun that overlapped [start, end]; one still running counts its time so far."""
        times = [s for sent, finished, s in list(self.samples) if finished >= start and sent <= end]
        in_flight = self.in_flight
        if in_flight is not None and in_flight <= end:
            times.append(time.perf_counter() - in_flight)
        return times


# -- one bad file ---------------------------------------------------------------------------------
@dataclass
class Outcome:
    seconds: float | None  # from the upload's rerun to the outcome shown and the script finished
    text: str
    put_s: float | None = None  # the HTTP PUT of the file


def await_outcome(session: Session, name: str, start: float, timeout: float, click: str | None = None) -> Outcome:
    """Read every ForwardMsg (later runs too: a slow read is polled by a fragment, then the app
    reruns) until a run that shows an alert naming the file, or an exception, has finished. `click`:
    the key of a button to click once the first full run after the upload has finished (the
    corpus's Ingest)."""
    deadline = start + timeout
    found = None
    progress = ""
    while True:
        message = session.read(deadline)
        if message is None:
            last = f" (last shown: {progress[:60]})" if progress else ""
            return Outcome(None, f"no outcome within {timeout:.0f} s{last}")
        if message.WhichOneof("type") != "script_finished":
            continue
        run = session.run
        if run.exceptions:
            return Outcome(time.perf_counter() - start, f"exception: {run.exceptions[0][:80]}")
        progress = plain(run.progress[-1]) if run.progress else progress
        found = next(((kind, body) for kind, body in run.alerts if name in plain(body)), found)
        if found and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return Outcome(time.perf_counter() - start, f"{found[0]}: {plain(found[1])}")
        if click is not None and message.script_finished in FULL_RUN_ENDS:
            session.send_rerun(session.trigger(click))
            click = None


def upload_file(base_url: str, loader: str, path: Path, timeout: float, outcome_timeout: float, stamp) -> Outcome:
    """A new tab on the uploader's page uploads `path` and waits for the outcome; `stamp()` is
    called just before the upload's rerun is sent (the start of the file's window)."""
    page, key, button = UPLOADERS[loader]
    session = Session(base_url, page=page, timeout=timeout)
    try:
        session.open()
        put_s = session.upload(key, path)
        if put_s is None:
            limit = session.find(key).max_upload_size_mb
            stamp()
            return Outcome(0.0, f"refused by the browser: over the uploader's {limit} MB")
        start = stamp()
        session.send_rerun()
        outcome = await_outcome(session, path.name, start, outcome_timeout, button)
        outcome.put_s = put_s
        return outcome
    finally:
        session.close()


def control_file(folder: Path) -> dict[str, tuple[str, Path]]:
    """An ordinary upload through the same path, to read the bad files' rows against."""
    text = "\n\n".join(
        f"District {n} will raise the share of high-tech industry and open {n + 2} new innovation platforms."
        for n in range(1, 13)
    )
    path = folder / "control.txt"
    path.write_text(text, encoding="utf-8")
    return {"control: txt, 12 paragraphs": ("document", path)}


# -- the phases -----------------------------------------------------------------------------------
def measure_memory(pid: int, base_url: str, timeout: float) -> tuple[float, list[Session]]:
    idle = settled_rss_mb(pid)
    print("\n## memory: server and its children (psutil RSS, summed)")
    print(f"{'sessions':>8} {'RSS MB':>8} {'above idle':>10}")
    print(f"{'idle':>8} {idle:>8.0f} {'':>10}  first runs (s)")
    sessions: list[Session] = []
    for count in SESSION_COUNTS:
        added, firsts = open_sessions(base_url, count - len(sessions), timeout)
        sessions += added
        time.sleep(1)  # let what the runs left (their threads, freed buffers) settle
        rss = tree_rss_mb(pid)
        shown = f"median {statistics.median(firsts):.2f}, max {max(firsts):.2f}"
        print(f"{count:>8} {rss:>8.0f} {rss - idle:>+10.0f}  {shown}", flush=True)
    return idle, sessions


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def measure_filter(pid: int, sessions: list[Session], changes: int, timeout: float) -> None:
    """One session alone, then all of them at once; with the CPU time the server and this client spent."""
    print(f"\n## filter change (sidebar pillar filter, strong <-> all, {changes} changes per session)")
    print(
        f"{'sessions':>8} {'changes':>7} {'median s':>8} {'p90 s':>6} {'max s':>6} {'min s':>6}  CPU s server / client"
    )
    server, client = psutil.Process(pid), psutil.Process()
    medians = {}
    for group in (sessions[:1], sessions):
        cpu, wall = (cpu_seconds(server), cpu_seconds(client)), time.perf_counter()
        result = change_filters(group, changes, timeout)
        spent = cpu_seconds(server) - cpu[0], cpu_seconds(client) - cpu[1]
        wall = time.perf_counter() - wall
        if result.errors:
            print(f"{len(group):>8}  {len(result.errors)} session(s) stopped: {result.errors[0]}")
        if not result.times:
            continue
        times = result.times
        medians[len(group)] = statistics.median(times)
        print(
            f"{len(group):>8} {len(times):>7} {medians[len(group)]:>8.2f} {p90(times):>6.2f} {max(times):>6.2f} "
            f"{min(times):>6.2f}  {spent[0]:.1f} / {spent[1]:.1f} in {wall:.1f} s of wall clock "
            f"(server {spent[0] / wall:.2f} cores)"
            + (f"  filter not shown as sent after {result.not_taken} run(s)" if result.not_taken else "")
        )
    if len(sessions) in medians:
        median = medians[len(sessions)]
        goal = f"goal <= {GOAL_FILTER_S:g} s: {verdict(median <= GOAL_FILTER_S)}"
        print(f"  {len(sessions)} at once: median {median:.2f} s ({goal})")
        if 1 in medians:
            print(
                f"  {len(sessions)} x the median alone = {len(sessions) * medians[1]:.2f} s: the script runs share one "
                "interpreter (one core at a time, the GIL), so changes made at once share it"
            )


def run_matrix(pid: int, base_url: str, idle: float, args) -> None:
    print(f"\n## bad-input matrix: one new tab per file uploads it; {args.sessions} other sessions keep changing")
    print(f"   the pillar filter ({args.think:g} s between a session's changes). Goals (+ met, x missed): outcome")
    goals = f"<= {GOAL_OUTCOME_S:g} s; peak <= {GOAL_PEAK_MB:g} MB over idle ({idle:.0f} MB)"
    print(f"   {goals}; others wait <= {GOAL_OTHERS_S:g} s")
    halt = threading.Event()
    others = open_sessions(base_url, args.sessions, args.timeout)[0]
    background = [Background(s, args.think, args.timeout, halt, seed) for seed, s in enumerate(others)]
    with tempfile.TemporaryDirectory(prefix="policylens-reliability-") as tmp:
        files = {**control_file(Path(tmp)), **build_files(Path(tmp))}
        try:
            for worker in background:
                worker.start()
            start = time.perf_counter()
            time.sleep(args.baseline)
            base = [s for worker in background for s in worker.during(start, time.perf_counter())]
            if base:
                median = statistics.median(base)
                print(
                    f"   other sessions alone for {args.baseline:g} s: {len(base)} reruns, median {median:.2f} s, "
                    f"p90 {p90(base):.2f} s, max {max(base):.2f} s"
                )
            print(
                f"\n{'':<32} {'':<10} {'':>7} {'':>6} {'':>9} {'peak MB':^21} {'other sessions':^20}\n"
                f"{'file':<32} {'loader':<10} {'size MB':>7} {'put s':>6} {'outcome s':>9} {'over idle':>9} "
                f"{'over before':>11} {'reruns':>6} {'med s':>6} {'max s':>6}  goals"
            )
            for name, (loader, path) in files.items():
                if args.only and not name.startswith("control") and not any(part in name for part in args.only):
                    continue
                matrix_row(pid, base_url, idle, name, loader, path, background, args)
                time.sleep(args.pause)
        finally:
            halt.set()
            for worker in background:
                worker.join(timeout=args.timeout + 5)
                worker.session.close()
    stopped = [w.error for w in background if w.error]
    if stopped:
        print(f"   {len(stopped)} background session(s) stopped: {stopped[0]}")


def matrix_row(pid: int, base_url: str, idle: float, name: str, loader: str, path: Path, background, args) -> None:
    before = tree_rss_mb(pid)
    sampler = PeakSampler(pid)
    window = {}

    def stamp() -> float:
        window["start"] = time.perf_counter()
        return window["start"]

    sampler.start()
    try:
        outcome = upload_file(base_url, loader, path, args.timeout, args.outcome_timeout, stamp)
    except (ProtocolTimeout, OSError, RuntimeError, KeyError) as exc:
        outcome = Outcome(None, f"client error: {type(exc).__name__}: {exc}"[:120])
    end = time.perf_counter()
    peak = sampler.stop()
    start = window.get("start", end)
    others = [s for worker in background for s in worker.during(start, end)]
    worst = max(others, default=float("nan"))
    middle = statistics.median(others) if others else float("nan")
    seconds = "-" if outcome.seconds is None else f"{outcome.seconds:.2f}"
    put = "-" if outcome.put_s is None else f"{outcome.put_s:.2f}"
    goals = "".join(
        "+" if ok else "x"
        for ok in (
            outcome.seconds is not None and outcome.seconds <= GOAL_OUTCOME_S,
            peak - idle <= GOAL_PEAK_MB,
            not others or worst <= GOAL_OTHERS_S,
        )
    )
    print(
        f"{name[:32]:<32} {loader:<10} {path.stat().st_size / 1e6:>7.1f} {put:>6} {seconds:>9} {peak - idle:>+9.0f} "
        f"{peak - before:>+11.0f} {len(others):>6} {middle:>6.2f} {worst:>6.2f}  {goals}"
    )
    print(f"    -> {' '.join(outcome.text.split())[:150]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=5, help="background sessions during the matrix (default 5)")
    parser.add_argument("--only", action="append", default=[], help="matrix files whose name contains this (repeat)")
    parser.add_argument("--skip-matrix", action="store_true", help="memory and filter latency only")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--changes", type=int, default=6, help="filter changes per session of the 20 (default 6)")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between a background session's changes")
    parser.add_argument("--baseline", type=float, default=10.0, help="seconds of background reruns before any file")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between two files of the matrix")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds after closing the sessions before the RSS")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds allowed for any one script run")
    parser.add_argument("--outcome-timeout", type=float, default=60.0, help="seconds allowed for a file's outcome")
    parser.add_argument(
        "--warm",
        type=float,
        default=CHINESE_WARM_UP_DELAY + 5.0,
        help="seconds to wait after the server is healthy, for the launcher's warm-ups (default %(default)g)",
    )
    parser.add_argument("--start-timeout", type=float, default=180.0, help="seconds allowed for the server to start")
    args = parser.parse_args(argv)

    # what `make run` does before serving, outside any figure: the web font and the lemma cache
    subprocess.run([sys.executable, "-m", "policylens", "install-font"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "policylens.text.lemma_cache"], cwd=ROOT, check=True, capture_output=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = LOG_DIR / "server.log"
    started = time.perf_counter()
    server = start_server(port, args.start_timeout, log_path)
    healthy = time.perf_counter() - started
    print(f"server pid {server.pid} on port {port}, healthy after {healthy:.1f} s (log: {log_path.relative_to(ROOT)})")
    print(f"{os.cpu_count()} cores; every session is a websocket client of bench/stclient.py, none a browser")
    # The figures are of a warm server: the launcher builds the Chinese dictionary and freezes what
    # lives as long as the process some seconds after start (bench/startup.py measures a cold one).
    print(f"waiting {args.warm:g} s for the launcher's warm-ups")
    time.sleep(args.warm)
    sessions: list[Session] = []
    try:
        idle, sessions = measure_memory(server.pid, base_url, args.timeout)
        measure_filter(server.pid, sessions, args.changes, args.timeout)
        close_all(sessions)
        time.sleep(args.settle)
        after = tree_rss_mb(server.pid)
        closed = f"{args.settle:g} s after the {len(sessions)} sessions closed"
        print(f"\n## {closed}: {after:.0f} MB ({after - idle:+.0f} over idle)")
        print("   (Streamlit keeps a closed session for 2 minutes, for a reconnect: its state is still in memory)")
        if not args.skip_matrix:
            run_matrix(server.pid, base_url, idle, args)
            print(f"\nserver and children at the end: {tree_rss_mb(server.pid):.0f} MB")
    finally:
        close_all(sessions)
        stop_server(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
