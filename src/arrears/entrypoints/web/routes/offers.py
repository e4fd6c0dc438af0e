"""Settlement offers on the web: an agent proposes one (approved at once within their
authority, else it waits for approval) and presents it by letter or email; a supervisor
approves or rejects the offers waiting; the borrower sees an offer in the portal and accepts
or declines it."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from arrears import bootstrap
from arrears.domain.money import Money
from arrears.domain.settlements.offers import OfferType, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.entrypoints.web.templating import render
from arrears.services import payments, work_queue
from arrears.services.account_view import loan_currency
from arrears.services.auth import Principal, Role
from arrears.services.recovery_settings import Actor
from arrears.services.settlement_offers import (
    approve_offer,
    present_offer,
    propose_offer,
    reject_offer,
)

agent_router = APIRouter(
    prefix="/agent/accounts/{ref}/offers",
    dependencies=[Depends(Access(Role.AGENT, Role.SUPERVISOR))],
)
supervisor_router = APIRouter(
    prefix="/supervisor/offers", dependencies=[Depends(Access(Role.SUPERVISOR, Role.ADMIN))]
)
portal_router = APIRouter(dependencies=[Depends(Access(Role.BORROWER))])


def actor_of(principal: Principal) -> Actor:
    """Who acts on an offer, and the role their authority comes from."""
    return Actor(principal.actor, principal.role.value)


@agent_router.post("")
def propose(
    request: Request,
    ref: str,
    *,
    offer_type: Annotated[OfferType, Form()],
    installments: Annotated[int, Form(ge=1, le=60)] = 1,
    amount: Annotated[str, Form(max_length=16)] = "",
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    web, principal = context(request), principal_of(request)
    work_queue.ensure_free_for(
        ref, principal, uow_factory=web.container.uow, clock=web.container.clock
    )
    minor = None
    if amount.strip():
        minor = Money.parse(amount.strip(), loan_currency(ref, uow_factory=web.container.uow))
    offer = propose_offer(
        ref, OfferRequest(offer_type, installments, minor.minor if minor else None),
        actor=actor_of(principal), uow_factory=web.container.uow, clock=web.container.clock,
        recovery=bootstrap.recovery(web.container), note=note,
    )  # fmt: skip
    done = "offer" if offer.status.value == "approved" else "offer_waiting"
    return see_other(f"/agent/accounts/{quote(ref)}?done={done}", request)


@agent_router.post("/{offer_id}/present")
def present(
    request: Request, ref: str, offer_id: int, via: Annotated[PresentedVia, Form()]
) -> Response:
    """Send an approved offer by letter or email (through the outbox and its gate)."""
    web, principal = context(request), principal_of(request)
    present_offer(
        offer_id, via=via, actor=actor_of(principal), uow_factory=web.container.uow,
        clock=web.container.clock, recovery=bootstrap.recovery(web.container),
    )  # fmt: skip
    return see_other(f"/agent/accounts/{quote(ref)}?done=presented", request)


@supervisor_router.post("/{offer_id}")
def decide(
    request: Request,
    offer_id: int,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Approve (within one's authority; beyond it refused, naming who can) or reject."""
    web, actor = context(request), actor_of(principal_of(request))
    if decision == "approve":
        approve_offer(
            offer_id, actor=actor, uow_factory=web.container.uow, clock=web.container.clock,
            recovery=bootstrap.recovery(web.container),
        )  # fmt: skip
    else:
        reject_offer(
            offer_id, actor=actor, reason=note or "rejected", uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
    return see_other("/supervisor/approvals", request)


def _me(request: Request) -> int:
    found = principal_of(request).borrower_id
    assert found is not None
    return found


@portal_router.get("/accounts/{ref}/offers/{offer_id}", include_in_schema=False)
def offer_page(request: Request, ref: str, offer_id: int) -> Response:
    web = context(request)
    offer = payments.open_offer(
        _me(request), ref, offer_id, uow_factory=web.container.uow, clock=web.container.clock,
        recovery=bootstrap.recovery(web.container),
    )  # fmt: skip
    session = getattr(request.state, "session", None)
    return render(
        request,
        "portal/offer.html",
        {"offer": offer, "ref": ref},
        language=session.language if session else "en",
    )


@portal_router.post("/accounts/{ref}/offers/{offer_id}", include_in_schema=False)
def answer(
    request: Request,
    ref: str,
    offer_id: int,
    answer: Annotated[str, Form(pattern="^(accept|decline)$")],
) -> Response:
    web = context(request)
    offer = payments.answer_offer(
        _me(request), ref, offer_id, accept=answer == "accept", uow_factory=web.container.uow,
        clock=web.container.clock, recovery=bootstrap.recovery(web.container),
    )  # fmt: skip
    if answer == "accept" and offer.installments == 1:
        amount = Money(offer.amount_minor, offer.currency).to_decimal()
        return see_other(f"/portal/accounts/{quote(ref)}/pay?amount={amount}", request)
    done = "offer_accepted" if answer == "accept" else "offer_declined"
    return see_other(f"/portal/accounts/{quote(ref)}?done={done}", request)
