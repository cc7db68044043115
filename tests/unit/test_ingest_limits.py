"""A corpus ingest started from the dashboard (ui.corpus.launch_ingest) runs in a process group of
its own at the workers' priority, is stopped at INGEST_LIMITS as Cancel stops it, and leaves no
process of its pool behind, whichever way it ends."""

import time

import psutil
import pytest

from policylens import paths, workers
from policylens.ui import corpus

BASIC = paths.ROOT / "tests" / "fixtures" / "corpus" / "basic"
FILES = [(p.name, p.read_bytes()) for p in sorted(BASIC.iterdir()) if p.is_file()]
CODEBOOK = paths.PILLARS_CODEBOOK.read_text(encoding="utf-8")


def run_out(job: corpus.IngestJob, timeout: float = 120.0) -> tuple[dict | None, str | None]:
    """Poll the job as the page does (enforce_limits every 0.2 s) until it ends; then its outcome."""
    deadline = time.monotonic() + timeout
    while job.running and time.monotonic() < deadline:
        job.enforce_limits()
        time.sleep(0.2)
    assert not job.running, "the ingest did not end"
    return job.outcome()


def group_alive(job: corpus.IngestJob) -> list[str]:
    """The processes of the job's group still running (zombies not reaped yet do not count), after
    giving the killed ones up to 5 s to go."""
    for _ in range(25):
        alive = [
            f"{p.pid} {p.info['status']} {p.info['cmdline']}"
            for p in psutil.process_iter(["pid", "status", "cmdline"])
            if _group(p) == job.process.pid and p.info["status"] != psutil.STATUS_ZOMBIE
        ]
        if not alive:
            break
        time.sleep(0.2)
    return alive


def _group(process: psutil.Process) -> int | None:
    try:
        return __import__("os").getpgid(process.pid)
    except (ProcessLookupError, PermissionError):
        return None


def test_an_ingest_runs_at_the_workers_priority_and_finishes_under_the_limits():
    job = corpus.launch_ingest(FILES, None, CODEBOOK, "en")
    time.sleep(0.5)
    assert psutil.Process(job.process.pid).nice() == psutil.Process().nice() + workers.WORKER_NICE
    summary, error = run_out(job)
    assert error is None and summary["documents"] == 5 and job.stopped is None
    assert group_alive(job) == []


@pytest.mark.parametrize(
    ("limits", "stopped"),
    [
        (workers.Limits(memory=2048 * workers.MiB, seconds=0.5), "time"),
        (workers.Limits(memory=workers.MiB, seconds=600.0), "memory"),
    ],
)
def test_an_ingest_past_a_limit_is_stopped_and_its_pool_goes_with_it(monkeypatch, limits, stopped):
    monkeypatch.setattr(corpus, "INGEST_LIMITS", limits)
    monkeypatch.setattr(corpus, "STOP_GRACE", 2.0)
    job = corpus.launch_ingest(FILES, None, CODEBOOK, "en")
    summary, _ = run_out(job, timeout=60.0)
    assert job.stopped == stopped and job.cancel_requested
    assert summary is None or summary["cancelled"]  # what was finished is kept, or nothing was
    assert group_alive(job) == []


@pytest.mark.parametrize(
    ("lang", "kept", "empty"),
    [
        ("en", "stopped at the time limit of 600 s: the 3 documents", "stopped at the memory limit of 2,048 MB before"),
        ("zh", "达到600 秒的时间上限时停止：已完成的 3 篇", "达到2,048 MB 的内存上限时停止，尚无文档完成"),
    ],
)
def test_the_notice_of_a_stopped_ingest_names_the_limit_in_the_users_language(tmp_path, lang, kept, empty):
    from policylens.ui.widgets.corpus import _job_notice

    job = corpus.IngestJob("reports.zip", tmp_path, tmp_path, tmp_path, None, stopped="time")
    level, text = _job_notice(job, object(), {"documents": 3, "cancelled": True}, None, lang)
    assert level == "warning" and kept in text.replace("\\", "")
    job.stopped = "memory"
    level, text = _job_notice(job, None, None, None, lang)
    assert level == "error" and empty in text.replace("\\", "")
