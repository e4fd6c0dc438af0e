"""Desired journal entries as arrays: the working form of postings in the batch.

An entry is a few integers — its loan's position, its source as ``(kind, rank, number)``
(``batch.sources``; ``(loan, kind, rank)`` sorts like ``(loan_id, source)``), its ``EntryKind``
code and effective day — and its lines are two integer arrays (account code, signed amount)
grouped by entry in entry order, with a line count per entry. Accounts are coded by their
position in name order, so lines in ``entry_lines`` order have rising codes. Text (sources,
kinds, account names) is only made when a frame leaves the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import polars as pl

from arrears.batch.arrays import Ints, gather_strings, ints
from arrears.batch.frames import LINES
from arrears.ledger.accounts import Account

#: Every account name, in name order: an account's code is its index here.
ACCOUNTS: tuple[str, ...] = tuple(sorted(account.value for account in Account))
ACCOUNT_CODES: dict[str, int] = {name: code for code, name in enumerate(ACCOUNTS)}


@dataclass(frozen=True, slots=True)
class Postings:
    """Entries (one value per entry in each of the first six arrays) and their lines."""

    loan: Ints  # position of the loan among the partition's sorted loan ids
    kind: Ints  # source kind (batch.sources)
    rank: Ints  # source rank within its kind
    number: Ints  # installment seq, payment id or charge-key rank; 0 for the loan
    entry: Ints  # index into ENTRY_KINDS
    day: Ints  # effective date as days since 1970-01-01
    account: Ints  # per line
    amount: Ints  # per line
    count: Ints  # lines per entry

    @property
    def first(self) -> Ints:
        """Index of each entry's first line."""
        return np.cumsum(self.count) - self.count

    def take(self, rows: Ints) -> Postings:
        """The entries at ``rows`` (in that order) with their lines."""
        lines = ranges(self.first[rows], self.count[rows])
        return Postings(
            self.loan[rows],
            self.kind[rows],
            self.rank[rows],
            self.number[rows],
            self.entry[rows],
            self.day[rows],
            self.account[lines],
            self.amount[lines],
            self.count[rows],
        )

    def ordered(self) -> Postings:
        """Sorted by (loan, source kind, source rank): the order of ``(loan_id, source)``."""
        codes = pl.DataFrame({"loan": self.loan, "kind": self.kind, "rank": self.rank})
        order = ints(codes.select(pl.arg_sort_by(["loan", "kind", "rank"])).to_series())
        if np.array_equal(order, np.arange(order.size)):
            return self
        return self.take(order)


def ranges(first: Ints, count: Ints) -> Ints:
    """The indices ``first[i] … first[i] + count[i] − 1`` of every range, concatenated."""
    total = int(count.sum())
    starts = np.repeat(first - (np.cumsum(count) - count), count)
    return starts + np.arange(total, dtype=np.int64)


def lines_of(amounts: Ints, accounts: list[Account]) -> tuple[Ints, Ints, Ints]:
    """(account, amount, count) from an (entries × accounts) matrix; zeros make no line."""
    codes = np.array([ACCOUNT_CODES[account.value] for account in accounts], dtype=np.int64)
    if np.any(np.diff(codes) <= 0):
        raise ValueError("matrix columns must be in account-name order")
    nonzero = amounts != 0
    flat = np.flatnonzero(nonzero.reshape(-1))
    return codes[flat % len(accounts)], amounts.reshape(-1)[flat], nonzero.sum(axis=1)


def concat(parts: list[Postings]) -> Postings:
    arrays = [
        np.concatenate([getattr(part, field.name) for part in parts]) for field in fields(Postings)
    ]
    return Postings(*arrays)


def line_frame(entries: pl.DataFrame, count: Ints, account: Ints, amount: Ints) -> pl.DataFrame:
    """``LINES`` rows for ``ENTRIES`` rows and their lines (``count`` per entry)."""
    owner = np.repeat(np.arange(entries.height, dtype=np.int64), count)
    return pl.DataFrame(
        [
            entries["loan_id"].gather(owner),
            entries["source"].gather(owner),
            entries["version"].gather(owner),
            gather_strings("account", ACCOUNTS, account),
            pl.Series("amount_minor", amount, dtype=pl.Int64),
        ]
    ).cast(LINES)
