"""End-to-end: downloads reach only the user who clicked, and every one arrives under load (issue 9).

Before the fix, two users exporting the KWIC CSV of two same-length versions of a long document got
the same file (Streamlit's media store named files over 1 MiB by length and three 64 KiB samples),
and with ten busy sessions about one download in seven answered 404.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_browser_e2e import (
    FIRST_LOAD_TIMEOUT_MS,
    TITLE_IS_JS,
    VIEWPORT,
    assert_no_errors,
    download,
    follow_nav_link,
    rerun,
    upload_file,
    wait_for_outcome,
)

from policylens import paths
from policylens.i18n import t
from policylens.ui.kwic import count_line as kwic_count_line

pytestmark = pytest.mark.browser

PARAGRAPHS = 6000
SECRET_ROW = 1500


def write_long_policy(path: Path, secret: str) -> None:
    """6,000 paragraphs, each naming innovation twice; paragraph 1,500 holds `secret` (fixed length)."""
    lines = [
        f"Paragraph {i:05d}: innovation links the industrial chain, and innovation links the talent chain."
        for i in range(1, PARAGRAPHS + 1)
    ]
    lines[SECRET_ROW - 1] = f"Paragraph {SECRET_ROW:05d}: innovation {secret} is confidential; innovation stays here."
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


def open_session(browser, base_url: str):
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(base_url + "/")
    wait_for_outcome(page, TITLE_IS_JS, "Overview", FIRST_LOAD_TIMEOUT_MS)
    return context, page


def search_kwic(page, query: str) -> None:
    """Open keyword in context and show `query`'s lines (the page may already open on it: the
    document's top key term)."""
    follow_nav_link(page, "/kwic")
    search = page.locator('[data-testid="stMain"] [data-testid="stTextInputField"]').first
    count_line = kwic_count_line(2 * PARAGRAPHS, PARAGRAPHS, "en")
    if search.input_value() == query:
        wait_for_outcome(page, "text => document.body.innerText.includes(text)", count_line, FIRST_LOAD_TIMEOUT_MS)
        return
    with rerun(page, "text => document.body.innerText.includes(text)", count_line):
        search.fill(query)
        search.press("Enter")


def test_two_users_exporting_two_versions_of_one_long_document_each_get_their_own(browser, streamlit_server, tmp_path):
    secrets = {"a": "SECRET-ALPHA-0001", "b": "SECRET-BRAVO-0002"}
    assert len(secrets["a"]) == len(secrets["b"])
    sessions = {}
    try:
        for user, secret in secrets.items():
            folder = tmp_path / user
            folder.mkdir()
            write_long_policy(folder / "policy.txt", secret)
            sessions[user] = open_session(browser, streamlit_server)
            upload_file(sessions[user][1], folder / "policy.txt", "Loaded policy.txt")
        assert (tmp_path / "a" / "policy.txt").stat().st_size == (tmp_path / "b" / "policy.txt").stat().st_size
        for _, page in sessions.values():
            search_kwic(page, "innovation")
        files = {}
        for user in ("a", "b"):  # A exports first, then B: B must not receive A's file
            page = sessions[user][1]
            files[user] = download(
                page, page.locator('[data-testid="stMain"]').get_by_text(t("export.table_csv", "en"), exact=True).first
            ).read_bytes()
            assert_no_errors(page)
        for user, other in (("a", "b"), ("b", "a")):
            assert len(files[user]) > 1 << 20, "the export is under 1 MiB: the test no longer covers sampled ids"
            assert secrets[user].encode() in files[user], f"user {user} did not get the KWIC lines of their document"
            assert secrets[other].encode() not in files[user], f"user {user} received the other user's file"
        assert len(files["a"]) == len(files["b"])  # same length, same 64 KiB samples: only the middle differs
    finally:
        for context, _ in sessions.values():
            context.close()


def test_every_download_succeeds_with_ten_busy_sessions(streamlit_server, chromium_path):
    """bench/downloads.py: 10 sessions clicking exports at once while the others rerun (60 downloads)."""
    result = subprocess.run(
        [
            sys.executable,
            str(paths.ROOT / "bench" / "downloads.py"),
            "--url",
            streamlit_server,
            "--sessions",
            "10",
            "--rounds",
            "3",
            "--json",
        ],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["attempted"] == 10 * 3 * 2, outcome
    assert outcome["failures"] == [] and outcome["succeeded"] == outcome["attempted"], outcome["failures"]
