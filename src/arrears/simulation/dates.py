"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01).

Due days are kept between 1 and 28, as most lenders do, so "the same day next month" never needs
clamping and the simulator's due dates equal ``arrears.domain.dates.add_months``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation.draws import Ints

_EPOCH = date(1970, 1, 1)
_SATURDAY = 5  # Monday = 0; 1970-01-01 was a Thursday (3)


def day_number(day: date) -> int:
    return (day - _EPOCH).days


def months(days: Ints) -> Ints:
    """Months since January 1970 of each day."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_start(month: Ints) -> Ints:
    return month.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)


def day_of_month(days: Ints) -> Ints:
    return days - month_start(months(days)) + 1


def years(days: Ints) -> Ints:
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def on_day(month: Ints, day: Ints) -> Ints:
    """The given day (1–28) of each month."""
    return month_start(month) + day - 1


def weekday(days: Ints) -> Ints:
    return (days + 3) % 7


def next_business_day(days: Ints) -> Ints:
    """Saturdays and Sundays move to Monday (bank transfers settle on business days)."""
    shift = np.maximum(0, 7 - weekday(days)) * (weekday(days) >= _SATURDAY)
    moved: Ints = days + shift
    return moved


def date_series(name: str, days: Ints, *, present: NDArray[np.bool_] | None = None) -> pl.Series:
    """Day numbers as a Polars date column (null where ``present`` is False)."""
    series = pl.Series(name, days.astype(np.int32)).cast(pl.Date)
    if present is None:
        return series
    return pl.select(pl.when(pl.Series(present)).then(series)).to_series().alias(name)
