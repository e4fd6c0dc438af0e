"""Promises and plans on a real database, judged by really imported payments."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears.bootstrap import Container
from arrears.domain.clock import FixedClock
from arrears.domain.plans import PlanShape, PlanStatus
from arrears.domain.promises import PromiseStatus
from arrears.errors import ConflictError, RuleViolation
from arrears.services.cycle import CycleSettings, run_cycle
from arrears.services.plans import PlanRequest, cancel_plan, create_plan, show_plans
from arrears.services.promises import PromiseRequest, add_promise, promises_of
from integration.conftest import WriteCsv
from support.db import run_import
from support.portfolio import TODAY


@pytest.fixture
def imported(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    return container


def pay(container: Container, write_csv: WriteCsv, name: str, rows: list[dict[str, str]]) -> None:
    """Import payments for L1 through the real import path."""
    run_import(container, [write_csv(name, [{"loan_id": "L1", **row} for row in rows])])


def cycle(container: Container, as_of: date) -> None:
    settings = CycleSettings(buckets=container.buckets, policy=container.policy)
    run_cycle(as_of=as_of, uow_factory=container.uow, clock=container.clock, settings=settings)


def statuses(container: Container, table: str) -> list[str]:
    with container.engine.connect() as connection:
        return list(connection.execute(text(f"SELECT status FROM {table} ORDER BY id")).scalars())


def test_a_promise_is_kept_by_an_imported_payment(imported: Container, write_csv: WriteCsv) -> None:
    """Paid on time (less than the $1 tolerance short): kept, recorded by the cycle."""
    add_promise(
        PromiseRequest(loan="L1", amounts=[(TODAY - timedelta(days=3), "100.00")],
                       made_by="agent7", made_on=TODAY - timedelta(days=6)),
        uow_factory=imported.uow, clock=imported.clock,
    )  # fmt: skip
    pay(imported, write_csv, "payments-kept.csv", [{"payment_id": "PK-1", "amount": "99.50",
                                         "effective_date": (TODAY - timedelta(days=4)).isoformat()}])  # fmt: skip
    [(record, result)] = promises_of("L1", uow_factory=imported.uow, clock=imported.clock)
    assert result.status is PromiseStatus.KEPT
    cycle(imported, TODAY)
    assert statuses(imported, "promises") == ["kept"]
    cycle(imported, TODAY)  # a completed date again changes nothing
    assert statuses(imported, "promises") == ["kept"]
    assert record.promise.total.minor == 10_000


def test_a_promise_without_payment_is_broken_after_the_grace_days(imported: Container) -> None:
    """Due 4 days ago, 3 days' grace, nothing paid: broken; the audit trail says when."""
    add_promise(
        PromiseRequest(loan="L1", amounts=[(TODAY - timedelta(days=4), "50.00"),
                                           (TODAY + timedelta(days=10), "50.00")],
                       made_by="agent7", made_on=TODAY - timedelta(days=9)),
        uow_factory=imported.uow, clock=imported.clock,
    )  # fmt: skip
    cycle(imported, TODAY)
    assert statuses(imported, "promises") == ["broken"]
    with imported.engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_log")).scalars().all()
    assert "promise.made" in actions
    assert "promise.broken" in actions


def test_a_returned_payment_does_not_keep_a_promise(
    imported: Container, write_csv: WriteCsv
) -> None:
    add_promise(
        PromiseRequest(loan="L1", amounts=[(TODAY - timedelta(days=5), "100.00")],
                       made_by="agent7", made_on=TODAY - timedelta(days=8)),
        uow_factory=imported.uow, clock=imported.clock,
    )  # fmt: skip
    pay(imported, write_csv, "payments-returned.csv", [{"payment_id": "PR-1", "amount": "100.00",
        "effective_date": (TODAY - timedelta(days=6)).isoformat(), "status": "returned",
        "returned_date": (TODAY - timedelta(days=2)).isoformat(), "return_reason": "R01"}])  # fmt: skip
    [(_, result)] = promises_of("L1", uow_factory=imported.uow, clock=imported.clock)
    assert result.status is PromiseStatus.BROKEN


def test_a_bad_promise_is_refused(imported: Container) -> None:
    with pytest.raises(RuleViolation):
        add_promise(
            PromiseRequest(loan="L1", amounts=[(TODAY, "-5")], made_by="agent7"),
            uow_factory=imported.uow, clock=imported.clock,
        )  # fmt: skip
    assert statuses(imported, "promises") == []


def plan(container: Container, **changes: object) -> int:
    request = PlanRequest(loan="L1", amount="300.00", periods=3,
                          first_due_on=TODAY + timedelta(days=1), created_by="agent7")  # fmt: skip
    return create_plan(
        PlanRequest(**{**request.__dict__, **changes}),  # type: ignore[arg-type]
        uow_factory=container.uow,
        clock=container.clock,
    )


def test_a_plan_defaults_after_the_allowed_misses(imported: Container) -> None:
    """Two installments missed (max_misses=2): defaulted by the cycle, audited."""
    plan(imported)
    assert isinstance(imported.clock, FixedClock)
    imported.clock.set(imported.clock.now() + timedelta(days=40))
    later = imported.clock.today()
    cycle(imported, later)
    assert statuses(imported, "plans") == ["defaulted"]
    [(_, result)] = show_plans("L1", uow_factory=imported.uow, clock=imported.clock)
    assert result.misses == 2
    with imported.engine.connect() as connection:
        actions = connection.execute(text("SELECT action FROM audit_log")).scalars().all()
    assert "plan.created" in actions
    assert "plan.defaulted" in actions


def test_a_plan_paid_in_full_is_completed(imported: Container, write_csv: WriteCsv) -> None:
    plan(imported, shape=PlanShape.GRADUATED, step_bp=2_000)
    pay(imported, write_csv, "payments-plan.csv", [{"payment_id": "PC-1", "amount": "300.00",
                                         "effective_date": TODAY.isoformat()}])  # fmt: skip
    [(record, result)] = show_plans("L1", uow_factory=imported.uow, clock=imported.clock)
    assert [i.amount.minor for i in record.installments] == [8_333, 10_000, 11_667]
    assert result.status is PlanStatus.COMPLETED


def test_one_active_plan_per_loan_and_cancelling_returns_to_the_strategy(
    imported: Container,
) -> None:
    plan_id = plan(imported)
    with pytest.raises(ConflictError):
        plan(imported)
    cycle(imported, TODAY)
    with imported.engine.connect() as connection:
        segment = connection.execute(
            text("SELECT segment FROM decisions d JOIN loans l ON l.id = d.loan_id "
                 "WHERE l.external_id = 'L1'")
        ).scalar_one()  # fmt: skip
    assert segment == "active_plan"
    cancel_plan(plan_id, by="agent7", reason="borrower asked", uow_factory=imported.uow,
                clock=imported.clock)  # fmt: skip
    assert statuses(imported, "plans") == ["cancelled"]
    with pytest.raises(ConflictError):
        cancel_plan(plan_id, by="agent7", reason="again", uow_factory=imported.uow,
                    clock=imported.clock)  # fmt: skip
