"""Credits, charges and lender-side entries on a real database: what they do to the ledger,
to what is owed and to delinquency."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.components import Component
from arrears.domain.credits import CreditKind
from arrears.errors import ConflictError, RuleViolation
from arrears.ledger.accounts import Account
from arrears.ledger.entries import EntryKind
from arrears.services.charges import assess_charge, post_lender_entry
from arrears.services.credits import record_credit
from arrears.services.status import portfolio_status
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def loan_id(container: Container, external: str) -> int:
    with container.uow() as uow:
        found = uow.accounts.loan_id(external)
    assert found is not None
    return found


def balance(container: Container, loan: int) -> int:
    with container.uow() as uow:
        return int(uow.reads.balances([loan], as_of=TODAY).get_column("balance_minor").sum())


def unbalanced_entries(container: Container) -> list[object]:
    with container.engine.connect() as connection:
        return connection.execute(
            text(
                "SELECT entry_id FROM ledger_lines GROUP BY entry_id HAVING SUM(amount_minor) <> 0"
            )
        ).all()


def test_a_waiver_of_the_arrears_cures_the_account(imported: Container) -> None:
    """L1 is 104 days late with 4 installments (426.48) unpaid: waiving them leaves it current,
    the balance falls by the waiver and the waiver is booked against 'waived', not cash."""
    loan = loan_id(imported, "L1")
    before = balance(imported, loan)
    with imported.uow() as uow:
        record_credit(
            uow, loan_id=loan, kind=CreditKind.WAIVER, amount_minor=4 * 10662,
            effective_date=TODAY, reason="hardship settlement", key="waiver-L1-1",
            actor="supervisor", at=imported.clock.now(), as_of=TODAY,
        )  # fmt: skip
        uow.commit()
    assert balance(imported, loan) == before - 4 * 10662
    with imported.engine.connect() as connection:
        waived = connection.execute(
            text(
                "SELECT SUM(amount_minor) FROM ledger_lines WHERE loan_id = :l AND account = 'waived'"
            ),
            {"l": loan},
        ).scalar_one()
    assert waived == 4 * 10662
    status = portfolio_status(
        imported.uow, as_of=TODAY, today=TODAY, buckets=imported.buckets,
        policy=imported.policy, partition=100,
    )  # fmt: skip
    assert {r.segment: r.accounts for r in status.rows}["90-119"] == 0
    assert unbalanced_entries(imported) == []


def test_the_same_credit_twice_is_one_credit_and_other_facts_conflict(imported: Container) -> None:
    loan = loan_id(imported, "L1")
    kwargs = {
        "loan_id": loan, "kind": CreditKind.PAYMENT, "amount_minor": 5000, "effective_date": TODAY,
        "reason": "phone payment", "key": "pay-1", "actor": "agent", "at": imported.clock.now(), "as_of": TODAY,
    }  # fmt: skip
    with imported.uow() as uow:
        first = record_credit(uow, **kwargs)  # type: ignore[arg-type]
        again = record_credit(uow, **kwargs)  # type: ignore[arg-type]
        assert first == again
        with pytest.raises(ConflictError):
            record_credit(uow, **{**kwargs, "amount_minor": 6000})  # type: ignore[arg-type]


def test_a_write_off_cannot_exceed_what_is_owed(imported: Container) -> None:
    loan = loan_id(imported, "L1")
    owed = balance(imported, loan)
    with imported.uow() as uow, pytest.raises(RuleViolation, match="exceeds"):
        record_credit(
            uow, loan_id=loan, kind=CreditKind.WRITE_OFF, amount_minor=owed + 1,
            effective_date=TODAY, reason="too much", key="wo", actor="manager",
            at=imported.clock.now(), as_of=TODAY,
        )  # fmt: skip


def test_a_cost_is_owed_and_paid_first_on_its_date(imported: Container) -> None:
    """A 150.00 court cost assessed today raises the balance by 150.00; a payment the same day
    pays it before the installments due that day (costs → fees → interest → principal)."""
    loan = loan_id(imported, "L1")
    before = balance(imported, loan)
    with imported.uow() as uow:
        assess_charge(
            uow, loan_id=loan, component=Component.COSTS, amount_minor=15000,
            assessed_on=TODAY - timedelta(days=1), reason="filing fee", key="court-1",
            actor="legal", at=imported.clock.now(), as_of=TODAY,
        )  # fmt: skip
        uow.commit()
    assert balance(imported, loan) == before + 15000
    with imported.engine.connect() as connection:
        costs = connection.execute(
            text(
                "SELECT SUM(amount_minor) FROM ledger_lines WHERE loan_id = :l AND account = 'costs'"
            ),
            {"l": loan},
        ).scalar_one()
    assert costs == 15000
    assert unbalanced_entries(imported) == []


def test_a_lender_side_entry_leaves_what_is_owed_alone(imported: Container) -> None:
    """An agency's 25% commission on a 100.00 remittance: expense and cash, nothing owed moves."""
    loan = loan_id(imported, "L1")
    before = balance(imported, loan)
    with imported.uow() as uow:
        posted = post_lender_entry(
            uow, loan_id=loan, kind=EntryKind.COMMISSION,
            lines={Account.AGENCY_COMMISSION: 2500, Account.CASH: -2500},
            effective_date=TODAY, memo="agency commission 25%", key="comm-1", actor="agency",
            at=imported.clock.now(),
        )  # fmt: skip
        again = post_lender_entry(
            uow, loan_id=loan, kind=EntryKind.COMMISSION,
            lines={Account.AGENCY_COMMISSION: 2500, Account.CASH: -2500},
            effective_date=TODAY, memo="agency commission 25%", key="comm-1", actor="agency",
            at=imported.clock.now(),
        )  # fmt: skip
        with pytest.raises(RuleViolation, match="cannot change receivables"):
            post_lender_entry(
                uow, loan_id=loan, kind=EntryKind.ADJUSTMENT,
                lines={Account.PRINCIPAL: -100, Account.CASH: 100}, effective_date=TODAY,
                memo="no", key="bad", actor="x", at=imported.clock.now(),
            )  # fmt: skip
        uow.commit()
    assert (posted, again) == (True, False)
    assert balance(imported, loan) == before
