"""The journal as it stands, per ledger source: entries posted, the live one, the net lines.

``arrears.ledger.postings.reconcile`` looks at each source the posting rules own: how many
entries it has (versions continue from there), its *live* entry (the newest non-reversal entry
no entry of the source reverses — here the highest version) and the net of all its lines per
account. Entries are put in (loan, source, version) order and each source's entries form a
block; a block holding a single well-formed entry (rising accounts, no zero line) has that
entry's lines as its net, the rare others are summed per account.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, ints, loan_positions, starts_of_runs
from arrears.batch.lines import ACCOUNT_CODES, ACCOUNTS, ranges
from arrears.batch.sources import ChargeRanks, parse
from arrears.ledger.entries import EntryKind

_ENTRY = ["loan_id", "source", "version"]
#: Per-block columns: codes, entries posted, live entry (−1: none), where the net lines are.
BLOCK_COLUMNS = ["loan", "kind", "rank", "posted", "live", "net_first", "net_count"]


@dataclass(frozen=True, slots=True)
class Journal:
    """Posted entries in (loan, source, version) order with their lines, and their blocks."""

    entries: pl.DataFrame  # the ENTRIES columns, sorted
    account: Ints  # per line, grouped by entry in entry order
    amount: Ints
    count: Ints  # lines per entry
    blocks: dict[str, Ints]  # BLOCK_COLUMNS, one value per source
    net_account: Ints  # net lines of every block (ranges given by the blocks)
    net_amount: Ints

    def lines_of(self, rows: Ints) -> tuple[Ints, Ints, Ints]:
        """(account, amount, count) of the entries at ``rows``."""
        first = np.cumsum(self.count) - self.count
        lines = ranges(first[rows], self.count[rows])
        return self.account[lines], self.amount[lines], self.count[rows]


def journal(
    entries: pl.DataFrame, lines: pl.DataFrame, *, loan_ids: Ints, charge_ranks: ChargeRanks
) -> Journal:
    """The derived part of the journal (``entries``/``lines`` already restricted to it)."""
    kind, rank = parse(entries["source"], charge_ranks)
    loan = loan_positions(ints(entries["loan_id"]), known=loan_ids, what="existing entries")
    version = ints(entries["version"])
    codes = pl.DataFrame({"loan": loan, "kind": kind, "rank": rank, "version": version})
    order = ints(codes.select(pl.arg_sort_by(["loan", "kind", "rank", "version"])).to_series())
    if not np.array_equal(order, np.arange(order.size)):
        entries = entries[order]
        loan, kind, rank = loan[order], kind[order], rank[order]
    lines, count = _lines_in_entry_order(entries, lines)
    names = pl.Enum(list(ACCOUNTS))
    try:
        account = ints(lines["account"].cast(names).to_physical())
    except pl.exceptions.InvalidOperationError:
        unknown = set(lines["account"].unique().to_list()) - set(ACCOUNT_CODES)
        raise ValueError(f"existing lines name unknown accounts: {sorted(unknown)}") from None
    amount = ints(lines["amount_minor"])
    first = _block_starts(loan, kind, rank)
    live = _live(entries, first)
    net_first, net_count, net_account, net_amount = _nets(account, amount, count, first)
    blocks = {
        "loan": loan[first],
        "kind": kind[first],
        "rank": rank[first],
        "posted": np.diff(np.append(first, entries.height)),
        "live": live,
        "net_first": net_first,
        "net_count": net_count,
    }
    return Journal(entries, account, amount, count, blocks, net_account, net_amount)


def _lines_in_entry_order(entries: pl.DataFrame, lines: pl.DataFrame) -> tuple[pl.DataFrame, Ints]:
    """Lines grouped by entry in the entries' order (kept when they already are), and counts."""
    heads, counts = _runs(lines)
    if heads.equals(entries.select(_ENTRY)):
        return lines, counts
    position = entries.select(*_ENTRY).with_row_index("_entry")
    placed = lines.join(position, on=_ENTRY, how="left", maintain_order="left")
    if placed["_entry"].null_count():
        raise ValueError("existing lines name entries that are not in existing entries")
    placed = placed.sort("_entry", maintain_order=True).drop("_entry")
    heads, counts = _runs(placed)
    if not heads.equals(entries.select(_ENTRY)):
        raise ValueError("every existing entry needs lines")
    return placed, counts


def _runs(lines: pl.DataFrame) -> tuple[pl.DataFrame, Ints]:
    """(loan_id, source, version) of each run of lines of one entry, and the run lengths."""
    changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift()) for c in _ENTRY)
    keys = lines.select(_ENTRY)
    starts = np.flatnonzero(keys.select(changed).to_series().to_numpy())
    counts = np.diff(np.append(starts, keys.height)).astype(np.int64)
    return keys[starts], counts


def _block_starts(loan: Ints, kind: Ints, rank: Ints) -> Ints:
    """First entry of each source's block (entries sorted by loan, kind, rank)."""
    if loan.size == 0:
        return np.zeros(0, dtype=np.int64)
    same = (loan[1:] == loan[:-1]) & (kind[1:] == kind[:-1]) & (rank[1:] == rank[:-1])
    return starts_of_runs(same)


def _live(entries: pl.DataFrame, first: Ints) -> Ints:
    """Per block, the index of its live entry (-1 when none)."""
    if first.size == 0:
        return first
    block_of = np.repeat(np.arange(first.size), np.diff(np.append(first, entries.height)))
    reverses = entries["reverses_version"]
    eligible = (entries["kind"] != EntryKind.REVERSAL.value).to_numpy()
    if reverses.null_count() < reverses.len():
        undone = reverses.is_not_null().to_numpy()
        undone_keys = block_of[undone] * (1 << 32) + ints(reverses.filter(pl.Series(undone)))
        eligible &= ~np.isin(block_of * (1 << 32) + ints(entries["version"]), undone_keys)
    candidate = np.where(eligible, np.arange(entries.height), -1)
    return np.maximum.reduceat(candidate, first).astype(np.int64)


def _nets(account: Ints, amount: Ints, count: Ints, first: Ints) -> tuple[Ints, Ints, Ints, Ints]:
    """Per block (first, count) into net line arrays, and those arrays.

    Single well-formed entries point at their own lines; other blocks get their lines summed
    per account (zeros dropped), appended after every posted line.
    """
    entries = count.size
    line_first = np.cumsum(count) - count
    owner = np.repeat(np.arange(entries), count)
    rising = np.ones(account.size, dtype=np.bool_)
    rising[1:] = (account[1:] > account[:-1]) | (owner[1:] != owner[:-1])
    well_formed = np.ones(entries, dtype=np.bool_)
    well_formed[owner[~rising | (amount == 0)]] = False
    single = np.diff(np.append(first, entries)) == 1
    net_first, net_count = line_first[first], count[first].copy()
    summed = np.flatnonzero(~(single & well_formed[first]))
    if summed.size == 0:
        return net_first, net_count, account, amount
    block_of = np.repeat(np.arange(first.size), np.diff(np.append(first, entries)))
    in_summed = np.flatnonzero(np.isin(block_of, summed))
    rows = ranges(line_first[in_summed], count[in_summed])
    totals = (
        pl.DataFrame(
            {"block": block_of[owner[rows]], "account": account[rows], "amount": amount[rows]}
        )
        .group_by(["block", "account"])
        .agg(pl.col("amount").sum())
        .filter(pl.col("amount") != 0)
        .sort(["block", "account"])
    )
    block = ints(totals["block"])
    low = np.searchsorted(block, summed, side="left")
    net_first[summed] = account.size + low
    net_count[summed] = np.searchsorted(block, summed, side="right") - low
    return (
        net_first,
        net_count,
        np.concatenate([account, ints(totals["account"])]),
        np.concatenate([amount, ints(totals["amount"])]),
    )
