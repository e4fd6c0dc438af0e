"""The calendar of a report: month ends, trailing windows and "months since" an event."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month_end(day: date) -> date:
    return day.replace(day=1) - timedelta(days=1)


def month_ends(*, as_of: date, count: int) -> list[date]:
    """The last ``count`` month ends on or before ``as_of``, oldest first."""
    last = as_of if as_of == month_end(as_of) else previous_month_end(as_of)
    found = [last]
    while len(found) < count:
        found.append(previous_month_end(found[-1]))
    return sorted(found)


@dataclass(frozen=True, slots=True)
class Window:
    """The trailing window ``(start, end]``: accounts are classified on ``start`` and judged on
    ``end``; payments and actions count when dated after ``start`` and on or before ``end``."""

    start: date
    end: date

    @classmethod
    def ending(cls, end: date, *, days: int) -> Window:
        return cls(end - timedelta(days=days), end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def daily(*, end: date, days: int) -> list[date]:
    """The ``days`` days ending on ``end``, oldest first."""
    return [end - timedelta(days=back) for back in range(days - 1, -1, -1)]


def months_after(event: pl.Expr, later: pl.Expr) -> pl.Expr:
    """Which month after ``event`` the date ``later`` falls in: 1 for ``(event, event + 1
    month]``, 2 for the month after that, and so on (0 on or before the event).

    "Event + k months" keeps the day of the month, clamped to the month's length; an event on a
    month's last day counts month ends (30 April + 1 month is 31 May), so month-end cohorts line
    up with calendar months.
    """
    elapsed = (later.dt.year() - event.dt.year()).cast(pl.Int32) * 12 + (
        later.dt.month().cast(pl.Int32) - event.dt.month().cast(pl.Int32)
    )
    is_month_end = event == event.dt.month_end()
    anchor_day = pl.when(is_month_end).then(pl.lit(31)).otherwise(event.dt.day().cast(pl.Int32))
    days_in_later_month = later.dt.month_end().dt.day().cast(pl.Int32)
    clamped = pl.min_horizontal(anchor_day, days_in_later_month)
    month = pl.when(later.dt.day().cast(pl.Int32) <= clamped).then(elapsed).otherwise(elapsed + 1)
    return pl.when(later <= event).then(pl.lit(0, dtype=pl.Int32)).otherwise(month)


def add_months(day: date, months: int) -> date:
    """``day`` + ``months`` with the same month-end rule as ``months_after``."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    length = calendar.monthrange(year, month + 1)[1]
    wanted = 31 if day == month_end(day) else day.day
    return date(year, month + 1, min(wanted, length))


def quarter_label(column: str) -> pl.Expr:
    """``2024Q3`` from a date column (origination vintages)."""
    return pl.format("{}Q{}", pl.col(column).dt.year(), pl.col(column).dt.quarter())


def month_label(column: str) -> pl.Expr:
    """``2024-07`` from a date column (cohorts)."""
    return pl.col(column).dt.strftime("%Y-%m")
