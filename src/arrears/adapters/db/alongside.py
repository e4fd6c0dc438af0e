"""A read on a second connection while the caller goes on with its own (PostgreSQL).

A partition's reads keep the server building rows while this process decodes them, one at a
time; on two cores, the server can build one read's rows while the process decodes another's.
The second connection reads in the caller's snapshot (``pg_export_snapshot``), so it sees what
the caller's transaction saw when the read was started — except that transaction's own
uncommitted writes: start reads alongside before writing.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


def alongside(connection: Connection, read: Callable[[Connection], T]) -> Callable[[], T]:
    """Start ``read`` on a worker thread with a connection of its own, in ``connection``'s
    snapshot; return a function that waits for its result (and raises its error).

    ``connection`` must stay in its transaction until then (the snapshot lives as long)."""
    snapshot = str(connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one())
    engine = connection.engine

    def work() -> T:
        with engine.connect() as opened:
            side = opened.execution_options(isolation_level="REPEATABLE READ")
            side.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            try:
                return read(side)
            finally:
                side.rollback()

    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="arrears-read")
    future = pool.submit(work)
    pool.shutdown(wait=False)  # the thread ends with the read
    return future.result
