"""Time is injected: services receive a ``Clock``; pure code receives ``as_of`` dates.

Only ``arrears.adapters.system_clock`` reads the real time (enforced by a test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def today(self) -> date:
        """The business date (the UTC date of ``now`` unless the clock says otherwise)."""
        ...


@dataclass
class FixedClock:
    """A clock that stands still until moved; for tests, the demo and simulations."""

    instant: datetime = field(default_factory=lambda: datetime(2026, 1, 2, 15, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware instant")

    @classmethod
    def on(cls, day: date, hour: int = 15) -> FixedClock:
        return cls(datetime(day.year, day.month, day.day, hour, tzinfo=UTC))

    def now(self) -> datetime:
        return self.instant

    def today(self) -> date:
        return self.instant.astimezone(UTC).date()

    def advance(self, delta: timedelta) -> None:
        self.instant += delta

    def set(self, instant: datetime) -> None:
        self.instant = instant
