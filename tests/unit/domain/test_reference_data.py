"""Calendars, geography and VINs: the reference facts rules depend on."""

from __future__ import annotations

from datetime import date

import pytest

from arrears.domain import geo
from arrears.domain.calendar import US_FEDERAL
from arrears.domain.dates import add_months
from arrears.domain.vin import vin_problem, with_check_digit


def test_federal_holidays_and_weekends_are_not_business_days() -> None:
    assert not US_FEDERAL.is_business_day(date(2026, 7, 3))  # Independence Day observed
    assert not US_FEDERAL.is_business_day(date(2026, 11, 28))  # Saturday
    assert US_FEDERAL.is_business_day(date(2026, 11, 27))


def test_adding_business_days_skips_thanksgiving_and_the_weekend() -> None:
    """Five business days after Wed 25 Nov 2026: Thu 26 is Thanksgiving → Fri 27, Mon 30 … Thu 3 Dec."""
    assert US_FEDERAL.add_business_days(date(2026, 11, 25), 5) == date(2026, 12, 3)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [(date(2026, 1, 31), 1, date(2026, 2, 28)), (date(2024, 1, 31), 1, date(2024, 2, 29)),
     (date(2026, 1, 31), 3, date(2026, 4, 30)), (date(2026, 11, 15), 2, date(2027, 1, 15))],
)  # fmt: skip
def test_months_keep_the_due_day_clamped_to_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


def test_zip_codes_know_their_state_and_time_zone() -> None:
    info = geo.zip_info("02139")
    assert info is not None
    assert (info.state, info.time_zone) == ("MA", "America/New_York")
    assert geo.zip_info("00000") is None


def test_phones_know_their_time_zones() -> None:
    """Reg F needs every zone a borrower may be in: a 213 number is in Los Angeles."""
    assert geo.phone_time_zones("(213) 555-0102") == ("America/Los_Angeles",)
    assert geo.is_us_phone("+1 617 555 0101")
    assert not geo.is_us_phone("555-0101")
    assert not geo.is_us_phone("+1 204 555 0101")  # Winnipeg: NANP but not the US


def test_split_states_have_several_zones() -> None:
    assert {"America/Chicago", "America/Denver"} <= geo.state_time_zones("NE")


@pytest.mark.parametrize(
    ("vin", "problem"),
    [("1HGCM82633A004352", None), ("1HGCM82633A004353", "check digit"),
     ("1HGCM82633A00435", "17 characters"), ("1HGCM8263IA004352", "17 characters")],
)  # fmt: skip
def test_vin_check_digit(vin: str, problem: str | None) -> None:
    found = vin_problem(vin)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_a_completed_vin_is_valid() -> None:
    assert vin_problem(with_check_digit("5YJ3E1EA7KF317000")) is None
