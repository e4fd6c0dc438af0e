"""Reads alongside the caller's (``SqlPortfolioReads.alongside``), both databases: the same
frames as read in line, in the caller's snapshot (a later commit elsewhere is not seen on
PostgreSQL), errors handed to the caller; and the cycle's narrow payment frame."""

from __future__ import annotations

import threading
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.services.ports import PortfolioReads
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def test_a_read_alongside_gives_what_it_gives_in_line(imported: Container) -> None:
    with imported.uow() as uow:
        reads = uow.reads
        ids = reads.loan_ids()
        payments = reads.alongside(lambda side: side.payments(ids))
        balances = reads.alongside(lambda side: side.balances(ids, as_of=TODAY))
        assert payments().sort("payment_id").rows() == reads.payments(ids).sort("payment_id").rows()
        assert (
            balances().sort("loan_id").rows()
            == reads.balances(ids, as_of=TODAY).sort("loan_id").rows()
        )


def test_payment_amounts_are_the_payments_without_notes(imported: Container) -> None:
    with imported.uow() as uow:
        ids = uow.reads.loan_ids()
        full = uow.reads.payments(ids)
        narrow = uow.reads.payment_amounts(ids)
    columns = ["loan_id", "effective_date", "amount_minor", "good"]
    assert narrow.schema == full.select(columns).schema
    assert narrow.sort(columns).rows() == full.select(columns).sort(columns).rows()
    assert not narrow.get_column("good").all(), "the portfolio has a bounced payment"


def test_an_error_alongside_reaches_the_caller(imported: Container) -> None:
    def broken(side: PortfolioReads) -> pl.DataFrame:
        raise RuntimeError("no such read")

    with imported.uow() as uow, pytest.raises(RuntimeError, match="no such read"):
        uow.reads.alongside(broken)()  # on PostgreSQL, from the worker thread


def test_the_read_alongside_sees_the_callers_snapshot(imported: Container, backend: str) -> None:
    """A change committed elsewhere after the read started (before it ran) is not seen."""
    if backend != "postgresql":
        pytest.skip("SQLite reads alongside on the caller's own connection, at once")
    changed = threading.Event()

    def after_the_change(side: PortfolioReads) -> pl.DataFrame:
        assert changed.wait(timeout=30)
        return side.payment_amounts(ids)

    with imported.uow() as uow:
        reads = uow.reads
        ids = reads.loan_ids()
        before = reads.payment_amounts(ids).get_column("amount_minor").sum()
        result = reads.alongside(after_the_change)
        with imported.engine.begin() as other:
            other.execute(text("UPDATE payments SET amount_minor = amount_minor + 1"))
        changed.set()
        assert result().get_column("amount_minor").sum() == before
        assert reads.payment_amounts(ids).get_column("amount_minor").sum() > before
