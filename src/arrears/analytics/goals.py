"""SMART goals as data: which metric, for which accounts, what target, by when, and whose.

A goal file is TOML with one ``[[goal]]`` table per goal (docs/analytics.md)::

    [[goal]]
    id = "early-cures"                  # unique, lower-case words and dashes
    metric = "cure_rate"                # one of GOAL_METRICS
    segment = "bucket:1-29"             # all | bucket:<name> | product:<name>
    target = 0.55                       # a fraction for rates; minor units for *_minor
    deadline = 2027-03-31
    owner = "Early-stage team"
    starts_on = 2026-10-01              # optional: when the goal was set
    description = "Cure more early accounts"   # optional

Every problem in a file is reported at once (``ValidationFailed``); a valid file gives goals
that ``services.goals`` stores in the ``goals`` table.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

import polars as pl

from arrears.errors import Problem, ValidationFailed

Better = Literal["higher", "lower"]


@dataclass(frozen=True, slots=True)
class GoalMetric:
    """A metric a goal can track: computed for every day of the trend, per segment."""

    name: str
    label: str
    unit: Literal["ratio", "money"]
    better: Better
    segments: tuple[str, ...]  # the segment kinds it can be broken down by
    definition: str


GOAL_METRICS: Final[dict[str, GoalMetric]] = {
    metric.name: metric
    for metric in (
        GoalMetric(
            "cure_rate",
            "Cure rate",
            "ratio",
            "higher",
            ("bucket", "product"),
            "Of the accounts 1+ days past due (not charged off) at the start of the trailing "
            "window, the share at 0 days past due at its end.",
        ),
        GoalMetric(
            "recovery_rate",
            "Recovery rate",
            "ratio",
            "higher",
            ("bucket", "product"),
            "Good payments in the trailing window from accounts delinquent or charged off at "
            "its start, over what those accounts owed at its start.",
        ),
        GoalMetric(
            "roll_forward_rate",
            "Roll-forward rate",
            "ratio",
            "lower",
            ("bucket", "product"),
            "Of the accounts delinquent at the start of the trailing window, the share in a "
            "worse bucket (or charged off) at its end.",
        ),
        GoalMetric(
            "delinquency_rate",
            "30+ delinquency rate",
            "ratio",
            "lower",
            ("product",),
            "Outstanding balance of accounts 30+ days past due over the outstanding balance of "
            "all open accounts (not charged off, something owed), on the day.",
        ),
        GoalMetric(
            "collected_minor",
            "Collected from arrears",
            "money",
            "higher",
            ("bucket", "product"),
            "Good payments in the trailing window from accounts delinquent or charged off at "
            "its start (minor units).",
        ),
        GoalMetric(
            "cost_to_collect",
            "Cost to collect",
            "ratio",
            "lower",
            (),
            "Cost of the actions done in the trailing window over what was collected in it "
            "from accounts in arrears or charged off.",
        ),
    )
}

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_KEYS = {"id", "metric", "segment", "target", "deadline", "owner", "starts_on", "description"}
_REQUIRED = ("id", "metric", "target", "deadline", "owner")


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    metric: str
    segment: str
    target: Decimal
    deadline: date
    owner: str
    starts_on: date | None = None
    description: str = ""

    @property
    def definition(self) -> GoalMetric:
        return GOAL_METRICS[self.metric]

    @property
    def segment_kind(self) -> str:
        return self.segment.split(":", 1)[0]

    @property
    def segment_value(self) -> str:
        return self.segment.split(":", 1)[1] if ":" in self.segment else ""

    def reached(self, value: float) -> bool:
        target = float(self.target)
        return value >= target if self.definition.better == "higher" else value <= target

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metric": self.metric,
            "segment": self.segment,
            "target": str(self.target),
            "deadline": self.deadline.isoformat(),
            "owner": self.owner,
            "starts_on": self.starts_on.isoformat() if self.starts_on else None,
            "description": self.description,
        }


def goal_problems(
    values: dict[str, Any], *, source: str, row: int, bucket_names: list[str]
) -> list[Problem]:
    """Every reason ``values`` is not a valid goal (empty when it is)."""

    def problem(key: str, message: str) -> Problem:
        return Problem(source, row, key, str(values.get(key, "")), message)

    found = [
        problem(k, f"unknown key (known: {', '.join(sorted(_KEYS))})")
        for k in values
        if k not in _KEYS
    ]
    found += [problem(k, "is required") for k in _REQUIRED if k not in values]
    if "id" in values and not _ID.match(str(values["id"])):
        found.append(problem("id", "use lower-case letters, digits, '-' and '_' (max 64)"))
    metric = GOAL_METRICS.get(str(values.get("metric")))
    if "metric" in values and metric is None:
        found.append(problem("metric", f"unknown metric (known: {', '.join(GOAL_METRICS)})"))
    if metric is not None:
        found += _segment_problems(values, metric, problem, bucket_names)
        found += _target_problems(values, metric, problem)
    for key in ("deadline", "starts_on"):
        if key in values and not isinstance(values[key], date):
            found.append(problem(key, "must be a date (YYYY-MM-DD)"))
    starts, deadline = values.get("starts_on"), values.get("deadline")
    if isinstance(starts, date) and isinstance(deadline, date) and starts >= deadline:
        found.append(problem("starts_on", "must be before the deadline"))
    if "owner" in values and not str(values["owner"]).strip():
        found.append(problem("owner", "name the person or team accountable"))
    return found


def _segment_problems(
    values: dict[str, Any], metric: GoalMetric, problem: Any, bucket_names: list[str]
) -> list[Problem]:
    segment = str(values.get("segment", "all"))
    kind, _, value = segment.partition(":")
    if segment == "all":
        return []
    if kind not in metric.segments or not value:
        allowed = ", ".join(["all", *(f"{k}:<name>" for k in metric.segments)])
        return [problem("segment", f"{metric.name} can be set for: {allowed}")]
    if kind == "bucket" and value not in bucket_names:
        return [problem("segment", f"unknown bucket (buckets: {', '.join(bucket_names)})")]
    return []


def _target_problems(values: dict[str, Any], metric: GoalMetric, problem: Any) -> list[Problem]:
    if "target" not in values:
        return []
    target = parse_target(values["target"])
    if target is None:
        return [problem("target", "must be a number")]
    if metric.unit == "ratio" and not Decimal(0) <= target <= Decimal(1):
        return [problem("target", "a rate is a fraction between 0 and 1 (0.55 for 55%)")]
    if metric.unit == "money" and (target != target.to_integral_value() or target < 0):
        return [problem("target", "an amount is a whole number of minor units (cents)")]
    return []


def parse_target(value: object) -> Decimal | None:
    """A target as an exact decimal (TOML floats are read from their shortest text)."""
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)) if isinstance(value, int | float | str) else None
    except InvalidOperation:
        return None


def goal_from(values: dict[str, Any]) -> Goal:
    """A goal from values ``goal_problems`` found valid."""
    target = parse_target(values["target"])
    assert target is not None
    return Goal(
        id=str(values["id"]),
        metric=str(values["metric"]),
        segment=str(values.get("segment", "all")),
        target=target,
        deadline=values["deadline"],
        owner=str(values["owner"]).strip(),
        starts_on=values.get("starts_on"),
        description=str(values.get("description", "")),
    )


def parse_goals(text: str, *, source: str, bucket_names: list[str]) -> list[Goal]:
    """The goals of a TOML goal file; raises ``ValidationFailed`` listing every problem."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValidationFailed([Problem(source, 0, "", "", f"not valid TOML: {error}")]) from None
    tables = document.get("goal", [])
    problems = [
        Problem(source, 0, key, "", "a goal file has only [[goal]] tables")
        for key in document
        if key != "goal"
    ]
    if not isinstance(tables, list):
        raise ValidationFailed([Problem(source, 0, "goal", "", "write goals as [[goal]] tables")])
    seen: set[str] = set()
    for row, values in enumerate(tables, 1):
        problems += goal_problems(values, source=source, row=row, bucket_names=bucket_names)
        if str(values.get("id")) in seen:
            problems.append(Problem(source, row, "id", str(values["id"]), "is used twice"))
        seen.add(str(values.get("id")))
    if problems:
        raise ValidationFailed(problems)
    return [goal_from(values) for values in tables]


GOALS_FRAME: Final = pl.Schema(
    {
        "id": pl.String,
        "metric": pl.String,
        "segment": pl.String,
        "target": pl.String,
        "deadline": pl.Date,
        "owner": pl.String,
        "starts_on": pl.Date,
        "description": pl.String,
    }
)
"""Goals as a frame (an export's ``goals.parquet``); targets stay exact decimal text."""


def goals_frame(goals: list[Goal]) -> pl.DataFrame:
    rows = [
        {**goal.to_dict(), "deadline": goal.deadline, "starts_on": goal.starts_on} for goal in goals
    ]
    return pl.DataFrame(rows, schema=GOALS_FRAME)


def goals_from_frame(frame: pl.DataFrame) -> list[Goal]:
    return [
        Goal(
            id=row["id"],
            metric=row["metric"],
            segment=row["segment"],
            target=Decimal(row["target"]),
            deadline=row["deadline"],
            owner=row["owner"],
            starts_on=row["starts_on"],
            description=row["description"] or "",
        )
        for row in frame.iter_rows(named=True)
    ]
