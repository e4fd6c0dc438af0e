"""The daily cycle's recovery review items, decided by a person.

The cycle plans ``settlement_offer``, ``agency_placement_review`` and ``legal_referral_review``
as review items in their queues (``strategy/data/treatments.toml``). Approving one starts the
workflow in the same transaction: a settlement offer is priced and proposed (approved at once
within the approver's authority, else it waits in the offers approval queue), an account is
placed with the agency the rule picks, or a legal case is opened after the statute-of-
limitations and hold checks. When the workflow refuses (below the floor, time-barred, a
bankruptcy stay…), the item stays pending and the refusal, with its rule, is raised. Rejecting
an item records who and why.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from arrears.domain.clock import Clock
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.pricing import OfferRequest
from arrears.errors import ConflictError, NotFoundError
from arrears.services.agency_placement import place
from arrears.services.legal_referral import open_case
from arrears.services.ports import OutboxUnitOfWork, WebUnitOfWork
from arrears.services.recovery_settings import Actor, Recovery
from arrears.services.settlement_offers import draft_offer

SETTLEMENT, AGENCY, LEGAL = "settlement_offer", "agency_placement_review", "legal_referral_review"
RECOVERY_TREATMENTS = frozenset({SETTLEMENT, AGENCY, LEGAL})


class ReviewUnitOfWork(OutboxUnitOfWork, WebUnitOfWork, Protocol):
    def __enter__(self) -> ReviewUnitOfWork: ...


def decide_recovery_review(
    action_id: int, *, approve: bool, note: str, actor: Actor,
    uow_factory: Callable[[], ReviewUnitOfWork], clock: Clock, recovery: Recovery,
) -> dict[str, Any]:  # fmt: skip
    """Approve (start the workflow) or reject a recovery review item; returns what was done."""
    now = clock.now()
    with uow_factory() as uow:
        item = uow.web.action(action_id)
        if item is None or item["kind"] != "review" or item["treatment"] not in RECOVERY_TREATMENTS:
            raise NotFoundError(f"no recovery review item {action_id}")
        if item["status"] != "pending":
            raise ConflictError(f"review item {action_id} was already decided ({item['status']})")
        outcome = _start(uow, item, actor=actor, clock=clock, recovery=recovery) if approve else {}
        status = "approved" if approve else "rejected"
        details = {"decided_by": actor.name, "decided_at": now.isoformat(), "note": note, **outcome}
        if not uow.web.set_action_status(action_id, status=status, at=now, details=details):
            raise ConflictError(f"review item {action_id} was decided meanwhile")
        uow.audit.record(
            at=now, actor=actor.name, action=f"review.{status}", entity_type="loan",
            entity_id=str(item["loan_id"]),
            details={"action_id": action_id, "treatment": item["treatment"], "note": note,
                     **outcome},
        )  # fmt: skip
        uow.commit()
    return {"action_id": action_id, "status": status, **outcome}


def _start(
    uow: ReviewUnitOfWork, item: dict[str, Any], *, actor: Actor, clock: Clock,
    recovery: Recovery,
) -> dict[str, Any]:  # fmt: skip
    loan_id, action_id = int(item["loan_id"]), int(item["id"])
    if item["treatment"] == SETTLEMENT:
        offer = draft_offer(uow, loan_id, OfferRequest(OfferType.LUMP_SUM), actor=actor,
                            clock=clock, recovery=recovery, review_action_id=action_id)  # fmt: skip
        return {"offer_id": offer.id, "offer_status": offer.status.value}
    if item["treatment"] == AGENCY:
        placement = place(uow, loan_id, actor=actor, clock=clock, recovery=recovery,
                          review_action_id=action_id)  # fmt: skip
        return {"placement_id": placement.id}
    case_id = open_case(uow, loan_id, actor=actor, clock=clock, recovery=recovery,
                        review_action_id=action_id)  # fmt: skip
    return {"case_id": case_id}
