"""``/api/v1``: settlement offers — propose (approved within the proposer's authority, else
queued for approval), approve or reject, and the borrower's answer."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from arrears import bootstrap
from arrears.domain.money import Money
from arrears.domain.settlements.offers import OfferRecord, OfferType
from arrears.domain.settlements.pricing import OfferRequest
from arrears.entrypoints.api.idempotency import IdempotencyKey, idempotent
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.api.schemas import AMOUNT, Amount, PathId
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.services import payments, work_queue
from arrears.services.account_view import loan_currency
from arrears.services.auth import Role
from arrears.services.recovery_settings import Actor
from arrears.services.settlement_offers import (
    approve_offer,
    offers_list,
    propose_offer,
    reject_offer,
)

READERS = (Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE)
router = APIRouter(tags=["offers"], responses=PROBLEM_RESPONSES)


class Offer(BaseModel):
    id: int | None
    offer_type: str
    status: str
    amount: Amount
    balance: Amount
    installments: int
    discount: str
    required_role: str
    expires_on: date

    @classmethod
    def of(cls, offer: OfferRecord) -> Offer:
        return cls(
            id=offer.id, offer_type=offer.offer_type.value, status=offer.status.value,
            amount=Amount.of(Money(offer.amount_minor, offer.currency)),
            balance=Amount.of(Money(offer.balance_minor, offer.currency)),
            installments=offer.installments, discount=str(offer.discount),
            required_role=offer.required_role, expires_on=offer.expires_on,
        )  # fmt: skip


class OfferCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    offer_type: OfferType
    installments: int = Field(default=1, ge=1, le=60)
    amount: str | None = Field(default=None, pattern=AMOUNT)
    note: str = Field(default="", max_length=300)


class OfferDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(approve|reject)$")
    note: str = Field(default="", max_length=300)


class OfferAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(pattern="^(accept|decline)$")


@router.get(
    "/loans/{ref}/offers",
    response_model=list[Offer],
    dependencies=[Depends(Access(*READERS, Role.BORROWER))],
)
def offers(request: Request, ref: str) -> Any:
    """The account's offers (a borrower sees those made to them)."""
    web, principal = context(request), principal_of(request)
    if principal.borrower_id is not None:
        found = payments.my_offers(principal.borrower_id, ref, uow_factory=web.container.uow)
    else:
        found = offers_list(ref=ref, uow_factory=web.container.uow)
    return [Offer.of(o) for o in found]


@router.post(
    "/loans/{ref}/offers",
    status_code=201,
    response_model=Offer,
    dependencies=[Depends(Access(Role.AGENT, Role.SUPERVISOR))],
)
async def propose(
    request: Request, ref: str, body: OfferCreate, key: IdempotencyKey
) -> JSONResponse:
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        work_queue.ensure_free_for(
            ref, principal, uow_factory=web.container.uow, clock=web.container.clock
        )
        minor = None
        if body.amount is not None:
            minor = Money.parse(body.amount, loan_currency(ref, uow_factory=web.container.uow))
        offer = propose_offer(
            ref, OfferRequest(body.offer_type, body.installments, minor.minor if minor else None),
            actor=Actor(principal.actor, principal.role.value), uow_factory=web.container.uow,
            clock=web.container.clock, recovery=bootstrap.recovery(web.container),
            note=body.note,
        )  # fmt: skip
        return 201, Offer.of(offer)

    return await idempotent(request, principal, key, work)


@router.post(
    "/offers/{offer_id}/decision",
    response_model=Offer,
    dependencies=[Depends(Access(Role.SUPERVISOR, Role.ADMIN))],
)
async def decide(
    request: Request, offer_id: PathId, body: OfferDecision, key: IdempotencyKey
) -> JSONResponse:
    """Approve within one's authority (refused beyond it, naming who can) or reject."""
    web, principal = context(request), principal_of(request)
    actor = Actor(principal.actor, principal.role.value)

    def work() -> tuple[int, Any]:
        if body.decision == "approve":
            offer = approve_offer(
                offer_id, actor=actor, uow_factory=web.container.uow,
                clock=web.container.clock, recovery=bootstrap.recovery(web.container),
            )  # fmt: skip
        else:
            offer = reject_offer(
                offer_id, actor=actor, reason=body.note or "rejected",
                uow_factory=web.container.uow, clock=web.container.clock,
            )  # fmt: skip
        return 200, Offer.of(offer)

    return await idempotent(request, principal, key, work)


@router.post(
    "/loans/{ref}/offers/{offer_id}/answer",
    response_model=Offer,
    dependencies=[Depends(Access(Role.BORROWER))],
)
async def answer(
    request: Request, ref: str, offer_id: PathId, body: OfferAnswer, key: IdempotencyKey
) -> JSONResponse:
    """The borrower accepts or declines an offer made to them (an approved one is presented
    first, as when it is opened in the portal)."""
    web, principal = context(request), principal_of(request)
    borrower = principal.borrower_id
    assert borrower is not None

    def work() -> tuple[int, Any]:
        recovery = bootstrap.recovery(web.container)
        payments.open_offer(
            borrower, ref, offer_id, uow_factory=web.container.uow, clock=web.container.clock,
            recovery=recovery,
        )  # fmt: skip
        offer = payments.answer_offer(
            borrower, ref, offer_id, accept=body.answer == "accept",
            uow_factory=web.container.uow, clock=web.container.clock, recovery=recovery,
        )  # fmt: skip
        return 200, Offer.of(offer)

    return await idempotent(request, principal, key, work)
