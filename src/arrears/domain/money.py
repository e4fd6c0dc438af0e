"""Money as integer minor units plus an ISO 4217 currency.

Money is never a float (DESIGN §2). Amounts are exact integers of the currency's minor unit
(cents for USD); ``Decimal`` appears only when parsing text or applying rates, quantised at named
points with an explicit rounding mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Final

from arrears.errors import ArrearsError, CurrencyMismatch

#: ISO 4217 minor-unit exponents for the currencies arrears knows.
CURRENCY_EXPONENTS: Final[dict[str, int]] = {
    "USD": 2,
    "CAD": 2,
    "EUR": 2,
    "GBP": 2,
    "MXN": 2,
    "AUD": 2,
    "INR": 2,
    "KES": 2,
    "JPY": 0,
    "KRW": 0,
    "BHD": 3,
    "KWD": 3,
}


class MoneyFormatError(ArrearsError):
    """Text that does not spell an amount of the currency exactly."""


def currency_exponent(currency: str) -> int:
    try:
        return CURRENCY_EXPONENTS[currency]
    except KeyError:
        raise MoneyFormatError(f"unknown currency {currency!r}") from None


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount: ``minor`` units of ``currency`` (``Money(1999, "USD")`` is $19.99)."""

    minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        # An exact int in a known currency is by far the usual case: checked first, cheaply
        # (an account view makes tens of thousands of amounts).
        if type(self.minor) is int and self.currency in CURRENCY_EXPONENTS:
            return
        if isinstance(self.minor, bool) or not isinstance(self.minor, int):
            raise TypeError(f"Money.minor must be int, got {type(self.minor).__name__}")
        currency_exponent(self.currency)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str = "USD") -> Money:
        """Parse a decimal string in major units ("1234.50"); extra decimals are an error."""
        exponent = currency_exponent(currency)
        try:
            value = Decimal(text.strip())
        except (InvalidOperation, AttributeError):
            raise MoneyFormatError(f"{text!r} is not an amount") from None
        if not value.is_finite():
            raise MoneyFormatError(f"{text!r} is not an amount")
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            raise MoneyFormatError(
                f"{text!r} has more than {exponent} decimal place(s) for {currency}"
            )
        return cls(int(scaled), currency)

    @classmethod
    def from_decimal(
        cls, value: Decimal, currency: str = "USD", *, rounding: str = ROUND_HALF_EVEN
    ) -> Money:
        """Quantise a computed Decimal (e.g. interest) to the minor unit with a named rounding."""
        exponent = currency_exponent(currency)
        return cls(int(value.scaleb(exponent).to_integral_value(rounding=rounding)), currency)

    # -- views --------------------------------------------------------------------------------
    @property
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.minor).scaleb(-self.exponent)

    def __str__(self) -> str:
        return f"{self.to_decimal():.{self.exponent}f} {self.currency}"

    def format(self, *, whole: bool = False) -> str:
        """Human format with thousands separators: ``$1,234.50`` (``$1,235`` when ``whole``)."""
        symbol = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "MXN": "MX$"}.get(
            self.currency, self.currency + " "
        )
        sign = "-" if self.minor < 0 else ""
        # In integers (a page shows hundreds of amounts; Decimal formatting was most of it)
        exponent = self.exponent
        scale = 10**exponent
        units, fraction = divmod(abs(self.minor), scale)
        if whole:
            body = f"{units + (1 if exponent and 2 * fraction >= scale else 0):,}"  # half up
        elif exponent:
            body = f"{units:,}.{fraction:0{exponent}d}"
        else:
            body = f"{units:,}"
        return f"{sign}{symbol}{body}"

    # -- arithmetic ---------------------------------------------------------------------------
    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} cannot be combined")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, factor: int) -> Money:
        if isinstance(factor, bool) or not isinstance(factor, int):
            raise TypeError("Money can only be multiplied by an int; use .scale() for rates")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def scale(self, factor: Decimal, *, rounding: str = ROUND_HALF_EVEN) -> Money:
        """Multiply by a Decimal factor (a rate or share), rounding once to the minor unit."""
        return Money(
            int((Decimal(self.minor) * factor).to_integral_value(rounding=rounding)), self.currency
        )

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor < other.minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.minor <= other.minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.minor > other.minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.minor >= other.minor

    def __bool__(self) -> bool:
        return self.minor != 0

    def is_negative(self) -> bool:
        return self.minor < 0

    def min(self, other: Money) -> Money:
        return self if self <= other else other

    def max(self, other: Money) -> Money:
        return self if self >= other else other

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split by integer weights; the parts always sum back to the whole.

        Largest-remainder method: each part gets its floor share, then the leftover minor units go
        one by one to the parts with the largest remainders (earliest part on ties), so the split
        is deterministic and never loses or invents a cent.
        """
        if not ratios:
            raise ValueError("allocate needs at least one ratio")
        if any(r < 0 for r in ratios):
            raise ValueError("ratios must not be negative")
        total = sum(ratios)
        if total == 0:
            raise ValueError("ratios must not all be zero")
        sign = -1 if self.minor < 0 else 1
        amount = abs(self.minor)
        floors = [amount * r // total for r in ratios]
        remainders = [amount * r % total for r in ratios]
        leftover = amount - sum(floors)
        order = sorted(range(len(ratios)), key=lambda i: (-remainders[i], i))
        for i in order[:leftover]:
            floors[i] += 1
        return [Money(sign * part, self.currency) for part in floors]


def total(amounts: Sequence[Money], currency: str = "USD") -> Money:
    """Sum amounts of one currency (the empty sum is zero in ``currency``)."""
    result = Money.zero(amounts[0].currency if amounts else currency)
    for amount in amounts:
        result = result + amount
    return result
