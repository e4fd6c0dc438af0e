"""Invariants of money that must hold for every amount and split."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.money import Money

amounts = st.integers(min_value=-(10**15), max_value=10**15)
weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


@given(amounts, weights)
def test_allocation_always_sums_back_to_the_whole(minor: int, ratios: list[int]) -> None:
    parts = Money(minor).allocate(ratios)
    assert sum(p.minor for p in parts) == minor
    assert len(parts) == len(ratios)


@given(amounts, weights)
def test_allocation_parts_are_within_one_unit_of_their_exact_share(
    minor: int, ratios: list[int]
) -> None:
    total = sum(ratios)
    for part, ratio in zip(Money(minor).allocate(ratios), ratios, strict=True):
        exact = minor * ratio / total
        assert abs(part.minor - exact) < 1 + 1e-6 * abs(exact)


@given(amounts, weights)
def test_zero_weight_gets_nothing(minor: int, ratios: list[int]) -> None:
    parts = Money(minor).allocate([*ratios, 0])
    assert parts[-1].minor == 0


@given(amounts, amounts)
def test_addition_and_subtraction_are_exact(a: int, b: int) -> None:
    assert (Money(a) + Money(b) - Money(b)) == Money(a)


@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from(["USD", "JPY", "KWD", "EUR"]),
       st.booleans())  # fmt: skip
def test_format_spells_the_amount_as_decimal_arithmetic_does(
    minor: int, currency: str, whole: bool
) -> None:
    """``format`` works in integers; it spells every amount as formatting its exact decimal
    value would (thousands separators, the currency's decimals, whole units rounded half up)."""
    money = Money(minor, currency)
    value = abs(money.to_decimal())
    body = (
        f"{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"
        if whole
        else f"{value:,.{money.exponent}f}"
    )
    spelled = money.format(whole=whole)
    assert spelled.startswith("-") == (minor < 0)
    assert spelled.endswith(body)
    assert spelled[-len(body) - 1] in "$ €"  # the symbol (or the code and a space) before it
