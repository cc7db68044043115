"""A large table's XLSX is built in a worker, not in the interpreter every session shares."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from policylens import workers
from policylens.ui.widgets import exports


def table(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"paragraph": range(1, rows + 1), "text": [f"新质生产力 {i}" for i in range(rows)]})


def read_back(data: bytes, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data), read_only=True)[sheet].iter_rows(values_only=True))


def test_a_table_past_the_bound_is_written_in_a_worker_and_opens_whole(monkeypatch):
    ran = []
    real_run = workers.run
    monkeypatch.setattr(workers, "run", lambda *a: ran.append(a[2]) or real_run(*a))
    large = table(exports.XLSX_IN_SERVER_CELLS // 2 + 1)  # two columns: one cell over the bound
    rows = read_back(exports.build_table_xlsx(large, "paragraphs"), "paragraphs")
    assert ran == [exports.XLSX_LIMITS]
    assert rows[0] == ("paragraph", "text") and len(rows) == len(large) + 1
    assert rows[-1] == (len(large), f"新质生产力 {len(large) - 1}")


def test_a_small_table_is_written_here(monkeypatch):
    monkeypatch.setattr(workers, "run", lambda *a: (_ for _ in ()).throw(AssertionError("a worker for a small table")))
    small = table(exports.XLSX_IN_SERVER_CELLS // 2)
    assert len(read_back(exports.build_table_xlsx(small, "t"), "t")) == len(small) + 1
