"""A small recovery book: loans whose schedules have run out (so what is owed is exact and
simple to check by hand), in states whose statutes of limitations the tests rely on, and
helpers to import it and act on it.

R1 (personal, MA): $5,000.00 at 0%, 10 monthly installments from 2024-07-01, never paid:
   879 days past due on 2026-11-27, owes exactly $5,000.00 of principal.
R2 (personal, MA): $2,400.00 at 0%, 6 installments from 2025-02-01, never paid: 664 days
   past due, owes $2,400.00.
R3 (personal, TX): $1,500.00 at 0%, 3 installments from 2019-02-01, never paid: time-barred
   since 2023-02-01 (Texas: 4 years, CPRC 16.004).
R4 (auto, MA): $10,000.00 at 0%, 10 installments from 2024-07-01, never paid, a car valued at
   $12,000.00 on 2026-06-01.
R5 (personal, CA), R6 (personal, MA): $800.00 at 0%, 4 installments from 2025-01-01.
"""

from __future__ import annotations

import csv
from pathlib import Path

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.services.recovery_settings import Actor, Recovery
from support.db import run_import

AGENT = Actor("user:alex", "agent")
SUPERVISOR = Actor("user:sam", "supervisor")
MANAGER = Actor("user:morgan", "manager")

BORROWERS = [
    {"borrower_id": "RB1", "first_name": "Rosa", "last_name": "Park", "address_line1": "1 Elm St",
     "city": "Boston", "state": "MA", "zip": "02139", "email": "rosa@example.com"},
    {"borrower_id": "RB2", "first_name": "Dan", "last_name": "Cole", "address_line1": "2 Oak St",
     "city": "Boston", "state": "MA", "zip": "02139"},
    {"borrower_id": "RB3", "first_name": "Lu", "last_name": "Wong", "address_line1": "3 Pine St",
     "city": "Austin", "state": "TX", "zip": "78701"},
    {"borrower_id": "RB4", "first_name": "Ivy", "last_name": "Hale", "address_line1": "4 Ash St",
     "city": "Boston", "state": "MA", "zip": "02139"},
    {"borrower_id": "RB5", "first_name": "=HYPERLINK(\"x\")", "last_name": "Cruz",
     "address_line1": "5 Bay St", "city": "Los Angeles", "state": "CA", "zip": "90012"},
    {"borrower_id": "RB6", "first_name": "Max", "last_name": "Ruiz", "address_line1": "6 Fir St",
     "city": "Boston", "state": "MA", "zip": "02139"},
]  # fmt: skip


def _loan(ref: str, borrower: str, principal: str, term: int, first_due: str, origination: str,
          state: str, product: str = "personal") -> dict[str, str]:  # fmt: skip
    return {
        "loan_id": ref, "borrower_id": borrower, "product": product, "principal": principal,
        "annual_rate": "0", "term_months": str(term), "origination_date": origination,
        "first_due_date": first_due, "contract_state": state,
    }  # fmt: skip


LOANS = [
    _loan("R1", "RB1", "5000.00", 10, "2024-07-01", "2024-06-01", "MA"),
    _loan("R2", "RB2", "2400.00", 6, "2025-02-01", "2025-01-01", "MA"),
    _loan("R3", "RB3", "1500.00", 3, "2019-02-01", "2019-01-01", "TX"),
    _loan("R4", "RB4", "10000.00", 10, "2024-07-01", "2024-06-01", "MA", product="auto"),
    _loan("R5", "RB5", "800.00", 4, "2025-01-01", "2024-12-01", "CA"),
    _loan("R6", "RB6", "800.00", 4, "2025-01-01", "2024-12-01", "MA"),
]
COLLATERAL = [
    {"collateral_id": "RC4", "loan_id": "R4", "kind": "vehicle", "vin": "1HGCM82633A004352",
     "year": "2022", "make": "Honda", "model": "Civic", "value": "12000", "valued_on": "2026-06-01"},
]  # fmt: skip


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_book(container: Container, folder: Path) -> None:
    run_import(
        container,
        [
            write(folder / "borrowers.csv", BORROWERS),
            write(folder / "loans.csv", LOANS),
            write(folder / "collateral.csv", COLLATERAL),
        ],
    )


def recovery_of(container: Container) -> Recovery:
    return bootstrap.recovery(container)


def loan_id(container: Container, ref: str) -> int:
    with container.uow() as uow:
        found = uow.accounts.loan_id(ref)
    assert found is not None
    return found


def journal(container: Container, ref: str) -> dict[str, int]:
    """Signed balance per account of a loan's journal."""
    target = loan_id(container, ref)
    with container.uow() as uow:
        frame = uow.ledger.lines_of([target])
    totals: dict[str, int] = {}
    for account, amount in frame.select("account", "amount_minor").iter_rows():
        totals[account] = totals.get(account, 0) + int(amount)
    return {k: v for k, v in totals.items() if v}


def entries_balance(container: Container, ref: str) -> bool:
    """Every journal entry of the loan balances (debits = credits)."""
    target = loan_id(container, ref)
    with container.uow() as uow:
        frame = uow.ledger.lines_of([target])
    sums: dict[tuple[str, int], int] = {}
    for source, version, amount in frame.select("source", "version", "amount_minor").iter_rows():
        sums[(source, version)] = sums.get((source, version), 0) + int(amount)
    return all(total == 0 for total in sums.values())


_NEXT = iter(range(1, 1_000_000))


def new_loan(container: Container, folder: Path, *, principal_minor: int, term: int = 6,
             state: str = "MA") -> str:  # fmt: skip
    """Import one more borrower with one never-paid 0% loan whose schedule has run out
    (it owes exactly ``principal_minor``); returns the loan's reference."""
    n = next(_NEXT)
    borrower = {"borrower_id": f"PB{n}", "first_name": "Pat", "last_name": f"Lee{n}",
                "address_line1": f"{n} Main St", "city": "Boston", "state": state,
                "zip": "02139"}  # fmt: skip
    amount = f"{principal_minor // 100}.{principal_minor % 100:02d}"
    loan = _loan(f"PL{n}", f"PB{n}", amount, term, "2024-07-01", "2024-06-01", state)
    run_import(container, [write(folder / f"borrowers-{n}.csv", [borrower]),
                           write(folder / f"loans-{n}.csv", [loan])])  # fmt: skip
    return f"PL{n}"


def reposting_appends_nothing(container: Container, ref: str) -> bool:
    """The journal already says what the loan's events say: posting again adds no entry."""
    import numpy as np

    from arrears.services.posting import post_loans

    target = loan_id(container, ref)
    with container.uow() as uow:
        counts = post_loans(uow, np.array([target]), as_of=container.clock.today(),
                            recorded_at=container.clock.now(), run_id=0, partition=1,
                            policy=container.policy)  # fmt: skip
        uow.rollback()
    return counts.entries == 0


def owed(container: Container, ref: str) -> int:
    """What the borrower owes per the database's own sum (reads.balances)."""
    target = loan_id(container, ref)
    with container.uow() as uow:
        frame = uow.reads.balances([target])
    return int(frame.get_column("balance_minor").sum()) if frame.height else 0


BORROWER_SIDE = ("principal", "interest", "fees", "penalties", "costs", "suspense")


def recomputed_owed(container: Container, ref: str) -> int:
    """The same, recomputed line by line from the journal in Python."""
    return sum(v for k, v in journal(container, ref).items() if k in BORROWER_SIDE)
