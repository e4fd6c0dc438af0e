"""What was lent: product mix, terms, origination dates and pricing of a consumer lender's book.

Ranges follow the US market: personal loans 12–60 months at 7–36%, auto loans 36–72 months,
cards on a 60-month minimum-payment-like schedule at 18–30%, mortgages 15 or 30 years at the rate
of their origination year. Riskier borrowers pay more (risk is a uniform draw per loan, and the
same draw later makes them likelier to fall behind). Originations are spread so that loans have
had about two years of installments fall due on average.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Final

import numpy as np

from arrears.simulation import dates
from arrears.simulation.draws import Draws, Floats, Ints


class ProductCode(IntEnum):
    PERSONAL = 0
    AUTO = 1
    CARD = 2
    MORTGAGE = 3


PRODUCT_NAMES: Final[tuple[str, ...]] = ("personal", "auto", "card", "mortgage")
PRODUCT_MIX: Final[tuple[float, ...]] = (0.35, 0.30, 0.25, 0.10)

_PERSONAL_TERMS: Final = ((12, 24, 36, 48, 60), (0.08, 0.17, 0.35, 0.15, 0.25))
_AUTO_TERMS: Final = ((36, 48, 60, 72), (0.08, 0.14, 0.36, 0.42))
_MORTGAGE_TERMS: Final = ((180, 360), (0.15, 0.85))
CARD_TERM_MONTHS: Final = 60

#: Typical 30-year fixed rate (per million) for prime borrowers by origination year.
_MORTGAGE_RATE_BY_YEAR: Final[dict[int, int]] = {
    2014: 40_000, 2015: 37_500, 2016: 35_000, 2017: 38_750, 2018: 45_000, 2019: 38_750,
    2020: 30_000, 2021: 28_750, 2022: 52_500, 2023: 66_250, 2024: 65_000, 2025: 63_750,
    2026: 61_250,
}  # fmt: skip
_CARD_RATES: Final[tuple[int, ...]] = (179_900, 209_900, 229_900, 249_900, 279_900, 299_900)
DAYS_PER_MONTH: Final = 30.44


@dataclass(frozen=True, slots=True)
class Origination:
    """When each loan was booked and when it falls due (day numbers; due day 1–28)."""

    product: Ints
    term_months: Ints
    origination: Ints
    first_due: Ints
    due_day: Ints

    @property
    def first_due_month(self) -> Ints:
        return dates.months(self.first_due)


def draw_products(draws: Draws, loans: Ints) -> Ints:
    return draws.choice("loan.product", loans, PRODUCT_MIX)


def _draw_terms(draws: Draws, loans: Ints, product: Ints) -> Ints:
    term = np.full(len(loans), CARD_TERM_MONTHS, dtype=np.int64)
    for code, (choices, weights) in (
        (ProductCode.PERSONAL, _PERSONAL_TERMS),
        (ProductCode.AUTO, _AUTO_TERMS),
        (ProductCode.MORTGAGE, _MORTGAGE_TERMS),
    ):
        picks = np.asarray(choices)[draws.choice(f"loan.term.{code.name}", loans, weights)]
        term = np.where(product == code, picks, term)
    return term


def _max_age_months(product: Ints, term: Ints) -> Floats:
    """How far back originations reach: installment loans a little past maturity (so a few are
    paid off), cards and mortgages a few years."""
    by_product = np.select(
        [product == ProductCode.PERSONAL, product == ProductCode.AUTO, product == ProductCode.CARD],
        [term + 2.0, term + 1.0, np.full(len(term), 48.0)],
        default=84.0,
    )
    return by_product.astype(np.float64)


def draw_origination(draws: Draws, loans: Ints, *, as_of_day: int) -> Origination:
    """Products, terms and dates: a pure function of the loan numbers, so any loan's dates can be
    looked up (households compare a loan with its borrower's first loan)."""
    product = draw_products(draws, loans)
    term = _draw_terms(draws, loans, product)
    age_share = draws.uniform("loan.age", loans) ** 1.1
    age_days = np.floor(age_share * _max_age_months(product, term) * DAYS_PER_MONTH)
    origination = as_of_day - age_days.astype(np.int64)
    due_day = np.minimum(dates.day_of_month(origination), 28)
    first_due = dates.on_day(dates.months(origination) + 1, due_day)
    return Origination(product, term, origination, first_due, due_day)


def draw_rates(draws: Draws, loans: Ints, *, origination: Origination, risk: Floats) -> Ints:
    """Annual rates in millionths, priced by product, risk and (mortgages) origination year."""
    product = origination.product
    count = len(loans)
    cents = np.where(draws.chance("loan.rate.cents", loans, 0.5), 4_900, 9_900)
    personal = (6 + np.floor(risk * 30).astype(np.int64)) * 10_000 + 9_900
    auto = (2 + np.floor(risk**1.3 * 18).astype(np.int64)) * 10_000 + cents
    card = np.asarray(_CARD_RATES)[np.minimum(np.floor(risk * 6).astype(np.int64), 5)]
    year = np.clip(dates.years(origination.origination), 2014, 2026)
    year_rate = np.vectorize(_MORTGAGE_RATE_BY_YEAR.__getitem__, otypes=[np.int64])(year)
    spread = np.floor(risk * 7).astype(np.int64) * 1_250
    fifteen_year_discount = np.where(origination.term_months == 180, 6_250, 0)
    mortgage = year_rate + spread - fifteen_year_discount
    rates = np.select(
        [product == ProductCode.PERSONAL, product == ProductCode.AUTO, product == ProductCode.CARD],
        [personal, auto, card],
        default=mortgage,
    )
    return rates.astype(np.int64).reshape(count)


def _lognormal_between(
    draws: Draws, stream: str, loans: Ints, *, median: Floats, sigma: float, low: float, high: float
) -> Floats:
    """Lognormal amounts truncated to [low, high] by redrawing the few that fall outside."""
    value = median * np.exp(sigma * draws.normal(stream, loans))
    for attempt in range(1, 4):
        outside = (value < low) | (value > high)
        redraw = median * np.exp(sigma * draws.normal(stream, loans, attempt))
        value = np.where(outside, redraw, value)
    return np.clip(value, low, high)


def draw_personal_principal(draws: Draws, loans: Ints, term: Ints) -> Ints:
    """Amounts in cents, $1,000–$50,000 in round hundreds; longer terms for larger loans."""
    median = 8_000 * np.sqrt(term / 36)
    dollars = _lognormal_between(
        draws, "loan.personal.amount", loans, median=median, sigma=0.6, low=1_000, high=50_000
    )
    return (np.round(dollars / 100) * 10_000).astype(np.int64)


def draw_card_balance(draws: Draws, loans: Ints) -> tuple[Ints, Ints]:
    """(balance, credit limit) in cents: balances $250–$28,000, limits in round hundreds at
    40–100% utilisation."""
    median = np.full(len(loans), 3_200.0)
    dollars = _lognormal_between(
        draws, "loan.card.balance", loans, median=median, sigma=0.85, low=250, high=28_000
    )
    balance = np.round(dollars * 100).astype(np.int64)
    utilisation = 0.4 + 0.6 * draws.uniform("loan.card.utilisation", loans)
    limit = np.ceil(balance / utilisation / 10_000).astype(np.int64) * 10_000
    return balance, np.maximum(limit, balance)
