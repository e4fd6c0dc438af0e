"""The report as plain data: what the HTML file, ``--format json`` and the dashboard all show.

A report is a list of sections, each either a ``MetricTable`` (the numbers, with the precise
definition of the metric) or ``NoData`` (a metric whose workflow has not produced its data
yet: it says what it will read and never shows an invented number), plus the goals with their
daily progress and forecast. Amounts stay integer minor units; ratios are floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

import polars as pl

from arrears.analytics.goals import Goal

Unit = Literal["text", "count", "money", "ratio", "date", "number", "months"]
Value = str | int | float | date | None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    label: str
    unit: Unit = "text"


@dataclass(frozen=True, slots=True)
class MetricTable:
    """One metric's figures: rows of values under typed columns."""

    key: str
    title: str
    definition: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str = ""

    @classmethod
    def from_frame(
        cls,
        frame: pl.DataFrame,
        *,
        key: str,
        title: str,
        definition: str,
        columns: Sequence[Column],
        note: str = "",
    ) -> MetricTable:
        names = [column.name for column in columns]
        rows = tuple(tuple(row) for row in frame.select(names).iter_rows())
        return cls(key, title, definition, tuple(columns), rows, note)

    def records(self) -> list[dict[str, Value]]:
        names = [column.name for column in self.columns]
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def column(self, name: str) -> list[Value]:
        index = [column.name for column in self.columns].index(name)
        return [row[index] for row in self.rows]

    @property
    def empty(self) -> bool:
        return not self.rows


@dataclass(frozen=True, slots=True)
class NoData:
    """A metric that waits for its data: why, and the input frame it will be computed from."""

    key: str
    title: str
    definition: str
    reason: str
    expects: str


Section = MetricTable | NoData


@dataclass(frozen=True, slots=True)
class Forecast:
    """A linear trend of the daily series carried to the deadline, with a 95% interval."""

    value: float
    low: float
    high: float
    slope_per_day: float
    points: int


GoalStatus = Literal["met", "on track", "at risk", "off track", "missed", "no data yet"]


@dataclass(frozen=True, slots=True)
class GoalProgress:
    goal: Goal
    status: GoalStatus
    current: float | None
    series: tuple[tuple[date, float | None], ...]
    forecast: Forecast | None = None
    note: str = ""


@dataclass(frozen=True)
class Report:
    as_of: date
    generated_at: datetime
    currency: str
    accounts: int
    settings: dict[str, Any]
    sections: tuple[Section, ...]
    goals: tuple[GoalProgress, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def table(self, key: str) -> MetricTable:
        """The section ``key``, which must have data (tests and callers that need numbers)."""
        section = self.section(key)
        if not isinstance(section, MetricTable):
            raise LookupError(f"{key}: no data yet ({section.reason})")
        return section

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (dates as ISO text)."""
        return {
            "as_of": self.as_of.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "currency": self.currency,
            "accounts": self.accounts,
            "settings": self.settings,
            "notes": list(self.notes),
            "sections": [_section_dict(section) for section in self.sections],
            "goals": [_goal_dict(progress) for progress in self.goals],
        }


def _plain(value: Value) -> str | int | float | None:
    return value.isoformat() if isinstance(value, date) else value


def _section_dict(section: Section) -> dict[str, Any]:
    if isinstance(section, NoData):
        return {
            "key": section.key,
            "title": section.title,
            "definition": section.definition,
            "status": "no data yet",
            "reason": section.reason,
            "expects": section.expects,
        }
    return {
        "key": section.key,
        "title": section.title,
        "definition": section.definition,
        "status": "ok",
        "note": section.note,
        "columns": [{"name": c.name, "label": c.label, "unit": c.unit} for c in section.columns],
        "rows": [
            {c.name: _plain(v) for c, v in zip(section.columns, row, strict=True)}
            for row in section.rows
        ],
    }


def _goal_dict(progress: GoalProgress) -> dict[str, Any]:
    forecast = progress.forecast
    return {
        **progress.goal.to_dict(),
        "status": progress.status,
        "current": progress.current,
        "note": progress.note,
        "series": [{"date": d.isoformat(), "value": v} for d, v in progress.series],
        "forecast": None
        if forecast is None
        else {
            "value": forecast.value,
            "low": forecast.low,
            "high": forecast.high,
            "slope_per_day": forecast.slope_per_day,
            "points": forecast.points,
        },
    }
