"""Posting a few loans without the partition machinery: the scalar reference, loan by loan.

A card payment, a charge, a credit or a settlement posts one loan, on the web's hot path.
Through the batch path (``services.posting``'s partitions, Polars frames, a writer thread) its
fixed cost was about 40 ms of CPU on both cores for a handful of rows. Here the loan's events
and journal are read as plain values (``PostingReads``), planned by the scalar specification
the batch is property-tested against (``ledger.postings.desired_postings`` + ``reconcile``,
``tests/property/test_batch_equivalence.py``), checked (``check_batch``) and appended with one
multi-row insert in the caller's transaction. The rows written are the batch path's, entry for
entry (``tests/property/test_posting_few.py`` checks it on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from arrears.domain.allocation import WaterfallPolicy, due_items
from arrears.ledger.entries import Entry, check_batch
from arrears.ledger.postings import desired_postings, reconcile
from arrears.services.loan_state import schedule_of
from arrears.services.ports import PostingFacts, UnitOfWork


def post_few(
    uow: UnitOfWork,
    loan_ids: Sequence[int],
    *,
    as_of: date,
    recorded_at: datetime,
    run_id: int,
    policy: WaterfallPolicy,
) -> tuple[int, int]:
    """Post ``loan_ids`` (distinct) in the caller's transaction: (entries, lines) appended."""
    # read what other postings of these loans committed, then write (docs/adr/0007)
    uow.ledger.serialise_postings(loan_ids)
    entries = [
        entry
        for facts in uow.posting.facts(loan_ids)
        for entry in plan_loan(facts, as_of=as_of, policy=policy)
    ]
    check_batch(entries)
    written = uow.ledger.append_entries(entries, recorded_at=recorded_at, run_id=run_id)
    return written, sum(len(entry.lines) for entry in entries)


def plan_loan(facts: PostingFacts, *, as_of: date, policy: WaterfallPolicy) -> list[Entry]:
    """The entries that make the loan's journal say what its events say on ``as_of``, sorted
    by (source, version): what ``batch.posting.plan_postings`` plans for it."""
    desired = desired_postings(
        principal_minor=facts.principal_minor,
        origination_date=facts.origination_date,
        items=due_items(schedule_of(facts), facts.charges, policy),
        payments=facts.payments,
        as_of=as_of,
    )
    return reconcile(
        loan_id=facts.loan_id,
        currency=facts.currency,
        desired=desired,
        existing=facts.journal,
        notes={f"payment:{p.payment_id}": p.note for p in facts.payments if p.note},
    )
