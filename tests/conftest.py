"""Shared pytest fixtures."""

# ---------------------------------------------------------------------------------------------
# Browser end-to-end fixtures (tests marked `browser`, see tests/browser/test_browser_e2e.py).
#
# One Streamlit server and one headless Debian Chromium per test session. Playwright drives the
# system Chromium through `executable_path`: `playwright install` is never needed (nor run).
# Without Chromium the browser tests are skipped locally and fail in CI (CI=true).
# ---------------------------------------------------------------------------------------------

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pytest

from policylens import paths

CHROMIUM_CANDIDATES = ("/usr/bin/chromium",)
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
SERVER_START_TIMEOUT_S = 90


def pytest_configure(config) -> None:
    """Keep the test run's caches (text.fastseg's segmentation words) out of the user's own cache
    folder: a temporary one for this run, inherited by the servers and ingests the tests start."""
    from policylens.text.fastseg import CACHE_ENV

    if not os.environ.get(CACHE_ENV):
        import tempfile

        os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="policylens-test-cache-")


SERVER_LOG = paths.ROOT / "artifacts" / "streamlit-server.log"


def _missing_browser_dependency(message: str) -> NoReturn:
    """Fail in CI, where the browser tests must run; skip on a developer machine."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message} (CI=true, so the browser tests may not be skipped)", pytrace=False)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health_ok(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="session")
def static_dir(tmp_path_factory) -> Path:
    """A static/ folder holding the web-font slices: the repository's when `install-font` built them
    (as `make test` does), else built once into a temporary folder, so a bare `python -m pytest` on
    a clean clone needs no build step."""
    from policylens.fonts.web import build_web_font_slices, read_manifest

    if read_manifest(paths.STATIC_DIR) is not None:
        return paths.STATIC_DIR
    folder = tmp_path_factory.mktemp("static")
    build_web_font_slices(folder)
    return folder


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium executable (skip locally / fail in CI when it is not installed)."""
    for candidate in (*CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    _missing_browser_dependency("Chromium not found: install Debian's package (`apt-get install chromium`)")


@pytest.fixture(scope="session")
def streamlit_server() -> Iterator[str]:
    """Serve dashboard.py on a free local port for the whole session; yield its base URL."""
    with serve_dashboard(SERVER_LOG) as base_url:
        yield base_url


@pytest.fixture
def fresh_streamlit_server() -> Iterator[str]:
    """A server of the test's own, so that the test's first page load is the server's first run."""
    with serve_dashboard(SERVER_LOG.with_name("streamlit-server-fresh.log")) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def slow_reads_server() -> Iterator[str]:
    """A server of its own whose uploads named "slow-read…" read slowly and whose documents named
    "slow-…" analyse slowly (tests/slow_reads/sitecustomize.py on its PYTHONPATH, and so on its
    workers'), for a browser to see progress and press Cancel."""
    slow = paths.ROOT / "tests" / "slow_reads"
    path = os.pathsep.join(filter(None, [str(slow), str(paths.ROOT), os.environ.get("PYTHONPATH")]))
    with serve_dashboard(SERVER_LOG.with_name("streamlit-server-slow-reads.log"), {"PYTHONPATH": path}) as url:
        yield url


@contextmanager
def serve_dashboard(log_path: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start the server as `make run` does, on a free local port (with `env` added to its
    environment); yield its base URL, then stop it."""
    subprocess.run(
        [sys.executable, "-m", "policylens", "install-font"], cwd=paths.ROOT, check=True, capture_output=True
    )
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            # the launcher `make run` uses: streamlit run dashboard.py with the sliced web font
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
            ],
            cwd=paths.ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while not _health_ok(base_url):
            if process.poll() is not None:
                pytest.fail(f"Streamlit exited with code {process.returncode}:\n{_log_tail(log_path)}")
            if time.monotonic() > deadline:
                pytest.fail(f"Streamlit not healthy after {SERVER_START_TIMEOUT_S} s:\n{_log_tail(log_path)}")
            time.sleep(0.25)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    """One headless Chromium (Playwright sync API) shared by the session's browser tests."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser_dependency("Playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
