"""Keeping the ledger in step with the portfolio's events, one partition of loans at a time.

Posting is reconciliation (``arrears.ledger.postings``): for each loan the journal is made to
say what its disbursement, due items and payments say as of the business date, by appending
only what is missing. Running it again appends nothing.

``post_loans`` is the one entry point. A posting of a few loans (a payment, a charge, a
credit: at most ``FEW_LOANS``) takes the scalar path (``services.posting_few``), which writes
the same rows without the partition machinery; anything larger, or an import's posting (with
progress or fresh loans), goes through the partitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import polars as pl

from arrears.batch.frames import ENTRIES, LINES, empty
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.batch.posting import check_balanced, plan_postings
from arrears.domain.allocation import WaterfallPolicy
from arrears.services.ports import NoProgress, Progress, UnitOfWork
from arrears.services.posting_few import post_few

FEW_LOANS = 8
"""A posting of at most this many loans, without progress to report or fresh loans, is planned
loan by loan with the scalar reference: for one loan the batch path's fixed cost (Polars frames
and thread pool, a writer thread) was about 40 ms of CPU, the scalar path's a few ms; by eight
loans the batch's cost per loan is still far above it."""


@dataclass
class PostingCounts:
    loans: int = 0
    entries: int = 0
    lines: int = 0


def partitions(loan_ids: np.ndarray, size: int) -> Iterator[list[int]]:
    """The distinct ``loan_ids`` in ascending runs of at most ``size``, made one at a time (a
    million loans as Python integers would be 36 MB held through the whole posting)."""
    unique = np.unique(loan_ids)
    for start in range(0, len(unique), size):
        yield [int(i) for i in unique[start : start + size]]


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
    fresh: np.ndarray | None = None,
) -> PostingCounts:
    """Post every loan of ``loan_ids``; loans in ``fresh`` are known to have no journal yet
    (just imported), so their journal is not read back.

    A few loans (``FEW_LOANS``) with no ``progress`` or ``fresh`` are posted by the scalar
    path; the rest in partitions of ``partition`` loans (``post_in_partitions``).
    """
    if len(loan_ids) == 0:
        return PostingCounts()
    if progress is None and fresh is None and len(loan_ids) <= FEW_LOANS:
        distinct = sorted({int(i) for i in loan_ids.tolist()})
        entries, lines = post_few(
            uow, distinct, as_of=as_of, recorded_at=recorded_at, run_id=run_id, policy=policy
        )
        return PostingCounts(loans=len(distinct), entries=entries, lines=lines)
    return post_in_partitions(
        uow, loan_ids, as_of=as_of, recorded_at=recorded_at, run_id=run_id,
        partition=partition, policy=policy, progress=progress, fresh=fresh,
    )  # fmt: skip


def post_in_partitions(
    uow: UnitOfWork,
    loan_ids: np.ndarray,
    *,
    as_of: date,
    recorded_at: datetime,
    run_id: int,
    partition: int,
    policy: WaterfallPolicy,
    progress: Progress | None = None,
    fresh: np.ndarray | None = None,
) -> PostingCounts:
    """``post_loans`` through the batch path, whatever the number of loans.

    One connection serves the reads and the writes, so the database is kept busy by giving it
    nothing else to wait for: partition k is written and then partition k+2 read, both on the
    writer's thread, while k+1 (read the same way after k-1 was written) is derived and planned
    on this one. The next partition's rows are thus in hand before it is planned, and the
    connection never waits for the planning (one partition more is held as read).
    """
    progress = progress or NoProgress()
    counts = PostingCounts()
    fresh = np.unique(fresh) if fresh is not None else np.empty(0, dtype=np.int64)
    if len(loan_ids) == 0:
        return counts
    # read what other postings of these loans committed, then write
    uow.ledger.serialise_postings(np.unique(loan_ids).tolist())
    parts = partitions(loan_ids, partition)
    with uow.ledger.appender() as appender:
        planned = next(parts)
        following = next(parts, None)
        fetched: _Fetched | None = _fetch(uow, planned, fresh=fresh)
        ahead = [_fetch(uow, following, fresh=fresh)] if following is not None else []
        while fetched is not None:
            # A partition's inputs and plan are let go as soon as they are used: held until
            # the next partition's replaced them, they made two partitions' worth of memory.
            entries, lines = plan_postings(*fetched.derived(policy), as_of=as_of)
            del fetched
            check_balanced(lines)
            start = appender.prepare(entries, lines, recorded_at=recorded_at, run_id=run_id)
            counts.lines += lines.height
            del entries, lines  # the prepared rows are the writer's
            later = next(parts, None)
            appender.wait()  # the write before, and the read of the next partition after it
            fetched = ahead.pop() if ahead else None
            counts.entries += start(then=_read_into(ahead, uow, later, fresh=fresh))
            counts.loans += len(planned)
            progress.advance(len(planned))
            if following is None:
                break
            planned, following = following, later
    return counts


def _read_into(
    ahead: list[_Fetched], uow: UnitOfWork, ids: list[int] | None, *, fresh: np.ndarray
) -> Callable[[], None] | None:
    """The read of partition ``ids`` for the writer's thread to run after its write, its rows
    left in ``ahead`` for the planning (nothing to read after the last partition)."""
    if ids is None:
        return None
    return lambda: ahead.append(_fetch(uow, ids, fresh=fresh))


@dataclass
class _Fetched:
    """A partition's rows as read; what planning needs is derived from them off the
    connection (``derived``), while the partition before is being written."""

    loans: pl.DataFrame
    installments: pl.DataFrame
    charges: pl.DataFrame
    payments: pl.DataFrame
    entries: pl.DataFrame
    lines: pl.DataFrame

    def derived(
        self, policy: WaterfallPolicy
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """loans, due items, payments and the journal so far (``plan_postings``' inputs)."""
        installments = installments_for(self.loans, self.installments)
        items = due_items(installments, self.charges, policy=policy)
        return self.loans, items, self.payments, self.entries, self.lines


def _fetch(uow: UnitOfWork, ids: list[int], *, fresh: np.ndarray) -> _Fetched:
    """What planning a partition reads: loans, installments, charges, payments and the journal
    so far (not read for loans known to be fresh)."""
    unread = _all_in(np.array(ids, dtype=np.int64), fresh)
    return _Fetched(
        loans=uow.reads.loans(ids),
        installments=uow.reads.stored_installments(ids),
        charges=uow.reads.charges(ids),
        payments=uow.reads.payments(ids),
        entries=empty(ENTRIES) if unread else uow.ledger.entries_of(ids),
        lines=empty(LINES) if unread else uow.ledger.lines_of(ids),
    )


def _all_in(ids: np.ndarray, known: np.ndarray) -> bool:
    """Whether every one of ``ids`` is in ``known`` (sorted and distinct): a binary search,
    where ``np.isin`` sorted all the fresh loans again for every partition."""
    if len(ids) == 0:
        return True
    where = np.minimum(np.searchsorted(known, ids), max(len(known) - 1, 0))
    return len(known) > 0 and bool((known[where] == ids).all())
