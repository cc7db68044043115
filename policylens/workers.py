"""Bounded work in a process of its own: one job, one short-lived worker process with a memory and a
time limit, that can be cancelled. The server's interpreter only waits on a pipe, so a hostile or
huge file costs the session that sent it, never the others.

Each worker is a new interpreter (`python -c "from policylens.workers import main; main()"`),
not a fork of the server, whose threads a fork would copy half-way: it reads the pickled job on
stdin, sets its own limits, runs it and writes the pickled outcome on stdout. Starting one costs
about 0.1 s. The limits:

- memory: RLIMIT_AS, the address space; past it an allocation fails (MemoryError, or the process dies);
- time: an alarm at `seconds` of wall clock and RLIMIT_CPU at the same number of CPU seconds, both of
  which end the process, so a job nobody waits for any more still stops on its own.

A job's outcome is its target's return value, the exception it raised (re-raised in the caller), or
JobFailed with a code: "memory", "time", "cancelled", "crashed".

The server runs at most MAX_RUNNING workers at once, over all its sessions: `Job.start` gives None
while they are all busy (the caller queues the job and asks again), `run` waits for a free one. A
worker also lowers its own priority (WORKER_NICE), so the server's own thread, which answers every
session, is scheduled first when the cores are busy.
"""

from __future__ import annotations

import math
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MiB = 1 << 20
_ROOT = Path(__file__).resolve().parents[1]  # the folder holding the policylens package
FAILURES = ("memory", "time", "cancelled", "crashed")
MAX_RUNNING = max(2, os.cpu_count() or 1)  # workers at once in this server, over every session
POLL = 0.25  # seconds between two looks at a job being waited for (Job.result)
WORKER_NICE = 10  # added to a worker's nice value: the server answers before its workers compute
_slots = threading.BoundedSemaphore(MAX_RUNNING)


class _Slot:
    """One of the MAX_RUNNING places, held by one job and given back once, whichever ends it first
    (its outcome, a cancel, or the Job being collected)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held = True

    def release(self) -> None:
        with self._lock:
            if self._held:
                self._held = False
                _slots.release()


@dataclass(frozen=True)
class Limits:
    """What one job may take: `memory` bytes of address space (0: no bound on it, for a job that starts
    a browser engine), `seconds` of wall clock (and of CPU)."""

    memory: int
    seconds: float

    def shown(self) -> dict[str, str]:
        """The limits as a message writes them: {"memory": "768" (MB), "seconds": "30"}."""
        return {"memory": f"{self.memory // MiB:,}", "seconds": f"{self.seconds:g}"}


class JobFailed(Exception):
    """A job that ended without a result: `code` is one of FAILURES."""

    def __init__(self, code: str, limits: Limits) -> None:
        super().__init__(code, limits)
        self.code = code
        self.limits = limits


def _limit_self(limits: Limits) -> None:
    import resource

    if limits.memory:  # 0: no address-space limit (limited_command)
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory, limits.memory))
    cpu = max(1, math.ceil(limits.seconds))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    signal.alarm(cpu)
    os.nice(WORKER_NICE)


def limited_command(command: list[str], seconds: float) -> list[str]:
    """`command` (a Python command line without the interpreter, e.g. ["-m", "policylens", ...]) with
    a time limit of `seconds` and at the workers' priority: the interpreter sets them on itself and
    execs the command, whose children inherit them. At the limit the alarm ends the command's main
    process. There is no address-space limit: such a command's native libraries (DuckDB, Arrow)
    reserve address space they never use, so a bound on it fails at sizes that have nothing to do
    with the work; its caller watches its resident memory instead (ui.corpus.IngestJob)."""
    entry = "from policylens.workers import exec_limited; exec_limited()"
    return [sys.executable, "-c", entry, f"{seconds:g}", *command]


def exec_limited() -> None:
    """The body of limited_command: limit this process, then become the command."""
    seconds, *command = sys.argv[1:]
    _limit_self(Limits(0, float(seconds)))
    os.execv(sys.executable, [sys.executable, *command])


def main() -> None:
    """The worker's body: read (target, args, limits), limit itself, run the target, write back
    ("ok", value), ("raised", exception) or ("failed", code)."""
    target, args, limits = pickle.load(sys.stdin.buffer)
    _limit_self(limits)
    try:
        message = ("ok", target(*args))
    except MemoryError:
        message = ("failed", "memory")
    except Exception as exc:  # noqa: BLE001 - the caller re-raises it: the target's own errors are its API
        message = ("raised", exc)
    try:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("failed", "memory"))
    except Exception as exc:  # noqa: BLE001 - an unpicklable result or exception: say what it was
        payload = pickle.dumps(("raised", RuntimeError(f"{type(exc).__name__}: {exc}")))
    sys.stdout.buffer.write(payload)
    sys.stdout.buffer.flush()


def _stop(process: subprocess.Popen, slot: _Slot) -> None:
    if process.poll() is None:
        process.kill()
    process.wait()
    slot.release()


def _write(pipe, job: bytes) -> None:
    try:
        pipe.write(job)
        pipe.close()
    except OSError:  # the worker has already ended (cancelled, or a limit)
        pass


def _read(pipe, output: list[bytes]) -> None:
    output.append(pipe.read())


class Job:
    """One call of `target(*args)` in a worker process under `limits`. Poll `done`, then `result()`.
    A Job that is garbage-collected (its session ended) kills its worker. `Job(...)` waits for one of
    the MAX_RUNNING places; `Job.start(...)` does not."""

    @classmethod
    def start(cls, target: Callable, args: tuple, limits: Limits) -> Job | None:
        """The job started in a worker, or None when MAX_RUNNING workers are busy (nothing started)."""
        if not _slots.acquire(blocking=False):
            return None
        return cls(target, args, limits, _held=True)

    def __init__(self, target: Callable, args: tuple, limits: Limits, _held: bool = False) -> None:
        if not _held:
            _slots.acquire()
        self._slot = _Slot()
        self.limits = limits
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
        self.started = time.monotonic()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", "from policylens.workers import main; main()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        except BaseException:
            self._slot.release()
            raise
        weakref.finalize(self, _stop, self._process, self._slot)
        self._output: list[bytes] = []
        # the threads hold the pipes, not the Job: a Job nobody holds is collected and kills its worker
        self._reader = threading.Thread(target=_read, args=(self._process.stdout, self._output), daemon=True)
        self._reader.start()
        job = pickle.dumps((target, args, limits), protocol=pickle.HIGHEST_PROTOCOL)
        threading.Thread(target=_write, args=(self._process.stdin, job), daemon=True).start()
        self._message: tuple | None = None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def pid(self) -> int:
        return self._process.pid

    @property
    def done(self) -> bool:
        """Whether the job has ended (a result, an error, a limit reached or a cancel); never blocks."""
        return self.wait(0)

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the job to end; whether it has."""
        if self._message is not None:
            return True
        self._reader.join(max(0.0, min(timeout, self.limits.seconds - self.elapsed)))
        if not self._reader.is_alive():
            self._finish(self._decode())
            return True
        if self.elapsed >= self.limits.seconds:  # the worker's alarm has fired or is about to
            self._finish(("failed", "time"))
            return True
        return False

    def _decode(self) -> tuple:
        code = self._process.wait()
        output = b"".join(self._output)
        if code == 0 and output:
            try:
                return pickle.loads(output)
            except Exception:  # noqa: BLE001 - a torn message: the worker did not finish writing it
                pass
        if code in (-signal.SIGALRM, -signal.SIGXCPU) or self.elapsed >= self.limits.seconds:
            return ("failed", "time")
        return ("failed", "memory" if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) else "crashed")

    def _finish(self, message: tuple) -> None:
        self._message = message
        _stop(self._process, self._slot)

    def cancel(self) -> None:
        """Stop the worker now; the job's outcome becomes JobFailed("cancelled")."""
        if self._message is None:
            self._finish(("failed", "cancelled"))

    def result(self, check: Callable[[], None] | None = None) -> Any:
        """The target's return value; re-raises its exception; JobFailed when it ended without one.
        Waits for the job when it has not ended, calling `check` every POLL seconds meanwhile: an
        exception it raises reaches the caller and leaves the job running."""
        while not self.wait(POLL):
            if check is not None:
                check()
        kind, value = self._message
        if kind == "ok":
            return value
        if kind == "raised":
            raise value
        raise JobFailed(value, self.limits)


def run(target: Callable, args: tuple, limits: Limits) -> Any:
    """Run `target(*args)` in a worker under `limits` and return its result (Job.result)."""
    return Job(target, args, limits).result()
