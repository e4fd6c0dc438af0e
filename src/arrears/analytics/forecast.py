"""Will the goal be met? A straight line through the daily series, carried to the deadline.

The forecast is the least-squares line through the goal metric's daily values, evaluated on
the deadline, with a prediction interval for that day's value:
``ŷ ± t(n−2) · s · √(1 + 1/n + (x₀ − x̄)² / Sxx)``. Daily values of a trailing-window metric are
autocorrelated, so the interval is optimistic: read it as "the trend says", not as a guarantee.

Status: ``met`` / ``missed`` once the deadline has passed (judged on the latest value);
otherwise ``on track`` when the whole interval reaches the target, ``at risk`` when only the
line does, ``off track`` when the line does not. With fewer than three points there is no
line: ``on track`` if the latest value already reaches the target, else ``at risk``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from statistics import NormalDist

from arrears.analytics.goals import Goal
from arrears.analytics.report_model import Forecast, GoalStatus

_MIN_POINTS = 3


def t_quantile(probability: float, degrees: int) -> float:
    """Student's t quantile: exact for 1 and 2 degrees of freedom, otherwise the
    Cornish–Fisher expansion (Abramowitz & Stegun 26.7.5), within 0.004 of the tables at 3
    degrees and 0.001 from 5."""
    if degrees == 1:
        return math.tan(math.pi * (probability - 0.5))
    if degrees == 2:
        return (2 * probability - 1) / math.sqrt(2 * probability * (1 - probability))
    z = NormalDist().inv_cdf(probability)
    v = float(degrees)
    terms = (
        (z**3 + z) / 4,
        (5 * z**5 + 16 * z**3 + 3 * z) / 96,
        (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384,
        (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160,
    )
    return z + sum(term / v ** (power + 1) for power, term in enumerate(terms))


def linear_forecast(
    series: Sequence[tuple[date, float | None]], *, at: date, confidence: float = 0.95
) -> Forecast | None:
    """The trend's value on ``at`` with its interval (None with under three points)."""
    points = [(day, value) for day, value in series if value is not None and not math.isnan(value)]
    if len(points) < _MIN_POINTS:
        return None
    origin = points[0][0]
    xs = [float((day - origin).days) for day, _ in points]
    ys = [value for _, value in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    intercept = mean_y - slope * mean_x
    residual = sum((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    spread = math.sqrt(residual / (n - 2))
    x0 = float((at - origin).days)
    value = intercept + slope * x0
    half = (
        t_quantile(0.5 + confidence / 2, n - 2)
        * spread
        * math.sqrt(1 + 1 / n + (x0 - mean_x) ** 2 / sxx)
    )
    return Forecast(value, value - half, value + half, slope, n)


def bounded(forecast: Forecast, *, low: float, high: float) -> Forecast:
    """The forecast clipped to a metric's possible range (a rate stays within 0 and 1, an
    amount collected is never negative)."""

    def clip(value: float) -> float:
        return min(max(value, low), high)

    return Forecast(
        clip(forecast.value),
        clip(forecast.low),
        clip(forecast.high),
        forecast.slope_per_day,
        forecast.points,
    )


def goal_status(
    goal: Goal, *, current: float | None, forecast: Forecast | None, as_of: date
) -> GoalStatus:
    if current is None:
        return "no data yet"
    if as_of >= goal.deadline:
        return "met" if goal.reached(current) else "missed"
    if forecast is None:
        return "on track" if goal.reached(current) else "at risk"
    pessimistic = forecast.low if goal.definition.better == "higher" else forecast.high
    if goal.reached(pessimistic):
        return "on track"
    return "at risk" if goal.reached(forecast.value) else "off track"
