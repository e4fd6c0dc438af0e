"""Credits: money paid, and amounts the lender stops claiming (waivers, write-offs, proceeds).

A credit is stored once under its key (posting the same key twice is a no-op; the same key
with different facts is a conflict) and the loan's journal is reconciled at once, so the
waterfall allocates it like a payment and delinquency, balances and credit reporting follow
(docs/adr/0002). A non-cash credit can never exceed what is owed on its date.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np

from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.credits import CreditKind
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.ports import UnitOfWork
from arrears.services.posting import post_loans


def record_credit(
    uow: UnitOfWork,
    *,
    loan_id: int,
    kind: CreditKind,
    amount_minor: int,
    effective_date: date,
    reason: str,
    key: str,
    actor: str,
    at: datetime,
    as_of: date,
    policy: WaterfallPolicy | None = None,
) -> int:
    """Record a credit on a loan and post it; returns the credit's id (the existing one when
    ``key`` was already recorded with the same facts). Runs inside the caller's transaction."""
    if amount_minor <= 0:
        raise RuleViolation("a credit is a positive amount", rule="credit.amount")
    if effective_date > as_of:
        raise RuleViolation("a credit cannot take effect after today", rule="credit.date")
    existing = uow.credits.credit_by_key(key)
    if existing is not None:
        same = (
            existing["loan_id"] == loan_id
            and existing["credit_kind"] == kind.value
            and existing["amount_minor"] == amount_minor
        )
        if not same:
            raise ConflictError(f"credit {key!r} is already recorded with other facts")
        return int(existing["id"])
    if not uow.credits.loan_exists(loan_id):
        raise NotFoundError(f"no loan {loan_id}")
    if not kind.cash:
        owed = _owed(uow, loan_id, as_of=effective_date)
        if amount_minor > owed:
            raise RuleViolation(
                f"a {kind.value} of {amount_minor} exceeds the {owed} owed on {effective_date}",
                rule="credit.exceeds_balance",
            )
    credit_id = uow.credits.add_credit(
        key=key,
        loan_id=loan_id,
        kind=kind.value,
        amount_minor=amount_minor,
        effective_date=effective_date,
        reason=reason,
        source=actor,
        at=at,
    )
    _post(uow, loan_id, as_of=as_of, at=at, policy=policy)
    uow.audit.record(
        at=at,
        actor=actor,
        action=f"credit.{kind.value}",
        entity_type="loan",
        entity_id=str(loan_id),
        details={
            "credit_id": credit_id,
            "amount_minor": amount_minor,
            "effective_date": effective_date.isoformat(),
            "reason": reason,
            "key": key,
        },
    )
    return credit_id


def _owed(uow: UnitOfWork, loan_id: int, *, as_of: date) -> int:
    balances = uow.reads.balances([loan_id], as_of=as_of)
    return int(balances.get_column("balance_minor").sum()) if balances.height else 0


def _post(
    uow: UnitOfWork, loan_id: int, *, as_of: date, at: datetime, policy: WaterfallPolicy | None
) -> None:
    post_loans(
        uow,
        np.array([loan_id], dtype=np.int64),
        as_of=as_of,
        recorded_at=at,
        run_id=0,
        partition=1,
        policy=policy or WaterfallPolicy(),
    )
