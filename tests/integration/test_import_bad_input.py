"""Bad input gets a clear error naming file, row and column, and changes nothing."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from arrears.adapters.db import schema
from arrears.bootstrap import Container
from arrears.errors import ValidationFailed
from support.db import run_import, table_counts
from support.portfolio import BORROWERS, COLLATERAL, LOANS, PAYMENTS


def refused(container: Container, files: list[Path]) -> ValidationFailed:
    before = table_counts(container)
    with pytest.raises(ValidationFailed) as caught:
        run_import(container, files)
    assert table_counts(container) == before, "a refused import must change nothing"
    return caught.value


def messages(failure: ValidationFailed) -> list[tuple[str, int, str, str]]:
    return [(Path(p.file).name, p.row, p.column, p.message) for p in failure.problems]


def with_change(rows: list[dict[str, str]], index: int, **changes: str) -> list[dict[str, str]]:
    copy = [dict(r) for r in rows]
    copy[index].update(changes)
    return copy


CASES = [
    ("borrowers", with_change(BORROWERS, 0, zip="99999"), 2, "zip", "does not exist"),
    ("borrowers", with_change(BORROWERS, 1, zip="02139"), 3, "zip", "not in the given state"),
    ("borrowers", with_change(BORROWERS, 2, state="XX"), 4, "state", "not a US state"),
    ("borrowers", with_change(BORROWERS, 0, email="ana@@example"), 2, "email", "not a valid email"),
    ("borrowers", with_change(BORROWERS, 0, mobile_phone="555-1234"), 2, "mobile_phone", "not a valid US phone"),
    ("borrowers", with_change(BORROWERS, 0, date_of_birth="1985-02-30"), 2, "date_of_birth", "not a real date"),
    ("borrowers", with_change(BORROWERS, 0, ssn="000-12-3456"), 2, "ssn", "not a valid SSN"),
    ("loans", with_change(LOANS, 0, principal="-5.00"), 2, "principal", "must not be negative"),
    ("loans", with_change(LOANS, 0, principal="12.345"), 2, "principal", "no more decimals"),
    ("loans", with_change(LOANS, 0, principal="abc"), 2, "principal", "not an amount"),
    ("loans", with_change(LOANS, 0, term_months="twelve"), 2, "term_months", "whole number"),
    ("loans", with_change(LOANS, 1, loan_id="L1"), 3, "loan_id", "appears more than once"),
    ("loans", with_change(LOANS, 0, borrower_id="NOBODY"), 2, "borrower_id", "no such borrower"),
    ("loans", with_change(LOANS, 0, origination_date="2031-01-01", first_due_date="2031-02-01"), 2, "origination_date", "is after"),
    ("loans", with_change(LOANS, 2, charge_off_date=""), 4, "charge_off_date", "needs its charge-off date"),
    ("collateral", with_change(COLLATERAL, 0, vin="1HGCM82633A004353"), 2, "vin", "check digit"),
    ("collateral", with_change(COLLATERAL, 0, vin="1HGCM82633A00435"), 2, "vin", "17 characters"),
    ("payments", with_change(PAYMENTS, 0, loan_id="L404"), 2, "loan_id", "no such loan"),
    ("payments", with_change(PAYMENTS, 0, amount="0"), 2, "amount", "more than zero"),
    ("payments", with_change(PAYMENTS, 0, effective_date="2025-01-01"), 2, "effective_date", "before the loan's origination"),
    ("payments", with_change(PAYMENTS, 1, payment_id="P1-2"), 3, "payment_id", "appears more than once"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "rows", "row", "column", "message"), CASES)
def test_a_bad_row_is_refused_with_where_and_why(
    container: Container,
    portfolio_files: list[Path],
    write_csv,
    kind: str,
    rows: list[dict[str, str]],
    row: int,
    column: str,
    message: str,
) -> None:
    """The problem names the file, the line, the column and what is wrong; nothing is written."""
    files = [f for f in portfolio_files if not f.name.startswith(kind)]
    files.append(write_csv(f"{kind}.csv", rows))
    failure = refused(container, files)
    found = messages(failure)
    assert any(
        f == f"{kind}.csv" and r == row and c == column and message in m for f, r, c, m in found
    ), found


def test_a_payment_id_repeated_in_a_later_batch_is_refused(
    container: Container,
    portfolio_files: list[Path],
    write_csv,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Repeats are caught across batches and files, not only inside one batch."""
    monkeypatch.setattr(container.settings, "import_batch_rows", 2)
    first = write_csv("payments-1.csv", with_change(PAYMENTS, 9, payment_id="P1-2"))
    second = write_csv("payments-2.csv", [dict(PAYMENTS[1], amount="1.00")])
    files = [f for f in portfolio_files if not f.name.startswith("payments")]
    found = messages(refused(container, [*files, first, second]))
    repeated = {(f, r) for f, r, c, m in found if "appears more than once" in m}
    assert repeated == {("payments-1.csv", 11), ("payments-2.csv", 2)}, found


def test_every_problem_is_reported_not_just_the_first(
    container: Container, portfolio_files: list[Path], write_csv
) -> None:
    """Three bad rows in two files give (at least) three problems in one refusal."""
    loans = with_change(with_change(LOANS, 0, principal="-1"), 1, annual_rate="1.5")
    payments = with_change(PAYMENTS, 4, effective_date="2026-13-01")
    files = [f for f in portfolio_files if f.name.split(".")[0] not in {"loans", "payments"}]
    failure = refused(
        container, [*files, write_csv("loans.csv", loans), write_csv("payments.csv", payments)]
    )
    assert failure.listing is not None
    listed = pl.read_csv(failure.listing)
    found = {(Path(f).name, c) for f, c in listed.select("file", "column").iter_rows()}
    assert failure.total == listed.height
    assert {
        ("loans.csv", "principal"),
        ("loans.csv", "annual_rate"),
        ("payments.csv", "effective_date"),
    } <= found


def test_unknown_and_missing_columns_refuse_the_file(
    container: Container, portfolio_files: list[Path], write_csv
) -> None:
    rows = [{k: v for k, v in r.items() if k != "principal"} | {"colour": "red"} for r in LOANS]
    files = [f for f in portfolio_files if not f.name.startswith("loans")]
    failure = refused(container, [*files, write_csv("loans.csv", rows)])
    found = messages(failure)
    assert ("loans.csv", 1, "colour", "unknown column for a loans file") in found
    assert ("loans.csv", 1, "principal", "required column is missing") in found


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "not a"),
        (b"\xff\xfe\x00b\x00o\x00r", "not a UTF-8 CSV file"),
    ],
)
def test_files_that_are_not_csv_are_refused(
    container: Container, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "borrowers.csv"
    path.write_bytes(content)
    failure = refused(container, [path])
    assert any(message in m for _, _, _, m in messages(failure)), messages(failure)


def test_a_truncated_file_is_refused_at_its_last_line(
    container: Container, write_csv, tmp_path: Path
) -> None:
    """A file cut off in its last row reports that line."""
    path = write_csv("borrowers.csv", BORROWERS)
    text = path.read_text()
    path.write_text(text[: text.rstrip().rfind(",")])
    failure = refused(container, [path])
    assert any(r == 4 and "truncated" in m for _, r, _, m in messages(failure)), messages(failure)


def test_a_file_whose_kind_cannot_be_told_is_refused(container: Container, write_csv) -> None:
    failure = refused(container, [write_csv("customers.csv", BORROWERS)])
    assert "cannot tell what this file holds" in failure.problems[0].message


def test_parquet_with_float_amounts_is_refused(container: Container, tmp_path: Path) -> None:
    """Money is never a float, not even in a Parquet file."""
    frame = pl.DataFrame([dict(r.items()) for r in LOANS]).with_columns(
        pl.col("principal").cast(pl.Float64)
    )
    path = tmp_path / "loans.parquet"
    frame.write_parquet(path)
    failure = refused(container, [path])
    assert any("floating-point" in p.message for p in failure.problems)


def test_rejects_mode_imports_the_good_rows_and_writes_the_bad_ones(
    container: Container, portfolio_files: list[Path], write_csv, tmp_path: Path
) -> None:
    """With --rejects the bad loan and everything that depends on it is left out, the rest lands."""
    loans = with_change(LOANS, 0, principal="-1")
    files = [f for f in portfolio_files if not f.name.startswith("loans")]
    rejects = tmp_path / "rejects.csv"
    report = run_import(container, [*files, write_csv("loans.csv", loans)], rejects=rejects)
    assert report.status == "imported with rejects"
    written = pl.read_csv(rejects)
    assert "principal" in written.get_column("column").to_list()
    assert "no such loan" in " ".join(written.get_column("message").to_list())
    with container.engine.connect() as connection:
        loans_on_file = connection.execute(
            select(func.count()).select_from(schema.loans)
        ).scalar_one()
    assert loans_on_file == 2


def test_a_known_payment_cannot_change_amount(
    container: Container, portfolio_files: list[Path], write_csv
) -> None:
    """Payments are immutable: the same id with another amount is refused, not re-posted."""
    run_import(container, portfolio_files)
    failure = refused(
        container, [write_csv("payments.csv", with_change(PAYMENTS, 0, amount="200.00"))]
    )
    assert "already on file" in failure.problems[0].message
