"""Loan-to-value and equity of collateral on a date.

For a first lien the LTV is the balance over the value; for a junior lien the senior liens
come first, so the combined LTV is (senior liens + balance) / value and the equity is what is
left of the value after every lien. A missing or zero value gives no ratio (None), never a
division by zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

RATIO_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Position:
    value_minor: int | None
    balance_minor: int
    senior_liens_minor: int = 0

    @property
    def ltv(self) -> Decimal | None:
        """Combined LTV to four places (1.2 means the liens are 120% of the value)."""
        if self.value_minor is None or self.value_minor <= 0:
            return None
        ratio = Decimal(self.balance_minor + self.senior_liens_minor) / Decimal(self.value_minor)
        return ratio.quantize(RATIO_PLACES, rounding=ROUND_HALF_EVEN)

    @property
    def equity_minor(self) -> int | None:
        """Value less every lien (negative: the borrower is under water)."""
        if self.value_minor is None:
            return None
        return self.value_minor - self.senior_liens_minor - self.balance_minor
