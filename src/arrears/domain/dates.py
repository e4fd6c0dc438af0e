"""Calendar arithmetic that collections rules need (month steps that keep the due day)."""

from __future__ import annotations

import calendar
from datetime import date


def add_months(start: date, months: int, *, day: int | None = None) -> date:
    """``start`` moved by whole months, keeping ``day`` (or start's day) clamped to month end.

    A loan due on the 31st falls due on Feb 28/29 and on Apr 30, then back on the 31st.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    wanted = day if day is not None else start.day
    return date(year, month, min(wanted, days_in_month(year, month)))


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    """The month's last day (``calendar.monthrange`` also works out the weekday, which schedules
    never need and which costs more than the rest of a month step)."""
    return 29 if month == 2 and calendar.isleap(year) else _MONTH_DAYS[month - 1]


def months_between(start: date, end: date) -> int:
    """Whole months from start to end (negative when end is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months
