"""Charges assessed after booking: late fees, penalties and recoverable costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from arrears.domain.components import Component
from arrears.domain.money import Money


@dataclass(frozen=True, slots=True)
class Charge:
    """An amount added to what the borrower owes on ``assessed_on`` (never principal)."""

    loan_id: int
    component: Component
    amount: Money
    assessed_on: date
    reason: str
    key: str
    id: int | None = None

    def __post_init__(self) -> None:
        if self.component is Component.PRINCIPAL:
            raise ValueError("a charge never adds principal")
        if self.amount.minor <= 0:
            raise ValueError("a charge is a positive amount")
