"""Due items for a whole portfolio: every positive amount falling due, in fill order.

``arrears.domain.allocation.due_items`` is the specification: each installment contributes its
fees, interest and principal (when positive), each charge one item; items are ordered by due
date, then the waterfall rank of the component, then the source text, ties kept in the order the
reference builds them (installments in input order, their parts fees → interest → principal,
then charges).

Schedules almost always list a loan's installments with rising due dates, so their items are
already in fill order once each installment's parts are laid out by rank; only the (few) charges
need placing, which a binary search does. Anything irregular takes the general sort.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, days, gather_strings, ints, run_starts
from arrears.batch.frames import CHARGES, INSTALLMENTS, ITEMS, conform, empty
from arrears.domain.allocation import DEFAULT_POLICY, WaterfallPolicy
from arrears.domain.components import Component

#: The parts of an installment in the order the reference lists them.
_PARTS = (
    (Component.FEES, "fees_minor"),
    (Component.INTEREST, "interest_minor"),
    (Component.PRINCIPAL, "principal_minor"),
)
_COMPONENTS = [component.value for component in Component]
_RANK_BITS = 3
_DAY_BITS = 26


def due_items(
    installments: pl.DataFrame,
    charges: pl.DataFrame | None = None,
    *,
    policy: WaterfallPolicy | None = None,
) -> pl.DataFrame:
    """``ITEMS`` for every loan, grouped by ``loan_id`` (ascending) in fill order."""
    policy = policy or DEFAULT_POLICY
    schedule = conform(installments, INSTALLMENTS, name="installments")
    extra = conform(charges if charges is not None else empty(CHARGES), CHARGES, name="charges")
    _check_charges(extra)
    if not _loan_ids_ascending(schedule):
        schedule = schedule.sort("loan_id", maintain_order=True)
    if _dates_rise_within_loans(schedule):
        return _merged(schedule, extra, policy)
    return _sorted(schedule, extra, policy)


def _check_charges(frame: pl.DataFrame) -> None:
    """The rules ``arrears.domain.charges.Charge`` enforces, for every row at once."""
    chargeable = [c.value for c in Component if c is not Component.PRINCIPAL]
    bad_component = frame.filter(~pl.col("component").is_in(chargeable))
    if bad_component.height:
        found = bad_component["component"].unique().to_list()[:5]
        raise ValueError(f"charges must name a component other than principal, got {found}")
    if (frame["amount_minor"] <= 0).any():
        raise ValueError("a charge is a positive amount")


def _loan_ids_ascending(frame: pl.DataFrame) -> bool:
    loan = ints(frame["loan_id"])
    return bool(np.all(loan[1:] >= loan[:-1]))


def _dates_rise_within_loans(frame: pl.DataFrame) -> bool:
    loan, due = ints(frame["loan_id"]), days(frame["due_date"])
    return bool(np.all((due[1:] > due[:-1]) | (loan[1:] != loan[:-1])))


def _rank_codes(policy: WaterfallPolicy) -> dict[str, int]:
    return {component.value: policy.rank(component) for component in Component}


# -- the common case: installments already in fill order, charges placed by binary search ------


def _merged(schedule: pl.DataFrame, extra: pl.DataFrame, policy: WaterfallPolicy) -> pl.DataFrame:
    ranks = _rank_codes(policy)
    by_rank = sorted(_PARTS, key=lambda part: ranks[part[0].value])
    amounts = np.column_stack([ints(schedule[column]) for _, column in by_rank]).ravel()
    kept = np.flatnonzero(amounts > 0)
    row = kept // 3
    installment_items = pl.DataFrame(
        {
            "loan_id": ints(schedule["loan_id"])[row],
            "due_date": schedule["due_date"].gather(row),
            "component": _component_codes([c for c, _ in by_rank], kept % 3),
            "amount_minor": amounts[kept],
            "installment_seq": schedule["seq"].gather(row),
        }
    )
    installment_items = installment_items.with_columns(
        _installment_sources(installment_items["installment_seq"])
    )
    charge_items = _sorted(empty(INSTALLMENTS), extra, policy)
    if charge_items.height == 0:
        return installment_items.select(ITEMS.names())
    return _place(installment_items.select(ITEMS.names()), charge_items, ranks)


def _installment_sources(seq: pl.Series) -> pl.Series:
    """``installment:<seq>`` per row, formatting each distinct seq once."""
    if seq.len() == 0:
        return pl.Series("source", [], dtype=pl.String)
    values = ints(seq)
    low, high = int(values.min()), int(values.max())
    if high - low > 100_000:
        return pl.select(pl.format("installment:{}", seq).alias("source")).to_series()
    names = [f"installment:{n}" for n in range(low, high + 1)]
    return gather_strings("source", names, values - low)


def _component_codes(order: list[Component], codes: Ints) -> pl.Series:
    return gather_strings("component", [component.value for component in order], codes)


def _place(
    installment_items: pl.DataFrame, charge_items: pl.DataFrame, ranks: dict[str, int]
) -> pl.DataFrame:
    """Insert sorted charge items before the first installment item that fills after them.

    Between a charge and an installment item of one loan, date and rank decide, and on a tie
    the charge goes first (``"charge:…"`` sorts before ``"installment:…"``).
    """
    loans = np.union1d(
        ints(installment_items["loan_id"])[run_starts(ints(installment_items["loan_id"]))],
        ints(charge_items["loan_id"]),
    )
    base_day = int(
        np.concatenate([days(installment_items["due_date"]), days(charge_items["due_date"])]).min()
    )
    targets = _fill_key(charge_items, loans, ranks, base_day)
    keys = _fill_key(installment_items, loans, ranks, base_day)
    at = np.searchsorted(keys, targets, side="left") + np.arange(targets.size)
    is_charge = np.zeros(installment_items.height + charge_items.height, dtype=np.bool_)
    is_charge[at] = True
    order = np.empty(is_charge.size, dtype=np.int64)
    order[~is_charge] = np.arange(installment_items.height)
    order[is_charge] = installment_items.height + np.arange(charge_items.height)
    return pl.concat([installment_items, charge_items]).select(pl.all().gather(order))


def _fill_key(items: pl.DataFrame, loans: Ints, ranks: dict[str, int], base_day: int) -> Ints:
    """(loan position, due date, rank) packed into one sortable integer."""
    position = np.searchsorted(loans, ints(items["loan_id"])).astype(np.int64)
    day = days(items["due_date"]) - base_day
    if day.size and int(day.max()) >= 1 << _DAY_BITS:
        raise ValueError("due dates span too many years")
    rank = ints(items["component"].replace_strict(ranks, return_dtype=pl.Int64))
    return (position << (_DAY_BITS + _RANK_BITS)) + (day << _RANK_BITS) + rank


# -- the general case: one stable sort over every item ------------------------------------------


def _sorted(schedule: pl.DataFrame, extra: pl.DataFrame, policy: WaterfallPolicy) -> pl.DataFrame:
    ranks = _rank_codes(policy)
    # One chunk per column first: a schedule put together from several frames can have its
    # columns chunked differently, and Polars 1.44 panics ("i < self.len()") formatting a
    # source over such a frame once filtered (tests/unit/batch/test_schedules_and_items.py).
    frame = schedule.rechunk().with_row_index("_row")
    parts = [_installment_part(frame, component, column) for component, column in _PARTS]
    parts.append(_charge_part(extra, built_after=3 * frame.height))
    items = pl.concat(parts, how="vertical").with_columns(
        pl.col("component").replace_strict(ranks, return_dtype=pl.Int8).alias("_rank")
    )
    order = ["loan_id", "due_date", "_rank", "source", "_built"]
    return items.sort(order, maintain_order=True).select(ITEMS.names())


def _installment_part(frame: pl.DataFrame, component: Component, column: str) -> pl.DataFrame:
    part = _PARTS.index((component, column))
    return frame.filter(pl.col(column) > 0).select(
        "loan_id",
        "due_date",
        pl.lit(component.value, dtype=pl.String).alias("component"),
        pl.col(column).alias("amount_minor"),
        pl.format("installment:{}", pl.col("seq")).alias("source"),
        pl.col("seq").alias("installment_seq"),
        (pl.col("_row").cast(pl.Int64) * 3 + part).alias("_built"),
    )


def _charge_part(charges: pl.DataFrame, *, built_after: int) -> pl.DataFrame:
    return charges.with_row_index("_row").select(
        "loan_id",
        pl.col("assessed_on").alias("due_date"),
        "component",
        "amount_minor",
        ("charge:" + pl.col("key")).alias("source"),
        pl.lit(None, dtype=pl.Int32).alias("installment_seq"),
        (pl.col("_row").cast(pl.Int64) + built_after).alias("_built"),
    )
