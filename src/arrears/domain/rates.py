"""Rates (interest, discounts, commissions) as exact Decimals.

A ``Rate`` is a fraction (``Rate("0.1299")`` is 12.99%). Applying a rate to money rounds once, at a
named point, with an explicit rounding mode (DESIGN §2).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from arrears.domain.money import Money
from arrears.errors import ArrearsError


class RateFormatError(ArrearsError):
    """Text that is not a rate."""


@dataclass(frozen=True, slots=True)
class Rate:
    value: Decimal

    def __init__(self, value: Decimal | str | int) -> None:
        if isinstance(value, float):
            raise TypeError("rates are never floats; pass a string or Decimal")
        try:
            decimal = Decimal(value)
        except (InvalidOperation, TypeError):
            raise RateFormatError(f"{value!r} is not a rate") from None
        if not decimal.is_finite():
            raise RateFormatError(f"{value!r} is not a rate")
        object.__setattr__(self, "value", decimal)

    @classmethod
    def percent(cls, value: Decimal | str | int) -> Rate:
        return cls(Decimal(value) / 100)

    def of(self, amount: Money, *, rounding: str = ROUND_HALF_EVEN) -> Money:
        return amount.scale(self.value, rounding=rounding)

    def monthly(self) -> Decimal:
        """The periodic rate for a monthly schedule (annual nominal rate / 12), unrounded."""
        return self.value / 12

    def __str__(self) -> str:
        return f"{(self.value * 100).normalize():f}%"
