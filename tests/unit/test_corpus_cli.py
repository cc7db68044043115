"""The `corpus` command line: ingest with progress on stderr, JSON queries, and exit status 2 with one
clear line on stderr for bad input."""

import json

import pytest

from policylens import paths
from policylens.__main__ import main

FIXTURES = paths.ROOT / "tests" / "fixtures" / "corpus"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "cache"
    assert (
        main(["corpus", "ingest", str(FIXTURES / "items"), "--out", str(out), "--split-items", "--workers", "1"]) == 0
    )
    return out


def test_ingest_prints_a_summary_and_progress(tmp_path, capsys):
    out = tmp_path / "cache"
    assert main(["corpus", "ingest", str(FIXTURES / "basic"), "--out", str(out), "--workers", "1"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert (summary["documents"], summary["analysed"]) == (5, 5)
    assert sorted(b["name"] for b in summary["bad"]) == ["broken.docx", "empty.txt"]
    assert "ingest 7/7 (100%)" in captured.err and "skipped: empty.txt" in captured.err


def test_trends_pillars_and_compare_print_json(cache, capsys):
    assert main(["corpus", "trends", str(cache), "--term", "人工智能", "--term", "科研人员", "--by", "month"]) == 0
    trends = json.loads(capsys.readouterr().out)
    assert [(r["period"], r["term"], r["count"]) for r in trends] == [
        ("2024-01", "人工智能", 1),
        ("2024-01", "科研人员", 1),
    ]
    assert set(trends[0]) == {"period", "term", "count", "per_10k"}
    assert main(["corpus", "pillars", str(cache), "--by", "quarter", "--format", "json"]) == 0
    pillars = json.loads(capsys.readouterr().out)
    assert {r["period"] for r in pillars} == {"2024-Q1"} and sum(r["paragraphs"] for r in pillars) == 3
    assert set(pillars[0]) == {"period", "pillar", "paragraphs", "share"}
    args = ["corpus", "compare", str(cache), "--a", "title=天气预报", "--b", "rest", "--top", "2"]
    assert main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["a"]["documents"] == 1 and report["b"]["filter"] == "rest"


@pytest.mark.parametrize(
    "args, message",
    [
        (["corpus", "ingest", "missing-folder", "--out", "{tmp}/o"], "does not exist"),
        (["corpus", "ingest", str(FIXTURES / "items"), "--out", "{tmp}/o", "--workers", "0"], "at least 1"),
        (
            ["corpus", "ingest", str(FIXTURES / "items"), "--out", "{tmp}/o", "--scheduler", "tcp://x:1"],
            "--engine dask",
        ),
        (["corpus", "trends", "{tmp}", "--term", "x"], "no ingested corpus"),
        (["corpus", "compare", "{cache}", "--a", "city=南京", "--b", "rest"], "Unknown filter key"),
        (["corpus", "compare", "{cache}", "--a", "place=上海", "--b", "rest"], "matches no documents"),
    ],
)
def test_bad_input_exits_2_with_one_message(args, message, tmp_path, cache, capsys):
    argv = [a.replace("{tmp}", str(tmp_path)).replace("{cache}", str(cache)) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_sigterm_cancels_an_ingest_keeping_what_is_finished_and_a_rerun_resumes(tmp_path):
    """The dashboard's Cancel: SIGTERM to the ingest command, which writes the batches done so far."""
    import signal
    import subprocess
    import sys
    import time

    source, out, progress = tmp_path / "many", tmp_path / "cache", tmp_path / "progress.json"
    source.mkdir()
    for n in range(400):  # small documents written for this test, one date each
        day = f"2023-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        text = f"第{n}号通知：推进科技创新和产业升级，培育新质生产力。\n\n加快建设现代化产业体系，第{n}项任务。\n"
        (source / f"{day}_{n:03d}.txt").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "policylens", "corpus", "ingest", str(source), "--out", str(out)]
    command += ["--workers", "1", "--progress-file", str(progress)]
    process = subprocess.Popen(command, cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not progress.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    first = json.loads(progress.read_text(encoding="utf-8"))
    assert set(first) == {"done", "total", "elapsed", "eta"} and first["total"] == 400
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    summary = json.loads(stdout)
    assert summary["cancelled"] is True and 0 < summary["documents"] < 400
    assert main(["corpus", "ingest", str(source), "--out", str(out), "--workers", "1"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == 400 and manifest["reused"] == summary["documents"]
    assert manifest["cancelled"] is False
