"""Charges the borrower owes beyond the schedule (recoverable costs, fees) and entries on the
lender's side only (commissions, refunds of suspense).

A charge is an event like an installment falling due: stored once under its key and posted by
reconciliation, so the waterfall pays it in its turn. A lender-side entry never touches what
the borrower owes except suspense (money held for the borrower, e.g. a surplus paid out).
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import polars as pl

from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.components import Component
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.ledger.accounts import BORROWER_SIDE, Account
from arrears.ledger.entries import Entry, EntryKind, check_batch, entry_lines
from arrears.services.ports import UnitOfWork
from arrears.services.posting import post_loans


def assess_charge(
    uow: UnitOfWork,
    *,
    loan_id: int,
    component: Component,
    amount_minor: int,
    assessed_on: date,
    reason: str,
    key: str,
    actor: str,
    at: datetime,
    as_of: date,
    policy: WaterfallPolicy | None = None,
) -> int:
    """Add a charge (never principal) and post it; idempotent under ``key`` per loan."""
    if component is Component.PRINCIPAL:
        raise RuleViolation("a charge never adds principal", rule="charge.component")
    if amount_minor <= 0:
        raise RuleViolation("a charge is a positive amount", rule="charge.amount")
    existing = uow.credits.charge_by_key(loan_id, key)
    if existing is not None:
        if existing["amount_minor"] != amount_minor or existing["component"] != component.value:
            raise ConflictError(f"charge {key!r} is already recorded with other facts")
        return int(existing["id"])
    if not uow.credits.loan_exists(loan_id):
        raise NotFoundError(f"no loan {loan_id}")
    charge_id = uow.credits.add_charge(
        loan_id=loan_id,
        key=key,
        component=component.value,
        amount_minor=amount_minor,
        assessed_on=assessed_on,
        reason=reason,
        at=at,
    )
    post_loans(
        uow,
        np.array([loan_id], dtype=np.int64),
        as_of=as_of,
        recorded_at=at,
        run_id=0,
        partition=1,
        policy=policy or WaterfallPolicy(),
    )
    uow.audit.record(
        at=at,
        actor=actor,
        action=f"charge.{component.value}",
        entity_type="loan",
        entity_id=str(loan_id),
        details={"charge_id": charge_id, "amount_minor": amount_minor, "reason": reason},
    )
    return charge_id


def post_lender_entry(
    uow: UnitOfWork,
    *,
    loan_id: int,
    kind: EntryKind,
    lines: dict[Account, int],
    effective_date: date,
    memo: str,
    key: str,
    actor: str,
    at: datetime,
    currency: str = "USD",
) -> bool:
    """Post a balanced entry that does not change what the borrower owes; returns False when
    ``key`` was already posted (idempotent)."""
    touched = {a for a, amount in lines.items() if amount} & (BORROWER_SIDE - {Account.SUSPENSE})
    if touched:
        raise RuleViolation(
            "a lender-side entry cannot change receivables "
            f"({', '.join(sorted(a.value for a in touched))}): use a credit or a charge",
            rule="ledger.lender_side",
        )
    entry = Entry(
        key=f"{loan_id}:lender:{key}:1",
        loan_id=loan_id,
        kind=kind,
        effective_date=effective_date,
        currency=currency,
        lines=entry_lines(lines),
        source=f"lender:{key}",
        memo=memo,
    )
    check_batch([entry])
    uow.ledger.serialise_postings([loan_id])  # the same entry posted at once waits, then sees it
    known = uow.ledger.entries_of([loan_id])
    if known.filter(pl.col("source") == entry.source).height:
        return False
    entries = pl.DataFrame(
        {
            "loan_id": [loan_id],
            "source": [entry.source],
            "version": [1],
            "kind": [kind.value],
            "effective_date": [effective_date],
            "currency": [currency],
            "reverses_version": [None],
            "memo": [memo[:200]],
        },
        schema={
            "loan_id": pl.Int64,
            "source": pl.Utf8,
            "version": pl.Int32,
            "kind": pl.Utf8,
            "effective_date": pl.Date,
            "currency": pl.Utf8,
            "reverses_version": pl.Int32,
            "memo": pl.Utf8,
        },
    )
    line_frame = pl.DataFrame(
        {
            "loan_id": [loan_id] * len(entry.lines),
            "source": [entry.source] * len(entry.lines),
            "version": [1] * len(entry.lines),
            "account": [line.account.value for line in entry.lines],
            "amount_minor": [line.amount_minor for line in entry.lines],
        },
        schema={
            "loan_id": pl.Int64,
            "source": pl.Utf8,
            "version": pl.Int32,
            "account": pl.Utf8,
            "amount_minor": pl.Int64,
        },
    )
    uow.ledger.append(entries, line_frame, recorded_at=at, run_id=0)
    uow.audit.record(
        at=at,
        actor=actor,
        action=f"ledger.{kind.value}",
        entity_type="loan",
        entity_id=str(loan_id),
        details={"key": key, "memo": memo, "lines": {a.value: v for a, v in lines.items()}},
    )
    return True
