"""Settlement offers before acceptance: price, propose, approve or reject, present, withdraw.

Pricing is read-only (``price``): the alternatives, the floor, the ladder and the offer, with
the reasons, for the web app to show. A proposal is priced again when it is made and refused,
with why, when it is below the floor, beyond the ladder or otherwise against the policy
(``settlement.*`` rules). Within the proposer's authority it is approved at once; beyond it, it
waits in the approval queue of the role that can approve it, and approving beyond one's
authority is refused (``settlement.authority``). An offer is presented by letter or email
(through the outbox and the compliance gate, template ``settlement_offer``) or in the portal.
Every step is a lifecycle move (illegal ones refused), recorded with the offer and in the audit
trail. After acceptance: ``arrears.services.settlement_outcomes``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from arrears.domain.clock import Clock
from arrears.domain.dates import add_months
from arrears.domain.holds import ActionCategory
from arrears.domain.settlements.authority import check_authority, within_authority
from arrears.domain.settlements.lifecycle import check_move
from arrears.domain.settlements.offers import OfferRecord, OfferStatus, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest, Pricing, price_offer
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services.outbox import MessageRequest, enqueue_message
from arrears.services.ports import OutboxUnitOfWork, UnitOfWork
from arrears.services.recovery_common import loan_id_for
from arrears.services.recovery_facts import account_facts
from arrears.services.recovery_settings import Actor, Recovery

S = OfferStatus
#: Statuses in which an account already has an offer in play (one at a time).
IN_PLAY = (S.DRAFTED, S.APPROVED, S.PRESENTED, S.ACCEPTED)


def price(
    ref: str, request: OfferRequest, *, uow_factory: Callable[[], UnitOfWork], clock: Clock,
    recovery: Recovery,
) -> Pricing:  # fmt: skip
    """The offer for ``request`` on account ``ref`` today, with its alternatives and reasons
    (nothing is stored)."""
    with uow_factory() as uow:
        facts = account_facts(uow, loan_id_for(uow, ref), as_of=clock.today(),
                              policy=recovery.waterfall)  # fmt: skip
    return price_offer(facts.pricing(), request, recovery.policies)


def propose_offer(
    ref: str, request: OfferRequest, *, actor: Actor, uow_factory: Callable[[], UnitOfWork],
    clock: Clock, recovery: Recovery, note: str = "", review_action_id: int | None = None,
) -> OfferRecord:  # fmt: skip
    """Price and store an offer: approved when within ``actor``'s authority, else drafted in
    the approval queue. Refused (``RuleViolation``) when the pricing finds problems or a hold
    forbids offers."""
    with uow_factory() as uow:
        offer = draft_offer(
            uow, loan_id_for(uow, ref), request, actor=actor, clock=clock, recovery=recovery,
            note=note, review_action_id=review_action_id,
        )  # fmt: skip
        uow.commit()
    return offer


def draft_offer(
    uow: UnitOfWork, loan_id: int, request: OfferRequest, *, actor: Actor, clock: Clock,
    recovery: Recovery, note: str = "", review_action_id: int | None = None,
) -> OfferRecord:  # fmt: skip
    """``propose_offer`` inside the caller's transaction (used by the review queue)."""
    today = clock.today()
    uow.settlements.lock_offers_of(loan_id)  # two proposals at once: the second sees the first
    if any(o.status in IN_PLAY for o in uow.settlements.for_loan(loan_id)):
        raise ConflictError("the account already has a settlement offer in play")
    facts = account_facts(uow, loan_id, as_of=today, policy=recovery.waterfall)
    barred = facts.barred(ActionCategory.OFFER)
    if barred:
        raise RuleViolation("no offer may be made: " + "; ".join(barred), rule="settlement.hold")
    pricing = price_offer(facts.pricing(), request, recovery.policies)
    if pricing.problems:
        rule = pricing.problems[0][0]
        raise RuleViolation("; ".join(why for _, why in pricing.problems), rule=rule)
    policy = recovery.policies.settlement
    within = within_authority(policy, role=actor.role, discount=pricing.discount)
    offer = OfferRecord(
        loan_id=loan_id, offer_type=request.offer_type,
        status=S.APPROVED if within else S.DRAFTED, currency=pricing.currency,
        balance_minor=pricing.balance_minor, amount_minor=pricing.amount_minor,
        installments=request.installments, floor_minor=pricing.floor_minor,
        discount=pricing.discount, required_role=pricing.required_role,
        expires_on=pricing.expires_on, proposed_by=actor.name, proposed_on=today,
        policy_version=pricing.policy_version, pricing=pricing.as_dict(),
        approved_by=actor.name if within else None, review_action_id=review_action_id,
        note=note,
    )  # fmt: skip
    offer_id = uow.settlements.add(offer, at=clock.now())
    _audit(uow, clock=clock, actor=actor, action="settlement.proposed", offer_id=offer_id,
           loan_id=loan_id, details={
        "offer_type": request.offer_type.value, "amount_minor": pricing.amount_minor,
        "balance_minor": pricing.balance_minor, "discount": str(pricing.discount),
        "floor_minor": pricing.floor_minor, "status": offer.status.value,
        "best": pricing.best.kind.value if pricing.best else None,
    })  # fmt: skip
    found = uow.settlements.get(offer_id)
    assert found is not None
    return found


def approve_offer(
    offer_id: int, *, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock,
    recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """Approve a drafted offer within ``actor``'s authority (refused beyond it, with why)."""
    with uow_factory() as uow:
        offer = load_offer(uow, offer_id)
        check_move(offer.status, S.APPROVED)
        refuse_if_expired(uow, offer, actor=actor, clock=clock)
        check_authority(recovery.policies.settlement, role=actor.role, discount=offer.discount)
        move_offer(uow, offer, S.APPROVED, actor=actor, clock=clock, approved_by=actor.name)
        uow.commit()
        return load_offer(uow, offer_id)


def reject_offer(
    offer_id: int, *, actor: Actor, reason: str, uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> OfferRecord:  # fmt: skip
    return _simple_move(offer_id, S.REJECTED, actor=actor, note=reason, uow_factory=uow_factory,
                        clock=clock)  # fmt: skip


def withdraw_offer(
    offer_id: int, *, actor: Actor, reason: str, uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> OfferRecord:  # fmt: skip
    return _simple_move(offer_id, S.WITHDRAWN, actor=actor, note=reason, uow_factory=uow_factory,
                        clock=clock)  # fmt: skip


def decline_offer(
    offer_id: int, *, actor: Actor, reason: str, uow_factory: Callable[[], UnitOfWork],
    clock: Clock,
) -> OfferRecord:  # fmt: skip
    """The borrower said no."""
    return _simple_move(offer_id, S.DECLINED, actor=actor, note=reason, uow_factory=uow_factory,
                        clock=clock)  # fmt: skip


def present_offer(
    offer_id: int, *, via: PresentedVia, actor: Actor,
    uow_factory: Callable[[], OutboxUnitOfWork], clock: Clock, recovery: Recovery,
) -> OfferRecord:  # fmt: skip
    """Present an approved offer. A letter or email goes through the outbox, which asks the
    compliance gate first; when the gate or the template stops it, the blocked message is kept
    with its reasons and the offer stays approved (``RuleViolation`` says why)."""
    with uow_factory() as uow:
        offer = load_offer(uow, offer_id)
        check_move(offer.status, S.PRESENTED)
        refuse_if_expired(uow, offer, actor=actor, clock=clock)
        if via is not PresentedVia.PORTAL:
            blocked = _send(uow, offer, via=via, clock=clock, recovery=recovery)
            if blocked:
                uow.commit()
                raise RuleViolation(
                    "the offer could not be sent: " + "; ".join(blocked[1]), rule=blocked[0]
                )
        move_offer(uow, offer, S.PRESENTED, actor=actor, clock=clock, presented_via=via,
              presented_on=clock.today())  # fmt: skip
        uow.commit()
        return load_offer(uow, offer_id)


def offer_view(offer_id: int, *, uow_factory: Callable[[], UnitOfWork]) -> dict[str, Any]:
    """An offer, its history and, once fulfilled, its settlement facts (for the web app)."""
    with uow_factory() as uow:
        offer = load_offer(uow, offer_id)
        return {
            "offer": offer,
            "events": uow.settlements.events(offer_id),
            "settlement": uow.settlements.settlement(offer_id),
        }


def offers_list(
    *, uow_factory: Callable[[], UnitOfWork], ref: str | None = None,
    statuses: tuple[OfferStatus, ...] = (), role: str | None = None, limit: int = 100,
) -> list[OfferRecord]:  # fmt: skip
    """Offers of one account, or the approval queue (``statuses=(drafted,)`` and a role)."""
    with uow_factory() as uow:
        if ref is not None:
            offers = uow.settlements.for_loan(loan_id_for(uow, ref))
            return [o for o in offers if not statuses or o.status in statuses]
        return uow.settlements.listing(statuses=statuses, role=role, limit=limit)


# -- shared steps --------------------------------------------------------------------------------


def _send(
    uow: OutboxUnitOfWork, offer: OfferRecord, *, via: PresentedVia, clock: Clock,
    recovery: Recovery,
) -> tuple[str, list[str]] | None:  # fmt: skip
    assert offer.id is not None
    profile = uow.gate.loan_profile(offer.loan_id)
    assert profile is not None
    last = (
        offer.expires_on
        if offer.installments == 1
        else add_months(offer.expires_on, offer.installments)
    )
    request = MessageRequest(
        loan_id=offer.loan_id, borrower_id=profile.borrower_id, channel=via.value,
        template="settlement_offer", category=ActionCategory.OFFER.value, as_of=clock.today(),
        idempotency_key=f"offer:{offer.id}:{via.value}",
        details={"offer": {"amount_minor": offer.amount_minor, "pay_by": last.isoformat(),
                           "installments": offer.installments}},
    )  # fmt: skip
    outcome = enqueue_message(uow, request, at=clock.now(), messaging=recovery.require_messaging())
    if outcome.status == "blocked":
        return "settlement.message_blocked", list(outcome.reasons)
    return None


def refuse_if_expired(uow: UnitOfWork, offer: OfferRecord, *, actor: Actor, clock: Clock) -> None:
    """An offer past its expiry cannot be approved, presented or accepted: it is marked
    expired (kept) and the action refused."""
    today = clock.today()
    if today <= offer.expires_on:
        return
    move_offer(uow, offer, S.EXPIRED, actor=actor, clock=clock, decided_on=today,
          note=f"expired on {offer.expires_on}")  # fmt: skip
    uow.commit()
    raise RuleViolation(
        f"offer {offer.id} expired on {offer.expires_on}: make a new offer",
        rule="settlement.expired",
    )


def _simple_move(
    offer_id: int, to: OfferStatus, *, actor: Actor, note: str,
    uow_factory: Callable[[], UnitOfWork], clock: Clock,
) -> OfferRecord:  # fmt: skip
    with uow_factory() as uow:
        offer = load_offer(uow, offer_id)
        check_move(offer.status, to)
        move_offer(uow, offer, to, actor=actor, clock=clock, decided_on=clock.today(), note=note)
        uow.commit()
        return load_offer(uow, offer_id)


def move_offer(
    uow: UnitOfWork, offer: OfferRecord, to: OfferStatus, *, actor: Actor, clock: Clock,
    **fields: Any,
) -> None:  # fmt: skip
    """One lifecycle move, refused when illegal or when someone moved the offer first."""
    assert offer.id is not None
    check_move(offer.status, to)
    moved = uow.settlements.move(
        offer.id, from_status=offer.status, to=to, on=clock.today(), actor=actor.name,
        at=clock.now(), **fields,
    )  # fmt: skip
    if not moved:
        raise ConflictError(f"offer {offer.id} changed meanwhile; look at it again")
    details = {"from": offer.status.value, "to": to.value}
    details.update(
        {k: (v.isoformat() if isinstance(v, date) else str(v)) for k, v in fields.items()}
    )
    _audit(uow, clock=clock, actor=actor, action=f"settlement.{to.value}", offer_id=offer.id,
           loan_id=offer.loan_id, details=details)  # fmt: skip


def load_offer(uow: UnitOfWork, offer_id: int) -> OfferRecord:
    offer = uow.settlements.get(offer_id)
    if offer is None:
        raise NotFoundError(f"no settlement offer {offer_id}")
    return offer


def _audit(
    uow: UnitOfWork, *, clock: Clock, actor: Actor, action: str, offer_id: int, loan_id: int,
    details: dict[str, Any],
) -> None:  # fmt: skip
    uow.audit.record(
        at=clock.now(), actor=actor.name, action=action, entity_type="loan",
        entity_id=str(loan_id), details={"offer_id": offer_id, **details},
    )  # fmt: skip
