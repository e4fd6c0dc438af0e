"""A vehicle's estimated value on a date, from a known value and a depreciation curve (data).

Within each year of age the value falls linearly by that year's share, so the estimate moves
day by day and is easy to check by hand: a $20,000 value in an age year that keeps 85% is
worth $20,000 × (1 − 0.15 × 73/365) = $19,400 after 73 days. The arithmetic is ``Decimal``
and the result is rounded once, half to even, to the minor unit.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Curve:
    kept_percent_by_age_year: tuple[int, ...]
    source: str

    def __post_init__(self) -> None:
        if not self.kept_percent_by_age_year:
            raise ValueError("a depreciation curve needs at least one year")
        if any(not 0 < p <= 100 for p in self.kept_percent_by_age_year):
            raise ValueError("each year keeps between 1 and 100 percent")

    def kept(self, age_year: int) -> Decimal:
        """The share kept over age year ``age_year`` (1-based)."""
        index = min(max(age_year, 1), len(self.kept_percent_by_age_year)) - 1
        return Decimal(self.kept_percent_by_age_year[index]) / 100


def parse_curve(text: str) -> Curve:
    data = tomllib.loads(text)
    return Curve(tuple(int(p) for p in data["kept_percent_by_age_year"]), str(data["source"]))


@cache
def default_curve() -> Curve:
    text = files("arrears.domain.collateral_registry").joinpath("data", "depreciation.toml")
    return parse_curve(text.read_text(encoding="utf-8"))


def age_year_start(model_year: int, age_year: int) -> date:
    """The first day of age year ``age_year`` (1-based) of a vehicle of ``model_year``."""
    return date(model_year + age_year - 1, 1, 1)


def estimate(
    *,
    value_minor: int,
    valued_on: date,
    as_of: date,
    model_year: int,
    curve: Curve | None = None,
) -> int:
    """The value on ``as_of`` of a vehicle worth ``value_minor`` on ``valued_on``."""
    if as_of <= valued_on:
        return value_minor
    curve = curve or default_curve()
    factor = Decimal(1)
    day = valued_on
    while day < as_of:
        age_year = max(day.year - model_year + 1, 1)
        start = age_year_start(model_year, age_year)
        end = age_year_start(model_year, age_year + 1)
        if day < start:  # before its model year: counted as its first year
            start, end = date(day.year, 1, 1), date(day.year + 1, 1, 1)
        stop = min(end, as_of)
        year_days = Decimal((end - start).days)
        share = Decimal((stop - day).days) / year_days
        factor *= 1 - (1 - curve.kept(age_year)) * share
        day = stop
    return int((Decimal(value_minor) * factor).to_integral_value(rounding=ROUND_HALF_EVEN))
