"""The portfolio import on SQLite and PostgreSQL: what lands, what the ledger says, idempotency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select, text

from arrears.adapters.db import schema
from arrears.bootstrap import Container
from arrears.domain.allocation import due_items
from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import level_schedule
from arrears.ledger.entries import balances, check_batch
from arrears.ledger.postings import PaymentFact, desired_postings, reconcile
from arrears.services.posting import PostingCounts, post_in_partitions
from support.db import run_import, table_counts
from support.portfolio import BORROWERS, LOANS, PAYMENTS, TODAY


def test_import_writes_every_kind_and_generates_schedules(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Every row of the small portfolio lands; schedules come from the loan terms."""
    report = run_import(container, portfolio_files)
    assert report.status == "imported"
    assert report.counts["borrowers"]["inserted"] == 3
    assert report.counts["loans"]["inserted"] == 3
    assert report.counts["payments"]["inserted"] == 25
    counts = table_counts(container)
    assert counts["installments"] == 0, "schedules derived from terms are not stored"
    assert counts["contact_points"] == 6  # 2 mobiles, 1 home phone, 2 emails, 1 work email
    assert counts["valuations"] == 2


def test_sensitive_fields_are_sealed_at_rest(
    container: Container, portfolio_files: list[Path]
) -> None:
    """SSN and date of birth are not readable in the database, but decrypt with the key."""
    run_import(container, portfolio_files)
    with container.engine.connect() as connection:
        row = connection.execute(
            select(schema.borrowers).where(schema.borrowers.c.external_id == "B1")
        ).one()
        dump = " ".join(str(v) for v in row)
    assert "123456789" not in dump
    assert "123-45-6789" not in dump
    assert "1985-04-12" not in dump
    assert container.cipher.decrypt(row.ssn_sealed) == "123456789"
    assert container.cipher.decrypt(row.dob_sealed) == "1985-04-12"
    assert row.ssn_last4 == "6789"


def _reference_balances(container: Container) -> dict[str, dict[str, int]]:
    """The ledger the scalar reference implementation derives from the same events."""
    expected: dict[str, dict[str, int]] = {}
    with container.engine.connect() as connection:
        loans = connection.execute(select(schema.loans)).all()
        for loan in loans:
            schedule = level_schedule(
                principal=Money(loan.principal_minor),
                rate=Rate(str(loan.annual_rate_micros / 1_000_000)),
                term_months=loan.term_months,
                first_due_date=loan.first_due_date,
            )
            payments = connection.execute(
                select(schema.payments).where(schema.payments.c.loan_id == loan.id)
            ).all()
            facts = [
                PaymentFact(p.id, p.effective_date, p.amount_minor, p.status == "posted")
                for p in payments
            ]
            desired = desired_postings(
                principal_minor=loan.principal_minor,
                origination_date=loan.origination_date,
                items=due_items(schedule),
                payments=facts,
                as_of=TODAY,
            )
            entries = reconcile(loan_id=loan.id, currency="USD", desired=desired, existing=[])
            check_batch(entries)
            expected[loan.external_id] = {k.value: v for k, v in balances(entries).items() if v}
    return expected


def _database_balances(container: Container) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = defaultdict(dict)
    with container.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT loans.external_id, l.account, SUM(l.amount_minor) FROM ledger_lines l "
                "JOIN loans ON loans.id = l.loan_id GROUP BY loans.external_id, l.account"
            )
        ).all()
    for loan, account, amount in rows:
        if amount:
            found[loan][account] = int(amount)
    return dict(found)


def test_ledger_equals_the_reference_derivation(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Balances per loan and account equal a recomputation from scratch with the pure ledger."""
    run_import(container, portfolio_files)
    assert _database_balances(container) == _reference_balances(container)


def test_a_posting_in_partitions_of_one_loan_writes_the_same_journal(
    container: Container, portfolio_files: list[Path]
) -> None:
    """With a partition per loan (on PostgreSQL each partition's rows are then built while
    the one before is still being written): the ids stay one ascending run with no gap or
    repeat, every line points at an entry of its own loan, and the balances are the
    reference's."""
    container.settings = container.settings.model_copy(update={"posting_partition_loans": 1})
    report = run_import(container, portfolio_files)
    assert report.posting.loans == 3
    with container.engine.connect() as connection:
        ids = connection.execute(text("SELECT id FROM ledger_entries ORDER BY id")).scalars()
        strays = connection.execute(
            text(
                "SELECT count(*) FROM ledger_lines l LEFT JOIN ledger_entries e "
                "ON e.id = l.entry_id AND e.loan_id = l.loan_id WHERE e.id IS NULL"
            )
        ).scalar_one()
        ids = list(ids)
    assert ids == list(range(ids[0], ids[0] + report.posting.entries))
    assert strays == 0
    assert _database_balances(container) == _reference_balances(container)


def test_posting_again_in_partitions_of_one_loan_reads_every_partition(
    container: Container, portfolio_files: list[Path]
) -> None:
    """Each partition is read on the writer's thread after the write before it; a partition
    with nothing to write still reads the next, so posting the book again goes through every
    loan and appends nothing."""
    run_import(container, portfolio_files)
    with container.uow() as uow:
        loans = uow.connection.execute(text("SELECT id FROM loans ORDER BY id")).scalars()
        ids = np.array(list(loans), dtype=np.int64)
        again = post_in_partitions(
            uow, ids, as_of=container.clock.today(), recorded_at=container.clock.now(),
            run_id=1, partition=1, policy=container.policy,
        )  # fmt: skip
        uow.commit()
    assert again == PostingCounts(loans=3)


def test_payments_find_loans_inserted_now_and_loans_imported_before(
    container: Container, write_csv: Callable[[str, list[dict[str, str]]], Path]
) -> None:
    """The loans an import inserts are kept in memory for its payments to find, the others
    are read from the database: payments of both land on their own loans."""
    run_import(
        container, [write_csv("borrowers.csv", BORROWERS), write_csv("loans.csv", LOANS[:2])]
    )
    report = run_import(
        container,
        [
            write_csv("loans-more.csv", [LOANS[2]]),
            write_csv("payments.csv", PAYMENTS),
        ],
    )
    assert report.counts["payments"]["inserted"] == len(PAYMENTS)
    with container.engine.connect() as connection:
        landed = connection.execute(
            text(
                "SELECT p.external_id, l.external_id FROM payments p "
                "JOIN loans l ON l.id = p.loan_id"
            )
        ).all()
    assert dict(landed) == {p["payment_id"]: p["loan_id"] for p in PAYMENTS}


def test_every_journal_entry_balances(container: Container, portfolio_files: list[Path]) -> None:
    """No entry in the database has debits different from credits."""
    run_import(container, portfolio_files)
    with container.engine.connect() as connection:
        unbalanced = connection.execute(
            text(
                "SELECT entry_id FROM ledger_lines GROUP BY entry_id HAVING SUM(amount_minor) <> 0"
            )
        ).all()
    assert unbalanced == []


def test_reimporting_the_same_files_changes_nothing(
    container: Container, portfolio_files: list[Path]
) -> None:
    """A second import of identical files inserts, updates and posts nothing."""
    run_import(container, portfolio_files)
    before = table_counts(container)
    again = run_import(container, portfolio_files)
    assert table_counts(container) == before
    assert all(
        t.get("inserted", 0) == 0 and t.get("updated", 0) == 0 for t in again.counts.values()
    )
    assert again.posting.entries == 0


def test_changed_and_new_rows_in_one_file_are_each_written_and_posted(
    container: Container, portfolio_files: list[Path], write_csv
) -> None:
    """A second import with one borrower and one loan changed and one of each new: the changed
    borrower's contact points follow the file, the new one gets its own, and both the changed
    loan (a new rate) and the new loan are posted to the reference's balances."""
    run_import(container, portfolio_files)
    borrowers = [dict(b) for b in BORROWERS]
    borrowers[0]["mobile_phone"] = "(617) 555-0199"
    borrowers.append({**borrowers[1], "borrower_id": "B4", "home_phone": "213-555-0144"})
    loans = [dict(loan) for loan in LOANS]
    loans[0]["annual_rate"] = "0.18"
    loans.append({**loans[0], "loan_id": "L4", "borrower_id": "B4", "principal": "900.00"})
    report = run_import(
        container, [write_csv("borrowers-2.csv", borrowers), write_csv("loans-2.csv", loans)]
    )
    for kind in ("borrowers", "loans"):
        counts = report.counts[kind]
        assert (counts["inserted"], counts["updated"], counts["unchanged"]) == (1, 1, 2)
    assert report.posting.loans == 2
    with container.engine.connect() as connection:
        phones = connection.execute(
            text(
                "SELECT b.external_id, c.value FROM contact_points c "
                "JOIN borrowers b ON b.id = c.borrower_id WHERE c.kind LIKE '%phone' "
                "AND c.status = 'active' AND b.external_id IN ('B1', 'B4')"
            )
        ).all()
    assert ("B1", "+16175550199") in phones
    assert ("B4", "+12135550144") in phones
    balances_now = _database_balances(container)
    assert balances_now == _reference_balances(container)
    assert balances_now["L4"]["principal"] > 0


def test_a_returned_payment_reported_later_is_reversed(
    container: Container, portfolio_files: list[Path], write_csv
) -> None:
    """A payment re-sent with status returned reverses its entry and re-derives later ones."""
    run_import(container, portfolio_files)
    changed = [dict(p) for p in PAYMENTS]
    target = next(p for p in changed if p["payment_id"] == "P1-3")
    target.update({"status": "returned", "returned_date": "2026-03-20", "return_reason": "R01"})
    report = run_import(container, [write_csv("payments-update.csv", changed)])
    assert report.counts["payments"]["updated"] == 1
    assert report.posting.entries > 0
    with container.engine.connect() as connection:
        reversals = (
            connection.execute(
                text(
                    "SELECT memo FROM ledger_entries WHERE kind = 'reversal' AND source LIKE 'payment:%'"
                )
            )
            .scalars()
            .all()
        )
    assert any("returned" in memo for memo in reversals)
    assert _database_balances(container) == _reference_balances(container)


def test_import_date_is_the_clock_date(container: Container, portfolio_files: list[Path]) -> None:
    """Charges post only for installments due by the business date of the injected clock."""
    run_import(container, portfolio_files)
    with container.engine.connect() as connection:
        latest = connection.execute(
            text("SELECT MAX(effective_date) FROM ledger_entries WHERE kind = 'charge'")
        ).scalar_one()
    latest_date = latest if isinstance(latest, date) else date.fromisoformat(str(latest))
    assert latest_date <= TODAY


@pytest.mark.parametrize("with_rejects", [False, True])
def test_the_audit_trail_records_the_import(
    container: Container, portfolio_files: list[Path], with_rejects: bool, tmp_path: Path
) -> None:
    """Every import leaves a chained audit entry."""
    rejects = tmp_path / "rejects.csv" if with_rejects else None
    run_import(container, portfolio_files, rejects=rejects)
    with container.uow() as uow:
        assert uow.audit.verify() == []
        actions = uow.connection.execute(select(schema.audit_log.c.action)).scalars().all()
    assert actions == ["portfolio.imported"]
