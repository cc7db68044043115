"""`python -m policylens analyze`: the JSON contract, run as a real subprocess."""

import io
import json
import subprocess
import sys

import openpyxl
import pypdf
import pytest

from policylens import paths, schema
from policylens.__main__ import main

FIXTURES = paths.ROOT / "tests" / "fixtures"


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policylens", *args],
        capture_output=True,
        text=True,
        cwd=paths.ROOT,
        timeout=120,
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
    assert pillar_of['To the "new" co'] == "new" and pillar_of['Building a "str'] == "strong"
    assert set(report["paragraphs"][12]["scores"]) == {"new", "strong", "fusion"}
    strong = report["paragraphs"][12]
    assert strong["pillar"] == "strong" and 0.5 < strong["confidence"] <= 1
    assert "industrial system" in strong["evidence"]["codebook"]
    assert {"term", "weight"} <= set(strong["evidence"]["model"][0])
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
        "encoding": "big5",
        "script": "traditional",
        "language": "zh",
        "paragraphs": 2,
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
        assert (document["encoding"], document["script"], document["paragraphs"]) == (
            encoding,
            "simplified",
            paragraphs,
        )


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
        (
            "cp1252.txt",
            "caf\u00e9 \u201cnew\u201d".encode("cp1252"),
            "error: The text encoding could not be recognised",
        ),
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


# ---- `python -m policylens indicators FILE --format json` -------------------------------------


def test_indicators_prints_the_validated_long_rows_as_json():
    result = run_cli("indicators", str(paths.INDICATORS_DIR / "example_wide.csv"), "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 13 and all(list(row) == list(schema.INDICATOR_COLUMNS) for row in rows)
    assert {
        k: rows[3][k] for k in ("city", "year", "pillar", "indicator_id", "value", "unit", "unit_code", "qualifier")
    } == {
        "city": "Nanjing",
        "year": 2021,
        "pillar": "strong",
        "indicator_id": "gdp",
        "value": 1.6,
        "unit": "万亿元",
        "unit_code": "trillion_cny",
        "qualifier": "lower_bound",
    }


def test_indicators_reports_every_problem_with_rows_on_stderr_and_exits_2(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "city,year,indicator_id,value,unit,source_title,source_url\n"
        "Nanjing,2022,gdp,16908,亿元,T,https://example.com/u\n"
        "Nanjing,1900,gdp,1,亿元,T,https://example.com/u\n"
        "Nanjing,2021,gdp,abc,亿元,T,https://example.com/u\n",
        encoding="gb18030",
    )
    result = run_cli("indicators", str(path), "--format", "json")
    assert result.returncode == 2 and result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert [line.split("]")[0] for line in lines] == ["error: [year_out_of_range", "error: [non_numeric"]
    assert "in row 3 (row numbers as in your file: row 1 is the header" in lines[0]
    assert "in row 4 (" in lines[1]


def test_indicators_reads_xlsx_and_refuses_missing_or_unsupported_files(tmp_path, capsys):
    book = openpyxl.Workbook()
    for row in (
        ["城市", "指标", "单位", "来源", "链接", "2022年"],
        ["南京", "地区生产总值", "亿元", "统计公报", "https://example.com/u", 16908],
    ):
        book.active.append(row)
    book.save(tmp_path / "book.xlsx")
    assert main(["indicators", str(tmp_path / "book.xlsx")]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["city"], row["year"], row["indicator_id"], row["value"]) == ("Nanjing", 2022, "gdp", 16908.0)
    assert main(["indicators", str(tmp_path / "missing.csv")]) == 2
    (tmp_path / "table.xls").write_bytes(b"x")
    assert main(["indicators", str(tmp_path / "table.xls")]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("error: [unsupported] Unsupported file type '.xls'.")
