"""Loading a repossession case, taking a step, and clearing a step with the compliance gate.

A case's state is always its steps replayed (``domain.repossession.machine``): ``take_step``
checks the step against that state, appends it, keeps the case row's stage in step and writes
the audit trail, all inside the caller's transaction. ``clear`` asks the compliance gate
(holds such as a bankruptcy stay or SCRA protection, every rule of the packs) before a step
that acts on the borrower or the vehicle, and refuses the step with every blocking rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from arrears.compliance.model import Proposal, Stage
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory, blocking_holds
from arrears.domain.repossession.case import CaseHeader, CaseState, Step
from arrears.domain.repossession.machine import apply, replay
from arrears.domain.repossession.stages import TERMINAL, Event
from arrears.domain.repossession.state_rules import RuleBook, default_rule_book
from arrears.domain.repossession.timers import due
from arrears.errors import NotFoundError, RuleViolation
from arrears.services.compliance import check_contact
from arrears.services.ports import CaseRecord, UnitOfWork

KIND = "repossession"


@dataclass(frozen=True)
class LoadedCase:
    record: CaseRecord
    state: CaseState
    loan: dict[str, Any]

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def loan_id(self) -> int:
        return self.record.loan_id


def header_of(record: CaseRecord, rules: RuleBook | None = None) -> CaseHeader:
    book = rules or default_rule_book()
    return CaseHeader(
        loan_id=record.loan_id,
        collateral_id=record.collateral_id,
        opened_on=record.opened_on,
        rules=book.for_state(record.state),
        consumer_goods=record.consumer_goods,
        id=record.id,
    )


def load_case(uow: UnitOfWork, case_id: int) -> LoadedCase:
    record = uow.collateral.case(case_id)
    if record is None or record.kind != KIND:
        raise NotFoundError(f"no repossession case {case_id}")
    steps = [Step(Event(s.event), s.effective_on, s.details) for s in uow.collateral.steps(case_id)]
    loan = uow.collateral.loan_terms(record.loan_id)
    assert loan is not None
    return LoadedCase(record, replay(header_of(record), steps), loan)


def take_step(
    uow: UnitOfWork,
    case: LoadedCase,
    step: Step,
    *,
    actor: str,
    at: datetime,
    key: str | None = None,
) -> LoadedCase:
    """Check and record ``step``; returns the case after it (unchanged when ``key`` was
    already recorded). Raises ``RuleViolation`` when the machine refuses the step."""
    after = apply(case.state, step)
    details = dict(step.details)
    seq = uow.collateral.add_step(
        case.id, event=step.event.value, on=step.on, details=details, key=key, actor=actor, at=at
    )
    if seq is None:
        return case
    if after.stage is not case.state.stage:
        closed_on = step.on if after.stage in TERMINAL else None
        uow.collateral.set_stage(case.id, stage=after.stage.value, closed_on=closed_on, at=at)
    uow.audit.record(
        at=at,
        actor=actor,
        action=f"repossession.{step.event.value}",
        entity_type="loan",
        entity_id=str(case.loan_id),
        details={
            "case_id": case.id,
            "on": step.on.isoformat(),
            "stage": after.stage.value,
            **details,
        },
    )
    record = uow.collateral.case(case.id)
    assert record is not None
    return LoadedCase(record, after, case.loan)


def not_after_today(on: date, *, as_of: date) -> None:
    """A step records what happened: it cannot be dated after the business date."""
    if on > as_of:
        raise RuleViolation(
            f"{on} is after today ({as_of})",
            rule="repossession.dates",
            source="arrears repossession state machine (docs/collateral.md)",
        )


def catch_up(uow: UnitOfWork, case: LoadedCase, *, on: date, at: datetime) -> LoadedCase:
    """Take the automatic steps the case's clocks made due by ``on`` (the end of a cure
    period), so a person's step on a later day finds the case where the law has it."""
    for item in due(case.state, as_of=on):
        if item.event is Event.END_CURE_PERIOD:
            step = Step(item.event, item.on, {"reason": item.reason})
            case = take_step(uow, case, step, actor="timer", at=at, key=item.key)
    return case


def clear(
    uow: UnitOfWork,
    case: LoadedCase,
    *,
    action: str,
    on: date,
    at: datetime,
    actor: str,
    category: ActionCategory = ActionCategory.REPOSSESSION,
) -> None:
    """Refuse ``action`` on the case when a hold in force on ``on`` or any rule of the gate
    at ``at`` blocks it; the gate's decision is recorded either way."""
    holds = blocking_holds(uow.holds.for_loan(case.loan_id), category, on)
    proposal = Proposal(
        loan_id=case.loan_id,
        channel=Channel.LETTER,
        category=category,
        template=action,
        reference=f"collateral_case:{case.id}:{action}",
    )
    decision = check_contact(uow, proposal, at=at, stage=Stage.CHECK, actor=actor)
    reasons = [f"{b.hold.kind.value} hold #{b.hold.id}: {b.reason} [{b.source}]" for b in holds]
    reasons += [str(hit) for hit in decision.blocked_by]
    if reasons:
        rules = [f"hold.{b.hold.kind.value}" for b in holds] + list(decision.rule_ids)
        sources = [b.source for b in holds] + [hit.source for hit in decision.blocked_by]
        raise RuleViolation(
            f"{action} refused: " + "; ".join(dict.fromkeys(reasons)),
            rule=", ".join(dict.fromkeys(rules)),
            source="; ".join(dict.fromkeys(sources)),
        )
