"""Posting a partition's event history to the journal, and the balance check before writing.

``plan_postings`` is ``reconcile(desired_postings(...))`` of ``arrears.ledger.postings`` for
every loan at once: with an empty journal it is the first posting of the whole history; with
the journal as it stands it appends only reversals and new versions where the desired lines
differ, and nothing when the journal already says what it should. ``check_balanced`` is the
invariant checked before a batch is written (DESIGN §3).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from arrears.batch.arrays import ints
from arrears.batch.desired import desired_postings
from arrears.batch.frames import ENTRIES, ITEMS, LINES, LOANS, NOTES, PAYMENTS, conform
from arrears.batch.journal import journal
from arrears.batch.reconcile import Partition, appended, derived, first_posting
from arrears.batch.sources import ChargeRanks, charge_keys
from arrears.ledger.entries import UnbalancedBatch

_ENTRY = ["loan_id", "source", "version"]
_SHOWN = 20


def plan_postings(
    loans: pl.DataFrame,
    items: pl.DataFrame,
    payments: pl.DataFrame,
    existing_entries: pl.DataFrame,
    existing_lines: pl.DataFrame,
    *,
    as_of: date,
    notes: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ENTRIES, LINES) to append so every loan's journal says what its history says on as_of.

    ``items`` are all the loans' items (``due_items``), ``payments`` all their payments (a
    payment that stopped counting has ``good`` false and its ``note`` becomes the reversal's
    memo), ``existing_*`` the journal so far (any order). ``notes`` (``NOTES``) explains other
    sources and wins over a payment's note. The result is sorted by (loan_id, source, version),
    lines grouped by entry in line order.
    """
    loan_frame = conform(
        loans,
        LOANS,
        name="loans",
        columns=["loan_id", "currency", "principal_minor", "origination_date"],
    ).sort("loan_id")
    loan_ids = ints(loan_frame["loan_id"])
    if np.any(loan_ids[1:] == loan_ids[:-1]):
        raise ValueError("loans must not repeat a loan_id")
    item_frame = conform(items, ITEMS, name="items")
    if not item_frame["loan_id"].is_sorted():
        item_frame = item_frame.sort("loan_id", maintain_order=True)
    payment_frame = conform(payments, PAYMENTS, name="payments")
    if "credit_kind" in payments.columns:  # waivers, write-offs, sale proceeds (domain.credits)
        payment_frame = payment_frame.with_columns(payments["credit_kind"].cast(pl.String))
    entries = conform(existing_entries, ENTRIES, name="existing entries")
    entries = entries.filter(derived(pl.col("source")))
    lines = conform(existing_lines, LINES, name="existing lines")
    lines = lines.filter(derived(pl.col("source")))
    ranks = ChargeRanks(
        pl.concat(
            [
                charge_keys(item_frame["source"]),
                charge_keys(entries["source"]),
            ]
        )
    )
    desired = desired_postings(
        loan_frame, item_frame, payment_frame, as_of=as_of, charge_ranks=ranks
    )
    partition = Partition(loan_ids, loan_frame["currency"].to_list(), ranks)
    if entries.height == 0:
        return first_posting(desired, partition)
    posted = journal(entries, lines, loan_ids=loan_ids, charge_ranks=ranks)
    return appended(desired, posted, partition=partition, notes=_notes(payment_frame, notes))


def _notes(payments: pl.DataFrame, notes: pl.DataFrame | None) -> pl.DataFrame:
    """Reversal memos per source: payments' notes, overridden by explicit ones."""
    from_payments = payments.filter(pl.col("note").fill_null("") != "").select(
        "loan_id", pl.format("payment:{}", "payment_id").alias("source"), "note"
    )
    explicit = pl.DataFrame(schema=NOTES) if notes is None else conform(notes, NOTES, name="notes")
    return pl.concat([from_payments, explicit]).unique(
        ["loan_id", "source"], keep="last", maintain_order=True
    )


def check_balanced(lines: pl.DataFrame, *, entries: pl.DataFrame | None = None) -> None:
    """Refuse a batch unless every entry balances, has two lines or more and no zero line.

    With ``entries`` also refuse a key used twice. Raises ``UnbalancedBatch`` naming the
    offenders (the first twenty) by their scalar key ``loan_id:source:version``, as
    ``arrears.ledger.entries.check_batch`` does. Lines grouped by entry in key order (as
    ``plan_postings`` returns them) are checked in one pass; others are grouped first.
    """
    frame = conform(lines, LINES, name="lines")
    per_entry = _per_entry(frame)
    bad = per_entry.filter(
        (pl.col("lines") < 2) | pl.col("zero_line") | (pl.col("debits") != pl.col("credits"))
    ).head(_SHOWN)
    messages = []
    for row in bad.iter_rows(named=True):
        key = f"{row['loan_id']}:{row['source']}:{row['version']}"
        if row["lines"] < 2:
            messages.append(f"{key}: an entry needs a debit and a credit")
        if row["zero_line"]:
            messages.append(f"{key}: zero-amount line")
        if row["debits"] != row["credits"]:
            messages.append(f"{key}: debits {row['debits']} != credits {row['credits']}")
    if entries is not None:
        keys = conform(entries, ENTRIES, name="entries", columns=_ENTRY)
        twice = keys.filter(keys.is_duplicated()).unique(maintain_order=True).head(_SHOWN)
        messages += [f"{a}:{b}:{c}: key used twice in one batch" for a, b, c in twice.iter_rows()]
    if messages:
        raise UnbalancedBatch("; ".join(messages[:_SHOWN]))


def _per_entry(lines: pl.DataFrame) -> pl.DataFrame:
    """Per entry: number of lines, debits, credits, whether a line is zero."""
    changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift()) for c in _ENTRY)
    starts = np.flatnonzero(lines.select(changed).to_series().to_numpy())
    heads = lines.select(_ENTRY)[starts]
    if not _strictly_rising(heads):
        return lines.group_by(_ENTRY, maintain_order=True).agg(
            pl.len().alias("lines"),
            pl.col("amount_minor").clip(lower_bound=0).sum().alias("debits"),
            (-pl.col("amount_minor").clip(upper_bound=0)).sum().alias("credits"),
            (pl.col("amount_minor") == 0).any().alias("zero_line"),
        )
    amount = ints(lines["amount_minor"])
    if amount.size == 0:
        return heads.with_columns(
            pl.lit(0).alias(name) for name in ("lines", "debits", "credits")
        ).with_columns(pl.lit(False).alias("zero_line"))
    return heads.with_columns(
        pl.Series("lines", np.diff(np.append(starts, amount.size))),
        pl.Series("debits", np.add.reduceat(np.maximum(amount, 0), starts)),
        pl.Series("credits", -np.add.reduceat(np.minimum(amount, 0), starts)),
        pl.Series("zero_line", np.add.reduceat((amount == 0).astype(np.int64), starts) > 0),
    )


def _strictly_rising(keys: pl.DataFrame) -> bool:
    """Whether (loan_id, source, version) rises from row to row (so no entry is split)."""
    loan, source, version = (pl.col(c) for c in _ENTRY)
    later = (loan > loan.shift()) | (
        (loan == loan.shift())
        & ((source > source.shift()) | ((source == source.shift()) & (version > version.shift())))
    )
    return bool(keys.select(later.fill_null(True).all()).item())
