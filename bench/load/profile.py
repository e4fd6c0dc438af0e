"""Where an API account view spends its time: CPU and wall time per part, in one process, on a
book prepared by ``python -m bench.load --keep`` (no HTTP, so the figures are the app's own).

python -m bench.load.profile [--book /tmp/arrears-load/book.json] [--views 100]

The parts: the bearer token's lookup, the parties (sealed fields opened), ``loan_state`` (the
loan's schedule, payments and delinquency, read as plain values), the audit
append (under its lane's lock, at the commit), the commits (the view's and the token's) and the
rest.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.load.book import Book, settings_for

from arrears.adapters.db import audit_store
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.bootstrap import build
from arrears.services import account_view as view_module
from arrears.services.users import token_principal

Totals = dict[str, list[float]]  # part -> [cpu seconds, wall seconds]


def _timed(totals: Totals, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            found = totals.setdefault(name, [0.0, 0.0])
            found[0] += time.process_time() - cpu
            found[1] += time.perf_counter() - wall

    return wrapper


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default="/tmp/arrears-load/book.json")
    parser.add_argument("--views", type=int, default=100)
    args = parser.parse_args(argv)
    book = Book.load(Path(args.book))
    container = build(settings_for(book.url, Path(book.data_dir)), schema=book.schema)
    totals: Totals = {}
    for name in ("loan_state", "_parties"):
        setattr(view_module, name, _timed(totals, name, getattr(view_module, name)))
    # The append runs inside the unit of work's commit: its time is part of "commit" too.
    audit_store.SqlAuditLog.flush = _timed(  # type: ignore[method-assign]
        totals, "audit append", audit_store.SqlAuditLog.flush
    )
    SqlUnitOfWork.commit = _timed(totals, "commit", SqlUnitOfWork.commit)  # type: ignore[method-assign]
    lookup = _timed(totals, "token lookup", token_principal)

    def one(ref: str) -> None:
        lookup(book.agent_tokens[0], uow_factory=container.uow, clock=container.clock)
        view_module.account_view(
            ref, viewer="token:profile", uow_factory=container.uow, clock=container.clock,
            settings=container.cycle_settings, brief=True,
        )  # fmt: skip

    for ref in book.refs[:5]:
        one(ref)  # warm: imports, statement caches, connections
    totals.clear()
    refs = book.refs[5 : 5 + args.views]
    cpu, wall = time.process_time(), time.perf_counter()
    for ref in refs:
        one(ref)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = len(refs)
    print(f"{n} views: {cpu / n * 1000:.1f} ms CPU, {wall / n * 1000:.1f} ms wall per view")
    for name, (part_cpu, part_wall) in sorted(totals.items(), key=lambda item: -item[1][0]):
        share = part_cpu / cpu * 100 if cpu else 0.0
        print(f"  {name:<14} {part_cpu / n * 1000:6.1f} ms CPU ({share:4.1f}%)"
              f" {part_wall / n * 1000:6.1f} ms wall")  # fmt: skip
    container.engine.dispose()


if __name__ == "__main__":
    main()
