"""An entry's lines as amount columns and back (``adapters.db.journal_columns``, ADR 0017):
nothing is lost or reordered, and what the columns cannot hold is refused."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrears.adapters.db.journal_columns import ACCOUNTS, COLUMNS, lines_of, net_sum, pivot
from arrears.ledger.accounts import Account

KEYS = ["loan_id", "source", "version"]
_ENTRY_LINES = st.dictionaries(
    st.sampled_from(ACCOUNTS),
    st.integers(-(10**12), 10**12).filter(bool),
    min_size=1,
    max_size=5,
)


def _frames(entries: list[dict[Account, int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    keys = pl.DataFrame(
        {
            "loan_id": [n // 3 for n in range(len(entries))],
            "source": [f"payment:{n}" for n in range(len(entries))],
            "version": [1] * len(entries),
        },
        schema={"loan_id": pl.Int64, "source": pl.Utf8, "version": pl.Int32},
    )
    lines = pl.DataFrame(
        [
            (n // 3, f"payment:{n}", 1, account.value, amount)
            for n, amounts in enumerate(entries)
            for account, amount in sorted(amounts.items(), key=lambda kv: kv[0].value)
        ],
        schema={**keys.schema, "account": pl.Utf8, "amount_minor": pl.Int64},
        orient="row",
    )
    return keys, lines


@settings(max_examples=80, deadline=None)
@given(st.lists(_ENTRY_LINES, max_size=25), st.booleans(), st.booleans())
def test_lines_come_back_as_written_on_either_backend(
    entries: list[dict[Account, int]], sqlite: bool, reversed_lines: bool
) -> None:
    """Columns made from lines (0 or NULL where an entry has no line) give the same lines back,
    grouped by entry and in account order, whether they were given grouped in the entries'
    order (counted off) or not (joined)."""
    keys, lines = _frames(entries)
    given_lines = lines.reverse() if reversed_lines else lines
    columns = pivot(keys, given_lines, on=KEYS, dialect="sqlite" if sqlite else "postgresql")
    assert [c.name for c in columns] == list(COLUMNS)
    if sqlite:
        assert all(c.null_count() == 0 for c in columns)
    else:
        assert all((c != 0).all() for c in columns)  # comparisons skip NULLs
    stored = keys.with_columns(columns)
    assert lines_of(stored, KEYS).equals(lines)


def test_no_line_is_zero_on_sqlite_and_null_on_postgresql() -> None:
    keys, lines = _frames([{Account.CASH: 500, Account.PRINCIPAL: -500}])
    on_sqlite = dict(zip(COLUMNS, pivot(keys, lines, on=KEYS, dialect="sqlite"), strict=True))
    on_postgres = dict(zip(COLUMNS, pivot(keys, lines, on=KEYS, dialect="postgresql"), strict=True))
    assert on_sqlite["cash_minor"].to_list() == [500]
    assert on_sqlite["fees_minor"].to_list() == [0]
    assert on_postgres["fees_minor"].to_list() == [None]
    assert on_postgres["principal_minor"].to_list() == [-500]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda lines: pl.concat([lines, lines.head(1)]), "same account on two lines"),
        (lambda lines: lines.with_columns(pl.lit("nowhere").alias("account")), "unknown"),
        (lambda lines: lines.with_columns(pl.lit("x").alias("source")), "belong to an entry"),
        (lambda lines: lines.with_columns(pl.lit(0, pl.Int64).alias("amount_minor")), "no amount"),
    ],
)
def test_what_the_columns_cannot_hold_is_refused(change: object, message: str) -> None:
    keys, lines = _frames([{Account.CASH: 500, Account.PRINCIPAL: -500}])
    with pytest.raises(ValueError, match=message):
        pivot(keys, change(lines), on=KEYS, dialect="postgresql")  # type: ignore[operator]


def test_a_net_sum_counts_no_line_as_zero() -> None:
    assert net_sum([Account.FEES, Account.CASH], alias="x") == (
        "COALESCE(x.cash_minor, 0) + COALESCE(x.fees_minor, 0)"
    )
