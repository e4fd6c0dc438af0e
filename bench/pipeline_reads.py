"""Several small reads one after another against the same reads in psycopg's pipeline mode.

    python -m bench.pipeline_reads [--database-url URL] [--reads 3] [--rounds 5000] [--pairs 2]

A view makes a dozen small reads, each its own round trip; pipeline mode sends several
statements before reading any answer. Whether that would make a view cheaper is a question of
the client's CPU, which limits how many views two cores answer (docs/benchmarks.md, the load
test), so this times both ways on one connection and prints CPU and wall time per round of
``--reads`` one-row ``SELECT``s, alternating, ``--pairs`` times. Each read has its own cursor,
as pipeline mode needs (a cursor holds one result).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import psycopg

DEFAULT_URL = os.environ.get("ARREARS_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/test")
SQL = "SELECT %(n)s::int, now()"


def one_after_another(cursors: list[Any], _connection: psycopg.Connection[Any]) -> None:
    for n, cursor in enumerate(cursors):
        cursor.execute(SQL, {"n": n})
        cursor.fetchall()


def pipelined(cursors: list[Any], connection: psycopg.Connection[Any]) -> None:
    with connection.pipeline():
        for n, cursor in enumerate(cursors):
            cursor.execute(SQL, {"n": n})
    for cursor in cursors:
        cursor.fetchall()


def timed(
    way: Callable[[list[Any], psycopg.Connection[Any]], None],
    cursors: list[Any],
    connection: psycopg.Connection[Any],
    rounds: int,
) -> tuple[float, float]:
    """(CPU µs, wall µs) per round; the transaction is ended every 100 rounds."""
    cpu, wall = time.process_time(), time.perf_counter()
    for n in range(rounds):
        way(cursors, connection)
        if n % 100 == 99:
            connection.rollback()
    connection.rollback()
    return (
        (time.process_time() - cpu) / rounds * 1e6,
        (time.perf_counter() - wall) / rounds * 1e6,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a libpq URL")
    parser.add_argument("--reads", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=5000)
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args(argv)
    with psycopg.connect(args.database_url) as connection:
        cursors = [connection.cursor() for _ in range(args.reads)]
        timed(one_after_another, cursors, connection, 200)  # warm both ways
        timed(pipelined, cursors, connection, 200)
        print(f"{args.reads} reads a round, {args.rounds:,} rounds; µs per round")
        for pair in range(1, args.pairs + 1):
            for way in (one_after_another, pipelined):
                cpu, wall = timed(way, cursors, connection, args.rounds)
                print(f"pair {pair}  {way.__name__:18s} CPU {cpu:7.1f}  wall {wall:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
