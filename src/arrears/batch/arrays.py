"""NumPy helpers shared by the batch kernels: days as integers, runs, loan bounds, exact sums.

The kernels work on flat arrays sorted by loan, where one loan's rows are a contiguous run. Dates
are days since 1970-01-01 (the physical value of a Polars date, ``int32``) so they can be
compared, offset and combined with a loan's position into one sortable ``int64`` key; amounts
stay ``int64`` minor units throughout.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

Ints = npt.NDArray[np.signedinteger[Any]]
Bools = npt.NDArray[np.bool_]

#: A day later than any real date: "never" for an event that has not happened.
NEVER = 1 << 30
#: A day earlier than any real date: "no day" for a missing date.
NO_DAY = -(1 << 30)
#: Key stride per loan position; days lie well inside ±2**31.
_STRIDE = 1 << 32
_EPOCH = date(1970, 1, 1)
_HEADROOM = 1 << 62


class NotGroupedError(ValueError):
    """Rows of one loan are not contiguous, or not ordered as the kernel needs them."""


def day_number(day: date) -> int:
    """Days since 1970-01-01 (the physical value of a Polars date)."""
    return (day - _EPOCH).days


def days(series: pl.Series, *, null: int = NO_DAY) -> Ints:
    """A date series as ``int32`` days since 1970-01-01, nulls replaced by ``null``."""
    physical = series.to_physical()
    if physical.null_count():
        physical = physical.fill_null(null)
    return np.asarray(physical.to_numpy())


def ints(series: pl.Series) -> Ints:
    """An integer series without nulls as an ``int64`` array (zero-copy when it can be)."""
    return np.asarray(series.cast(pl.Int64).to_numpy())


def date_series(name: str, values: Ints) -> pl.Series:
    """Days back to a Polars date series; ``NO_DAY`` and ``NEVER`` become null."""
    missing = (values <= NO_DAY) | (values >= NEVER)
    series = pl.Series(name, values.astype(np.int32))
    if missing.any():
        series = series.scatter(np.flatnonzero(missing), None)
    return series.cast(pl.Date)


def starts_of_runs(same_as_previous: Bools) -> Ints:
    """Start index of each run, given for every row after the first whether it continues one."""
    return np.flatnonzero(np.concatenate(([True], ~same_as_previous)))


def run_starts(keys: Ints) -> Ints:
    """Start index of each run of equal consecutive values."""
    if keys.size == 0:
        return _none()
    return starts_of_runs(keys[1:] == keys[:-1])


def _none() -> Ints:
    return np.zeros(0, dtype=np.int64)


def known_positions(ids: Ints, *, known: Ints, what: str) -> Ints:
    """Position of each id in ``known`` (sorted, unique loan ids).

    Raises ``ValueError`` when an id is not known: every row must belong to a loan of the
    partition.
    """
    where = np.searchsorted(known, ids).astype(np.int64)
    found = where < known.size
    found[found] = known[where[found]] == ids[found]
    if not found.all():
        missing = ids[~found][:5].tolist()
        raise ValueError(f"{what} name loans that are not in the partition, e.g. {missing}")
    return where


def loan_positions(ids: Ints, *, known: Ints, what: str) -> Ints:
    """``known_positions`` per row, run by run when the rows are grouped by ascending id."""
    if ids.size == 0 or np.any(ids[1:] < ids[:-1]):
        return known_positions(ids, known=known, what=what)
    starts = run_starts(ids)
    where = known_positions(ids[starts], known=known, what=what)
    return np.repeat(where, np.diff(np.append(starts, ids.size)))


def loan_bounds(starts: Ints, *, run_loan: Ints, rows: int, loans: int) -> tuple[Ints, Ints]:
    """(first row, one past the last row) per loan position, from the runs of a grouped column.

    ``starts`` are the rows where each loan's run begins and ``run_loan`` its (ascending) loan
    position. A loan without rows gets an empty range where its rows would be, so running totals
    read just before ``first`` stay right for it too.
    """
    row_at = np.append(starts, rows)
    run = np.searchsorted(run_loan, np.arange(loans, dtype=np.int64))
    first = row_at[run]
    has_rows = run < run_loan.size
    has_rows[has_rows] = run_loan[run[has_rows]] == np.flatnonzero(has_rows)
    end = first.copy()
    end[has_rows] = row_at[run[has_rows] + 1]
    return first, end


def row_loans(first: Ints, end: Ints) -> Ints:
    """The loan position of every row, from per-loan row bounds (rows grouped by loan)."""
    return np.repeat(np.arange(first.size, dtype=np.int64), end - first)


def keyed(positions: Ints, day_values: Ints | int) -> Ints:
    """One sortable, non-negative key per row: loan position first, then day."""
    key: Ints = positions.astype(np.int64)
    key *= _STRIDE
    key += day_values
    key += _STRIDE // 2
    return key


def running_total(amounts: Ints) -> Ints:
    """Inclusive cumulative sum, refusing totals that could overflow ``int64``."""
    if amounts.size:
        largest = max(int(amounts.max()), -int(amounts.min()))
        if largest * amounts.size >= _HEADROOM:
            exact = sum(abs(int(a)) for a in amounts)
            if exact >= _HEADROOM:
                raise ValueError("amounts too large to total exactly in 64-bit minor units")
    return np.cumsum(amounts, dtype=np.int64)


def total_before(totals: Ints, first: Ints) -> Ints:
    """The running total just before row ``first`` (0 at the start)."""
    if totals.size == 0:
        return np.zeros(first.size, dtype=np.int64)
    before = totals[np.maximum(first - 1, 0)]
    before[first == 0] = 0
    return before


def round_half_even_div(numerator: Ints, denominator: int) -> Ints:
    """``numerator / denominator`` rounded to the nearest integer, ties to even, exactly."""
    quotient, remainder = np.divmod(numerator, denominator)
    twice = 2 * remainder
    up = (twice > denominator) | ((twice == denominator) & (quotient % 2 == 1))
    rounded: Ints = quotient + up
    return rounded


def cummax_within(positions: Ints, values: Ints) -> Ints:
    """Running maximum of ``values`` restarting at each loan (rows sorted by loan position).

    ``values`` must lie in ``[-2**31, 2**31)`` (days do); adding the loan's stride keeps every
    loan's running maximum above the previous loan's, so one global accumulate suffices.
    """
    offset = keyed(positions, 0)
    running: Ints = offset + values
    np.maximum.accumulate(running, out=running)
    running -= offset
    return running


def gather_strings(name: str, table: Sequence[str], codes: Ints) -> pl.Series:
    """``table[code]`` for every code, as a Polars string column, without building each string.

    A string column is an array of 16-byte Arrow string views (short strings inline, longer
    ones pointing into a shared buffer), so repeating a few distinct strings millions of times
    only copies views: one NumPy gather instead of one string allocation per row.
    """
    distinct = pa.array(list(table), type=pa.string_view())
    buffers = distinct.buffers()
    views = np.frombuffer(buffers[1], dtype=np.dtype((np.void, 16)))
    gathered = np.ascontiguousarray(views[codes])
    data = [buffer for buffer in buffers[2:] if buffer is not None]
    array = pa.Array.from_buffers(
        pa.string_view(), int(codes.size), [None, pa.py_buffer(gathered), *data]
    )
    series = pl.from_arrow(array)
    assert isinstance(series, pl.Series)
    return series.alias(name)
