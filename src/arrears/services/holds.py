"""Placing and ending holds: who, why, from when — every change in the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from arrears.domain.clock import Clock
from arrears.domain.holds import BANKRUPTCY_CHAPTERS, Hold, HoldKind
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.ports import UnitOfWork


@dataclass(frozen=True)
class HoldRequest:
    kind: HoldKind
    reason: str
    set_by: str
    starts_on: date | None = None  # default today; may be in the past (backdated)
    ends_on: date | None = None
    loan: str | None = None  # external ids: exactly one of loan / borrower
    borrower: str | None = None
    chapter: str | None = None  # bankruptcy chapter
    case_number: str | None = None


def place_hold(request: HoldRequest, *, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> int:
    """Record a hold; returns its id. Bankruptcy needs its chapter (11 U.S.C. 362 stay)."""
    if (request.loan is None) == (request.borrower is None):
        raise RuleViolation("name either a loan or a borrower", rule="hold.target")
    if not request.reason.strip():
        raise RuleViolation("a hold needs a reason", rule="hold.reason")
    details: dict[str, str] = {}
    if request.kind is HoldKind.BANKRUPTCY:
        if request.chapter not in BANKRUPTCY_CHAPTERS:
            raise RuleViolation(
                "a bankruptcy hold needs its chapter (7, 11, 12 or 13)", rule="hold.bankruptcy"
            )
        details["chapter"] = request.chapter
    if request.case_number:
        details["case_number"] = request.case_number
    starts_on = request.starts_on or clock.today()
    with uow_factory() as uow:
        loan_id = borrower_id = None
        if request.loan is not None:
            loan_id = uow.accounts.loan_id(request.loan)
            if loan_id is None:
                raise NotFoundError(f"no loan {request.loan!r}")
        else:
            assert request.borrower is not None
            borrower_id = uow.accounts.borrower_id(request.borrower)
            if borrower_id is None:
                raise NotFoundError(f"no borrower {request.borrower!r}")
        try:
            hold = Hold(
                kind=request.kind,
                starts_on=starts_on,
                ends_on=request.ends_on,
                set_by=request.set_by,
                reason=request.reason.strip(),
                loan_id=loan_id,
                borrower_id=borrower_id,
                details=details,
            )
        except ValueError as error:
            raise RuleViolation(str(error), rule="hold.dates") from None
        hold_id = uow.holds.add(hold, created_at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=request.set_by,
            action="hold.placed",
            entity_type="loan" if loan_id else "borrower",
            entity_id=str(loan_id or borrower_id),
            details={
                "hold_id": hold_id,
                "kind": request.kind.value,
                "starts_on": starts_on.isoformat(),
                "ends_on": request.ends_on.isoformat() if request.ends_on else None,
                "reason": hold.reason,
                **details,
            },
        )
        uow.commit()
    return hold_id


def end_hold(
    hold_id: int,
    *,
    ends_on: date | None,
    by: str,
    reason: str,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> Hold:
    """End a hold on ``ends_on`` (default today; may be backdated, not before it started)."""
    with uow_factory() as uow:
        hold = uow.holds.get(hold_id)
        if hold is None:
            raise NotFoundError(f"no hold {hold_id}")
        if hold.ends_on is not None and hold.ends_on <= clock.today():
            raise ConflictError(f"hold {hold_id} already ended on {hold.ends_on}")
        last_day = ends_on or clock.today()
        if last_day < hold.starts_on:
            raise RuleViolation("a hold cannot end before it starts", rule="hold.dates")
        uow.holds.end(hold_id, ends_on=last_day, ended_by=by, ended_at=clock.now())
        uow.audit.record(
            at=clock.now(),
            actor=by,
            action="hold.ended",
            entity_type="loan" if hold.loan_id else "borrower",
            entity_id=str(hold.loan_id or hold.borrower_id),
            details={"hold_id": hold_id, "ends_on": last_day.isoformat(), "reason": reason},
        )
        uow.commit()
        return hold
