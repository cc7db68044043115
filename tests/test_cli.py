"""`python -m policylens analyze`: the JSON contract, run as a real subprocess."""

import io
import json
import subprocess
import sys

import pypdf
import pytest

from policylens import paths
from policylens.__main__ import main

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


def test_analyze_traditional_big5_file_reports_encoding_and_script(tmp_path):
    path = tmp_path / "tw.txt"
    path.write_bytes("南京要加快發展新質生產力，推動高質量發展。\n\n以「強」築基，發展積體電路。".encode("big5"))
    result = run_cli("analyze", str(path), "--top", "200")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {k: report["document"][k] for k in ("encoding", "script", "language", "paragraphs")} == {
        "encoding": "big5", "script": "traditional", "language": "zh", "paragraphs": 2,
    }
    assert report["paragraphs"][0]["text"] == "南京要加快发展新质生产力，推动高质量发展。"
    assert "新质生产力" in {t["term"] for t in report["terms"]}


def test_analyze_reads_structured_formats(tmp_path):
    md = tmp_path / "notes.md"
    md.write_text("# 南京新质生产力\n\n推动**高质量发展**。\n", encoding="utf-8")
    html = tmp_path / "page.html"
    html.write_bytes("<p>新质生产力</p><script>alert(1)</script>".encode("gb18030"))
    for path, encoding, paragraphs in ((md, "utf-8", 2), (html, "gb18030", 1)):
        result = run_cli("analyze", str(path))
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout)["document"]
        assert (document["encoding"], document["script"], document["paragraphs"]) == (encoding, "simplified", paragraphs)


def test_analyze_damaged_pdf_exits_2_with_one_line_and_no_pypdf_warnings(tmp_path):
    path = tmp_path / "bad.pdf"
    path.write_bytes(b"%PDF-1.4\ngarbage")
    result = run_cli("analyze", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("error: The PDF file is damaged or not a PDF (") and result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("scan.pdf", "blank-pdf", "error: The PDF has no text layer (scanned?): it holds only images."),
        ("bad.docx", b"not a zip", "error: The file is not a Word .docx document (it is not a ZIP package)."),
        ("data.xlsx", b"x", "error: Unsupported file type '.xlsx'. Supported types: .txt, .md, .markdown, .html, .htm"),
        ("cp1252.txt", "caf\u00e9 \u201cnew\u201d".encode("cp1252"), "error: The text encoding could not be recognised"),
        ("bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "error: The file looks binary (it contains NUL bytes), not text."),
    ],
)
def test_analyze_bad_documents_exit_2_with_the_message(tmp_path, capsys, name, data, message):
    path = tmp_path / name
    path.write_bytes(build_blank_pdf() if data == "blank-pdf" else data)
    assert main(["analyze", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith(message) and captured.err.count("\n") == 1


def build_blank_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
