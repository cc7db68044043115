"""policylens.workers: a job runs in a process of its own under a memory and a time limit, can be
cancelled, and a job nobody holds any more takes its worker with it."""

import gc
import operator
import os
import time

import pytest

from policylens import workers
from policylens.documents.loader import DocumentError, load_document_bytes

LIMITS = workers.Limits(memory=512 * workers.MiB, seconds=20.0)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not open(f"/proc/{pid}/stat").read().split(") ")[1].startswith("Z")


def test_a_document_is_read_in_another_process():
    job = workers.Job(load_document_bytes, ("南京发展新质生产力。\n\n第二段。".encode("gbk"), "a.txt"), LIMITS)
    assert job.pid != os.getpid()
    document = job.result()
    assert document.encoding == "gb18030" and len(document.paragraphs) == 2
    assert not alive(job.pid)


def test_the_targets_own_error_is_raised_with_its_code():
    with pytest.raises(DocumentError) as error:
        workers.run(load_document_bytes, (b"", "empty.txt"), LIMITS)
    assert error.value.code == "empty"
    with pytest.raises(ZeroDivisionError):
        workers.run(operator.truediv, (1, 0), LIMITS)


def test_memory_past_the_limit_fails_the_job_not_the_caller():
    with pytest.raises(workers.JobFailed) as error:
        workers.run(bytearray, (2 * LIMITS.memory,), LIMITS)
    assert error.value.code == "memory"


def test_a_job_past_its_time_is_stopped():
    limits = workers.Limits(memory=LIMITS.memory, seconds=1.0)
    job = workers.Job(time.sleep, (30,), limits)
    with pytest.raises(workers.JobFailed) as error:
        job.result()
    assert error.value.code == "time" and job.elapsed < 10
    assert not alive(job.pid)


def test_cancel_stops_the_worker():
    job = workers.Job(time.sleep, (30,), LIMITS)
    assert not job.wait(0.3)
    job.cancel()
    assert job.done and not alive(job.pid)
    with pytest.raises(workers.JobFailed) as error:
        job.result()
    assert error.value.code == "cancelled"


def test_a_job_dropped_by_its_owner_kills_its_worker():
    job = workers.Job(time.sleep, (30,), LIMITS)
    pid = job.pid
    assert alive(pid)
    del job
    gc.collect()
    assert not alive(pid)


def test_the_server_runs_at_most_max_running_workers_and_a_place_comes_back_when_a_job_ends():
    running = [workers.Job.start(time.sleep, (30,), LIMITS) for _ in range(workers.MAX_RUNNING)]
    try:
        assert all(job is not None for job in running)
        assert workers.Job.start(time.sleep, (30,), LIMITS) is None  # every place is taken: nothing started
        running[0].cancel()
        again = workers.Job.start(os.getpid, (), LIMITS)
        assert again is not None and again.result() == again.pid
        del running[1]  # a job its session dropped gives its place back too
        gc.collect()
        later = workers.Job.start(os.getpid, (), LIMITS)
        assert later is not None and later.result() == later.pid
    finally:
        for job in running:
            job.cancel()


def test_a_worker_runs_at_a_lower_priority_than_the_server():
    assert workers.run(os.nice, (0,), LIMITS) == os.nice(0) + workers.WORKER_NICE
