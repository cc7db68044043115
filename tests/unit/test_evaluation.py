"""The evaluate command and its figures, checked against scikit-learn on labelled sets written for the tests."""

import json
import subprocess
import sys

import pytest
from sklearn.metrics import cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

from policylens import paths, schema
from policylens.text.evaluation import LabelledSetError, evaluate, read_labelled_tsv, score_predictions

HEADER = "id\tdate\titem_title\tpara_no\ttext\tprimary\tsecondary\tconfidence\treason\n"
ROWS = [
    (
        "20250101-00-01",
        "2025-01-01",
        "甲市科技",
        "研究团队在基础研究中取得原创性突破，发现一种新型超导材料。",
        "new",
        "",
    ),
    ("20250101-00-02", "2025-01-01", "甲市科技", "全市制造业增加值增长8%，新能源汽车产业集群不断壮大。", "strong", ""),
    ("20250101-00-03", "2025-01-01", "甲市科技", "小标题", "skip", ""),
    ("20250101-01-01", "2025-01-01", "乙市旅游", "推进文旅融合发展，打造旅游目的地，丰富夜间消费。", "none", ""),
    ("20250101-01-02", "2025-01-01", "乙市旅游", "高校与企业共建中试平台，引导基金支持科技成果转化。", "fusion", "new"),
]


def labelled_tsv(rows=ROWS) -> str:
    return HEADER + "".join(f"{i}\t{d}\t{t}\t1\t{x}\t{p}\t{s}\tH\tr\n" for i, d, t, x, p, s in rows)


def test_figures_match_scikit_learn():
    labels = ["new", "strong", "fusion", "none"]
    gold = ["new", "new", "strong", "fusion", "none", "none", "fusion", "strong", "new", "none"]
    pred = ["new", "strong", "strong", "none", "none", "new", "fusion", "strong", "new", "fusion"]
    second = ["fusion", "new", None, "fusion", None, None, None, None, None, None]
    figures = score_predictions(gold, pred, second, labels)
    assert figures["n"] == 10 and figures["exact"] == 0.6
    assert figures["top2"] == 0.8  # rows 2 and 4 are right on their secondary
    assert figures["kappa"] == pytest.approx(cohen_kappa_score(gold, pred), abs=1e-4)
    precision, recall, _, support = precision_recall_fscore_support(gold, pred, labels=labels, zero_division=0)
    for i, label in enumerate(labels):
        assert figures["per_pillar"][label]["precision"] == pytest.approx(precision[i], abs=1e-4)
        assert figures["per_pillar"][label]["recall"] == pytest.approx(recall[i], abs=1e-4)
    assert figures["none_recall"] == pytest.approx(recall[3], abs=1e-4)
    matrix = confusion_matrix(gold, pred, labels=labels)
    assert [[figures["confusion"][g][p] for p in labels] for g in labels] == matrix.tolist()


def test_paragraphs_of_one_item_are_one_document_and_skip_rows_are_not_scored():
    seen = []

    def classify(document):
        seen.append(document.paragraphs)
        import pandas as pd

        n = len(document.paragraphs)
        return pd.DataFrame(
            {schema.PARAGRAPH: range(1, n + 1), schema.PILLAR: ["new"] * n, schema.SECONDARY: [None] * n}
        )

    rows = read_labelled_tsv(labelled_tsv(), ["new", "strong", "fusion"])
    figures, predictions = evaluate(rows, classify, ["new", "strong", "fusion"])
    assert [len(p) for p in seen] == [3, 2]  # the skip row is read with its item
    assert figures["n"] == 4 and [p.id for p in predictions] == [r[0] for r in ROWS if r[4] != "skip"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id\ttext\tprimary\n1\tx\tnew\n", "lacks the column"),
        (HEADER + "1\t\t\t1\tx\tgreen\t\tH\tr\n", "Row 2: primary label 'green'"),
        (HEADER + "1\t\t\t1\tx\tnew\tnone\tH\tr\n", "secondary label 'none'"),
        (HEADER, "no rows"),
    ],
)
def test_bad_labelled_sets_get_a_specific_message(text, message):
    with pytest.raises(LabelledSetError, match=message):
        read_labelled_tsv(text, ["new", "strong", "fusion"])


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "policylens", *args], capture_output=True, text=True, cwd=paths.ROOT, timeout=300
    )


def test_evaluate_command_prints_json_and_text(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text(labelled_tsv(), encoding="utf-8")
    result = run_cli("evaluate", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert {"n", "exact", "top2", "none_recall", "kappa", "per_pillar", "confusion"} <= set(figures)
    assert figures["n"] == 4 and set(figures["per_pillar"]["fusion"]) >= {"precision", "recall"}
    assert figures["exact"] == 1.0  # four clear paragraphs written for the test
    text = run_cli("evaluate", str(path), "--errors")
    assert text.returncode == 0 and "Cohen's kappa" in text.stdout and "confusion" in text.stdout


def test_evaluate_command_reports_a_bad_file(tmp_path):
    path = tmp_path / "labels.tsv"
    path.write_text("id\ttext\n1\tx\n", encoding="utf-8")
    result = run_cli("evaluate", str(path))
    assert result.returncode == 2 and "lacks the column" in result.stderr and "Traceback" not in result.stderr


def test_labels_round_trip_through_the_tsv_and_match_their_paragraphs():
    from policylens.documents.loader import load_paragraphs
    from policylens.export.files import neutralise_cell
    from policylens.text.evaluation import labels_to_tsv, match_rows

    document = load_paragraphs([r[3] for r in ROWS if r[4] != "skip"] + ["=SUM(A1)是一个公式样的段落。"], "甲.txt")
    labels = {1: ("new", None), 4: ("fusion", "new"), 5: ("none", None)}
    text = labels_to_tsv(document, labels, cell=neutralise_cell)
    assert text.splitlines()[0].split("\t") == [
        "id", "date", "item_title", "para_no", "text", "primary", "secondary", "confidence", "reason"
    ]  # fmt: skip
    assert "\t'=SUM(A1)" in text  # a spreadsheet does not run it
    rows = read_labelled_tsv(text, ["new", "strong", "fusion"])
    assert [(r.id, r.primary, r.secondary) for r in rows] == [
        ("甲.txt-001", "new", None),
        ("甲.txt-004", "fusion", "new"),
        ("甲.txt-005", "none", None),
    ]
    matched, unmatched = match_rows(rows, document)
    assert matched == labels and unmatched == 0
    other = load_paragraphs(["完全不同的一段话。"], "乙.txt")
    assert match_rows(rows, other) == ({}, 3)
