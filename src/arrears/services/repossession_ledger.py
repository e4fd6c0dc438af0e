"""Every cost, proceed, surplus and deficiency of a repossession as a ledger entry.

- Expenses of retaking, storage, preparing and selling are charges in the ``costs`` component
  (UCC 9-615(a)(1): recoverable from the debtor), keyed by case and step.
- The part of the proceeds 9-615(a)(1)–(2) gives the secured party is a ``sale_proceeds``
  credit, allocated by the loan's waterfall like any credit (docs/adr/0002).
- Money paid to a subordinate lienholder (9-615(a)(3)) and a surplus held for, then paid to,
  the borrower (9-615(d)(1)) are lender-side entries; a deficiency written off by policy is a
  ``write_off`` credit.

The figures of the 9-616 explanation are read back from the same journal, so the letter and the
ledger cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import polars as pl

from arrears.batch.delinquency import delinquency
from arrears.batch.installments import installments_for
from arrears.batch.items import due_items
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.domain.repossession.case import ExpenseKind
from arrears.domain.repossession.waterfall import Distribution
from arrears.ledger.accounts import BORROWER_SIDE, Account
from arrears.ledger.entries import EntryKind
from arrears.services.charges import assess_charge, post_lender_entry
from arrears.services.credits import record_credit
from arrears.services.ports import UnitOfWork
from arrears.services.posting import post_loans

_BORROWER = [account.value for account in BORROWER_SIDE]


def post_through(uow: UnitOfWork, loan_id: int, *, as_of: date, at: datetime) -> None:
    """Bring the loan's journal up to ``as_of`` (today) before reading a balance from it, so a
    letter never quotes a balance that misses an installment fallen due (docs/adr/0002)."""
    post_loans(
        uow,
        np.array([loan_id], dtype=np.int64),
        as_of=as_of,
        recorded_at=at,
        run_id=0,
        partition=1,
        policy=WaterfallPolicy(),
    )


def owed(uow: UnitOfWork, loan_id: int, *, on: date) -> int:
    """What the borrower owes on ``on`` per the ledger (receivables less suspense)."""
    frame = uow.reads.balances([loan_id], as_of=on)
    return int(frame.get_column("balance_minor").sum()) if frame.height else 0


def delinquency_on(
    uow: UnitOfWork, loan_id: int, *, on: date, policy: WaterfallPolicy = DEFAULT_POLICY
) -> tuple[int, int]:
    """(days past due, amount past due) on ``on``, from the loan's events."""
    ids = [loan_id]
    reads = uow.reads
    loans = reads.loans(ids)
    items = due_items(
        installments_for(loans, reads.stored_installments(ids, due_by=on), due_by=on),
        reads.charges(ids),
        policy=policy,
    )
    row = delinquency(items, reads.payments(ids), loans, as_of=on, policy=policy).row(0, named=True)
    return int(row["dpd"] or 0), int(row["amount_past_due_minor"] or 0)


def journal(uow: UnitOfWork, loan_id: int) -> pl.DataFrame:
    """Every line of the loan's journal with its entry's source, kind and effective date."""
    entries = uow.ledger.entries_of([loan_id]).select("source", "version", "kind", "effective_date")
    lines = uow.ledger.lines_of([loan_id]).select("source", "version", "account", "amount_minor")
    return lines.join(entries, on=["source", "version"], how="inner")


def account_balance(frame: pl.DataFrame, account: Account, *, on: date) -> int:
    rows = frame.filter((pl.col("account") == account.value) & (pl.col("effective_date") <= on))
    return int(rows.get_column("amount_minor").sum())


def principal_repaid(uow: UnitOfWork, loan_id: int, *, principal_minor: int, on: date) -> int:
    """Principal advanced less principal still owed on ``on`` (for the 60% rule)."""
    return principal_minor - account_balance(journal(uow, loan_id), Account.PRINCIPAL, on=on)


def charge_expense(
    uow: UnitOfWork,
    *,
    loan_id: int,
    case_id: int,
    seq: int,
    kind: ExpenseKind,
    amount_minor: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
) -> str:
    """Charge a 9-615(a)(1) expense to the loan's costs; returns the charge key."""
    key = f"repo{case_id}-{seq}-{kind.value}"
    assess_charge(
        uow,
        loan_id=loan_id,
        component=Component.COSTS,
        amount_minor=amount_minor,
        assessed_on=on,
        reason=f"repossession case {case_id}: {kind.label} (UCC 9-615(a)(1))",
        key=key,
        actor=actor,
        at=at,
        as_of=as_of,
    )
    return key


def proceeds_key(case_id: int) -> str:
    return f"repo{case_id}-proceeds"


def post_distribution(
    uow: UnitOfWork,
    *,
    loan_id: int,
    case_id: int,
    distribution: Distribution,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    currency: str,
) -> int | None:
    """Book the proceeds as 9-615 distributed them; returns the proceeds credit's id."""
    credit_id = None
    if distribution.to_secured_party_minor:
        credit_id = record_credit(
            uow,
            loan_id=loan_id,
            kind=CreditKind.SALE_PROCEEDS,
            amount_minor=distribution.to_secured_party_minor,
            effective_date=on,
            reason=f"repossession case {case_id}: proceeds applied to expenses and the debt "
            "(UCC 9-615(a)(1)-(2))",
            key=proceeds_key(case_id),
            actor=actor,
            at=at,
            as_of=as_of,
        )
    for n, share in enumerate(distribution.subordinates, 1):
        if share.paid_minor:
            post_lender_entry(
                uow,
                loan_id=loan_id,
                kind=EntryKind.PROCEEDS,
                lines={Account.SALE_PROCEEDS: share.paid_minor, Account.CASH: -share.paid_minor},
                effective_date=on,
                memo=f"sale proceeds paid to {share.label}, subordinate "
                "lienholder that demanded (UCC 9-615(a)(3))"[:200],
                key=f"repo{case_id}-junior-{n}",
                actor=actor,
                at=at,
                currency=currency,
            )
    if distribution.surplus_minor:
        post_lender_entry(
            uow,
            loan_id=loan_id,
            kind=EntryKind.PROCEEDS,
            lines={
                Account.SALE_PROCEEDS: distribution.surplus_minor,
                Account.SUSPENSE: -distribution.surplus_minor,
            },
            effective_date=on,
            memo="surplus of the sale held for the borrower (UCC 9-615(d)(1))",
            key=f"repo{case_id}-surplus",
            actor=actor,
            at=at,
            currency=currency,
        )
    return credit_id


def pay_surplus(
    uow: UnitOfWork,
    *,
    loan_id: int,
    case_id: int,
    amount_minor: int,
    on: date,
    actor: str,
    at: datetime,
    currency: str,
) -> None:
    post_lender_entry(
        uow,
        loan_id=loan_id,
        kind=EntryKind.REFUND,
        lines={Account.SUSPENSE: amount_minor, Account.REFUNDS: -amount_minor},
        effective_date=on,
        memo="surplus of the sale paid to the borrower (UCC 9-615(d)(1))",
        key=f"repo{case_id}-surplus-paid",
        actor=actor,
        at=at,
        currency=currency,
    )


def write_off(
    uow: UnitOfWork,
    *,
    loan_id: int,
    case_id: int,
    amount_minor: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
) -> int:
    return record_credit(
        uow,
        loan_id=loan_id,
        kind=CreditKind.WRITE_OFF,
        amount_minor=amount_minor,
        effective_date=on,
        reason=f"repossession case {case_id}: deficiency written off by policy",
        key=f"repo{case_id}-write-off",
        actor=actor,
        at=at,
        as_of=as_of,
    )


@dataclass(frozen=True)
class Figures:
    """The ledger's figures for a 9-616 explanation (all minor units, all from the journal)."""

    obligation_minor: int  # owed at the calculation date, before this case's expenses
    later_charges_minor: int  # interest and charges that fell due after it, up to the sale
    credits_minor: int  # payments and other credits after it, up to the sale
    expenses_minor: int  # this case's expenses charged to the loan
    proceeds_credit_minor: int  # the sale_proceeds credit
    balance_after_sale_minor: int  # owed on the sale date after everything (− = held for them)


def figures(
    uow: UnitOfWork,
    *,
    loan_id: int,
    calculated_on: date,
    sold_on: date,
    expense_keys: set[str],
    proceeds_credit_id: int | None,
    case_id: int,
) -> Figures:
    """Split the journal between the calculation date and the sale by what moved it."""
    frame = journal(uow, loan_id).filter(pl.col("account").is_in(_BORROWER))
    expense_sources = {f"charge:{key}" for key in expense_keys}
    sale_sources = {f"lender:repo{case_id}-surplus"}
    if proceeds_credit_id is not None:
        sale_sources.add(f"payment:{proceeds_credit_id}")
    source = pl.col("source")
    is_expense = source.is_in(list(expense_sources))
    is_sale = source.is_in(list(sale_sources))
    is_charge = source.str.starts_with("installment:") | (
        source.str.starts_with("charge:") & ~is_expense
    )
    before = frame.filter(pl.col("effective_date") <= calculated_on)
    between = frame.filter(
        (pl.col("effective_date") > calculated_on) & (pl.col("effective_date") <= sold_on)
    )

    def total(rows: pl.DataFrame) -> int:
        return int(rows.get_column("amount_minor").sum())

    charges = total(between.filter(is_charge))
    others = total(between.filter(~is_charge & ~is_expense & ~is_sale))
    later = max(charges, 0) + max(others, 0)
    credits = max(-charges, 0) + max(-others, 0)
    return Figures(
        obligation_minor=total(before.filter(~is_expense)),
        later_charges_minor=later,
        credits_minor=credits,
        expenses_minor=total(frame.filter(is_expense & (pl.col("effective_date") <= sold_on))),
        proceeds_credit_minor=-total(frame.filter(source == f"payment:{proceeds_credit_id}")),
        balance_after_sale_minor=total(frame.filter(pl.col("effective_date") <= sold_on)),
    )
