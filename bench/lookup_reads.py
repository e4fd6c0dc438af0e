"""Benchmark of the bulk reads (``adapters.db.bulk.lookup``) on an imported book.

    python -m bench.lookup_reads --database-url URL [--loans N] [--repeat R]

Reads what a posting partition of ``--loans`` loans reads, in the shapes that cost the most:
the partition's payments, its journal lines (joined to their entries) and its loans by
external id (what an import batch looks up). Each read runs ``--repeat`` times over different
spans of loans and the best and worst wall times are printed with the rows read. Import a
book first (``python -m bench.import_portfolio``); run from another checkout to compare two
versions of the reads on the same database.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import polars as pl
from sqlalchemy import Connection, create_engine

from arrears.adapters.db.bulk import lookup

PAYMENTS = {
    "payments.loan_id": pl.Int64,
    "payments.id AS payment_id": pl.Int64,
    "payments.effective_date": pl.Date,
    "payments.amount_minor": pl.Int64,
    "payments.status": pl.Utf8,
    "payments.return_reason": pl.Utf8,
    "payments.credit_kind": pl.Utf8,
}
LINES = {
    "ledger_lines.loan_id": pl.Int64,
    "ledger_entries.source": pl.Utf8,
    "ledger_entries.version": pl.Int32,
    "ledger_lines.account": pl.Utf8,
    "ledger_lines.amount_minor": pl.Int64,
}
LOANS = {
    "loans.external_id": pl.Utf8,
    "loans.id": pl.Int64,
    "loans.currency": pl.Utf8,
    "loans.principal_minor": pl.Int64,
    "loans.origination_date": pl.Date,
}
Read = Callable[[Connection, int, int], pl.DataFrame]


def reads() -> dict[str, Read]:
    def payments(connection: Connection, first: int, count: int) -> pl.DataFrame:
        keys = list(range(first, first + count))
        return lookup(connection, table="payments", key="loan_id", keys=keys, columns=PAYMENTS)

    def lines(connection: Connection, first: int, count: int) -> pl.DataFrame:
        return lookup(
            connection,
            table="ledger_lines",
            key="loan_id",
            keys=list(range(first, first + count)),
            columns=LINES,
            extra_sql="JOIN ledger_entries ON ledger_entries.id = ledger_lines.entry_id",
        )

    def loans(connection: Connection, first: int, count: int) -> pl.DataFrame:
        keys = connection.exec_driver_sql(
            "SELECT external_id FROM loans WHERE id >= %(first)s ORDER BY id LIMIT %(count)s",
            {"first": first, "count": count},
        ).scalars()
        return lookup(connection, table="loans", key="external_id", keys=list(keys), columns=LOANS)

    return {"payments": payments, "journal lines": lines, "loans by external id": loans}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--loans", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=8)
    args = parser.parse_args()
    engine = create_engine(args.database_url)
    with engine.connect() as connection:
        book = int(connection.exec_driver_sql("SELECT count(*) FROM loans").scalar_one())
        spans = max(book // args.loans, 1)
        for name, read in reads().items():
            times, rows = [], 0
            for repeat in range(args.repeat):
                first = 1 + (repeat % spans) * args.loans
                started = time.perf_counter()
                rows = read(connection, first, args.loans).height
                times.append(time.perf_counter() - started)
            print(f"{name:22s} {rows:>10,} rows  best {min(times):.3f} s  worst {max(times):.3f} s")


if __name__ == "__main__":
    main()
