"""Which dates a report looks at, fixed before any partition is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from arrears.analytics.periods import Window, daily, month_ends


@dataclass(frozen=True)
class ReportPlan:
    """The report's dates and parameters.

    ``months`` month-to-month transitions need ``months + 1`` month ends; the trailing window of
    ``window_days`` ends on ``as_of``; goals are followed over the ``trend_days`` days ending on
    ``as_of`` (only when there are goals); experiments measure ``outcome_days`` after entry;
    recovery curves run ``curve_months`` months. ``confidence`` and ``power`` are those of the
    experiment intervals and sample sizes; ``effect`` (absolute cure-rate difference) fixes the
    effect sample sizes are computed for (default: the observed difference).
    """

    as_of: date
    bucket_names: tuple[str, ...]
    months: int = 12
    window_days: int = 30
    trend_days: int = 30
    outcome_days: int = 30
    curve_months: int = 12
    confidence: float = 0.95
    power: float = 0.8
    effect: float | None = None
    with_goals: bool = False
    month_end_dates: tuple[date, ...] = field(init=False)

    def __post_init__(self) -> None:
        if self.months < 1 or self.window_days < 1 or self.trend_days < 1:
            raise ValueError("months, window_days and trend_days must be positive")
        if not 0 < self.confidence < 1 or not 0 < self.power < 1:
            raise ValueError("confidence and power are probabilities")
        ends = month_ends(as_of=self.as_of, count=self.months + 1)
        object.__setattr__(self, "month_end_dates", tuple(ends))

    @property
    def window(self) -> Window:
        return Window.ending(self.as_of, days=self.window_days)

    @property
    def goal_days(self) -> list[date]:
        return daily(end=self.as_of, days=self.trend_days) if self.with_goals else []

    @property
    def trend_dates(self) -> list[date]:
        """The bucket trend's dates: month ends, then the as-of date if it is not one."""
        return sorted({*self.month_end_dates, self.as_of})

    @property
    def snapshot_dates(self) -> list[date]:
        """Every date some metric needs each loan's standing on."""
        goal_starts = [Window.ending(day, days=self.window_days).start for day in self.goal_days]
        return sorted(
            {*self.month_end_dates, self.as_of, self.window.start, *self.goal_days, *goal_starts}
        )

    @property
    def actions_after(self) -> date:
        """Actions due after this date are all the cost and agent metrics look at."""
        goal_starts = [Window.ending(day, days=self.window_days).start for day in self.goal_days]
        return min([self.window.start, *goal_starts])

    def settings(self) -> dict[str, object]:
        return {
            "months": self.months,
            "window_days": self.window_days,
            "window_start": self.window.start.isoformat(),
            "trend_days": self.trend_days,
            "outcome_days": self.outcome_days,
            "curve_months": self.curve_months,
            "confidence": self.confidence,
            "power": self.power,
            "effect": self.effect,
            "buckets": list(self.bucket_names),
        }
