"""Schedules, the allocation waterfall and delinquency on hand-checked examples."""

from __future__ import annotations

from datetime import date

from arrears.domain.allocation import DueItem, WaterfallPolicy, allocate, due_items
from arrears.domain.charges import Charge
from arrears.domain.components import Component
from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme, delinquency_as_of
from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import Installment, level_payment, level_schedule

P, INT, F = Component.PRINCIPAL, Component.INTEREST, Component.FEES


def test_level_schedule_of_1200_at_12_percent_over_a_year() -> None:
    """1200 × 0.01 / (1 − 1.01^−12) = 106.6185… → 106.62; month 1 interest 12.00, principal 94.62;
    the last installment takes what is left so principal sums to exactly 1,200.00."""
    schedule = level_schedule(
        principal=Money(120_000),
        rate=Rate("0.12"),
        term_months=12,
        first_due_date=date(2026, 2, 15),
    )
    assert level_payment(Money(120_000), Rate("0.12"), 12) == Money(10_662)
    assert (schedule[0].interest, schedule[0].principal) == (Money(1_200), Money(9_462))
    assert sum(i.principal.minor for i in schedule) == 120_000
    assert schedule[-1].due_date == date(2027, 1, 15)
    assert all(i.amount == Money(10_662) for i in schedule[:-1])


def test_zero_rate_schedule_has_no_interest() -> None:
    schedule = level_schedule(
        principal=Money(1000), rate=Rate("0"), term_months=3, first_due_date=date(2026, 1, 31)
    )
    assert [i.principal.minor for i in schedule] == [333, 333, 334]
    assert [i.due_date for i in schedule] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]


def _two_installments_and_a_fee() -> list[DueItem]:
    installments = [
        Installment(1, date(2026, 1, 1), Money(9000), Money(1000), Money(0)),
        Installment(2, date(2026, 2, 1), Money(9100), Money(900), Money(0)),
    ]
    fee = Charge(7, F, Money(2500), date(2026, 1, 16), "late fee", "late-1")
    return due_items(installments, [fee])


def test_items_are_ordered_by_due_date_then_waterfall() -> None:
    items = _two_installments_and_a_fee()
    assert [(i.due_date.month, i.component) for i in items] == [
        (1, INT), (1, P), (1, F), (2, INT), (2, P)
    ]  # fmt: skip


def test_payments_fill_the_oldest_items_first_and_overpayment_goes_to_suspense() -> None:
    """100 pays January's interest and principal; 125 pays the fee and February; 10 is extra."""
    allocations = allocate(_two_installments_and_a_fee(), [("a", 10000), ("b", 12500), ("c", 1000)])
    assert allocations[0].parts == {INT: 1000, P: 9000}
    assert allocations[1].parts == {F: 2500, INT: 900, P: 9100}
    assert (allocations[2].parts, allocations[2].suspense_minor) == ({}, 1000)
    assert all(
        a.total_minor == amount for a, amount in zip(allocations, [10000, 12500, 1000], strict=True)
    )


def test_a_custom_waterfall_pays_principal_before_interest() -> None:
    policy = WaterfallPolicy(order=(P, INT, F, Component.PENALTIES, Component.COSTS))
    items = due_items(
        [Installment(1, date(2026, 1, 1), Money(9000), Money(1000), Money(0))], policy=policy
    )
    assert allocate(items, [("a", 9500)])[0].parts == {P: 9000, INT: 500}


def _monthly_hundreds() -> list[DueItem]:
    return due_items(
        [Installment(m, date(2026, m, 1), Money(10000), Money(0), Money(0)) for m in range(1, 13)]
    )


def test_days_past_due_run_from_the_oldest_unpaid_installment() -> None:
    """Paid Jan and Feb: on 15 Apr, March is 45 days late and 200.00 is past due (Mar + Apr)."""
    payments = [(date(2026, 1, 1), 10000), (date(2026, 2, 1), 10000)]
    state = delinquency_as_of(_monthly_hundreds(), payments, date(2026, 4, 15))
    assert (state.dpd, state.bucket, state.amount_past_due_minor) == (45, "30-59", 20000)
    assert state.oldest_unpaid_due_date == date(2026, 3, 1)
    assert state.dofd == date(2026, 3, 1)


def test_on_the_due_date_an_unpaid_installment_is_not_yet_late() -> None:
    state = delinquency_as_of(_monthly_hundreds(), [], date(2026, 1, 1))
    assert (state.dpd, state.amount_past_due_minor) == (0, 0)
    assert delinquency_as_of(_monthly_hundreds(), [], date(2026, 1, 2)).dpd == 1


def test_a_partial_catch_up_does_not_re_age_the_dofd() -> None:
    """Paying March on 20 Apr moves the oldest unpaid to April (19 DPD) but DOFD stays 1 Mar
    (FCRA §623(a)(5): partial payments do not reset the date of first delinquency)."""
    payments = [(date(2026, 1, 1), 10000), (date(2026, 2, 1), 10000), (date(2026, 4, 20), 10000)]
    state = delinquency_as_of(_monthly_hundreds(), payments, date(2026, 4, 20))
    assert (state.dpd, state.dofd) == (19, date(2026, 3, 1))


def test_bringing_the_account_current_cures_it_and_clears_the_dofd() -> None:
    payments = [
        (date(2026, 1, 1), 10000), (date(2026, 2, 1), 10000), (date(2026, 4, 20), 10000),
        (date(2026, 5, 22), 20000),
    ]  # fmt: skip
    state = delinquency_as_of(_monthly_hundreds(), payments, date(2026, 5, 25))
    assert (state.dpd, state.dofd, state.cured_on) == (0, None, date(2026, 5, 22))


def test_a_charged_off_loan_keeps_its_dofd_after_it_is_paid() -> None:
    payments = [(date(2026, 1, 1), 10000), (date(2026, 2, 1), 10000), (date(2026, 6, 1), 40000)]
    state = delinquency_as_of(
        _monthly_hundreds(), payments, date(2026, 6, 2), charge_off_date=date(2026, 4, 10)
    )
    assert (state.dpd, state.dofd) == (0, date(2026, 3, 1))


def test_a_short_delinquency_that_never_reached_30_days_sets_no_dofd() -> None:
    payments = [(date(2026, 1, 20), 10000)]
    state = delinquency_as_of(_monthly_hundreds(), payments, date(2026, 1, 25))
    assert (state.dpd, state.dofd, state.cured_on) == (0, None, date(2026, 1, 20))


def test_a_payment_after_the_as_of_date_does_not_count() -> None:
    payments = [(date(2026, 3, 5), 30000)]
    assert delinquency_as_of(_monthly_hundreds(), payments, date(2026, 3, 4)).dpd == 62


def test_tolerance_treats_a_tiny_shortfall_as_paid() -> None:
    payments = [(date(2026, 1, 1), 9995)]
    strict = delinquency_as_of(_monthly_hundreds(), payments, date(2026, 1, 20))
    lenient = delinquency_as_of(
        _monthly_hundreds(), payments, date(2026, 1, 20), policy=WaterfallPolicy(tolerance_minor=5)
    )
    assert (strict.dpd, lenient.dpd) == (19, 0)


def test_buckets_are_data() -> None:
    assert [DEFAULT_BUCKETS.bucket_for(d) for d in (0, 1, 29, 30, 179, 180, 2000)] == [
        "current", "1-29", "1-29", "30-59", "150-179", "180+", "180+"
    ]  # fmt: skip
    custom = BucketScheme.from_bounds([("ok", 0), ("late", 10)])
    assert custom.bucket_for(9) == "ok"
