"""What is wrong with an upload and where: one problem with its file rows, the error that lists
them all, and the collector that validation fills row mask by row mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

ROW_CONVENTION = "row numbers as in your file: row 1 is the header, the first data row is row 2"
MAX_LISTED_ROWS = 20
ROW, WHERE = "_row", "_where"  # helper columns: the file row, and "row 3" / "row 3, column 2020"


@dataclass(frozen=True)
class UploadProblem:
    """One thing wrong with an upload: a code (see STRINGS), the file rows, an English message."""

    code: str
    rows: tuple[int, ...]
    message: str


class IndicatorUploadError(ValueError):
    """An upload that yields no table; `problems` lists everything found, for the UI to show."""

    def __init__(self, problems: list[UploadProblem]) -> None:
        super().__init__("\n".join(p.message for p in problems))
        self.problems = problems

    def __reduce__(self):  # rebuilt from its problems when it crosses from a worker process
        return type(self), (self.problems,)


def fail(code: str, message: str, rows: tuple[int, ...] = ()) -> IndicatorUploadError:
    """The error of an upload with one problem."""
    return IndicatorUploadError([UploadProblem(code, rows, message)])


def rows_text(rows: list[int]) -> str:
    """ "rows 3, 5 (row numbers as in your file ...)", at most MAX_LISTED_ROWS of them."""
    shown = ", ".join(map(str, rows[:MAX_LISTED_ROWS]))
    more = f", … ({len(rows)} rows in all)" if len(rows) > MAX_LISTED_ROWS else ""
    return f"{'row' if len(rows) == 1 else 'rows'} {shown}{more} ({ROW_CONVENTION})"


class ProblemLog:
    """The problems found so far and the rows they make invalid (`bad`)."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.bad = pd.Series(False, index=table.index)
        self.found: list[UploadProblem] = []

    def add(
        self,
        code: str,
        what: str,
        mask: pd.Series,
        examples: pd.Series | None = None,
        cell: bool = False,
        hint: str = "",
        quote: bool = False,
    ) -> None:
        """Note a problem in the rows of `mask`, with up to three examples (`quote`: shown as repr);
        `cell` problems (year, value) name the wide form's year column in examples."""
        if not mask.any():
            return
        self.bad |= mask
        rows = sorted(set(self.table.loc[mask, ROW]))
        detail = ""
        if examples is not None:
            where = self.table.loc[mask, WHERE] if cell else "row " + self.table.loc[mask, ROW].astype("str")
            shown = list(
                dict.fromkeys(
                    f"{e!r} ({w})" if quote else f"{e} ({w})" for e, w in zip(examples[mask], where, strict=True)
                )
            )[:3]
            detail = f"; e.g. {'; '.join(shown)}"
        self.found.append(UploadProblem(code, tuple(rows), f"{what} in {rows_text(rows)}{detail}.{hint}"))
