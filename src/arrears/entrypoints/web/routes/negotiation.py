"""The agent's actions on an account: log a contact with its outcome, record a promise to pay,
set up a repayment plan, refer the account for review (legal, agency, repossession…). Contact
and promise forms carry a one-time key so a resent form is logged once (the contact log is
idempotent by reference)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from arrears.domain.contact_log import Channel, Direction, Outcome
from arrears.entrypoints.web.access import Access, WebContext, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.errors import RuleViolation
from arrears.services import work_queue
from arrears.services.auth import Principal, Role
from arrears.services.contacts import ContactEntry, log_contact
from arrears.services.plans import PlanRequest, create_plan
from arrears.services.promises import PromiseRequest, add_promise

router = APIRouter(
    prefix="/agent/accounts/{ref}", dependencies=[Depends(Access(Role.AGENT, Role.SUPERVISOR))]
)
#: What an agent can record by hand (delivery outcomes are the channels' to record).
AGENT_OUTCOMES = tuple(o for o in Outcome if o not in {Outcome.SENT, Outcome.DELIVERED})
Key = Annotated[str, Form(pattern=r"^[0-9a-f]{32}$")]


def _ready(request: Request, ref: str) -> tuple[WebContext, Principal]:
    web, principal = context(request), principal_of(request)
    work_queue.ensure_free_for(
        ref, principal, uow_factory=web.container.uow, clock=web.container.clock
    )
    return web, principal


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(f"{field}: enter a date as YYYY-MM-DD", rule="form.date") from None


@router.post("/contacts")
def add_contact(
    request: Request,
    ref: str,
    *,
    channel: Annotated[Channel, Form()],
    outcome: Annotated[Outcome, Form()],
    key: Key,
    notes: Annotated[str, Form(max_length=1000)] = "",
    inbound: Annotated[bool, Form()] = False,
) -> Response:
    web, principal = _ready(request, ref)
    if outcome not in AGENT_OUTCOMES:
        raise RuleViolation("that outcome is recorded by the channels", rule="contact.outcome")
    log_contact(
        ContactEntry(
            loan=ref, channel=channel, outcome=outcome, actor=principal.actor,
            direction=Direction.INBOUND if inbound else Direction.OUTBOUND,
            notes=notes.strip(), reference=f"web:{key}",
        ),
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    return see_other(f"/agent/accounts/{quote(ref)}?done=contact", request)


@router.post("/promises")
def add_promise_route(
    request: Request,
    ref: str,
    *,
    due_on: Annotated[str, Form(max_length=10)],
    amount: Annotated[str, Form(max_length=16)],
    key: Key,
) -> Response:
    """A promise made on a call: the call is logged with outcome "promise made" and the
    promise recorded against it."""
    web, principal = _ready(request, ref)
    logged = log_contact(
        ContactEntry(
            loan=ref, channel=Channel.CALL, outcome=Outcome.PROMISE_MADE,
            actor=principal.actor, reference=f"web:{key}",
        ),
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    if not logged.duplicate:
        add_promise(
            PromiseRequest(
                loan=ref, amounts=[(_date(due_on, "promised date"), amount.strip())],
                made_by=principal.actor, contact_id=logged.contact_id,
            ),
            uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
    return see_other(f"/agent/accounts/{quote(ref)}?done=promise", request)


@router.post("/plans")
def add_plan(
    request: Request,
    ref: str,
    *,
    amount: Annotated[str, Form(max_length=16)],
    periods: Annotated[int, Form(ge=1, le=120)],
    first_due_on: Annotated[str, Form(max_length=10)],
) -> Response:
    web, principal = _ready(request, ref)
    create_plan(
        PlanRequest(
            loan=ref, amount=amount.strip(), periods=periods,
            first_due_on=_date(first_due_on, "first due date"), created_by=principal.actor,
        ),
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    return see_other(f"/agent/accounts/{quote(ref)}?done=plan", request)


@router.post("/referrals")
def refer(
    request: Request,
    ref: str,
    *,
    treatment: Annotated[str, Form(max_length=40)],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Refer the account to legal, agency, repossession… review (the approval queues)."""
    web, principal = _ready(request, ref)
    work_queue.refer(
        ref, treatment, note=note.strip(), principal=principal, uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    return see_other(f"/agent/accounts/{quote(ref)}?done=referred", request)
