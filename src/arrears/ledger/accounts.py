"""The chart of accounts of one loan.

Amounts on lines are signed minor units: positive is a debit, negative a credit. The borrower's
side is the receivables (principal, interest, fees, penalties, costs — debit-normal) and suspense
(money held for the borrower — credit-normal). Every other account is the lender's side of an
entry: where a payment came in, where income or a loss is recognised.
"""

from __future__ import annotations

from enum import StrEnum

from arrears.domain.components import Component


class Account(StrEnum):
    # the borrower's side
    PRINCIPAL = "principal"
    INTEREST = "interest"
    FEES = "fees"
    PENALTIES = "penalties"
    COSTS = "costs"
    SUSPENSE = "suspense"
    # the lender's side
    FUNDING = "funding"  # principal advanced at origination (or balance brought forward)
    CASH = "cash"  # payments received, awaiting settlement to the lender's bank
    INTEREST_INCOME = "interest_income"
    FEE_INCOME = "fee_income"
    PENALTY_INCOME = "penalty_income"
    COSTS_ADVANCED = "costs_advanced"  # costs paid by the lender, recoverable from the borrower
    WAIVED = "waived"  # discounts and waivers granted (settlements, hardship)
    WRITTEN_OFF = "written_off"  # balances the lender gave up on
    REFUNDS = "refunds"  # suspense or surplus paid back to the borrower
    AGENCY_COMMISSION = "agency_commission"  # commission kept by a recovery agency
    SALE_PROCEEDS = "sale_proceeds"  # collateral sale proceeds received


RECEIVABLES: dict[Component, Account] = {
    Component.PRINCIPAL: Account.PRINCIPAL,
    Component.INTEREST: Account.INTEREST,
    Component.FEES: Account.FEES,
    Component.PENALTIES: Account.PENALTIES,
    Component.COSTS: Account.COSTS,
}

#: Where a component is recognised when it is charged (the credit side of a charge).
INCOME_FOR: dict[Component, Account] = {
    Component.INTEREST: Account.INTEREST_INCOME,
    Component.FEES: Account.FEE_INCOME,
    Component.PENALTIES: Account.PENALTY_INCOME,
    Component.COSTS: Account.COSTS_ADVANCED,
}

BORROWER_SIDE: frozenset[Account] = frozenset(RECEIVABLES.values()) | {Account.SUSPENSE}
