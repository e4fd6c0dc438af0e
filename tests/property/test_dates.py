"""Month arithmetic for schedules: the month's length and a month step agree with the
standard library's calendar for every year and month."""

from __future__ import annotations

import calendar
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from arrears.domain.dates import add_months, days_in_month


@given(year=st.integers(1, 9998), month=st.integers(1, 12))
def test_days_in_month_is_the_calendars(year: int, month: int) -> None:
    assert days_in_month(year, month) == calendar.monthrange(year, month)[1]


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
    months=st.integers(-600, 600),
    day=st.none() | st.integers(1, 31),
)
def test_a_month_step_keeps_the_day_clamped_to_the_month_end(
    start: date, months: int, day: int | None
) -> None:
    moved = add_months(start, months, day=day)
    assert (moved.year - start.year) * 12 + moved.month - start.month == months
    wanted = day if day is not None else start.day
    assert moved.day == min(wanted, calendar.monthrange(moved.year, moved.month)[1])
