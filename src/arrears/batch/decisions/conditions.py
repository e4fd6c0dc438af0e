"""A strategy's conditions as Polars expressions over the FEATURES frame.

The expressions mean exactly what ``arrears.strategy.coverage`` assumes when it proves segments
unreachable: a missing score or LTV matches no range, a never-contacted account is longer
without contact than any number of days, a missing collateral kind is ``none``, a missing flag
is false, and a bucket is the DPD range the strategy's bucket scheme gives it.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from arrears.domain.delinquency import BucketScheme
from arrears.strategy.conditions import Condition, Flag, OneOf, Range
from arrears.strategy.features import FIELDS, Nulls


def matches(conditions: Iterable[Condition], buckets: BucketScheme) -> pl.Expr:
    """True where an account meets every condition (never null)."""
    parts = [_condition(c, buckets) for c in conditions]
    return pl.all_horizontal(parts) if parts else pl.lit(True)


def columns(conditions: Iterable[Condition]) -> set[str]:
    """The FEATURES columns the conditions read."""
    return {FIELDS[c.field].column for c in conditions}


def _condition(condition: Condition, buckets: BucketScheme) -> pl.Expr:
    spec = FIELDS[condition.field]
    column = pl.col(spec.column)
    if isinstance(condition, Flag):
        value = column.fill_null(value=False)
        return value if condition.value else ~value
    if isinstance(condition, OneOf):
        if condition.field == "bucket":
            return _buckets(condition, buckets)
        values = sorted(condition.values)
        if spec.null_as is not None:
            return column.fill_null(spec.null_as).is_in(values)
        return column.is_in(values).fill_null(value=False)
    return _range(condition, column, highest_when_null=spec.nulls is Nulls.HIGHEST)


def _range(condition: Range, column: pl.Expr, *, highest_when_null: bool) -> pl.Expr:
    integer = FIELDS[condition.field].integer
    parts: list[pl.Expr] = []
    if condition.low is not None:
        low = int(condition.low) if integer else float(condition.low)
        parts.append(column > low if condition.low_open else column >= low)
    if condition.high is not None:
        high = int(condition.high) if integer else float(condition.high)
        parts.append(column < high if condition.high_open else column <= high)
    within = pl.all_horizontal(parts).fill_null(value=False)
    if highest_when_null and condition.high is None:
        return within | column.is_null()
    return within


def _buckets(condition: OneOf, buckets: BucketScheme) -> pl.Expr:
    dpd = pl.col(FIELDS["dpd"].column)
    ranges = [
        dpd >= b.min_dpd if b.max_dpd is None else dpd.is_between(b.min_dpd, b.max_dpd)
        for b in buckets.buckets
        if b.name in condition.values
    ]
    return pl.any_horizontal(ranges).fill_null(value=False)
