"""Delinquency of every loan of a partition on one date, or on many (month ends for roll rates).

``arrears.domain.delinquency.delinquency_as_of`` is the specification; the results are equal
loan for loan. Only good payments count (``good == False`` rows are ignored), effective on or
before the date. The loan's charge-off date freezes its DOFD as the reference does. Items must be
in fill order per loan (``batch.items.due_items``); only ``loan_id``, ``due_date``,
``amount_minor`` and ``installment_seq`` are read, so a projected scan is enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import polars as pl

from arrears.batch.arrays import NEVER, NO_DAY, Ints, date_series, day_number, gather_strings
from arrears.batch.coverage import Coverage, coverage
from arrears.batch.episodes import episodes
from arrears.batch.frames import DELINQUENCY, DELINQUENCY_AT
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme


def delinquency(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    loans: pl.DataFrame,
    *,
    as_of: date,
    policy: WaterfallPolicy = DEFAULT_POLICY,
    buckets: BucketScheme = DEFAULT_BUCKETS,
) -> pl.DataFrame:
    """``DELINQUENCY`` on ``as_of``: one row per loan of ``loans``, in its order."""
    prepared = coverage(
        items, payments, loans, horizon=as_of, tolerance_minor=policy.tolerance_minor
    )
    frozen = _frozen_dofd(prepared)
    return _on(prepared, day_number(as_of), frozen=frozen, buckets=buckets)


def delinquency_at(
    items: pl.DataFrame,
    payments: pl.DataFrame,
    loans: pl.DataFrame,
    *,
    dates: Sequence[date],
    policy: WaterfallPolicy = DEFAULT_POLICY,
    buckets: BucketScheme = DEFAULT_BUCKETS,
) -> pl.DataFrame:
    """``DELINQUENCY_AT``: one row per (date, loan), dates in the given order, loans in theirs.

    The arrays are prepared once, up to the latest date; each date then costs a few passes over
    the installments due before it.
    """
    if not dates:
        return pl.DataFrame(schema=DELINQUENCY_AT)
    prepared = coverage(
        items, payments, loans, horizon=max(dates), tolerance_minor=policy.tolerance_minor
    )
    frozen = _frozen_dofd(prepared)
    frames = [
        _on(prepared, day_number(day), frozen=frozen, buckets=buckets).select(
            pl.lit(day, dtype=pl.Date).alias("as_of"), pl.all()
        )
        for day in dates
    ]
    return pl.concat(frames, how="vertical")


def _frozen_dofd(prepared: Coverage) -> Ints:
    """Per loan, the DOFD on its charge-off day (NO_DAY if none), which later dates keep.

    It only depends on what happened by the charge-off day, so one pass serves every date.
    """
    charged_off = prepared.charge_off < NEVER
    cutoff = np.where(charged_off, prepared.charge_off, NO_DAY)
    return episodes(prepared.installments, cutoff, loans=cutoff.size).dofd


def _on(prepared: Coverage, day: int, *, frozen: Ints, buckets: BucketScheme) -> pl.DataFrame:
    """The delinquency frame of every loan on ``day``, loans in input order."""
    count = prepared.loan_ids.size
    state = episodes(prepared.installments, day, loans=count)
    keeps_frozen = (prepared.charge_off <= day) & (frozen != NO_DAY)
    dofd = np.where(keeps_frozen, frozen, state.dofd)
    dpd = np.where(state.oldest_unpaid != NO_DAY, day - state.oldest_unpaid, 0)
    due = prepared.items.before(day, inclusive=False)
    paid = prepared.payments.before(day, inclusive=True)
    starts = np.asarray(buckets.starts, dtype=np.int64)
    bucket = np.searchsorted(starts, dpd, side="right") - 1
    back = np.empty(count, dtype=np.int64)
    back[prepared.input_row] = np.arange(count)
    frame = pl.DataFrame(
        [
            pl.Series("loan_id", prepared.loan_ids[back]),
            pl.Series("dpd", dpd[back]),
            gather_strings("bucket", buckets.names, bucket[back]),
            pl.Series("amount_past_due_minor", np.maximum(due - paid, 0)[back]),
            date_series("oldest_unpaid_due_date", state.oldest_unpaid[back]),
            date_series("dofd", dofd[back]),
            date_series("cured_on", state.cured_on[back]),
            pl.Series("due_to_date_minor", due[back]),
            pl.Series("paid_to_date_minor", paid[back]),
        ]
    )
    return frame.cast(DELINQUENCY)
