"""The parts a loan balance is made of, and the order a payment pays them by default."""

from __future__ import annotations

from enum import StrEnum


class Component(StrEnum):
    """A component of what the borrower owes (each has its own ledger account)."""

    COSTS = "costs"  # legal, repossession and collection costs recoverable from the borrower
    FEES = "fees"  # late fees and contractual fees
    PENALTIES = "penalties"  # penalty interest and charges
    INTEREST = "interest"
    PRINCIPAL = "principal"


#: Default waterfall inside one due date: costs → fees → penalties → interest → principal.
DEFAULT_ORDER: tuple[Component, ...] = (
    Component.COSTS,
    Component.FEES,
    Component.PENALTIES,
    Component.INTEREST,
    Component.PRINCIPAL,
)
