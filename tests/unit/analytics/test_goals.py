"""Goals as data: the file format, every problem at once, the daily series and the forecast."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import polars as pl
import pytest

from arrears.analytics.forecast import goal_status, linear_forecast
from arrears.analytics.goal_series import goal_series, progress
from arrears.analytics.goals import Goal, goals_frame, goals_from_frame, parse_goals
from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.errors import ValidationFailed

BUCKETS = DEFAULT_BUCKETS.names
GOOD = """
[[goal]]
id = "early-cures"
metric = "cure_rate"
segment = "bucket:1-29"
target = 0.55
deadline = 2027-03-31
owner = "Early-stage team"
starts_on = 2026-10-01

[[goal]]
id = "collect"
metric = "collected_minor"
target = 250000000
deadline = 2027-01-31
owner = "Recovery"
"""


def test_a_goal_file_reads_into_goals_with_exact_targets() -> None:
    first, second = parse_goals(GOOD, source="goals.toml", bucket_names=BUCKETS)
    assert first == Goal(
        id="early-cures",
        metric="cure_rate",
        segment="bucket:1-29",
        target=Decimal("0.55"),
        deadline=date(2027, 3, 31),
        owner="Early-stage team",
        starts_on=date(2026, 10, 1),
    )
    assert (second.segment, second.target, second.definition.better) == (
        "all",
        Decimal(250000000),
        "higher",
    )
    assert goals_from_frame(goals_frame([first, second])) == [first, second]


def test_every_problem_of_a_goal_file_is_reported_at_once() -> None:
    """Unknown metric, a bucket segment on a metric without one, a rate above 1, a fractional
    amount, a start after the deadline, a duplicate id, a missing owner and an unknown key."""
    text = """
[[goal]]
id = "a"
metric = "happiness"
target = 1
deadline = 2027-01-01
owner = "x"

[[goal]]
id = "b"
metric = "delinquency_rate"
segment = "bucket:1-29"
target = 1.5
deadline = 2027-01-01
owner = "x"

[[goal]]
id = "b"
metric = "collected_minor"
target = 10.5
deadline = 2027-01-01
starts_on = 2027-02-01
colour = "red"
"""
    with pytest.raises(ValidationFailed) as raised:
        parse_goals(text, source="g.toml", bucket_names=BUCKETS)
    found = {(p.row, p.column) for p in raised.value.problems}
    assert found == {
        (1, "metric"),
        (2, "segment"),
        (2, "target"),
        (3, "target"),
        (3, "starts_on"),
        (3, "id"),
        (3, "owner"),
        (3, "colour"),
    }


def test_a_trend_and_its_prediction_interval() -> None:
    """y = 0.30, 0.32, 0.34, 0.36, 0.38 on days 0–4 (a perfect line, slope 0.02/day): on day
    10 the forecast is 0.50 with a zero-width interval."""
    start = date(2026, 11, 1)
    series = [(start + timedelta(days=i), 0.30 + 0.02 * i) for i in range(5)]
    found = linear_forecast(series, at=start + timedelta(days=10))
    assert found is not None
    assert (found.value, found.low, found.high) == (
        pytest.approx(0.5),
        pytest.approx(0.5),
        pytest.approx(0.5),
    )
    assert found.slope_per_day == pytest.approx(0.02)


def test_the_interval_widens_with_noise() -> None:
    """y = 1, 3, 2, 4 on days 0–3: slope 0.8, intercept 1.3, residuals (−0.3, 0.9, −0.9, 0.3)
    → s² = 1.8/2 = 0.9. On day 5: ŷ = 5.3; half-width t(2) · √0.9 · √(1 + 1/4 + 12.25/5) =
    4.303 × 0.9487 × 1.9235 = 7.852."""
    start = date(2026, 1, 1)
    series = [(start + timedelta(days=i), float(v)) for i, v in enumerate((1, 3, 2, 4))]
    found = linear_forecast(series, at=start + timedelta(days=5))
    assert found is not None
    assert found.value == pytest.approx(5.3)
    assert found.high - found.value == pytest.approx(7.852, abs=2e-3)


def _goal(target: str, better_metric: str = "cure_rate") -> Goal:
    return Goal(
        id="g",
        metric=better_metric,
        segment="all",
        target=Decimal(target),
        deadline=date(2027, 1, 31),
        owner="team",
    )


@pytest.mark.parametrize(
    ("target", "low", "value", "high", "status"),
    [
        ("0.5", 0.55, 0.6, 0.65, "on track"),
        ("0.5", 0.45, 0.55, 0.65, "at risk"),
        ("0.5", 0.35, 0.4, 0.45, "off track"),
    ],
)
def test_goal_status_from_the_forecast(
    target: str, low: float, value: float, high: float, status: str
) -> None:
    from arrears.analytics.report_model import Forecast

    forecast = Forecast(value, low, high, 0.0, 10)
    assert (
        goal_status(_goal(target), current=0.3, forecast=forecast, as_of=date(2026, 12, 1))
        == status
    )


def test_goal_status_after_the_deadline_and_lower_is_better() -> None:
    lower = _goal("0.05", "delinquency_rate")
    after = date(2027, 2, 1)
    assert goal_status(lower, current=0.04, forecast=None, as_of=after) == "met"
    assert goal_status(lower, current=0.06, forecast=None, as_of=after) == "missed"
    assert goal_status(lower, current=None, forecast=None, as_of=after) == "no data yet"


def test_goal_series_from_measures_by_segment() -> None:
    """Day 1: 2 of 4 cured in bucket 1-29 (0.5); day 2: no account in arrears there (None)."""
    d1, d2 = date(2026, 11, 1), date(2026, 11, 2)
    measures = pl.DataFrame(
        {
            "day": [d1, d1, d1],
            "dimension": ["bucket", "bucket", "total"],
            "key": ["1-29", "1-29", "all"],
            "measure": ["cured", "delinquent", "cured"],
            "value": [2, 4, 9],
        }
    )
    goal = Goal(
        id="g",
        metric="cure_rate",
        segment="bucket:1-29",
        target=Decimal("0.6"),
        deadline=date(2027, 1, 1),
        owner="t",
    )
    series = goal_series(measures, goal, days=[d1, d2])
    assert series == [(d1, 0.5), (d2, None)]
    found = progress(goal, series, as_of=d2)
    assert (found.current, found.status, found.forecast) == (0.5, "at risk", None)
