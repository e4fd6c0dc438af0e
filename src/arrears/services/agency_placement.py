"""Agencies and placements: add an agency, place accounts (by rule or by hand), recall them.

Placing an account asks the compliance gate about an ``agency`` action (a dispute, bankruptcy,
deceased, hardship, legal or complaint hold forbids it, each with its rule) and refuses an
account already with an agency: an account is with at most one at a time. The first placement
goes to tier 1 and each re-placement after a recall to the next tier, up to the policy's last;
within a tier the champion/challenger split picks the arm (``arrears.domain.agencies
.assignment``). The commission rate is fixed at placement from the agency's schedule for the
debt's age. A placement notice is queued to the borrower through the outbox when messaging is
configured; a blocked notice is kept with its reasons and does not stop the placement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from arrears.compliance.model import Proposal, Stage
from arrears.domain.agencies.assignment import AgencyLoad, choose_agency
from arrears.domain.agencies.model import Agency, Placement, PlacementStatus
from arrears.domain.clock import Clock
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.compliance import check_contact
from arrears.services.outbox import MessageRequest, enqueue_message
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.recovery_common import loan_id_for
from arrears.services.recovery_facts import account_facts
from arrears.services.recovery_settings import Actor, Recovery

NOTICE = "agency_placement_notice"


def add_agency(agency: Agency, *, actor: Actor, uow_factory: Callable[[], UnitOfWork],
               clock: Clock) -> int:  # fmt: skip
    with uow_factory() as uow:
        if uow.agencies.agency(agency.code) is not None:
            raise ConflictError(f"agency {agency.code!r} already exists")
        agency_id = uow.agencies.add_agency(agency, at=clock.now())
        uow.audit.record(
            at=clock.now(), actor=actor.name, action="agency.added", entity_type="agency",
            entity_id=str(agency_id),
            details={"code": agency.code, "tier": agency.tier, "capacity": agency.capacity,
                     "states": sorted(agency.states), "challenger": agency.challenger},
        )  # fmt: skip
        uow.commit()
    return agency_id


def place_account(
    ref: str, *, actor: Actor, uow_factory: Callable[[], OutboxUnitOfWork], clock: Clock,
    recovery: Recovery, agency_code: str | None = None, review_action_id: int | None = None,
) -> Placement:  # fmt: skip
    """Place one account, with the named agency or the one the rule picks."""
    with uow_factory() as uow:
        placement = place(uow, loan_id_for(uow, ref), actor=actor, clock=clock,
                          recovery=recovery, agency_code=agency_code,
                          review_action_id=review_action_id)  # fmt: skip
        uow.commit()
    return placement


@dataclass
class PlacementReport:
    placed: list[Placement] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


def place_by_rule(
    refs: list[str], *, actor: Actor, uow_factory: Callable[[], OutboxUnitOfWork], clock: Clock,
    recovery: Recovery,
) -> PlacementReport:  # fmt: skip
    """Place each account of ``refs`` that the policy allows (one transaction per account);
    the others are counted by why they were skipped."""
    report = PlacementReport()
    for ref in refs:
        try:
            with uow_factory() as uow:
                report.placed.append(place(uow, loan_id_for(uow, ref), actor=actor, clock=clock,
                                           recovery=recovery, by_rule=True))  # fmt: skip
                uow.commit()
        except (RuleViolation, ConflictError) as refused:
            why = getattr(refused, "rule", "") or type(refused).__name__
            report.skipped[why] = report.skipped.get(why, 0) + 1
    return report


def place(
    uow: OutboxUnitOfWork, loan_id: int, *, actor: Actor, clock: Clock, recovery: Recovery,
    agency_code: str | None = None, review_action_id: int | None = None, by_rule: bool = False,
) -> Placement:  # fmt: skip
    """``place_account`` inside the caller's transaction."""
    policy = recovery.policies.agency
    today, now = clock.today(), clock.now()
    history = uow.agencies.placements_of_loan(loan_id)
    if any(p.status is PlacementStatus.PLACED for p in history):
        raise ConflictError("the account is already with an agency: recall it first")
    tier = len(history) + 1
    if tier > policy.max_tier:
        raise RuleViolation(f"the account has been with {len(history)} agencies, the policy's "
                            f"last tier", rule="agency.max_tier")  # fmt: skip
    facts = account_facts(uow, loan_id, as_of=today, policy=recovery.waterfall)
    if by_rule and (facts.dpd < policy.min_dpd or facts.balances.total < policy.min_balance_minor):
        raise RuleViolation("below the policy's placement thresholds", rule="agency.threshold")
    if facts.balances.total <= 0:
        raise RuleViolation("nothing is owed on the account", rule="agency.threshold")
    _gate(uow, loan_id, actor=actor, at=now, recovery=recovery)
    agency, arm = _agency_for(uow, loan_id, facts.profile.borrower_state, tier=tier,
                              agency_code=agency_code, recovery=recovery)  # fmt: skip
    assert agency.id is not None
    b = facts.balances
    placement = Placement(
        loan_id=loan_id, agency_id=agency.id, placed_on=today,
        recall_due_on=today + timedelta(days=policy.recall_after_days), age_days=facts.dpd,
        commission_rate=agency.rate_for(facts.dpd), balance_minor=b.total,
        currency=facts.profile.currency, tier=tier, experiment_arm=arm,
    )  # fmt: skip
    placement_id = uow.agencies.add_placement(
        placement, principal_minor=b.principal, interest_minor=b.interest,
        fees_minor=b.fees + b.penalties + b.costs, placed_by=actor.name,
        review_action_id=review_action_id, at=now,
    )  # fmt: skip
    uow.audit.record(
        at=now, actor=actor.name, action="agency.placed", entity_type="loan",
        entity_id=str(loan_id),
        details={"placement_id": placement_id, "agency": agency.code, "tier": tier, "arm": arm,
                 "balance_minor": b.total, "commission_rate": str(placement.commission_rate)},
    )  # fmt: skip
    if recovery.messaging is not None:
        _notify(uow, placement_id, borrower_id=facts.profile.borrower_id, loan_id=loan_id,
                agency=agency, today=today, at=now, recovery=recovery)  # fmt: skip
    found = uow.agencies.placement(placement_id)
    assert found is not None
    return found


def recall_placement(
    placement_id: int, *, reason: str, actor: Actor, uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> Placement:  # fmt: skip
    with uow_factory() as uow:
        recalled = recall(uow, placement_id, reason=reason, actor=actor, clock=clock)
        uow.commit()
    return recalled


def recall(
    uow: UnitOfWork, placement_id: int, *, reason: str, actor: Actor, clock: Clock
) -> Placement:
    if not uow.agencies.recall(placement_id, on=clock.today(), reason=reason, at=clock.now()):
        found = uow.agencies.placement(placement_id)
        if found is None:
            raise NotFoundError(f"no placement {placement_id}")
        raise ConflictError(f"placement {placement_id} is {found.status.value}, not placed")
    placement = uow.agencies.placement(placement_id)
    assert placement is not None
    uow.audit.record(
        at=clock.now(), actor=actor.name, action="agency.recalled", entity_type="loan",
        entity_id=str(placement.loan_id), details={"placement_id": placement_id, "reason": reason},
    )  # fmt: skip
    return placement


def recall_due(
    *, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock
) -> list[Placement]:
    """Recall every placement whose time is up (``recall_after_days`` after placement)."""
    today = clock.today()
    with uow_factory() as uow:
        due = [p for p in uow.agencies.placements(status=PlacementStatus.PLACED)
               if p.recall_due_on <= today]  # fmt: skip
        recalled = [
            recall(uow, p.id or 0, reason=f"placement period ended on {p.recall_due_on}",
                   actor=actor, clock=clock)
            for p in due
        ]  # fmt: skip
        uow.commit()
    return recalled


def unplaced_accounts(*, uow_factory: Callable[[], UnitOfWork]) -> list[str]:
    """Accounts (lender's ids) not with an agency now: the candidates of a placement by rule."""
    with uow_factory() as uow:
        return uow.agencies.unplaced_accounts()


def placement_file_rows(
    placement_ids: list[int], *, uow_factory: Callable[[], UnitOfWork]
) -> list[dict[str, object]]:
    with uow_factory() as uow:
        return uow.agencies.file_rows(placement_ids)


def _gate(uow: UnitOfWork, loan_id: int, *, actor: Actor, at: datetime, recovery: Recovery) -> None:
    """Ask the gate about an agency action; refuse with every rule (the decision is kept)."""
    proposal = Proposal(
        loan_id=loan_id, channel=Channel.LETTER, category=ActionCategory.AGENCY,
        template=NOTICE, reference=f"agency:{loan_id}:{at.isoformat()}",
    )  # fmt: skip
    decision = check_contact(uow, proposal, at=at, stage=Stage.CHECK, actor=actor.name[:64],
                             settings=recovery.compliance)  # fmt: skip
    if not decision.allowed:
        uow.commit()
        hit = decision.blocked_by[0]
        reasons = "; ".join(f"{h.reason} [{h.source}]" for h in decision.blocked_by)
        raise RuleViolation(f"placement refused: {reasons}", rule=hit.rule_id, source=hit.source)


def _agency_for(
    uow: UnitOfWork, loan_id: int, state: str, *, tier: int, agency_code: str | None,
    recovery: Recovery,
) -> tuple[Agency, str]:  # fmt: skip
    loads = uow.agencies.loads()
    if agency_code is not None:
        agency = uow.agencies.agency(agency_code)
        if agency is None:
            raise NotFoundError(f"no agency {agency_code!r}")
        problems = []
        if not agency.active:
            problems.append("is not active")
        if not agency.licensed_in(state):
            problems.append(f"is not licensed in {state}")
        if loads.get(agency.id or 0, 0) >= agency.capacity:
            problems.append(f"is at capacity ({agency.capacity})")
        if problems:
            raise RuleViolation(f"agency {agency.code} " + " and ".join(problems),
                                rule="agency.eligibility")  # fmt: skip
        return agency, "manual"
    policy = recovery.policies.agency
    choice = choose_agency(
        loan_id=loan_id, state=state, tier=tier,
        loads=[AgencyLoad(a, loads.get(a.id or 0, 0)) for a in uow.agencies.agencies()],
        experiment=policy.experiment, challenger_share=policy.challenger_share,
    )  # fmt: skip
    if choice.agency is None or choice.arm is None:
        raise RuleViolation(choice.reason, rule="agency.none_eligible")
    return choice.agency, choice.arm.value


def _notify(
    uow: OutboxUnitOfWork, placement_id: int, *, borrower_id: int, loan_id: int, agency: Agency,
    today: date, at: datetime, recovery: Recovery,
) -> None:  # fmt: skip
    request = MessageRequest(
        loan_id=loan_id, borrower_id=borrower_id, channel="letter", template=NOTICE,
        category=ActionCategory.AGENCY.value, as_of=today,
        idempotency_key=f"placement:{placement_id}:notice",
        details={"agency": {"name": agency.name, "phone": agency.phone}},
    )  # fmt: skip
    enqueue_message(uow, request, at=at, messaging=recovery.require_messaging())
