"""An entry's lines stored as columns of the entry: one amount column per account.

The journal is double-entry: an entry's lines net to zero, and no account appears twice in one
(``ledger.entries.entry_lines``). So an entry's lines are exactly an amount per account, and
``ledger_entries`` holds them in ``<account>_minor`` columns (docs/adr/0017): a posting writes
one row per entry instead of one per entry and one per line (173M rows became 50M at
1,000,000 loans) and a balance is a column's sum. An account an entry does not touch holds no
line: NULL on PostgreSQL, where a NULL costs a bit of the row, and 0 on SQLite, where 0 is stored
in no bytes and binds four times faster than NULL through ``sqlite3``. Readers treat both alike
(``<> 0`` drops them; ``SUM`` of either adds nothing).

``ledger_lines`` stays as a view of the lines (entry id, loan, account, amount, date), for the
reports, exports and checks that read the journal line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

from arrears.ledger.accounts import Account

#: Every account in name order: the column order, and the order an entry's lines are read in.
ACCOUNTS: tuple[Account, ...] = tuple(sorted(Account, key=lambda account: account.value))
#: The amount column of each account.
COLUMN: dict[Account, str] = {account: f"{account.value}_minor" for account in ACCOUNTS}
COLUMNS: tuple[str, ...] = tuple(COLUMN[account] for account in ACCOUNTS)
_NAMES = pl.Enum([account.value for account in ACCOUNTS])


def net_sum(accounts: Iterable[Account], alias: str = "e") -> str:
    """SQL for the sum, over one entry, of the amounts of ``accounts`` (NULL is 0), in name
    order so a set of accounts always makes the same statement."""
    return " + ".join(f"COALESCE({alias}.{COLUMN[account]}, 0)" for account in sorted(accounts))


def no_line(dialect: str) -> int | None:
    """What an amount column holds where its entry has no line, on ``dialect``."""
    return None if dialect == "postgresql" else 0


def pivot(
    keys: pl.DataFrame, lines: pl.DataFrame, *, on: list[str], dialect: str
) -> list[pl.Series]:
    """The amount columns of the entries ``keys`` (one row per entry, the ``on`` columns), from
    ``lines`` (``on`` plus ``account`` and ``amount_minor``), ``no_line(dialect)`` where an
    entry has no line. Every line must belong to one of them, no line may be of no amount, and
    an account may appear once per entry. Made a column at a time, so a partition's entries ×
    accounts (136 MB of int64 for 1,000,000 entries) never exist at once."""
    row = _entry_of_each_line(keys, lines, on)
    try:
        account = lines["account"].cast(_NAMES).to_physical().to_numpy()
    except pl.exceptions.InvalidOperationError:
        unknown = set(lines["account"].unique().to_list()) - {a.value for a in ACCOUNTS}
        raise ValueError(f"lines name unknown accounts: {sorted(unknown)}") from None
    amount = lines["amount_minor"].to_numpy()
    if not amount.all():
        raise ValueError("a line of no amount")
    columns = []
    for code, name in enumerate(COLUMNS):
        on_account = account == code
        values = np.zeros(keys.height, dtype=np.int64)
        values[row[on_account]] = amount[on_account]
        if np.count_nonzero(values) != np.count_nonzero(on_account):  # two lines, one cell
            raise ValueError("an entry names the same account on two lines")
        column = pl.Series(name, values, dtype=pl.Int64)
        columns.append(column if no_line(dialect) == 0 else column.replace(0, None))
    return columns


def _entry_of_each_line(keys: pl.DataFrame, lines: pl.DataFrame, on: list[str]) -> np.ndarray:
    """The row of ``keys`` each line belongs to. Lines grouped by entry in the keys' order (as
    the posting makes them) are counted off run by run; others are joined to the keys, which
    held a partition's lines twice over (450 MB more for 2M lines)."""
    if lines.height:
        changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(c).shift()) for c in on)
        starts = np.flatnonzero(lines.select(changed).to_series().to_numpy())
        if starts.size == keys.height and lines.select(on)[starts].equals(keys.select(on)):
            return np.repeat(np.arange(keys.height), np.diff(np.append(starts, lines.height)))
    elif keys.height == 0:
        return np.zeros(0, dtype=np.int64)
    placed = lines.select(on).join(
        keys.select(on).with_row_index("_row"), on=on, how="left", maintain_order="left"
    )
    if placed["_row"].null_count():
        raise ValueError("every line must belong to an entry of the same batch")
    return placed["_row"].to_numpy()


def lines_of(entries: pl.DataFrame, keep: list[str]) -> pl.DataFrame:
    """One row per line of ``entries`` (which carry every amount column): the ``keep``
    columns, then ``account`` and ``amount_minor``, grouped by entry in the entries' order
    and, within an entry, in account order."""
    matrix = (
        np.column_stack(
            [entries[name].fill_null(0).to_numpy().astype(np.int64) for name in COLUMNS]
        )
        if entries.height
        else np.zeros((0, len(COLUMNS)), dtype=np.int64)
    )
    rows, codes = np.nonzero(matrix)
    return entries.select(keep)[rows].with_columns(
        pl.Series("account", [account.value for account in ACCOUNTS]).gather(codes),
        pl.Series("amount_minor", matrix[rows, codes], dtype=pl.Int64),
    )


def lines_view(dialect: str, accounts: Sequence[str]) -> str:
    """``CREATE VIEW ledger_lines``: the lines of every entry, one row each, over the amount
    columns of ``accounts`` (named as a migration left them).

    PostgreSQL unpivots each row once (``LATERAL (VALUES …)``); SQLite has no lateral join, so
    its view is a ``UNION ALL`` of one select per account, each of which a filter on the loan
    reaches through the entries' index."""
    if dialect == "postgresql":
        values = ", ".join(f"('{a}', e.{a}_minor)" for a in accounts)
        return (
            "CREATE VIEW ledger_lines AS SELECT e.id AS entry_id, e.loan_id, l.account, "
            "l.amount_minor, e.effective_date FROM ledger_entries e CROSS JOIN LATERAL "
            f"(VALUES {values}) AS l(account, amount_minor) WHERE l.amount_minor <> 0"
        )
    selects = [
        f"SELECT id AS entry_id, loan_id, '{a}' AS account, {a}_minor AS amount_minor, "
        f"effective_date FROM ledger_entries WHERE {a}_minor <> 0"
        for a in accounts
    ]
    return "CREATE VIEW ledger_lines AS " + " UNION ALL ".join(selects)
