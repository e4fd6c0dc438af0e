"""Moving legal proceedings along, their costs and dates, and what a case looks like.

Each move follows the proceeding's state machine (``arrears.domain.legal.proceedings``; an
illegal move is refused). Sending the demand letter and filing ask the compliance gate again
(the account may have become time-barred, or a bankruptcy may have been filed, since the
referral). The demand letter goes through the outbox; filing renders the summons package cover
sheet; a judgment records its amount, date and interest rate. Each move starts its deadline
(``arrears.domain.legal.deadlines``) and keeps the legal hold in step with the case.

Costs: a recoverable cost is charged to the borrower (``assess_charge`` to the cost kind's
component, so the waterfall collects it); one that is not is the lender's own expense, posted
on the lender's side only (``post_lender_entry``: debit costs advanced, credit cash).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from arrears.domain.clock import Clock
from arrears.domain.legal.cases import Case, CourtDate, DateKind, Judgment, LegalCost, Proceeding
from arrears.domain.legal.deadlines import deadline_after
from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus, check_move
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.ledger.accounts import Account
from arrears.ledger.entries import EntryKind
from arrears.services.charges import assess_charge, post_lender_entry
from arrears.services.legal_documents import (
    DemandBlocked,
    DocumentRenderer,
    send_demand_letter,
    summons_cover_sheet,
)
from arrears.services.legal_referral import legal_bars, refuse, sync_hold
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.recovery_facts import account_facts
from arrears.services.recovery_settings import Actor, Recovery

P = ProceedingStatus
GATED = {P.DEMAND_SENT: "demand_letter", P.FILED: "legal_referral"}


def advance_proceeding(
    proceeding_id: int, to: ProceedingStatus, *, actor: Actor,
    uow_factory: Callable[[], OutboxUnitOfWork], clock: Clock, recovery: Recovery,
    documents: DocumentRenderer | None = None, on: date | None = None, note: str = "",
    judgment: Judgment | None = None, creditor: str = "",
) -> Proceeding:  # fmt: skip
    """Move a proceeding to ``to`` on ``on`` (default today; never in the future)."""
    today = clock.today()
    day = on or today
    if day > today:
        raise RuleViolation("a proceeding cannot move on a future date", rule="legal.date")
    with uow_factory() as uow:
        proceeding = _proceeding(uow, proceeding_id)
        check_move(proceeding.kind, proceeding.status, to)
        _require_facts(uow, proceeding, to, judgment)
        case = uow.legal.case(proceeding.case_id)
        assert case is not None
        assert case.id is not None
        if to in GATED:
            _gated_step(uow, case, proceeding, to, day=day, actor=actor, clock=clock,
                        recovery=recovery, documents=documents, creditor=creditor)  # fmt: skip
        moved = uow.legal.move(
            proceeding_id, from_status=proceeding.status, to=to, on=day, actor=actor.name,
            note=note, at=clock.now(), judgment=judgment,
        )  # fmt: skip
        if not moved:
            raise ConflictError(f"proceeding {proceeding_id} changed meanwhile; look again")
        deadline = deadline_after(to, on=day, policy=recovery.policies.legal)
        if deadline is not None:
            kind, due = deadline
            court_date = CourtDate(proceeding_id, kind, due, f"after {to.value} on {day}")
            uow.legal.add_date(court_date, at=clock.now())
        sync_hold(uow, case.id, actor=actor, clock=clock, recovery=recovery)
        details = {
            "case_id": case.id, "proceeding_id": proceeding_id, "kind": proceeding.kind.value,
            "from": proceeding.status.value, "on": day.isoformat(), "note": note,
            "judgment_minor": judgment.amount_minor if judgment else None,
        }  # fmt: skip
        uow.audit.record(
            at=clock.now(), actor=actor.name, action=f"legal.{to.value}", entity_type="loan",
            entity_id=str(case.loan_id), details=details,
        )  # fmt: skip
        uow.commit()
        return _proceeding(uow, proceeding_id)


def _gated_step(
    uow: OutboxUnitOfWork, case: Case, proceeding: Proceeding, to: ProceedingStatus, *,
    day: date, actor: Actor, clock: Clock, recovery: Recovery,
    documents: DocumentRenderer | None, creditor: str,
) -> None:  # fmt: skip
    """Ask the gate again; send the demand letter or render the summons cover sheet."""
    facts = account_facts(uow, case.loan_id, as_of=clock.today(), policy=recovery.waterfall)
    bars = legal_bars(uow, facts, template=GATED[to], actor=actor, at=clock.now(),
                      recovery=recovery)  # fmt: skip
    refuse(uow, bars, what=to.value.replace("_", " "))
    if to is P.DEMAND_SENT:
        try:
            send_demand_letter(uow, proceeding, facts, on=day, policy=recovery.policies.legal,
                               recovery=recovery, at=clock.now())  # fmt: skip
        except DemandBlocked:
            uow.commit()  # the blocked letter is kept with its reasons
            raise
    elif documents is not None:
        summons_cover_sheet(uow, case, proceeding, facts, renderer=documents,
                            creditor=creditor, on=day, at=clock.now())  # fmt: skip


def open_proceeding(
    case_id: int, kind: ProceedingKind, *, actor: Actor, uow_factory: Callable[[], UnitOfWork],
    clock: Clock, recovery: Recovery,
) -> int:  # fmt: skip
    """Add a proceeding to an open case: enforcement (garnishment, lien, levy) needs a judgment
    on the case first."""
    with uow_factory() as uow:
        case = uow.legal.case(case_id)
        if case is None:
            raise NotFoundError(f"no legal case {case_id}")
        proceedings = uow.legal.proceedings_of(case_id)
        if kind.enforces_judgment and not any(p.judgment for p in proceedings):
            raise RuleViolation(f"a {kind.value} enforces a judgment: the case has none yet",
                                rule="legal.no_judgment")  # fmt: skip
        proceeding_id = uow.legal.add_proceeding(
            Proceeding(case_id=case_id, kind=kind, status=P.REFERRED, opened_on=clock.today()),
            actor=actor.name, at=clock.now(),
        )  # fmt: skip
        if case.status.value == "closed":
            uow.legal.update_case(case_id, at=clock.now(), status="open")
        sync_hold(uow, case_id, actor=actor, clock=clock, recovery=recovery)
        uow.audit.record(
            at=clock.now(), actor=actor.name, action="legal.proceeding_opened", entity_type="loan",
            entity_id=str(case.loan_id),
            details={"case_id": case_id, "proceeding_id": proceeding_id, "kind": kind.value},
        )  # fmt: skip
        uow.commit()
    return proceeding_id


def record_cost(
    proceeding_id: int, *, kind: str, amount_minor: int, incurred_on: date, actor: Actor,
    uow_factory: Callable[[], UnitOfWork], clock: Clock, recovery: Recovery,
    recoverable: bool | None = None, memo: str = "",
) -> LegalCost:  # fmt: skip
    """Record a legal cost and post it (recoverable: a charge; not: a lender-side entry)."""
    kinds = recovery.policies.legal.costs
    if kind not in kinds:
        raise RuleViolation(f"unknown cost kind {kind!r}; one of {', '.join(sorted(kinds))}",
                            rule="legal.cost_kind")  # fmt: skip
    if amount_minor <= 0:
        raise RuleViolation("a cost is a positive amount", rule="legal.cost_amount")
    today = clock.today()
    if incurred_on > today:
        raise RuleViolation("a cost cannot be incurred in the future", rule="legal.date")
    cost_kind = kinds[kind]
    chargeable = cost_kind.recoverable if recoverable is None else recoverable
    with uow_factory() as uow:
        proceeding = _proceeding(uow, proceeding_id)
        case = uow.legal.case(proceeding.case_id)
        assert case is not None
        profile = uow.gate.loan_profile(case.loan_id)
        assert profile is not None
        number = len(uow.legal.costs_of([proceeding_id])) + 1
        key = f"legal:{proceeding_id}:{number}"
        reason = f"legal {kind.replace('_', ' ')}" + (f": {memo}" if memo else "")
        if chargeable:
            charge_id = assess_charge(
                uow, loan_id=case.loan_id, component=cost_kind.component,
                amount_minor=amount_minor, assessed_on=incurred_on, reason=reason, key=key,
                actor=actor.name, at=clock.now(), as_of=today, policy=recovery.waterfall,
            )  # fmt: skip
            posted_as = f"charge:{charge_id}"
        else:
            post_lender_entry(
                uow, loan_id=case.loan_id, kind=EntryKind.ADJUSTMENT,
                lines={Account.COSTS_ADVANCED: amount_minor, Account.CASH: -amount_minor},
                effective_date=incurred_on, memo=f"{reason} (not recoverable)", key=key,
                actor=actor.name, at=clock.now(), currency=profile.currency,
            )  # fmt: skip
            posted_as = f"lender:{key}"
        cost = LegalCost(proceeding_id, kind, amount_minor, incurred_on, chargeable, memo)
        cost_id = uow.legal.add_cost(cost, posted_as=posted_as, actor=actor.name, at=clock.now())
        uow.commit()
    return LegalCost(proceeding_id, kind, amount_minor, incurred_on, chargeable, memo, cost_id)


def add_court_date(
    proceeding_id: int, *, kind: DateKind, on: date, note: str,
    uow_factory: Callable[[], UnitOfWork], clock: Clock, actor: Actor,
) -> int:  # fmt: skip
    with uow_factory() as uow:
        proceeding = _proceeding(uow, proceeding_id)
        date_id = uow.legal.add_date(CourtDate(proceeding_id, kind, on, note), at=clock.now())
        uow.audit.record(
            at=clock.now(), actor=actor.name, action="legal.date", entity_type="legal_case",
            entity_id=str(proceeding.case_id),
            details={"proceeding_id": proceeding_id, "kind": kind.value, "on": on.isoformat()},
        )  # fmt: skip
        uow.commit()
    return date_id


def case_view(case_id: int, *, uow_factory: Callable[[], UnitOfWork]) -> dict[str, Any]:
    """A case with its proceedings (and their history), costs, dates, documents and the
    cost/benefit view it was referred with — what the web app shows."""
    with uow_factory() as uow:
        case = uow.legal.case(case_id)
        if case is None:
            raise NotFoundError(f"no legal case {case_id}")
        proceedings = uow.legal.proceedings_of(case_id)
        ids = [p.id for p in proceedings if p.id is not None]
        return {
            "case": case,
            "details": uow.legal.case_details(case_id),
            "proceedings": [(p, uow.legal.events(p.id or 0)) for p in proceedings],
            "costs": uow.legal.costs_of(ids),
            "dates": uow.legal.dates_of(ids),
            "documents": uow.legal.documents_of(ids),
        }


def _require_facts(
    uow: UnitOfWork, proceeding: Proceeding, to: ProceedingStatus, judgment: Judgment | None
) -> None:
    if judgment is not None and to is not P.JUDGMENT:
        raise RuleViolation("a judgment is recorded when the proceeding reaches judgment",
                            rule="legal.judgment")  # fmt: skip
    if to is P.JUDGMENT and judgment is None:
        raise RuleViolation("a judgment needs its amount and date", rule="legal.judgment")
    enforcing = to is P.FILED and proceeding.kind.enforces_judgment
    if enforcing and not any(p.judgment for p in uow.legal.proceedings_of(proceeding.case_id)):
        raise RuleViolation("no judgment to enforce on this case", rule="legal.no_judgment")


def _proceeding(uow: UnitOfWork, proceeding_id: int) -> Proceeding:
    found = uow.legal.proceeding(proceeding_id)
    if found is None:
        raise NotFoundError(f"no legal proceeding {proceeding_id}")
    return found
