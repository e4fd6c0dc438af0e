"""The only place arrears reads the real time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SystemClock:
    """Wall-clock time; the business date is the date in the lender's time zone."""

    business_time_zone: str = "America/New_York"

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(ZoneInfo(self.business_time_zone)).date()
