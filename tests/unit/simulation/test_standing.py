"""The vectorised standing agrees with ``arrears.domain.delinquency`` on random histories."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st

from arrears.domain.allocation import due_items
from arrears.domain.delinquency import delinquency_as_of
from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import level_schedule
from arrears.simulation import dates
from arrears.simulation.amortisation import (
    LevelPayments,
    ScheduleTerms,
    build_installments,
    installments_due,
)
from arrears.simulation.formats import rate_ppm_text
from arrears.simulation.payments import PaymentRows
from arrears.simulation.standing import standing_as_of

AS_OF = date(2026, 11, 27)
_EPOCH = date(1970, 1, 1)


@st.composite
def histories(draw: st.DrawFn) -> tuple[int, int, int, date, list[tuple[int, int]]]:
    """A loan (principal, rate, term, first due) and payments (days after first due, amount)."""
    principal = draw(st.integers(min_value=50_000, max_value=5_000_000))
    rate_ppm = draw(st.sampled_from([0, 59_900, 129_900, 249_900]))
    term = draw(st.integers(min_value=3, max_value=36))
    first_due = AS_OF - timedelta(days=draw(st.integers(min_value=-40, max_value=900)))
    first_due = first_due.replace(day=min(first_due.day, 28))
    payments = draw(
        st.lists(
            st.tuples(
                st.integers(min_value=-10, max_value=950),
                st.integers(min_value=1, max_value=principal // 4),
            ),
            max_size=30,
        )
    )
    return principal, rate_ppm, term, first_due, payments


@settings(max_examples=150, deadline=None)
@given(history=histories())
def test_dpd_charge_off_and_payoff_match_the_domain(
    history: tuple[int, int, int, date, list[tuple[int, int]]],
) -> None:
    """DPD on as_of, the day 180 DPD was reached and paid-off agree with the domain functions."""
    principal, rate_ppm, term, first_due, raw_payments = history
    first_due_day = np.array([dates.day_number(first_due)])
    terms = ScheduleTerms(
        principal=np.array([principal]),
        rate_ppm=np.array([rate_ppm]),
        term_months=np.array([term]),
        interest_only_months=np.array([0]),
        payment=LevelPayments()(
            principal=np.array([principal]),
            rate_ppm=np.array([rate_ppm]),
            term_months=np.array([term]),
        ),
        first_due_month=dates.months(first_due_day),
        due_day=dates.day_of_month(first_due_day),
    )
    due = installments_due(terms, as_of=AS_OF)
    installments = build_installments(terms, row_count=np.minimum(due + 1, term))
    payments = [
        (first_due + timedelta(days=offset), amount)
        for offset, amount in raw_payments
        if first_due + timedelta(days=offset) <= AS_OF
    ]
    rows = PaymentRows(
        loan=np.zeros(len(payments), dtype=np.int64),
        day=np.array([dates.day_number(d) for d, _ in payments], dtype=np.int64),
        amount=np.array([a for _, a in payments], dtype=np.int64),
        method=np.zeros(len(payments), dtype=np.int64),
        returned_day=np.full(len(payments), -1, dtype=np.int64),
        reason=np.full(len(payments), -1, dtype=np.int64),
    )
    standing = standing_as_of(installments, rows, term_months=np.array([term]), as_of=AS_OF)

    schedule = level_schedule(
        principal=Money(principal),
        rate=Rate(rate_ppm_text(rate_ppm)),
        term_months=term,
        first_due_date=first_due,
    )
    items = due_items(schedule)
    assert (
        standing.dpd[0] == delinquency_as_of(items, payments, AS_OF).dpd or standing.charged_off[0]
    )
    deadlines = [i.due_date + timedelta(days=180) for i in schedule]
    reached = [
        d for d in deadlines if d <= AS_OF and delinquency_as_of(items, payments, d).dpd >= 180
    ]
    event("charged off" if reached else "not charged off")
    event(f"dpd bucket {min(int(standing.dpd[0]) // 30, 6)}")
    if reached:
        charge_off = _EPOCH + timedelta(days=int(standing.charge_off_day[0]))
        assert charge_off == reached[0]
        assert delinquency_as_of(items, payments, charge_off).dpd == 180
        assert standing.paid_at_charge_off[0] == sum(a for d, a in payments if d <= charge_off)
    else:
        assert not standing.charged_off[0]
    fully_paid = sum(a for _, a in payments) >= sum(i.amount.minor for i in schedule)
    assert standing.paid_off[0] == (fully_paid and due[0] + 1 >= term and not reached)
