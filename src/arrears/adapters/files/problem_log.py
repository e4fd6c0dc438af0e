"""Keeping every problem an import finds without holding millions of them in memory.

The first problems are kept for display; all of them stream to a CSV file (the ``--rejects``
file, or one in the data directory) so nothing is lost however bad the input.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import polars as pl

from arrears.adapters.files.checks import PROBLEM_SCHEMA, empty_problems
from arrears.errors import Problem
from arrears.formats.csv_cells import neutralised

_KEEP = 1_000


class ProblemLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.total = 0
        self._kept = empty_problems()
        self._handle: BinaryIO | None = None

    def add(self, problems: pl.DataFrame) -> None:
        if problems.height == 0:
            return
        problems = problems.select(pl.col(c).cast(t) for c, t in PROBLEM_SCHEMA.items())
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("wb")
            self._handle.write(b"file,row,column,value,message\n")
        handle = self._handle
        handle.write(_formula_safe(problems).write_csv(include_header=False).encode())
        self.total += problems.height
        if self._kept.height < _KEEP:
            self._kept = pl.concat([self._kept, problems.head(_KEEP - self._kept.height)])

    def add_problems(self, problems: list[Problem]) -> None:
        if problems:
            self.add(
                pl.DataFrame(
                    [(p.file, p.row, p.column, p.value, p.message) for p in problems],
                    schema=PROBLEM_SCHEMA,
                    orient="row",
                )
            )

    def first(self, limit: int) -> list[Problem]:
        return [Problem(**row) for row in self._kept.head(limit).iter_rows(named=True)]

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _formula_safe(problems: pl.DataFrame) -> pl.DataFrame:
    """Prefix a quote to values a spreadsheet would run as a formula (``formats.csv_cells``)."""
    return problems.with_columns(neutralised(c) for c in ("file", "column", "value", "message"))
