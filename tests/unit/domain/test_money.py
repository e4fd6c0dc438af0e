"""Money: exact minor units, parsing, arithmetic across currencies, allocation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arrears.domain.money import Money, MoneyFormatError
from arrears.domain.rates import Rate
from arrears.errors import CurrencyMismatch


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("1234.50", "USD", 123450), ("0.01", "USD", 1), ("7", "USD", 700), ("1500", "JPY", 1500),
     ("1.234", "BHD", 1234), (" 12.3 ", "USD", 1230)],
)  # fmt: skip
def test_parse_reads_major_units_exactly(text: str, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize("text", ["12.345", "1.5e3x", "abc", "", "NaN", "Infinity"])
def test_parse_refuses_what_is_not_an_exact_amount(text: str) -> None:
    with pytest.raises(MoneyFormatError):
        Money.parse(text, "USD")


def test_money_refuses_floats() -> None:
    """A float amount is a bug, not a value."""
    with pytest.raises(TypeError):
        Money(12.5, "USD")  # type: ignore[arg-type]


def test_amounts_in_different_currencies_do_not_mix() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money(100, "USD") + Money(100, "EUR")


def test_allocate_splits_by_weights_and_sums_back() -> None:
    """$100 in thirds is 33.34 + 33.33 + 33.33: the extra cent goes to the first part."""
    parts = Money(10000).allocate([1, 1, 1])
    assert parts == [Money(3334), Money(3333), Money(3333)]


def test_negative_amounts_allocate_symmetrically() -> None:
    assert Money(-10000).allocate([1, 1, 1]) == [Money(-3334), Money(-3333), Money(-3333)]


def test_rate_applies_once_with_half_even_rounding() -> None:
    """12.99% of $10.05 is 1.305495 → $1.31 (rounded once, half-even)."""
    assert Rate("0.1299").of(Money(1005)) == Money(131)
    assert Money(250).scale(Decimal("0.5")) == Money(125)


def test_rates_refuse_floats() -> None:
    with pytest.raises(TypeError):
        Rate(0.1)  # type: ignore[arg-type]


def test_format_is_human() -> None:
    assert Money(123456789).format() == "$1,234,567.89"
    assert Money(-5).format() == "-$0.05"
