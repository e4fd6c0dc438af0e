"""Benchmark of the bulk reads (``adapters.db.bulk.lookup``) on an imported book.

    python -m bench.lookup_reads --database-url URL [--loans N] [--repeat R]

Reads what a posting partition of ``--loans`` loans reads, in the shapes that cost the most,
through the repositories that read them: the partition's payments, its journal lines (joined
to their entries) and its loans by external id (what an import batch looks up). Each read
runs ``--repeat`` times over different spans of loans and the best and worst wall times are
printed with the rows read. Import a book first (``python -m bench.import_portfolio``); run
from another checkout to compare two versions of the reads on the same database.
"""

from __future__ import annotations

import argparse
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime

import polars as pl
from sqlalchemy import Connection, create_engine

from arrears.adapters.db.ledger_store import SqlLedgerStore
from arrears.adapters.db.portfolio_reads import SqlPortfolioReads
from arrears.adapters.db.portfolio_store import SqlPortfolioStore
from arrears.adapters.field_crypto import FieldCipher

Read = Callable[[Connection, int, int], pl.DataFrame]


def reads() -> dict[str, Read]:
    """The repositories' own reads, so the benchmark times what the posting and the import run."""

    def payments(connection: Connection, first: int, count: int) -> pl.DataFrame:
        return SqlPortfolioReads(connection).payments(list(range(first, first + count)))

    def lines(connection: Connection, first: int, count: int) -> pl.DataFrame:
        return SqlLedgerStore(connection).lines_of(list(range(first, first + count)))

    def loans(connection: Connection, first: int, count: int) -> pl.DataFrame:
        keys = connection.exec_driver_sql(
            "SELECT external_id FROM loans WHERE id >= %(first)s ORDER BY id LIMIT %(count)s",
            {"first": first, "count": count},
        ).scalars()
        # the store seals nothing here; a cipher of its own only satisfies its constructor
        cipher = FieldCipher(keys=(("bench", secrets.token_bytes(32)),), index_key=b"bench")
        store = SqlPortfolioStore(connection, cipher=cipher, now=datetime.now(UTC), run_id=0)
        return store.loan_refs(list(keys))

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
