"""``arrears status``: the portfolio by delinquency bucket as of a date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from arrears.analytics.portfolio_status import StatusRow, combine, status_rows
from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.delinquency import BucketScheme
from arrears.errors import ArrearsError
from arrears.services.ports import UnitOfWork
from arrears.services.posting import partitions


@dataclass(frozen=True)
class PortfolioStatus:
    as_of: date
    rows: list[StatusRow]

    @property
    def accounts(self) -> int:
        return sum(r.accounts for r in self.rows)

    @property
    def balance_minor(self) -> int:
        return sum(r.balance_minor for r in self.rows)

    @property
    def past_due_minor(self) -> int:
        return sum(r.past_due_minor for r in self.rows)


def portfolio_status(
    uow_factory: Callable[[], UnitOfWork],
    *,
    as_of: date,
    today: date,
    buckets: BucketScheme,
    policy: WaterfallPolicy,
    partition: int,
) -> PortfolioStatus:
    if as_of > today:
        raise ArrearsError(f"--as-of {as_of} is in the future (today is {today})")
    import numpy as np

    parts = []
    with uow_factory() as uow:
        reads = uow.reads
        for ids in partitions(np.array(reads.loan_ids(), dtype=np.int64), partition):
            loans = reads.loans(ids)
            items = due_items(
                installments_for(loans, reads.stored_installments(ids, due_by=as_of), due_by=as_of),
                reads.charges(ids),
                policy=policy,
            )
            state = delinquency(
                items, reads.payments(ids), loans, as_of=as_of, policy=policy, buckets=buckets
            )
            parts.append(status_rows(state, loans, reads.balances(ids, as_of=as_of), as_of=as_of))
    return PortfolioStatus(as_of, combine(parts, buckets.names))
