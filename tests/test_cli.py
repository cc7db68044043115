"""`python -m policylens analyze`: the JSON contract, run as a real subprocess."""

import json
import subprocess
import sys

from policylens import paths

FIXTURES = paths.ROOT / "tests" / "fixtures"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policylens", *args], capture_output=True, text=True, cwd=paths.ROOT, timeout=120,
    )


def test_analyze_seed_prints_the_documented_json():
    result = run_cli("analyze", str(paths.SEED_DOCUMENT), "--format", "json", "--top", "5")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["document"]["language"] == "en"
    assert report["document"]["paragraphs"] == 15 == len(report["paragraphs"])
    assert report["document"]["characters"] > 6000
    assert [p["id"] for p in report["pillars"]] == ["new", "strong", "fusion"]
    assert {"label_en", "label_zh", "paragraphs", "share"} <= set(report["pillars"][0])
    assert report["paragraphs"][0]["index"] == 1
    pillar_of = {p["text"][:15]: p["pillar"] for p in report["paragraphs"]}
    assert pillar_of['To the "new" co'] == "new" and pillar_of["Building a \"str"] == "strong"
    assert set(report["paragraphs"][12]["scores"]) == {"new", "strong", "fusion"}
    assert "industrial system" in report["paragraphs"][12]["evidence"]
    counts = [t["count"] for t in report["terms"]]
    assert len(counts) == 5 and counts == sorted(counts, reverse=True)


def test_analyze_chinese_document_counts_policy_terms_whole():
    result = run_cli("analyze", str(FIXTURES / "zh_policy.txt"))
    report = json.loads(result.stdout)
    assert report["document"]["language"] == "zh"
    terms = {t["term"]: t["count"] for t in report["terms"]}
    assert terms["2+6+6"] == 1 and "新质生产力" in terms
    assert len(report["terms"]) <= 100


def test_analyze_missing_or_bad_file_exits_2_with_a_message(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("analyze", str(empty))
    assert result.returncode == 2 and "empty" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("analyze", str(tmp_path / "missing.txt"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
