"""Running a collateral step for a person (CLI, web): one transaction, refusals on record.

The step runs in its own unit of work and commits only if it succeeds. When a rule refuses it
nothing it did is kept, and the refusal — the action, the rule, its source and the reason — is
written to the audit trail in a transaction of its own (DESIGN §5: a blocked action is stored
with its reason, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from arrears.domain.clock import Clock
from arrears.errors import NotFoundError, RuleViolation
from arrears.services.ports import OutboxUnitOfWork
from arrears.services.repossession_cases import KIND

T = TypeVar("T")
Work = Callable[[OutboxUnitOfWork, int], T]


def on_loan(
    loan: str,
    work: Work[T],
    *,
    action: str,
    actor: str,
    uow_factory: Callable[[], OutboxUnitOfWork],
    clock: Clock,
) -> T:
    """Run ``work(uow, loan_id)`` for the lender's loan id ``loan``."""
    try:
        with uow_factory() as uow:
            loan_id = uow.accounts.loan_id(loan)
            if loan_id is None:
                raise NotFoundError(f"no loan {loan!r}")
            result = work(uow, loan_id)
            uow.commit()
            return result
    except RuleViolation as refused:
        _record_refusal(
            loan, refused, action=action, actor=actor, uow_factory=uow_factory, clock=clock
        )
        raise


def on_case(
    loan: str,
    work: Work[T],
    *,
    action: str,
    actor: str,
    uow_factory: Callable[[], OutboxUnitOfWork],
    clock: Clock,
    kind: str = KIND,
) -> T:
    """Run ``work(uow, case_id)`` on the loan's open case (repossession by default)."""

    def on_open_case(uow: OutboxUnitOfWork, loan_id: int) -> T:
        return work(uow, open_case_id(uow, loan_id, kind=kind))

    return on_loan(
        loan, on_open_case, action=action, actor=actor, uow_factory=uow_factory, clock=clock
    )


def open_case_id(uow: OutboxUnitOfWork, loan_id: int, *, kind: str = KIND) -> int:
    cases = [c for c in uow.collateral.cases_of_loan(loan_id) if c.kind == kind]
    open_cases = [c for c in cases if c.closed_on is None]
    if not open_cases:
        raise NotFoundError(f"loan {loan_id} has no open {kind} case")
    return open_cases[-1].id


def _record_refusal(
    loan: str,
    refused: RuleViolation,
    *,
    action: str,
    actor: str,
    uow_factory: Callable[[], OutboxUnitOfWork],
    clock: Clock,
) -> None:
    with uow_factory() as uow:
        uow.audit.record(
            at=clock.now(),
            actor=actor,
            action="collateral.refused",
            entity_type="loan",
            entity_id=loan,
            details={
                "action": action,
                "rule": refused.rule,
                "source": refused.source,
                "reason": str(refused),
            },
        )
        uow.commit()
