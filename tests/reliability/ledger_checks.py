"""The ledger invariants checked after every concurrent or interrupted run: every journal entry
balances, each loan's balances equal a recomputation from its events with an empty journal,
and posting again appends nothing (the journal already says what the events say)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import polars as pl
from sqlalchemy import text

from arrears.batch.frames import ENTRIES, LINES, empty
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.batch.posting import plan_postings
from arrears.bootstrap import Container
from arrears.services.posting import post_loans


def unbalanced_entries(container: Container) -> list[int]:
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT entry_id FROM ledger_lines GROUP BY entry_id HAVING SUM(amount_minor) <> 0"
            )
        ).all()
    return [int(r[0]) for r in rows]


def stored_balances(container: Container) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT loan_id, account, SUM(amount_minor) FROM ledger_lines GROUP BY loan_id, account"
            )
        ).all()
    for loan_id, account, amount in rows:
        if amount:
            found[int(loan_id)][str(account)] = int(amount)
    return dict(found)


def recomputed_balances(container: Container, *, as_of: date) -> dict[int, dict[str, int]]:
    """Every loan's journal planned from nothing (an empty journal) from its stored events."""
    with container.uow() as uow:
        ids = [int(i) for i in uow.cycle.loan_ids()]
        loans = uow.reads.loans(ids)
        items = due_items(
            installments_for(loans, uow.reads.stored_installments(ids)),
            uow.reads.charges(ids),
            policy=container.policy,
        )
        _, lines = plan_postings(
            loans, items, uow.reads.payments(ids), empty(ENTRIES), empty(LINES), as_of=as_of
        )
    totals = lines.group_by("loan_id", "account").agg(pl.col("amount_minor").sum())
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for loan_id, account, amount in totals.iter_rows():
        if amount:
            found[int(loan_id)][str(account)] = int(amount)
    return dict(found)


def reposting_appends(container: Container, *, as_of: date) -> int:
    """Entries a fresh posting of every loan would append (rolled back): 0 when in step."""
    with container.uow() as uow:
        ids = np.array(uow.cycle.loan_ids(), dtype=np.int64)
        counts = post_loans(
            uow, ids, as_of=as_of, recorded_at=container.clock.now(), run_id=0,
            partition=10_000, policy=container.policy,
        )  # fmt: skip
        uow.rollback()
    return counts.entries


def assert_ledger_whole(container: Container, *, as_of: date | None = None) -> None:
    """Every entry balances; balances equal a recomputation; posting again appends nothing."""
    day = as_of or container.clock.today()
    assert unbalanced_entries(container) == [], "a journal entry does not balance"
    assert stored_balances(container) == recomputed_balances(container, as_of=day)
    assert reposting_appends(container, as_of=day) == 0, "the journal lags its events"
