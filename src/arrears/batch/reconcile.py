"""Append only the difference between what the journal should say and what it says.

``arrears.ledger.postings.reconcile`` is the specification, for every loan at once. For each
ledger source the posting rules own whose desired lines differ from the net of its posted lines:
reverse the live entry if anything is net, then post the desired entry (if the event still
counts), versions continuing from the number of entries the source already has. Sources are
matched on integer codes and lines compared as arrays, so an unchanged journal costs a sort.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.batch.arrays import (
    Bools,
    Ints,
    date_series,
    days,
    gather_strings,
    ints,
    starts_of_runs,
)
from arrears.batch.desired import ENTRY_KINDS, MEMOS
from arrears.batch.frames import ENTRIES, LINES
from arrears.batch.journal import Journal
from arrears.batch.lines import Postings, line_frame, ranges
from arrears.batch.sources import ChargeRanks, source_text
from arrears.ledger.entries import EntryKind

_REDERIVED = "re-derived: the history before it changed"
_WITHDRAWN = "event withdrawn"


@dataclass(frozen=True, slots=True)
class Partition:
    """What turns codes back into text: loan ids, their currencies, the charge keys."""

    loan_ids: Ints
    currency: list[str]
    charges: ChargeRanks


def derived(source: pl.Expr) -> pl.Expr:
    """Sources the posting rules own; other workflows' entries are never reconciled."""
    prefixes = ("installment:", "charge:", "payment:")
    return (source == "loan") | pl.any_horizontal(source.str.starts_with(p) for p in prefixes)


def first_posting(desired: Postings, partition: Partition) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Version 1 of every desired entry: the journal had nothing from the posting rules."""
    version = np.ones(desired.count.size, dtype=np.int64)
    entries = _desired_entries(desired, version=version, partition=partition)
    return entries, line_frame(entries, desired.count, desired.account, desired.amount)


def appended(
    desired: Postings, posted: Journal, *, partition: Partition, notes: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The reversals and new versions that make the journal say what ``desired`` says."""
    matched = _matched(desired, posted)
    differs = _differs(matched, desired, posted)
    changed = {name: values[differs] for name, values in matched.items()}
    if changed["want"].size == 0:
        return pl.DataFrame(schema=ENTRIES), pl.DataFrame(schema=LINES)
    order = np.arange(changed["want"].size, dtype=np.int64) * 2
    reversing = (changed["live"] >= 0) & (changed["net_count"] > 0)
    undo = np.flatnonzero(reversing)
    reversals, reversal_lines, reversal_counts = _reversals(
        {name: values[undo] for name, values in changed.items()}, posted, notes
    )
    wanted = np.flatnonzero(changed["want"] >= 0)
    fresh = desired.take(changed["want"][wanted])
    version = changed["posted"][wanted] + 1 + reversing[wanted]
    news = _desired_entries(fresh, version=version, partition=partition)
    news_lines = line_frame(news, fresh.count, fresh.account, fresh.amount)
    entries = _in_order([reversals, news], [order[undo], order[wanted] + 1])
    lines = _in_order(
        [reversal_lines, news_lines],
        [np.repeat(order[undo], reversal_counts), np.repeat(order[wanted] + 1, fresh.count)],
    )
    return entries, lines


def _in_order(frames: list[pl.DataFrame], order: list[Ints]) -> pl.DataFrame:
    """Frames stacked and put in ``order`` (one key per row, ties kept in stack order)."""
    stacked = pl.concat(frames, how="vertical")
    return stacked[np.argsort(np.concatenate(order), kind="stable")]


def _desired_entries(desired: Postings, *, version: Ints, partition: Partition) -> pl.DataFrame:
    """``ENTRIES`` rows for desired entries at the given versions."""
    return pl.DataFrame(
        [
            pl.Series("loan_id", partition.loan_ids[desired.loan], dtype=pl.Int64),
            source_text(desired.kind, desired.number, partition.charges),
            pl.Series("version", version, dtype=pl.Int32),
            gather_strings("kind", [kind.value for kind in ENTRY_KINDS], desired.entry),
            date_series("effective_date", desired.day),
            gather_strings("currency", partition.currency, desired.loan),
            pl.Series("reverses_version", [None] * desired.count.size, dtype=pl.Int32),
            gather_strings("memo", MEMOS, desired.entry),
        ]
    )


def _reversals(
    undo: dict[str, Ints], posted: Journal, notes: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, Ints]:
    """Reversals of the live entries of ``undo``: the same lines negated, linked by version.

    Dated like the entry undone (it undoes it from the day it took effect); the memo says why
    (the event's note if it has one). Returns entries, lines, lines per entry.
    """
    live = posted.entries[undo["live"]]
    wanted = undo["want"] >= 0
    entries = (
        live.with_columns(
            pl.Series("version", undo["posted"] + 1, dtype=pl.Int32),
            pl.lit(EntryKind.REVERSAL.value).alias("kind"),
            pl.col("version").alias("reverses_version"),
            pl.when(pl.Series(wanted))
            .then(pl.lit(_REDERIVED))
            .otherwise(pl.lit(_WITHDRAWN))
            .alias("memo"),
        )
        .join(notes, on=["loan_id", "source"], how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("note").fill_null("") != "")
            .then(pl.col("note"))
            .otherwise(pl.col("memo"))
            .alias("memo")
        )
        .select(ENTRIES.names())
        .cast(ENTRIES)
    )
    account, amount, count = posted.lines_of(undo["live"])
    return entries, line_frame(entries, count, account, -amount), count


def _matched(desired: Postings, posted: Journal) -> dict[str, Ints]:
    """Every source desired or posted, in (loan, source) order: its desired entry (``want``,
    −1 if none) and its block's columns (``posted`` 0 and ``live`` −1 if none).

    Both sides are sorted by their codes, so one sort of the two together pairs them.
    """
    wanted = desired.count.size
    blocks = posted.blocks
    codes = {
        "loan": np.concatenate([desired.loan, blocks["loan"]]),
        "kind": np.concatenate([desired.kind, blocks["kind"]]),
        "rank": np.concatenate([desired.rank, blocks["rank"]]),
    }
    order = ints(
        pl.DataFrame(codes)
        .select(pl.arg_sort_by(["loan", "kind", "rank"], maintain_order=True))
        .to_series()
    )
    loan, kind, rank = (codes[name][order] for name in ("loan", "kind", "rank"))
    same = (loan[1:] == loan[:-1]) & (kind[1:] == kind[:-1]) & (rank[1:] == rank[:-1])
    start = starts_of_runs(same) if order.size else order
    paired = np.append(start[1:], order.size) - start == 2
    head = order[start]
    block = np.where(paired, order[np.minimum(start + 1, order.size - 1)], head) - wanted
    found = block >= 0
    at = np.where(found, block, 0)
    missing = {"posted": 0, "live": -1, "net_first": 0, "net_count": 0}
    matched = {"want": np.where(head < wanted, head, -1)}
    for name, default in missing.items():
        values = blocks[name]
        matched[name] = np.where(found, values[at] if values.size else default, default)
    return matched


def _differs(matched: dict[str, Ints], desired: Postings, posted: Journal) -> Bools:
    """Per matched source: do its desired lines differ from its net lines, or its date from
    its live entry's?"""
    want = matched["want"]
    has_want = want >= 0
    wanted = np.maximum(want, 0)
    want_count = np.where(has_want, desired.count[wanted] if desired.count.size else 0, 0)
    differs: Bools = want_count != matched["net_count"]
    live = matched["live"]
    dated = np.flatnonzero(has_want & (live >= 0))
    live_day = days(posted.entries["effective_date"])
    differs[dated] |= desired.day[want[dated]] != live_day[live[dated]]
    same_size = np.flatnonzero(~differs & (want_count > 0))
    counts = want_count[same_size]
    left = ranges(desired.first[wanted[same_size]], counts)
    right = ranges(matched["net_first"][same_size], counts)
    mismatch = (desired.account[left] != posted.net_account[right]) | (
        desired.amount[left] != posted.net_amount[right]
    )
    owner = np.repeat(np.arange(same_size.size), counts)
    differs[same_size[np.unique(owner[mismatch])]] = True
    return differs
