"""Agency files: cells never evaluate as formulas; a remittance's header is checked."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from arrears.adapters.files.agency_files import neutralise, read_remittance, write_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+1", "'+1"), ("-1", "'-1"), ("@cmd", "'@cmd"),
     ("\tx", "'\tx"), ("\rx", "'\rx"), ("Ana", "Ana"), ("", ""), (None, ""), (12, "12")],
)  # fmt: skip
def test_formula_starts_are_neutralised(value: object, written: str) -> None:
    assert neutralise(value) == written


def test_a_file_written_and_read_back_keeps_the_text(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_csv(path, ("name", "amount"), [{"name": '=HYPERLINK("http://x")', "amount": "10.00"}])
    with path.open(newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row == {"name": '\'=HYPERLINK("http://x")', "amount": "10.00"}


def test_a_remittance_with_missing_or_unknown_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("payment_ref,account,amount,extra\nP1,L1,1.00,x\n", encoding="utf-8")
    rows, problems = read_remittance(path)
    assert rows == []
    assert {(p.column, p.message) for p in problems} == {
        ("collected_on", "required column is missing"), ("commission", "required column is missing"),
        ("extra", "unknown column"),
    }  # fmt: skip


def test_an_empty_or_missing_remittance_says_so(tmp_path: Path) -> None:
    empty = tmp_path / "e.csv"
    empty.write_text("payment_ref,account,collected_on,amount,commission\n", encoding="utf-8")
    assert read_remittance(empty)[1][0].message == "the file has no payments"
    assert "cannot read" in read_remittance(tmp_path / "missing.csv")[1][0].message
