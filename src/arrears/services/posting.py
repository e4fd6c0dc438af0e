"""Keeping the ledger in step with the portfolio's events, one partition of loans at a time.

Posting is reconciliation (``arrears.ledger.postings``): for each loan the journal is made to
say what its disbursement, due items and payments say as of the business date, by appending
only what is missing. Running it again appends nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from arrears.batch.items import due_items
from arrears.batch.posting import check_balanced, plan_postings
from arrears.batch.schedules import level_schedules
from arrears.domain.allocation import WaterfallPolicy
from arrears.services.ports import NoProgress, PortfolioWriter, Progress, UnitOfWork


@dataclass
class PostingCounts:
    loans: int = 0
    entries: int = 0
    lines: int = 0


def partitions(loan_ids: np.ndarray, size: int) -> Iterator[list[int]]:
    unique = np.unique(loan_ids)
    for start in range(0, len(unique), size):
        yield [int(i) for i in unique[start : start + size]]


def generate_schedules(
    uow: UnitOfWork,
    writer: PortfolioWriter,
    loan_ids: np.ndarray,
    *,
    partition: int,
    progress: Progress | None = None,
) -> int:
    """Give every loan without an imported schedule the level schedule of its terms."""
    progress = progress or NoProgress()
    written = 0
    for ids in partitions(loan_ids, partition):
        progress.advance(len(ids))
        loans = uow.reads.loans_with_generated_schedule(ids)
        if loans.height:
            installments = level_schedules(loans)
            writer.replace_installments(installments)
            written += installments.height
    return written


def post_loans(
    uow: UnitOfWork,
    loan_ids: np.ndarray,
    *,
    as_of: date,
    recorded_at: datetime,
    run_id: int,
    partition: int,
    policy: WaterfallPolicy,
    progress: Progress | None = None,
) -> PostingCounts:
    progress = progress or NoProgress()
    counts = PostingCounts()
    for ids in partitions(loan_ids, partition):
        progress.advance(len(ids))
        loans = uow.reads.loans(ids)
        items = due_items(uow.reads.installments(ids), uow.reads.charges(ids), policy=policy)
        entries, lines = plan_postings(
            loans,
            items,
            uow.reads.payments(ids),
            uow.ledger.entries_of(ids),
            uow.ledger.lines_of(ids),
            as_of=as_of,
        )
        check_balanced(lines)
        counts.entries += uow.ledger.append(entries, lines, recorded_at=recorded_at, run_id=run_id)
        counts.lines += lines.height
        counts.loans += len(ids)
    return counts
