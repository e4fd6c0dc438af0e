"""A small hand-made portfolio in the import formats, and helpers to write CSV files."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from support.portfolio import BORROWERS, COLLATERAL, LOANS, PAYMENTS, VALUATIONS

WriteCsv = Callable[[str, list[dict[str, str]]], Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """Write rows to ``tmp_path/name`` with the union of their keys as the header."""

    def write(name: str, rows: list[dict[str, str]]) -> Path:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        header: list[str] = []
        for row in rows:
            header += [k for k in row if k not in header]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def portfolio_files(write_csv: WriteCsv) -> list[Path]:
    """The small portfolio as CSV files, given in an order different from the load order."""
    return [
        write_csv("payments.csv", PAYMENTS),
        write_csv("loans.csv", LOANS),
        write_csv("borrowers.csv", BORROWERS),
        write_csv("collateral.csv", COLLATERAL),
        write_csv("valuations.csv", VALUATIONS),
    ]


def pytest_configure(config: pytest.Config) -> None:
    """The ``spark`` marker (local Spark; see tests/integration/test_spark_*.py)."""
    config.addinivalue_line("markers", "spark: runs on local Spark (needs pyspark and Java)")
