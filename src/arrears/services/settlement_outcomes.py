"""Settlement offers after acceptance: the plan, the waivers, fulfilment and breakage.

- **Accept** (a presented offer, not expired): the payment plan is created through the plans
  service in the same transaction (one installment for a lump sum); a structured settlement's
  discount is posted at once as a **conditional waiver** (``record_credit(kind=waiver)``), so
  balances, delinquency and reporting show the reduced total while the plan runs.
- **Fulfil** (the agreed amount received): whatever is still owed is waived, the account is
  marked settled, and the settlement facts are stored — what was forgiven by component (from
  the waiver entries), the Metro 2 status with special comment AU, and the Form 1099-C flag when
  $600 or more of principal was forgiven (``arrears.domain.settlements.outcome``).
- **Break** (the plan defaulted, or a lump sum was not paid in time): the conditional waiver is
  reversed and the policy decides what is restored (``arrears.domain.settlements.breakage``).

``review_offers`` does all of this for every offer on a date: expires offers no one accepted,
fulfils what was paid, breaks what was not. Only money counts as paid: payments, agency
collections and sale proceeds, never a waiver.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from arrears.domain.clock import Clock
from arrears.domain.credits import CreditKind
from arrears.domain.dates import add_months
from arrears.domain.money import Money
from arrears.domain.plans import InterestTerms, PlanStatus
from arrears.domain.settlements.breakage import discount_kept
from arrears.domain.settlements.lifecycle import check_move
from arrears.domain.settlements.offers import OfferRecord, OfferStatus, OfferType
from arrears.domain.settlements.outcome import Forgiven, SettlementFacts, settlement_facts
from arrears.errors import RuleViolation
from arrears.services.credits import record_credit
from arrears.services.joined import joined
from arrears.services.plans import PlanRequest, cancel_plan, create_plan
from arrears.services.ports import UnitOfWork
from arrears.services.posting import post_loans
from arrears.services.recovery_common import cash_paid, credit_components
from arrears.services.recovery_facts import component_balances
from arrears.services.recovery_settings import Actor, Recovery
from arrears.services.settlement_offers import load_offer, move_offer, refuse_if_expired

S = OfferStatus
SYSTEM = Actor("settlements", "system")
GRACE_DAYS = 3  # a lump sum arriving this many days after its due date still counts


def accept_offer(
    offer_id: int, *, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock,
    recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """The borrower accepts a presented offer: plan, conditional waiver, ``accepted``."""
    today = clock.today()
    with uow_factory() as uow:
        # Two acceptances at once: the second waits, then reads the offer the first left (its
        # plan and conditional waiver are written before the move that would refuse it).
        uow.settlements.lock_offers_of(load_offer(uow, offer_id).loan_id)
        offer = load_offer(uow, offer_id)
        check_move(offer.status, S.ACCEPTED)
        refuse_if_expired(uow, offer, actor=actor, clock=clock)
        plan_id = _plan_for(uow, offer, actor=actor, clock=clock, recovery=recovery)
        credit_id = None
        if offer.offer_type.conditional_waiver:
            owed = component_balances(uow, offer.loan_id, as_of=today).total
            if owed > offer.amount_minor:
                credit_id = record_credit(
                    uow, loan_id=offer.loan_id, kind=CreditKind.WAIVER,
                    amount_minor=owed - offer.amount_minor, effective_date=today,
                    reason=f"settlement offer {offer_id}: conditional discount",
                    key=f"offer:{offer_id}:conditional", actor=actor.name[:20], at=clock.now(),
                    as_of=today, policy=recovery.waterfall,
                )  # fmt: skip
        move_offer(uow, offer, S.ACCEPTED, actor=actor, clock=clock, accepted_on=today,
              plan_id=plan_id, conditional_credit_id=credit_id)  # fmt: skip
        uow.commit()
        return load_offer(uow, offer_id)


def fulfil_offer(
    offer_id: int,
    *,
    actor: Actor,
    uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
    recovery: Recovery,
) -> SettlementFacts:
    """Settle an accepted offer whose amount has been received (refused until it has)."""
    with uow_factory() as uow:
        facts = settle(uow, load_offer(uow, offer_id), actor=actor, clock=clock, recovery=recovery)
        uow.commit()
    return facts


def break_offer(
    offer_id: int, *, actor: Actor, reason: str, uow_factory: Callable[[], UnitOfWork],
    clock: Clock, recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """The borrower did not keep the settlement: restore per policy and mark it broken."""
    with uow_factory() as uow:
        offer = load_offer(uow, offer_id)
        breach(uow, offer, actor=actor, reason=reason, clock=clock, recovery=recovery)
        uow.commit()
        return load_offer(uow, offer_id)


@dataclass
class ReviewReport:
    expired: int = 0
    fulfilled: int = 0
    broken: int = 0
    waiting: int = 0


def review_offers(
    *, uow_factory: Callable[[], UnitOfWork], clock: Clock, recovery: Recovery,
    actor: Actor = SYSTEM,
) -> ReviewReport:  # fmt: skip
    """Expire, fulfil or break every offer whose time has come (one transaction per offer, so
    a failure leaves the others done and the next run finishes the rest)."""
    report = ReviewReport()
    today = clock.today()
    with uow_factory() as uow:
        due = uow.settlements.listing(statuses=(S.DRAFTED, S.APPROVED, S.PRESENTED, S.ACCEPTED),
                                      limit=1_000_000)  # fmt: skip
    counts: Counter[str] = Counter()
    for offer in due:
        with uow_factory() as uow:
            outcome = _review(uow, offer, today=today, actor=actor, clock=clock, recovery=recovery)
            uow.commit()
        counts[outcome] += 1
    report.expired, report.fulfilled = counts["expired"], counts["fulfilled"]
    report.broken, report.waiting = counts["broken"], counts["waiting"]
    return report


def settle(
    uow: UnitOfWork, offer: OfferRecord, *, actor: Actor, clock: Clock, recovery: Recovery
) -> SettlementFacts:
    """Fulfil ``offer`` inside the caller's transaction."""
    assert offer.id is not None
    assert offer.accepted_on is not None
    check_move(offer.status, S.FULFILLED)
    today = clock.today()
    paid = cash_paid(uow, offer.loan_id, since=offer.accepted_on, until=today)
    if paid < offer.amount_minor:
        owed = Money(offer.amount_minor - paid, offer.currency).format()
        agreed = Money(offer.amount_minor, offer.currency).format()
        raise RuleViolation(
            f"the settlement is not paid yet: {owed} of {agreed} is still due",
            rule="settlement.unpaid",
        )
    credits = [offer.conditional_credit_id] if offer.conditional_credit_id else []
    remaining = component_balances(uow, offer.loan_id, as_of=today).total
    if remaining > 0:
        credits.append(
            record_credit(
                uow,
                loan_id=offer.loan_id,
                kind=CreditKind.WAIVER,
                amount_minor=remaining,
                effective_date=today,
                reason=f"settlement offer {offer.id}: balance forgiven",
                key=f"offer:{offer.id}:final",
                actor=actor.name[:20],
                at=clock.now(),
                as_of=today,
                policy=recovery.waterfall,
            )
        )
    parts = credit_components(uow, offer.loan_id, credits)
    forgiven = Forgiven(
        principal=parts.get("principal", 0) + parts.get("suspense", 0),
        interest=parts.get("interest", 0),
        fees=parts.get("fees", 0) + parts.get("penalties", 0) + parts.get("costs", 0),
    )
    facts = settlement_facts(
        loan_id=offer.loan_id, offer_id=offer.id, settled_on=today, currency=offer.currency,
        forgiven=forgiven, charged_off=_charged_off(uow, offer),
        policy=recovery.policies.settlement,
    )  # fmt: skip
    uow.settlements.add_settlement(facts, at=clock.now())
    uow.settlements.mark_loan_settled(offer.loan_id, at=clock.now())
    move_offer(uow, offer, S.FULFILLED, actor=actor, clock=clock, decided_on=today,
          note=f"paid {paid}, forgave {forgiven.total}")  # fmt: skip
    uow.audit.record(
        at=clock.now(), actor=actor.name, action="settlement.settled", entity_type="loan",
        entity_id=str(offer.loan_id),
        details={"offer_id": offer.id, "forgiven_minor": forgiven.total,
                 "principal_forgiven_minor": forgiven.principal,
                 "metro2_status": facts.metro2_status, "special_comment": facts.special_comment,
                 "form_1099c": facts.form_1099c},
    )  # fmt: skip
    return facts


def breach(
    uow: UnitOfWork, offer: OfferRecord, *, actor: Actor, reason: str, clock: Clock,
    recovery: Recovery,
) -> None:  # fmt: skip
    """Break ``offer`` inside the caller's transaction."""
    assert offer.id is not None
    assert offer.accepted_on is not None
    check_move(offer.status, S.BROKEN)
    today = clock.today()
    if offer.conditional_credit_id:
        conditional = credit_components(uow, offer.loan_id, [offer.conditional_credit_id])
        uow.settlements.reverse_credit(
            offer.conditional_credit_id, on=today, reason=f"settlement {offer.id} broken"
        )
        post_loans(uow, _ids(offer.loan_id), as_of=today, recorded_at=clock.now(), run_id=0,
                   partition=1, policy=recovery.waterfall)  # fmt: skip
        kept = discount_kept(
            conditional_minor=sum(conditional.values()),
            paid_minor=cash_paid(uow, offer.loan_id, since=offer.accepted_on, until=today),
            amount_minor=offer.amount_minor, rule=recovery.policies.settlement.on_broken,
        )  # fmt: skip
        if kept > 0:
            record_credit(
                uow, loan_id=offer.loan_id, kind=CreditKind.WAIVER, amount_minor=kept,
                effective_date=today, reason=f"settlement offer {offer.id}: discount earned",
                key=f"offer:{offer.id}:earned", actor=actor.name[:20], at=clock.now(),
                as_of=today, policy=recovery.waterfall,
            )  # fmt: skip
    if offer.plan_id is not None:
        plan = uow.plans.get(offer.plan_id)
        if plan is not None and plan.status is PlanStatus.ACTIVE:
            cancel_plan(offer.plan_id, by=actor.name, reason=f"settlement broken: {reason}",
                        uow_factory=joined(uow), clock=clock)  # fmt: skip
    move_offer(uow, offer, S.BROKEN, actor=actor, clock=clock, decided_on=today, note=reason)


def _review(
    uow: UnitOfWork, offer: OfferRecord, *, today: date, actor: Actor, clock: Clock,
    recovery: Recovery,
) -> str:  # fmt: skip
    current = uow.settlements.get(offer.id or 0) or offer
    if current.status.open:
        if today > current.expires_on:
            move_offer(uow, current, S.EXPIRED, actor=actor, clock=clock, decided_on=today,
                  note=f"expired on {current.expires_on}")  # fmt: skip
            return "expired"
        return "waiting"
    if current.status is not S.ACCEPTED or current.accepted_on is None:
        return "waiting"
    paid = cash_paid(uow, current.loan_id, since=current.accepted_on, until=today)
    if paid >= current.amount_minor:
        settle(uow, current, actor=actor, clock=clock, recovery=recovery)
        return "fulfilled"
    why = _broken_because(uow, current, today=today)
    if why:
        breach(uow, current, actor=actor, reason=why, clock=clock, recovery=recovery)
        return "broken"
    return "waiting"


def _broken_because(uow: UnitOfWork, offer: OfferRecord, *, today: date) -> str:
    """Why an accepted, unpaid settlement is broken on ``today`` ('' while it is not)."""
    plan = uow.plans.get(offer.plan_id) if offer.plan_id else None
    if plan is None:
        return ""
    if plan.status is PlanStatus.DEFAULTED:
        return "the payment plan defaulted"
    if plan.status is PlanStatus.CANCELLED:
        return "the payment plan was cancelled"
    last_due = plan.installments[-1].due_on
    if today > last_due + timedelta(days=GRACE_DAYS):
        return f"not paid by {last_due}"
    return ""


def _plan_for(
    uow: UnitOfWork, offer: OfferRecord, *, actor: Actor, clock: Clock, recovery: Recovery
) -> int:
    """Create the offer's payment plan through the plans service, in this transaction,
    replacing any active plan (the settlement supersedes it)."""
    policy = recovery.policies.settlement
    profile = uow.gate.loan_profile(offer.loan_id)
    assert profile is not None
    for plan in uow.plans.for_loan(offer.loan_id):
        if plan.status is PlanStatus.ACTIVE and plan.id is not None:
            cancel_plan(plan.id, by=actor.name, reason=f"superseded by settlement offer {offer.id}",
                        uow_factory=joined(uow), clock=clock)  # fmt: skip
    today = clock.today()
    lump = offer.installments == 1
    return create_plan(
        PlanRequest(
            loan=profile.external_id,
            amount=str(Money(offer.amount_minor, offer.currency).to_decimal()),
            periods=offer.installments,
            first_due_on=(
                today + timedelta(days=policy.lump_sum_days) if lump else add_months(today, 1)
            ),
            created_by=actor.name,
            interest=(
                InterestTerms.FROZEN
                if offer.offer_type is OfferType.INTEREST_FREEZE
                else InterestTerms.CONTRACT
            ),
            max_misses=1 if lump else policy.max_misses,
        ),
        uow_factory=joined(uow),
        clock=clock,
    )


def _charged_off(uow: UnitOfWork, offer: OfferRecord) -> bool:
    loans = uow.reads.loans([offer.loan_id])
    return loans.height > 0 and loans.row(0, named=True)["charge_off_date"] is not None


def _ids(loan_id: int) -> np.ndarray:
    return np.array([loan_id], dtype=np.int64)
