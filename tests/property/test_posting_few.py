"""A posting of a few loans (``services.posting_few``, which ``post_loans`` takes for up to
``FEW_LOANS`` loans) writes the journal the batch path writes, row for row, on a real database:
the same entries (source, version, kind, dates, currency, reversal links, memos, run and
time), the same lines, the same ids, stored alike (compared as the driver reads them).

Each example stores a random history (level and imported schedules, charges, good, returned and
reversed payments with their reasons, waivers, write-offs, sale proceeds, a lender's entry the
rules must leave alone), posts it as of one date, changes it (payments returned, re-presented
or re-dated, late credits added) and posts again as of a later date, then posts a third time,
which must append nothing. It runs three times in rolled-back transactions, ids restarted
each time: through the batch path twice, the scalar path twice, and the batch path then the
scalar path (the scalar path reading a journal the batch wrote).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, text

from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.batch.frames import CHARGES, INSTALLMENTS, LOANS, PAYMENTS
from arrears.bootstrap import Container
from arrears.domain.allocation import WaterfallPolicy
from arrears.ledger.accounts import Account
from arrears.ledger.entries import EntryKind
from arrears.services import posting
from arrears.services.charges import post_lender_entry
from arrears.services.posting import FEW_LOANS, PostingCounts, post_in_partitions, post_loans
from property.test_batch_equivalence import dates, policies
from support.stored_histories import (
    AT,
    Changes,
    Payment,
    Stored,
    add_payments,
    apply,
    changes,
    journal_rows,
    store,
    stored_histories,
)
from unit.batch.histories import History, day

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
RUN_ID = 42
Post = Callable[..., PostingCounts]


def _batch(partition: int) -> Post:
    return partial(post_in_partitions, partition=partition)


def _few(uow: SqlUnitOfWork, loan_ids: np.ndarray, **kwargs: Any) -> PostingCounts:
    assert len(loan_ids) <= FEW_LOANS
    return post_loans(uow, loan_ids, partition=1, **kwargs)


def _restart_ids(connection: Connection) -> None:
    """Entry ids from 1 again (the rollback put the rows back; PostgreSQL's sequence is not)."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), 1, false)")
        )


def _journal_after(
    container: Container,
    stored: Stored,
    change: Changes,
    *,
    first: Post,
    then: Post,
    as_ofs: tuple[date, date],
    policy: WaterfallPolicy,
    recorded_at: datetime,
) -> tuple[list[PostingCounts], Any]:
    """Post, change, post again and a third time; the counts and the journal as stored."""
    ids = np.array(stored.loan_ids, dtype=np.int64)
    with container.uow() as uow:
        _restart_ids(uow.connection)
        store(uow.connection, stored)
        post_lender_entry(
            uow, loan_id=stored.loan_ids[0], kind=EntryKind.COMMISSION,
            lines={Account.AGENCY_COMMISSION: 150, Account.CASH: -150}, effective_date=day(3),
            memo="agency commission", key="commission-1", actor="test", at=AT,
        )  # fmt: skip
        common = {"recorded_at": recorded_at, "run_id": RUN_ID, "policy": policy}
        counts = [first(uow, ids, as_of=as_ofs[0], **common)]
        apply(uow.connection, stored, change)
        counts.append(then(uow, ids, as_of=as_ofs[1], **common))
        counts.append(then(uow, ids, as_of=as_ofs[1], **common))
        rows = journal_rows(uow.connection)
        uow.rollback()
    return counts, rows


@EXAMPLES
@given(
    data=st.data(),
    stored=stored_histories(max_loans=FEW_LOANS),
    first_as_of=dates,
    later=st.integers(0, 120),
    policy=policies,
    partition=st.sampled_from([1, 3, 50]),
    recorded_at=st.sampled_from(
        [AT, AT.replace(microsecond=0), AT.astimezone(ZoneInfo("America/New_York"))]
    ),
)
def test_the_scalar_path_writes_the_batch_paths_journal(
    container: Container,
    data: st.DataObject,
    stored: Stored,
    first_as_of: date,
    later: int,
    policy: WaterfallPolicy,
    partition: int,
    recorded_at: datetime,
) -> None:
    change = data.draw(changes(stored))
    as_ofs = (first_as_of, first_as_of + timedelta(days=later))
    run = partial(
        _journal_after, container, stored, change, as_ofs=as_ofs, policy=policy,
        recorded_at=recorded_at,
    )  # fmt: skip
    batch = _batch(partition)
    expected_counts, expected = run(first=batch, then=batch)
    assert expected_counts[2] == PostingCounts(loans=len(stored.loan_ids))
    for first in (_few, batch):
        counts, got = run(first=first, then=_few)
        assert got == expected
        assert counts == expected_counts


def test_posting_twice_appends_nothing(container: Container) -> None:
    """A loan with a returned payment, posted by the scalar path and then by both paths: the
    second and third postings append nothing; the reversal carries the return's reason."""
    stored = _one_paid_loan()
    ids = np.array(stored.loan_ids, dtype=np.int64)
    common: dict[str, Any] = {"recorded_at": AT, "run_id": RUN_ID, "policy": WaterfallPolicy()}
    as_of = day(400)
    with container.uow() as uow:
        store(uow.connection, stored)
        first = post_loans(uow, ids, as_of=day(40), partition=1, **common)
        uow.connection.execute(text("UPDATE payments SET status = 'returned', "
                                    "return_reason = 'NSF' WHERE id = 7"))  # fmt: skip
        second = post_loans(uow, ids, as_of=as_of, partition=1, **common)
        again = post_loans(uow, ids, as_of=as_of, partition=1, **common)
        batch_again = post_in_partitions(uow, ids, as_of=as_of, partition=1, **common)
        memos = uow.connection.execute(
            text("SELECT memo FROM ledger_entries WHERE kind = 'reversal'")
        ).scalars()
        assert list(memos) == ["payment returned: NSF"]
        uow.commit()
    assert first.entries > 0
    assert second.entries > 0
    assert again == batch_again == PostingCounts(loans=1)


def _one_paid_loan() -> Stored:
    """One level loan (12 months of 12.99% on 1,200.00) paid once on its first due date."""
    loan = {"loan_id": 5, "currency": "USD", "principal_minor": 120_000,
            "annual_rate_micros": 129_900, "term_months": 12, "origination_date": day(0),
            "first_due_date": day(31), "charge_off_date": None}  # fmt: skip
    history = History(
        loans=pl.DataFrame([loan], schema=LOANS),
        installments=pl.DataFrame(schema=INSTALLMENTS),
        charges=pl.DataFrame(schema=CHARGES),
        payments=pl.DataFrame(schema=PAYMENTS),
    )
    payment = Payment(5, 7, day(31), 10_720, "posted", "", "payment")
    return Stored(history, frozenset(), [payment])


@pytest.mark.parametrize("post", [post_loans, post_in_partitions], ids=["scalar", "batch"])
def test_a_payment_of_a_loan_that_does_not_exist_is_refused(
    container: Container, post: Post
) -> None:
    """Neither path leaves a credit of an unknown loan unposted without a word."""
    common: dict[str, Any] = {
        "as_of": day(400), "recorded_at": AT, "run_id": 0, "partition": 1,
        "policy": WaterfallPolicy(),
    }  # fmt: skip
    with container.uow() as uow:
        add_payments(uow.connection, [Payment(99, 1, day(20), 500, "posted", "", "payment")])
        with pytest.raises(ValueError, match="payments name loans"):
            post(uow, np.array([99], dtype=np.int64), **common)


def test_a_few_loans_take_the_scalar_path_and_an_import_the_batch(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``post_loans`` hands up to ``FEW_LOANS`` loans to the scalar path, and more, or a
    posting with progress or fresh loans, to the partitions."""
    taken: list[str] = []
    monkeypatch.setattr(posting, "post_few", _spy(taken, "few", posting.post_few))
    monkeypatch.setattr(
        posting, "post_in_partitions", _spy(taken, "batch", posting.post_in_partitions)
    )
    common: dict[str, Any] = {
        "as_of": day(10), "recorded_at": AT, "run_id": 0, "partition": 4,
        "policy": WaterfallPolicy(),
    }  # fmt: skip
    few = np.arange(1, FEW_LOANS + 1, dtype=np.int64)
    with container.uow() as uow:
        post_loans(uow, few, **common)
        post_loans(uow, np.arange(1, FEW_LOANS + 2, dtype=np.int64), **common)
        post_loans(uow, few, fresh=few, **common)
        post_loans(uow, np.array([], dtype=np.int64), **common)
    assert taken == ["few", "batch", "batch"]


def _spy(taken: list[str], name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def spied(*args: Any, **kwargs: Any) -> Any:
        taken.append(name)
        return function(*args, **kwargs)

    return spied
