"""Roll rates: where the accounts of each bucket at one month end are at the next.

Definitions (balances are what was outstanding at the earlier month end):

* **transition** from month end ``m-1`` to ``m``: every loan booked by ``m-1`` counts once, from
  its segment on ``m-1`` to its segment on ``m`` (``snapshots``: buckets, ``charged off``,
  ``paid / closed``). Charged-off and closed accounts are not rows of the matrix (they do not
  roll); they are columns (accounts roll into them).
* **roll rate** ``i → j`` for month ``m``: accounts (or balance) in ``i`` on ``m-1`` and in ``j``
  on ``m``, over all accounts (balance) in ``i`` on ``m-1``. Each row sums to 1.
* **flow rate** ``f(i)`` of bucket ``i`` for month ``m``: the balance-weighted roll rate from
  ``i`` to the next bucket; **charge-off rate** ``c(i)``: from ``i`` to ``charged off``.
* **net flow to charge-off** for month ``m``: of each unit of balance current at ``m-1``, the
  share that would reach charge-off if month ``m``'s rates applied at every step:
  ``P(last) = c(last)``, ``P(i) = c(i) + f(i) · P(i+1)``, net flow ``= P(current)`` (unknown
  when balance rolls into a bucket that held nothing at ``m-1``). Cures and accounts that stay
  in their bucket do not reach charge-off in this chain, as in the classic net-flow model.
  Next to it, the balance actually charged off during the month.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import pairwise

import polars as pl

from arrears.analytics.partials import combine, ordered, ratio
from arrears.analytics.snapshots import CHARGED_OFF, CLOSED, Snapshots, segment_order

KEYS = ["month", "from_segment", "to_segment"]


def transitions_partial(snapshots: Snapshots, month_ends: Sequence[date]) -> pl.DataFrame:
    """Accounts and balance per (month, from, to) for each consecutive pair of month ends."""
    parts = []
    for earlier, later in pairwise(month_ends):
        start = snapshots.on(earlier).filter(~pl.col("segment").is_in([CHARGED_OFF, CLOSED]))
        end = snapshots.on(later).select("loan_id", pl.col("segment").alias("to_segment"))
        parts.append(
            start.join(end, on="loan_id", how="inner")
            .group_by(
                pl.col("segment").cast(pl.String).alias("from_segment"),
                pl.col("to_segment").cast(pl.String),
            )
            .agg(
                pl.len().cast(pl.Int64).alias("accounts"),
                pl.col("outstanding_minor").sum().cast(pl.Int64).alias("balance_minor"),
            )
            .select(pl.lit(later).alias("month"), pl.all())
        )
    return combine(parts, KEYS) if parts else _empty()


def _empty() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "month": pl.Date,
            "from_segment": pl.String,
            "to_segment": pl.String,
            "accounts": pl.Int64,
            "balance_minor": pl.Int64,
        }
    )


def matrix(transitions: pl.DataFrame, *, bucket_names: Sequence[str]) -> pl.DataFrame:
    """Every (month, from, to) cell with its account and balance roll rates, buckets in order."""
    if transitions.height == 0:
        return transitions.with_columns(
            pl.lit(None, pl.Float64).alias("account_rate"),
            pl.lit(None, pl.Float64).alias("balance_rate"),
        )
    months = transitions.select("month").unique()
    froms = pl.DataFrame({"from_segment": list(bucket_names)})
    tos = pl.DataFrame({"to_segment": segment_order(bucket_names)})
    grid = months.join(froms, how="cross").join(tos, how="cross")
    cells = grid.join(transitions, on=KEYS, how="left").with_columns(
        pl.col("accounts").fill_null(0), pl.col("balance_minor").fill_null(0)
    )
    totals = cells.group_by("month", "from_segment").agg(
        pl.col("accounts").sum().alias("from_accounts"),
        pl.col("balance_minor").sum().alias("from_balance_minor"),
    )
    rank = {name: i for i, name in enumerate(segment_order(bucket_names))}
    return (
        cells.join(totals, on=["month", "from_segment"])
        .with_columns(
            ratio("accounts", "from_accounts").alias("account_rate"),
            ratio("balance_minor", "from_balance_minor").alias("balance_rate"),
            pl.col("from_segment").replace_strict(rank, return_dtype=pl.Int32).alias("_f"),
            pl.col("to_segment").replace_strict(rank, return_dtype=pl.Int32).alias("_t"),
        )
        .sort("month", "_f", "_t")
        .drop("_f", "_t", "from_accounts", "from_balance_minor")
    )


def flow_rates(transitions: pl.DataFrame, *, bucket_names: Sequence[str]) -> pl.DataFrame:
    """Per month and bucket: the balance rolled on to the next bucket and charged off directly,
    their rates, the net flow to charge-off (repeated on the month's rows) and the balance
    charged off in the month."""
    names = list(bucket_names)
    following = dict(zip(names, [*names[1:], None], strict=True))
    balance_from = transitions.group_by("month", "from_segment").agg(
        pl.col("balance_minor").sum().alias("from_balance_minor")
    )
    moved = transitions.filter(
        pl.col("to_segment") == pl.col("from_segment").replace_strict(following, default=None)
    ).select("month", "from_segment", pl.col("balance_minor").alias("moved_minor"))
    charged = transitions.filter(pl.col("to_segment") == CHARGED_OFF).select(
        "month", "from_segment", pl.col("balance_minor").alias("charged_off_minor")
    )
    keys = ["month", "from_segment"]
    grid = (
        transitions.select("month")
        .unique()
        .join(pl.DataFrame({"from_segment": names}), how="cross")
    )
    flows = (
        grid.join(balance_from, on=keys, how="left")
        .join(moved, on=keys, how="left")
        .join(charged, on=keys, how="left")
        .with_columns(
            pl.col(c).fill_null(0)
            for c in ("from_balance_minor", "moved_minor", "charged_off_minor")
        )
        .with_columns(
            ratio("moved_minor", "from_balance_minor").alias("flow_rate"),
            ratio("charged_off_minor", "from_balance_minor").alias("charge_off_rate"),
        )
    )
    net = {
        month: net_flow(rows, bucket_names=names)
        for (month,), rows in flows.partition_by("month", as_dict=True).items()
    }
    result = flows.with_columns(
        pl.col("month").replace_strict(net, return_dtype=pl.Float64).alias("net_flow"),
        pl.col("charged_off_minor").sum().over("month").alias("month_charged_off_minor"),
    ).rename({"from_segment": "bucket"})
    return ordered(result, "bucket", names).sort("month", maintain_order=True)


def net_flow(month_rows: pl.DataFrame, *, bucket_names: Sequence[str]) -> float | None:
    """The share of current balance reaching charge-off under one month's rates:
    ``P(i) = c(i) + f(i) · P(i+1)`` from the last bucket down (``c``: charge-off rate, ``f``:
    flow rate to the next bucket); unknown when balance rolls into a bucket that was empty."""
    rates = {row["from_segment"]: row for row in month_rows.iter_rows(named=True)}
    reach: float | None = 0.0
    for name in reversed(list(bucket_names)):
        row = rates.get(name)
        if row is None or not row["from_balance_minor"]:
            reach = None
            continue
        onward = (
            0.0 if not row["moved_minor"] else (None if reach is None else row["flow_rate"] * reach)
        )
        reach = None if onward is None else row["charge_off_rate"] + onward
    return reach
