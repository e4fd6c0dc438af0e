"""CPU and wall time of posting one loan: the batch path against the scalar path.

    python -m bench.post_one [--database-url URL] [--postings N] [--payments P]

Creates a PostgreSQL database of its own (``t_post_bench_…``, dropped afterwards) holding one
loan with a realistic history: 10,000.00 over 36 months at 12.99%, ``P`` monthly payments (one
of them returned for NSF and paid again), a late fee, and its journal posted. Then, for each
path in turn (``post_in_partitions``, the batch machinery, and ``post_few``, which ``post_loans``
takes for a few loans), ``N`` times each:

- **payment**: a card payment's posting: a new payment is stored (not timed), the loan is
  posted (one entry appended, timed), and the transaction rolled back;
- **nothing new**: the loan posted again with nothing to append (a letter's ``post_through``).

CPU time is the process's (every thread, Polars' pool included); wall time is the call's.
With ``--parts``, the scalar path's payment case is also timed part by part: the loan's locks,
the reads, the plan (with the balance check) and the append.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Connection, create_engine, insert, make_url, text

from arrears.adapters.db import schema as t
from arrears.batch.schedules import rate_from_micros
from arrears.bootstrap import Container, build, initialise
from arrears.config import Settings
from arrears.domain.allocation import WaterfallPolicy
from arrears.domain.clock import FixedClock
from arrears.domain.dates import add_months
from arrears.domain.money import Money
from arrears.domain.schedules import level_payment
from arrears.ledger.entries import check_batch
from arrears.services.posting import PostingCounts, post_in_partitions, post_loans
from arrears.services.posting_few import plan_loan

LOAN_ID = 1
ORIGINATED = date(2024, 1, 15)
TERM = 36
INSTALLMENT_MINOR = level_payment(Money(1_000_000), rate_from_micros(129_900), TERM).minor
AT = datetime(2026, 2, 20, 12, tzinfo=UTC)
POLICY = WaterfallPolicy()
POSTING: dict[str, Any] = {"as_of": AT.date(), "recorded_at": AT, "run_id": 0, "policy": POLICY}
Post = Callable[..., PostingCounts]
PATHS: dict[str, Post] = {
    "batch (post_in_partitions)": lambda uow, ids, **kw: post_in_partitions(
        uow, ids, partition=50_000, **kw
    ),
    "scalar (post_loans -> post_few)": lambda uow, ids, **kw: post_loans(
        uow, ids, partition=50_000, **kw
    ),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--postings", type=int, default=200)
    parser.add_argument("--payments", type=int, default=24)
    parser.add_argument("--parts", action="store_true", help="time the scalar path's parts")
    args = parser.parse_args(argv)
    admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
    name = f"t_post_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory() as folder:
            container = build(
                Settings(data_dir=Path(folder), database_url=url),
                clock=FixedClock(AT),
                create_keys=True,
            )
            initialise(container)
            _book(container, payments=args.payments)
            _report(container, postings=args.postings, payments=args.payments)
            if args.parts:
                _parts(container, postings=args.postings)
            container.engine.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _report(container: Container, *, postings: int, payments: int) -> None:
    print(f"one loan, {TERM}-month level schedule, {payments} payments (one returned), a fee;")
    print(f"{postings} postings per path and case, after 20 to warm up; PostgreSQL")
    print(f"{'path':<34} {'case':<12} {'cpu ms mean':>11} {'median':>7} {'wall ms':>8}  appended")
    for case in ("payment", "nothing new"):
        for label, post in PATHS.items():
            _measure(container, post, case=case, runs=20)
            cpu, wall, appended = _measure(container, post, case=case, runs=postings)
            print(
                f"{label:<34} {case:<12} {statistics.mean(cpu):11.2f} "
                f"{statistics.median(cpu):7.2f} {statistics.median(wall):8.2f}  {appended}"
            )


def _measure(
    container: Container, post: Post, *, case: str, runs: int
) -> tuple[list[float], list[float], PostingCounts]:
    cpu: list[float] = []
    wall: list[float] = []
    counts = PostingCounts()
    ids = np.array([LOAN_ID], dtype=np.int64)
    for run in range(runs):
        with container.uow() as uow:
            if case == "payment":
                _pay(uow.connection, 10_000_000 + run, day=AT.date(), amount=INSTALLMENT_MINOR)
            started, clock = time.process_time(), time.perf_counter()
            counts = post(uow, ids, **POSTING)
            cpu.append((time.process_time() - started) * 1000)
            wall.append((time.perf_counter() - clock) * 1000)
            uow.rollback()
    return cpu, wall, counts


def _parts(container: Container, *, postings: int) -> None:
    """Mean CPU of each part of ``post_few`` for a card payment's posting."""
    names = ("locks", "reads", "plan and check", "ids and inserts")
    spent: dict[str, list[float]] = {name: [] for name in names}
    for run in range(20 + postings):
        with container.uow() as uow:
            _pay(uow.connection, 20_000_000 + run, day=AT.date(), amount=INSTALLMENT_MINOR)
            marks = [time.process_time()]
            uow.ledger.serialise_postings([LOAN_ID])
            marks.append(time.process_time())
            facts = uow.posting.facts([LOAN_ID])
            marks.append(time.process_time())
            entries = [e for loan in facts for e in plan_loan(loan, as_of=AT.date(), policy=POLICY)]
            check_batch(entries)
            marks.append(time.process_time())
            uow.ledger.append_entries(entries, recorded_at=AT, run_id=0)
            marks.append(time.process_time())
            uow.rollback()
        if run >= 20:
            for name, start, end in zip(names, marks, marks[1:], strict=False):
                spent[name].append((end - start) * 1000)
    journal = facts[0].journal
    lines = sum(len(entry.lines) for entry in journal)
    print(f"scalar path, payment, part by part (journal of {len(journal)} entries, {lines} lines)")
    for name, values in spent.items():
        print(f"  {name:<16} {statistics.mean(values):6.2f} ms")
    print(f"  {'total':<16} {sum(statistics.mean(v) for v in spent.values()):6.2f} ms")


def _book(container: Container, *, payments: int) -> None:
    """The loan, its history and its journal, committed."""
    with container.uow() as uow:
        connection = uow.connection
        borrower = connection.execute(
            insert(t.borrowers).values(
                external_id="B1", first_name="Ada", last_name="Lovelace",
                address_line1="1 Main St", city="Austin", state="TX", zip="73301",
                address_time_zone="America/Chicago", content_hash="x", created_at=AT,
                updated_at=AT,
            ).returning(t.borrowers.c.id)
        ).scalar_one()  # fmt: skip
        connection.execute(
            insert(t.loans).values(
                id=LOAN_ID, external_id="L1", borrower_id=borrower, product="personal",
                currency="USD", principal_minor=1_000_000, annual_rate_micros=129_900,
                term_months=TERM, origination_date=ORIGINATED,
                first_due_date=add_months(ORIGINATED, 1, day=ORIGINATED.day),
                contract_state="TX", contract_type="installment", status="open",
                schedule_source="generated", content_hash="x", created_at=AT, updated_at=AT,
            )
        )  # fmt: skip
        connection.execute(
            insert(t.charges).values(
                loan_id=LOAN_ID, key="late-fee-5", component="fees", amount_minor=2_500,
                assessed_on=add_months(ORIGINATED, 5, day=ORIGINATED.day + 10),
                reason="late fee", created_at=AT,
            )
        )  # fmt: skip
        for n in range(1, payments + 1):
            due = add_months(ORIGINATED, n, day=ORIGINATED.day)
            _pay(connection, n, day=due, amount=INSTALLMENT_MINOR)
        post_in_partitions(uow, np.array([LOAN_ID]), partition=1, **POSTING)
        # payment 7 comes back and is paid again with the late fee: a reversal and re-derived
        # allocations for every later payment
        connection.execute(
            text("UPDATE payments SET status = 'returned', return_reason = 'NSF' WHERE id = 7")
        )
        later = add_months(ORIGINATED, 7, day=25)
        _pay(connection, payments + 1, day=later, amount=INSTALLMENT_MINOR + 2_500)
        post_in_partitions(uow, np.array([LOAN_ID]), partition=1, **POSTING)
        uow.commit()


def _pay(connection: Connection, payment_id: int, *, day: date, amount: int) -> None:
    connection.execute(
        insert(t.payments).values(
            id=payment_id, external_id=f"P{payment_id}", loan_id=LOAN_ID, amount_minor=amount,
            effective_date=day, method="card", status="posted", return_reason="",
            source="bench", received_at=AT,
        )
    )  # fmt: skip


if __name__ == "__main__":
    main()
