"""The vectorised schedule builder reproduces the domain's level schedule to the cent."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import level_payment, level_schedule, monthly_interest_minor
from arrears.simulation import dates
from arrears.simulation.amortisation import (
    LevelPayments,
    ScheduleTerms,
    build_installments,
    installments_due,
    monthly_interest,
)
from arrears.simulation.formats import rate_ppm_text

_EPOCH = date(1970, 1, 1)


def _terms(
    principal: int, rate_ppm: int, term: int, first_due: date, interest_only: int = 0
) -> ScheduleTerms:
    payment = LevelPayments()(
        principal=np.array([principal]),
        rate_ppm=np.array([rate_ppm]),
        term_months=np.array([term - interest_only]),
    )
    first_due_day = np.array([dates.day_number(first_due)])
    return ScheduleTerms(
        principal=np.array([principal]),
        rate_ppm=np.array([rate_ppm]),
        term_months=np.array([term]),
        interest_only_months=np.array([interest_only]),
        payment=payment,
        first_due_month=dates.months(first_due_day),
        due_day=dates.day_of_month(first_due_day),
    )


@settings(max_examples=60, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=150_000_000),
    rate_ppm=st.integers(min_value=0, max_value=399_999),
    term=st.integers(min_value=1, max_value=360),
    first_due=st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 28)).filter(
        lambda d: d.day <= 28
    ),
)
def test_installments_equal_the_domain_level_schedule(
    principal: int, rate_ppm: int, term: int, first_due: date
) -> None:
    """Every due date, principal and interest matches ``level_schedule`` for the same terms."""
    terms = _terms(principal, rate_ppm, term, first_due)
    built = build_installments(terms, row_count=np.array([term]))
    expected = level_schedule(
        principal=Money(principal),
        rate=Rate(rate_ppm_text(rate_ppm)),
        term_months=term,
        first_due_date=first_due,
    )
    assert [_EPOCH + timedelta(days=int(d)) for d in built.due] == [i.due_date for i in expected]
    assert built.principal.tolist() == [i.principal.minor for i in expected]
    assert built.interest.tolist() == [i.interest.minor for i in expected]


@given(
    balance=st.integers(min_value=0, max_value=10**10),
    rate_ppm=st.integers(min_value=0, max_value=999_999),
)
def test_monthly_interest_is_the_domain_rounding(balance: int, rate_ppm: int) -> None:
    """Array interest equals ``monthly_interest_minor`` (half-even on the exact ratio)."""
    expected = monthly_interest_minor(balance, Rate(rate_ppm_text(rate_ppm)))
    assert monthly_interest(np.array([balance]), np.array([rate_ppm]))[0] == expected


def test_level_payments_are_the_domain_level_payment() -> None:
    """The memoised payments are ``level_payment`` of each loan's terms, repeated terms included."""
    principal = np.array([1_000_000, 2_500_050, 1_000_000])
    rate = np.array([129_900, 0, 129_900])
    term = np.array([36, 12, 36])
    amounts = LevelPayments()(principal=principal, rate_ppm=rate, term_months=term)
    expected = [
        level_payment(Money(int(p)), Rate(rate_ppm_text(int(r))), int(n)).minor
        for p, r, n in zip(principal, rate, term, strict=True)
    ]
    assert amounts.tolist() == expected


def test_interest_only_months_pay_interest_then_amortise_the_whole_principal() -> None:
    """An interest-only start has zero principal, then repays exactly the principal."""
    terms = _terms(1_200_000, 99_900, 36, date(2025, 3, 15), interest_only=6)
    built = build_installments(terms, row_count=np.array([36]))
    assert (built.principal[:6] == 0).all()
    assert (built.interest[:6] == monthly_interest(np.array([1_200_000]), np.array([99_900]))).all()
    assert built.principal.sum() == 1_200_000
    assert len(set(built.amount[6:-1].tolist())) == 1  # level after the interest-only months


def test_installments_due_counts_due_dates_before_as_of() -> None:
    """A loan first due on the 15th has 3 installments due before Apr 15 and 4 before Apr 16."""
    terms = _terms(500_000, 100_000, 24, date(2026, 1, 15))
    assert installments_due(terms, as_of=date(2026, 4, 15))[0] == 3
    assert installments_due(terms, as_of=date(2026, 4, 16))[0] == 4
    assert installments_due(terms, as_of=date(2031, 1, 1))[0] == 24
    assert installments_due(terms, as_of=date(2025, 12, 1))[0] == 0
