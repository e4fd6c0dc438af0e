"""Present value arithmetic: exact Decimals, rounded once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from arrears.domain.present_value import discount_factor, discounted, to_minor


def test_one_percent_a_month_for_a_year() -> None:
    """1 / 1.01**12 = 1 / 1.12682503013197 = 0.8874492253 → 0.88744923"""
    factor = discount_factor(annual_rate=Decimal("0.12"), months=12)
    assert factor.quantize(Decimal("0.00000001")) == Decimal("0.88744923")


def test_discounting_rounds_once_half_even() -> None:
    assert to_minor(Decimal("10.5")) == 10
    assert to_minor(Decimal("11.5")) == 12
    value = discounted(100_000, probability=Decimal("0.5"), annual_rate=Decimal(0), months=3)
    assert value == Decimal(50_000)


@pytest.mark.parametrize("bad", [{"months": -1}, {"annual_rate": Decimal("-0.1")}])
def test_nonsense_is_refused(bad: dict[str, object]) -> None:
    kwargs: dict[str, object] = {"annual_rate": Decimal("0.1"), "months": 1, **bad}
    with pytest.raises(ValueError, match="cannot be negative"):
        discount_factor(**kwargs)  # type: ignore[arg-type]
