"""Partition reads by a span of loan ids (``bulk.key_span``) on both databases: loans asked
for with a loan between them left out, or with ids too far apart for a span, come back as the
reads of every loan filtered to those asked for — frames, balances and the cycle's cadence."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from arrears.adapters.db.bulk import key_span
from arrears.bootstrap import Container
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def _frames(container: Container, ids: list[int]) -> dict[str, pl.DataFrame]:
    with container.uow() as uow:
        reads = uow.reads
        frames = {
            "loans": reads.loans(ids),
            "installments": reads.stored_installments(ids, due_by=TODAY),
            "charges": reads.charges(ids),
            "payments": reads.payments(ids),
            "balances": reads.balances(ids, as_of=TODAY),
            "balances_all": reads.balances(ids),
        }
    return {name: frame.sort(frame.columns) for name, frame in frames.items()}


def test_a_span_with_a_loan_left_out_reads_only_the_loans_asked_for(
    imported: Container,
) -> None:
    with imported.uow() as uow:
        ids = uow.reads.loan_ids()
    assert len(ids) == 3
    every = _frames(imported, ids)
    asked = [ids[0], ids[2]]  # one span, the middle loan not asked for
    got = _frames(imported, asked)
    for name, frame in every.items():
        expected = frame.filter(pl.col("loan_id").is_in(asked))
        assert got[name].schema == expected.schema, name
        assert got[name].rows() == expected.rows(), name
    assert every["payments"].filter(pl.col("loan_id") == ids[1]).height > 0


def test_ids_far_apart_are_looked_up_one_by_one(imported: Container) -> None:
    with imported.uow() as uow:
        ids = uow.reads.loan_ids()
    far = [ids[0], ids[2] + 1_000]
    assert key_span(far) is None
    every = _frames(imported, ids)
    got = _frames(imported, far)
    for name, frame in every.items():
        assert got[name].rows() == frame.filter(pl.col("loan_id") == ids[0]).rows(), name


def test_the_cadence_history_of_a_range(imported: Container) -> None:
    """``past_actions`` asks for every id of its range (a dense span)."""
    with imported.uow() as uow:
        ids = uow.reads.loan_ids()
        history = uow.cycle.past_actions(ids[0], ids[-1], before=date(2027, 1, 1))
    assert history.columns == ["loan_id", "treatment", "due_on"]


def test_key_span() -> None:
    assert key_span([]) is None
    assert key_span(["a", "b"]) is None
    assert key_span([1, 100]) is None
    dense = key_span([3, 1, 2, 2])
    assert dense is not None
    assert (dense.low, dense.high, dense.dense) == (1, 3, True)
    gapped = key_span(range(10, 20, 2))
    assert gapped is not None
    assert (gapped.low, gapped.high, gapped.dense) == (10, 18, False)
