"""The itemization of a debt for a validation notice (12 CFR 1006.34(c)(2)(vi)–(viii)).

A validation notice states the amount of the debt on the **itemization date**, then the
interest, fees, and payments and credits since that date, and the **current amount**
(model form B-1: "Between <itemization date> and today: you were charged this amount in
interest: +, … in fees: +, you paid or were credited this amount toward the debt: –; total
amount of the debt now"). The figures must tie: amount then + interest + fees − payments and
credits = amount now. They are computed here from journal lines of the loan, never from
cached balances, so a notice can be explained line by line.

Lines arrive as plain data (this module sits below the ledger): one row per journal line on a
borrower-side account, with the entry's effective date and whether the entry (or the entry a
reversal undoes) is a **charge** — interest, fees, penalties or costs falling due — or
anything else (payments, waivers, refunds, write-offs, returned payments…). A reversed charge
reduces the charged amounts; a returned payment reduces the payments and credits; so every
movement lands in exactly one figure and the figures always tie.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

#: Accounts whose sum is what the borrower owes: receivables less money held in suspense
#: (the same definition as the portfolio balance).
DEBT_ACCOUNTS = frozenset({"principal", "interest", "fees", "penalties", "costs", "suspense"})
INTEREST_ACCOUNTS = frozenset({"interest"})
FEE_ACCOUNTS = frozenset({"fees", "penalties", "costs"})


class ItemizationBasis(StrEnum):
    """The reference date a debt collector picks — and must keep using — for a debt
    (12 CFR 1006.34(b)(3); comment 34(b)(3)-1)."""

    LAST_STATEMENT = "last_statement"
    CHARGE_OFF = "charge_off"
    LAST_PAYMENT = "last_payment"
    TRANSACTION = "transaction"
    JUDGMENT = "judgment"


@dataclass(frozen=True, slots=True)
class DebtLine:
    """One journal line on a borrower-side account.

    ``charge`` is true when the line's entry accounts for interest, fees, penalties or costs
    falling due (or reverses such an entry).
    """

    effective_date: date
    account: str
    amount_minor: int  # + debit (owed more), − credit (owed less)
    charge: bool


@dataclass(frozen=True, slots=True)
class Itemization:
    """The figures of 12 CFR 1006.34(c)(2)(vi)–(viii), in minor units of ``currency``."""

    basis: ItemizationBasis
    itemization_date: date
    as_of: date
    currency: str
    amount_on_itemization_date_minor: int
    interest_minor: int
    fees_minor: int
    payments_and_credits_minor: int  # shown with a minus sign
    current_amount_minor: int

    def ties(self) -> bool:
        """Whether the figures add up (always true for an itemization built by ``itemize``)."""
        return self.current_amount_minor == (
            self.amount_on_itemization_date_minor
            + self.interest_minor
            + self.fees_minor
            - self.payments_and_credits_minor
        )


def itemize(
    lines: Iterable[DebtLine],
    *,
    basis: ItemizationBasis,
    itemization_date: date,
    as_of: date,
    currency: str,
) -> Itemization:
    """The itemization of one debt from its journal lines.

    Lines effective on or before ``itemization_date`` make the amount on that date; lines
    effective after it and on or before ``as_of`` make the movements since; later lines are
    ignored. Raises ``ValueError`` when the itemization date is after ``as_of``.
    """
    if itemization_date > as_of:
        raise ValueError(f"itemization date {itemization_date} is after the notice date {as_of}")
    then = interest = fees = credits = 0
    for line in lines:
        if line.account not in DEBT_ACCOUNTS or line.effective_date > as_of:
            continue
        if line.effective_date <= itemization_date:
            then += line.amount_minor
        elif line.charge and line.account in INTEREST_ACCOUNTS:
            interest += line.amount_minor
        elif line.charge and line.account in FEE_ACCOUNTS:
            fees += line.amount_minor
        else:
            credits -= line.amount_minor
    return Itemization(
        basis=basis,
        itemization_date=itemization_date,
        as_of=as_of,
        currency=currency,
        amount_on_itemization_date_minor=then,
        interest_minor=interest,
        fees_minor=fees,
        payments_and_credits_minor=credits,
        current_amount_minor=then + interest + fees - credits,
    )


@dataclass(frozen=True, slots=True)
class ItemizationDates:
    """The candidate reference dates known for a debt (None when the event never happened)."""

    last_statement: date | None = None
    charge_off: date | None = None
    last_payment: date | None = None
    transaction: date | None = None
    judgment: date | None = None

    def of(self, basis: ItemizationBasis) -> date | None:
        value: date | None = getattr(self, basis.value)
        return value


def choose_itemization_date(
    dates: ItemizationDates,
    *,
    preference: tuple[ItemizationBasis, ...],
    previous: ItemizationBasis | None = None,
) -> tuple[ItemizationBasis, date]:
    """The basis and date to itemize from.

    A basis already used for this debt is kept (comment 34(b)(3)-1: the same reference date
    for a debt in every notice); otherwise the first basis in ``preference`` whose event
    happened. Raises ``ValueError`` when none is known (a transaction date always is for a
    loan: its origination).
    """
    order = ((previous,) if previous is not None else ()) + preference
    for basis in order:
        found = dates.of(basis)
        if found is not None:
            return basis, found
    raise ValueError("no itemization date is known for this debt")
