"""``/api/v1/loans/{ref}``: the contact log, promises to pay and repayment plans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from arrears.domain.contact_log import Channel, Direction, Outcome
from arrears.entrypoints.api.idempotency import IdempotencyKey, idempotent
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.api.schemas import AMOUNT, Amount, BodyId, Created
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.services import portal, work_queue
from arrears.services.auth import Principal, Role
from arrears.services.contacts import ContactEntry, contact_history, log_contact
from arrears.services.plans import PlanRequest, create_plan, show_plans
from arrears.services.promises import PromiseRequest, add_promise, promises_of

READERS = (Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE)
WORKERS = (Role.AGENT, Role.SUPERVISOR)
router = APIRouter(prefix="/loans/{ref}", tags=["negotiation"], responses=PROBLEM_RESPONSES)


class ContactItem(BaseModel):
    id: int | None
    at: datetime
    channel: str
    direction: str
    outcome: str
    actor: str


class ContactCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: Channel
    outcome: Outcome
    direction: Direction = Direction.OUTBOUND
    notes: str = Field(default="", max_length=1000)


class PromisedAmount(BaseModel):
    due_on: date
    amount: str = Field(pattern=AMOUNT)


class PromiseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amounts: list[PromisedAmount] = Field(min_length=1, max_length=12)
    contact_id: BodyId | None = None


class PromiseItem(BaseModel):
    id: int | None
    made_on: date
    made_by: str
    status: str
    amounts: list[dict[str, Any]]


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: str = Field(pattern=AMOUNT)
    periods: int = Field(ge=1, le=120)
    first_due_on: date


class PlanItem(BaseModel):
    id: int | None
    status: str
    amount: Amount
    periods: int
    first_due_on: date
    paid: Amount
    misses: int
    installments: list[dict[str, Any]]


def _readable(request: Request, ref: str) -> None:
    """Borrowers may read only their own account's promises and plans."""
    principal = principal_of(request)
    if principal.borrower_id is not None:
        portal.require_owner(principal.borrower_id, ref, uow_factory=context(request).container.uow)


def _free(request: Request, ref: str, principal: Principal) -> None:
    web = context(request)
    work_queue.ensure_free_for(
        ref, principal, uow_factory=web.container.uow, clock=web.container.clock
    )


@router.get("/contacts", response_model=list[ContactItem], dependencies=[Depends(Access(*READERS))])
def contacts(request: Request, ref: str) -> Any:
    found = contact_history(ref, uow_factory=context(request).container.uow)
    return [
        ContactItem(
            id=c.id, at=c.at, channel=c.channel.value, direction=c.direction.value,
            outcome=c.outcome.value, actor=c.actor,
        )
        for c in found
    ]  # fmt: skip


@router.post(
    "/contacts", status_code=201, response_model=Created, dependencies=[Depends(Access(*WORKERS))]
)
async def add_contact(
    request: Request, ref: str, body: ContactCreate, key: IdempotencyKey
) -> JSONResponse:
    """Log a contact; its outcome takes effect at once (a dispute places a dispute hold…)."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        _free(request, ref, principal)
        logged = log_contact(
            ContactEntry(
                loan=ref, channel=body.channel, outcome=body.outcome, actor=principal.actor,
                direction=body.direction, notes=body.notes, reference=f"api:{key}",
            ),
            uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
        return 201, Created(id=logged.contact_id, ref=ref)

    return await idempotent(request, principal, key, work)


@router.get(
    "/promises",
    response_model=list[PromiseItem],
    dependencies=[Depends(Access(*READERS, Role.BORROWER))],
)
def promises(request: Request, ref: str) -> Any:
    _readable(request, ref)
    web = context(request)
    return [
        PromiseItem(
            id=record.promise.id, made_on=record.promise.made_on, made_by=record.promise.made_by,
            status=result.status.value,
            amounts=[
                {"due_on": i.due_on, "amount": Amount.of(i.amount)}
                for i in record.promise.installments
            ],
        )
        for record, result in promises_of(
            ref, uow_factory=web.container.uow, clock=web.container.clock
        )
    ]  # fmt: skip


@router.post(
    "/promises", status_code=201, response_model=Created, dependencies=[Depends(Access(*WORKERS))]
)
async def add_promise_api(
    request: Request, ref: str, body: PromiseCreate, key: IdempotencyKey
) -> JSONResponse:
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        _free(request, ref, principal)
        promise_id = add_promise(
            PromiseRequest(
                loan=ref, amounts=[(a.due_on, a.amount) for a in body.amounts],
                made_by=principal.actor, contact_id=body.contact_id,
            ),
            uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
        return 201, Created(id=promise_id, ref=ref)

    return await idempotent(request, principal, key, work)


@router.get(
    "/plans", response_model=list[PlanItem], dependencies=[Depends(Access(*READERS, Role.BORROWER))]
)
def plans(request: Request, ref: str) -> Any:
    _readable(request, ref)
    web = context(request)
    return [
        PlanItem(
            id=plan.id, status=result.status.value, amount=Amount.of(plan.terms.amount),
            periods=plan.terms.periods, first_due_on=plan.terms.first_due_on,
            paid=Amount.of(result.paid), misses=result.misses,
            installments=[
                {"seq": i.seq, "due_on": i.due_on, "amount": Amount.of(i.amount)}
                for i in plan.installments
            ],
        )
        for plan, result in show_plans(
            ref, uow_factory=web.container.uow, clock=web.container.clock
        )
    ]  # fmt: skip


@router.post(
    "/plans", status_code=201, response_model=Created, dependencies=[Depends(Access(*WORKERS))]
)
async def add_plan(
    request: Request, ref: str, body: PlanCreate, key: IdempotencyKey
) -> JSONResponse:
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        _free(request, ref, principal)
        plan_id = create_plan(
            PlanRequest(
                loan=ref, amount=body.amount, periods=body.periods,
                first_due_on=body.first_due_on, created_by=principal.actor,
            ),
            uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
        return 201, Created(id=plan_id, ref=ref)

    return await idempotent(request, principal, key, work)
