"""Which applicable rules are due today, given what was already decided in the episode.

A once-per-episode rule is due while its treatment has not been decided in the current episode;
a repeating rule again once ``every`` days have passed since it was last decided (and fewer than
``max_times`` times so far). History from before the account's ``episode_start`` belongs to an
earlier episode and counts for nothing.

History is looked up one treatment at a time through an account-sized array holding the last
day and the count packed in one integer: a scatter of that treatment's history rows, then a
gather at the applicable rows. That is linear in rows with no hash join, which matters at tens
of millions of history rows. Should a (loan, treatment) appear twice, the row with the latest
day (then the most times) wins, whatever the row order.
"""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import polars as pl

from arrears.batch.decisions.frames import HISTORY
from arrears.batch.frames import conform

NEVER = np.iinfo(np.int32).min  # "no history": below every day number
_EPOCH = date(1970, 1, 1)
_SHIFT = 32  # history packs a day and a count into one int64: day << 32 | times
_TIMES = (1 << _SHIFT) - 1
_NOTHING = NEVER * (1 << _SHIFT)
_UNLIMITED = np.iinfo(np.int32).max


def due_today(
    applicable: pl.DataFrame,
    *,
    accounts: pl.DataFrame,
    history: pl.DataFrame,
    rules: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """The ``(row, rule)`` pairs of ``applicable`` whose cadence allows them on ``as_of``.

    ``applicable`` is ordered by ``rule``; ``row`` indexes ``accounts`` (``loan_id``,
    ``episode_start``); ``rules`` is the rule table (``treatment`` as an Enum of the catalogue,
    ``every``, ``max_times``).
    """
    row = applicable["row"].to_numpy()
    bounds = np.searchsorted(applicable["rule"].to_numpy(), np.arange(rules.height + 1))
    start = accounts["episode_start"].to_physical().fill_null(NEVER).to_numpy()
    today = (as_of - _EPOCH).days
    due = np.zeros(row.size, dtype=bool)
    state = np.full(accounts.height, _NOTHING, dtype=np.int64)
    past_rows, past, groups = _history_by_code(
        history, accounts=accounts, treatments=rules.schema["treatment"]
    )
    nothing = np.zeros(0, dtype=np.int64)
    rules_by_code = (
        rules.select(pl.col("treatment").to_physical().cast(pl.Int64), "rule", "every", "max_times")
        .group_by("treatment", maintain_order=True)
        .agg("rule", "every", "max_times")
    )
    for code, numbers, everys, limits in rules_by_code.iter_rows():
        at_code = groups.get(code, nothing)
        given_rows = past_rows[at_code]
        _scatter_latest(state, given_rows, past[at_code])
        for number, every, limit in zip(numbers, everys, limits, strict=True):
            at = row[bounds[number] : bounds[number + 1]]
            due[bounds[number] : bounds[number + 1]] = _due(
                state[at], start[at], every=every, limit=limit, today=today
            )
        state[given_rows] = _NOTHING
    return applicable.filter(pl.Series(due))


def _due(
    found: np.ndarray, start: np.ndarray, *, every: int | None, limit: int | None, today: int
) -> np.ndarray:
    """Due or not, from the packed history ``found`` and the episode ``start`` of each pair."""
    last, times = found >> _SHIFT, found & _TIMES
    times = np.where((last != NEVER) & (last >= start), times, 0)
    due: np.ndarray = times == 0
    if every:
        due |= (today - last >= every) & (times < (limit or _UNLIMITED))
    return due


def _packed(history: pl.DataFrame, treatments: pl.DataType) -> pl.DataFrame:
    """``loan_id``, treatment code (null: not in the catalogue) and ``day << 32 | times``.

    A categorical treatment column is mapped straight to the catalogue's codes, not through
    text, which saves seconds at tens of millions of rows.
    """
    kind = history.schema.get("treatment")
    categorical = isinstance(kind, pl.Categorical | pl.Enum)
    checked = conform(
        history.drop("treatment") if categorical else history,
        HISTORY,
        name="history",
        columns=[c for c in HISTORY.names() if not (categorical and c == "treatment")],
    )
    treatment = (history if categorical else checked)["treatment"]
    return checked.select(
        pl.col("loan_id"),
        treatment.cast(treatments, strict=False).to_physical().cast(pl.Int16),
        pl.col("last_on").to_physical().fill_null(NEVER).cast(pl.Int64) * (1 << _SHIFT)
        + pl.col("times").fill_null(1).cast(pl.Int64),
    )


def _history_by_code(
    history: pl.DataFrame, *, accounts: pl.DataFrame, treatments: pl.DataType
) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
    """The account row and packed (day, times) of each history row, and its positions by code."""
    past = _packed(history, treatments)
    rows = rows_of(past["loan_id"], accounts["loan_id"])
    codes = past["treatment"].fill_null(-1).to_numpy()
    packed = past["last_on"].to_numpy()
    del past
    if not bool(np.all(rows >= 0)):  # history of accounts outside this partition
        kept = rows >= 0
        rows, codes, packed = rows[kept], codes[kept], packed[kept]
    return rows, packed, _by_code(codes)


def _scatter_latest(target: np.ndarray, at: np.ndarray, values: np.ndarray) -> None:
    """``target[at] = values``, the largest value winning where ``at`` repeats.

    History comes sorted by loan as a rule, and then a repeat is a neighbour: two sequential
    comparisons instead of a gather of every row.
    """
    target[at] = values
    ordered = bool(np.all(at[1:] > at[:-1]))
    if not ordered and not np.array_equal(target[at], values):  # a (loan, treatment) twice
        np.maximum.at(target, at, values)  # the latest day (then the most times) wins


def _by_code(codes: np.ndarray) -> dict[int, np.ndarray]:
    """Positions of each treatment code (a linear-time stable sort of small integers)."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    bounds = [0, *starts.tolist(), ordered.size] if ordered.size else []
    return {int(ordered[a]): order[a:b] for a, b in itertools.pairwise(bounds)}


def rows_of(loan_ids: pl.Series, account_ids: pl.Series) -> np.ndarray:
    """The position of each loan id among the accounts (-1 where it is not there)."""
    accounts = account_ids.to_numpy()
    if accounts.size and bool(np.all(accounts[1:] > accounts[:-1])):  # sorted: binary search
        if loan_ids.is_sorted():  # one search per run of equal ids
            runs = loan_ids.rle()
            heads = runs.struct.field("value").to_numpy()
            return np.repeat(_searched(accounts, heads), runs.struct.field("len").to_numpy())
        return _searched(accounts, loan_ids.to_numpy())
    positions = pl.DataFrame({"loan_id": account_ids}).with_row_index("row")
    joined = pl.DataFrame({"loan_id": loan_ids}).join(
        positions, on="loan_id", how="left", maintain_order="left"
    )
    return joined["row"].cast(pl.Int32).fill_null(-1).to_numpy()


def _searched(ordered: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    found = np.minimum(np.searchsorted(ordered, wanted), ordered.size - 1).astype(np.int32)
    return np.where(ordered[found] == wanted, found, np.int32(-1))
