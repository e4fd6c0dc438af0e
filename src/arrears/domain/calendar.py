"""Business-day calendars: weekends and public holidays (US federal by default).

Deadlines in collections are counted in calendar days or business days depending on the rule
(e.g. Reg F's validation notice "within five days" excludes weekends and federal holidays —
12 CFR 1006.34(a)(1)(ii)). Holidays come from the ``holidays`` package, which needs no network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_tables


@lru_cache(maxsize=32)
def _holiday_dates(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    table = holiday_tables.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(table.keys())


@dataclass(frozen=True)
class BusinessCalendar:
    """Business days for a country (and optionally a state): not a weekend, not a holiday."""

    country: str = "US"
    subdivision: str | None = None
    weekend: frozenset[int] = field(default_factory=lambda: frozenset({5, 6}))

    def is_holiday(self, day: date) -> bool:
        return day in _holiday_dates(self.country, self.subdivision, day.year)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def add_business_days(self, start: date, days: int) -> date:
        """The date ``days`` business days after ``start`` (before it when negative)."""
        step = 1 if days >= 0 else -1
        remaining = abs(days)
        current = start
        while remaining:
            current += timedelta(days=step)
            if self.is_business_day(current):
                remaining -= 1
        return current

    def next_business_day(self, day: date) -> date:
        """``day`` itself if it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]."""
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_business_day(current):
                count += 1
        return count


US_FEDERAL = BusinessCalendar()
