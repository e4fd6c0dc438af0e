"""Where an account view or page spends its time: CPU, wall time and statements per part, in one
process, on a book prepared by ``python -m bench.load --keep`` (no HTTP, so the figures are the
app's own).

python -m bench.load.profile [--book /tmp/arrears-load/book.json] [--views 100]
                             [--page api|agent|portal]

``api`` (the default) is an API account view with its bearer token's lookup; ``agent`` is a
collector's account page (the full view with its compliance and recovery panels, contacts,
promises, plans and offers); ``portal`` is a borrower's. The parts: the token's lookup, the
parties (borrowers and contact points read), ``loan_state`` (the loan's schedule, payments and
delinquency, read as plain values), the compliance panel, the audit append (under its lane's
lock, at the commit), the commits and the rest. Statements are those sent to the database
(psycopg's executes), the most machine-independent figure of the three.
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from bench.load.book import DEFAULT_BOOK, Book

from arrears.adapters.db import audit_store, web_store
from arrears.adapters.db.uow import SqlUnitOfWork
from arrears.bootstrap import Container
from arrears.services import account_pages
from arrears.services import account_view as view_module
from arrears.services.users import token_principal

Totals = dict[str, list[float]]  # part -> [cpu seconds, wall seconds, statements]
_sent = [0]  # statements sent so far


def timed_part(totals: Totals, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        cpu, wall, sent = time.process_time(), time.perf_counter(), _sent[0]
        try:
            return function(*args, **kwargs)
        finally:
            found = totals.setdefault(name, [0.0, 0.0, 0.0])
            found[0] += time.process_time() - cpu
            found[1] += time.perf_counter() - wall
            found[2] += _sent[0] - sent

    return wrapper


def _count_statements() -> None:
    execute = psycopg.Cursor.execute

    @functools.wraps(execute)
    def counted(self: psycopg.Cursor[Any], *args: Any, **kwargs: Any) -> Any:
        _sent[0] += 1
        return execute(self, *args, **kwargs)

    psycopg.Cursor.execute = counted  # type: ignore[method-assign]


def _page(kind: str, book: Book, container: Container, totals: Totals) -> Callable[[int], None]:
    """One view of the ``index``-th account of the book (borrowers: of those who sign in)."""
    lookup = timed_part(totals, "token lookup", token_principal)
    common = {"uow_factory": container.uow, "clock": container.clock,
              "settings": container.cycle_settings}  # fmt: skip
    if kind == "api":

        def api(index: int) -> None:
            lookup(book.agent_tokens[0], uow_factory=container.uow, clock=container.clock)
            ref = book.refs[index % len(book.refs)]
            view_module.account_view(ref, viewer="token:profile", brief=True, **common)  # type: ignore[arg-type]

        return api
    if kind == "agent":

        def agent(index: int) -> None:
            ref = book.refs[index % len(book.refs)]
            account_pages.agent_page(ref, viewer="user:profile", **common)  # type: ignore[arg-type]

        return agent
    with container.uow() as uow:
        people = [(uow.accounts.loan_id(str(p["loan"])), str(p["loan"])) for p in book.borrowers]
        owners = {ref: int(uow.web.loan_header_by_ref(ref)["borrower_id"]) for _, ref in people}  # type: ignore[index]

    def portal(index: int) -> None:
        _, ref = people[index % len(people)]
        account_pages.portal_page(owners[ref], ref, **common)  # type: ignore[arg-type]

    return portal


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", default=DEFAULT_BOOK)
    parser.add_argument("--views", type=int, default=100)
    parser.add_argument("--page", choices=("api", "agent", "portal"), default="api")
    args = parser.parse_args(argv)
    book = Book.load(Path(args.book))
    container = book.container()
    _count_statements()
    totals: Totals = {}
    for name, part in (("loan_state", "loan_state"), ("compliance_panel", "compliance")):
        setattr(view_module, name, timed_part(totals, part, getattr(view_module, name)))
    web_store.SqlWebStore.borrowers = timed_part(  # type: ignore[method-assign]
        totals, "parties", web_store.SqlWebStore.borrowers
    )
    # The append runs inside the unit of work's commit: its time is part of "commit" too.
    audit_store.SqlAuditLog.flush = timed_part(  # type: ignore[method-assign]
        totals, "audit append", audit_store.SqlAuditLog.flush
    )
    SqlUnitOfWork.commit = timed_part(totals, "commit", SqlUnitOfWork.commit)  # type: ignore[method-assign]
    one = _page(args.page, book, container, totals)
    for index in range(5):
        one(index)  # warm: imports, statement caches, connections
    totals.clear()
    cpu, wall, sent = time.process_time(), time.perf_counter(), _sent[0]
    for index in range(5, 5 + args.views):
        one(index)
    cpu, wall, sent = time.process_time() - cpu, time.perf_counter() - wall, _sent[0] - sent
    n = args.views
    print(f"{n} {args.page} views: {cpu / n * 1000:.1f} ms CPU, {wall / n * 1000:.1f} ms wall,"
          f" {sent / n:.1f} statements per view")  # fmt: skip
    for name, (part_cpu, part_wall, part_sent) in sorted(
        totals.items(), key=lambda item: -item[1][0]
    ):
        share = part_cpu / cpu * 100 if cpu else 0.0
        print(f"  {name:<14} {part_cpu / n * 1000:6.1f} ms CPU ({share:4.1f}%)"
              f" {part_wall / n * 1000:6.1f} ms wall {part_sent / n:5.1f} statements")  # fmt: skip
    container.engine.dispose()


if __name__ == "__main__":
    main()
