"""Expected present value: what a future, uncertain recovery is worth today.

Settlement pricing, the legal cost/benefit view and agency placement all compare recoveries
that arrive at different times with different certainty. Each is valued the same way:

    EPV = probability × amount / (1 + annual_rate / 12) ** months − costs

in exact ``Decimal`` arithmetic on minor units, quantised to a whole minor unit once, at the
end (``to_minor``), with banker's rounding (DESIGN §2: rates and intermediate values are
Decimal, rounded at named points).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, localcontext

#: Enough digits that 120 monthly compoundings of a 6-decimal rate lose nothing at the cent.
PRECISION = 34


def discount_factor(*, annual_rate: Decimal, months: int) -> Decimal:
    """``1 / (1 + annual_rate/12) ** months``: today's value of one unit received in
    ``months`` months, monthly compounding."""
    if months < 0:
        raise ValueError("months cannot be negative")
    if annual_rate < 0:
        raise ValueError("a discount rate cannot be negative")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(1) / (Decimal(1) + annual_rate / 12) ** months


def discounted(
    amount_minor: Decimal | int, *, probability: Decimal, annual_rate: Decimal, months: int
) -> Decimal:
    """``probability × amount`` received in ``months`` months, valued today (unrounded)."""
    if not Decimal(0) <= probability <= Decimal(1):
        raise ValueError("a probability lies between 0 and 1")
    with localcontext() as ctx:
        ctx.prec = PRECISION
        factor = discount_factor(annual_rate=annual_rate, months=months)
        return Decimal(amount_minor) * probability * factor


def to_minor(value: Decimal) -> int:
    """The named rounding point: an EPV in whole minor units, half to even."""
    return int(value.to_integral_value(rounding=ROUND_HALF_EVEN))
