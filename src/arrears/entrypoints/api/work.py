"""``/api/v1``: holds and disputes, the work queue and account locks, and review decisions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from arrears import bootstrap
from arrears.domain.money import Money
from arrears.entrypoints.api import schemas
from arrears.entrypoints.api.idempotency import IdempotencyKey, idempotent
from arrears.entrypoints.api.loans import PageNumber, PerPage, paged
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.services import portal, work_queue
from arrears.services.auth import Role
from arrears.services.holds import HoldRequest, end_hold, place_hold

WORKERS = (Role.AGENT, Role.SUPERVISOR)
router = APIRouter(tags=["work"], responses=PROBLEM_RESPONSES)


@router.post(
    "/loans/{ref}/holds",
    status_code=201,
    response_model=schemas.Created,
    dependencies=[Depends(Access(*WORKERS, Role.COMPLIANCE))],
)
async def add_hold(
    request: Request, ref: str, body: schemas.HoldCreate, key: IdempotencyKey
) -> JSONResponse:
    """Place a hold on an account (dispute, cease communication, hardship, bankruptcy…)."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        work_queue.ensure_free_for(
            ref, principal, uow_factory=web.container.uow, clock=web.container.clock
        )
        hold_id = place_hold(
            HoldRequest(
                kind=body.kind, reason=body.reason, set_by=principal.actor, loan=ref,
                starts_on=body.starts_on, ends_on=body.ends_on, chapter=body.chapter,
                case_number=body.case_number,
            ),
            uow_factory=web.container.uow,
            clock=web.container.clock,
        )  # fmt: skip
        return 201, schemas.Created(id=hold_id, ref=ref)

    return await idempotent(request, principal, key, work)


@router.post(
    "/holds/{hold_id}/end",
    response_model=schemas.HoldItem,
    dependencies=[Depends(Access(Role.SUPERVISOR, Role.COMPLIANCE))],
)
async def finish_hold(
    request: Request, hold_id: schemas.PathId, body: schemas.HoldEnd, key: IdempotencyKey
) -> JSONResponse:
    """End a hold (it stays on record with who ended it and why)."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        hold = end_hold(
            hold_id, ends_on=body.ends_on, by=principal.actor, reason=body.reason,
            uow_factory=web.container.uow, clock=web.container.clock,
        )  # fmt: skip
        return 200, schemas.HoldItem(
            id=hold_id, kind=hold.kind.value, starts_on=hold.starts_on,
            ends_on=body.ends_on or web.container.clock.today(), in_force=False,
            set_by=hold.set_by, reason=hold.reason, blocks=sorted(hold.rule.blocks),
            source=hold.rule.source,
        )  # fmt: skip

    return await idempotent(request, principal, key, work)


@router.post(
    "/loans/{ref}/disputes",
    status_code=201,
    response_model=schemas.Created,
    dependencies=[Depends(Access(Role.BORROWER))],
)
async def dispute(
    request: Request, ref: str, body: schemas.DisputeCreate, key: IdempotencyKey
) -> JSONResponse:
    """The borrower disputes their debt: collection stops until it is verified."""
    web, principal = context(request), principal_of(request)
    assert principal.borrower_id is not None
    borrower = principal.borrower_id

    def work() -> tuple[int, Any]:
        hold_id = portal.open_dispute(
            borrower, ref, body.reason, uow_factory=web.container.uow, clock=web.container.clock
        )
        return 201, schemas.Created(id=hold_id, ref=ref)

    return await idempotent(request, principal, key, work)


def _queue_item(row: dict[str, Any]) -> dict[str, Any]:
    balance = row.get("balance_minor")
    return {
        "action_id": row["id"],
        "loan": row["loan_ref"],
        "borrower": f"{row['first_name']} {row['last_name']}",
        "queue": row["queue"],
        "priority": row["priority"],
        "treatment": row["treatment"],
        "dpd": row["dpd"],
        "balance": (
            schemas.Amount.of(Money(int(balance), row["currency"])) if balance is not None else None
        ),
        "worked_by": row["held_by_name"],
    }


@router.get(
    "/queue",
    response_model=schemas.Page[schemas.QueueItem],
    dependencies=[Depends(Access(*WORKERS))],
)
def queue(request: Request, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    """The caller's call tasks from the latest cycle, most urgent first."""
    web = context(request)
    found = work_queue.call_queue(
        principal_of(request), page=page, per_page=per_page, uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    return paged([schemas.QueueItem(**_queue_item(r)) for r in found.items], found)


@router.post(
    "/loans/{ref}/lock",
    response_model=schemas.Lock,
    dependencies=[Depends(Access(*WORKERS))],
)
async def take(request: Request, ref: str, key: IdempotencyKey) -> JSONResponse:
    """Take the account: other agents see it is being worked until the lock expires (409 when
    someone else has it)."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        held = work_queue.take_account(
            ref, principal, uow_factory=web.container.uow, clock=web.container.clock,
            minutes=web.settings.account_lock_minutes,
        )  # fmt: skip
        return 200, schemas.Lock(loan=ref, held_by=held.held_by, expires_at=held.expires_at)

    return await idempotent(request, principal, key, work)


@router.delete("/loans/{ref}/lock", status_code=204, dependencies=[Depends(Access(*WORKERS))])
def release(request: Request, ref: str) -> None:
    web = context(request)
    work_queue.release_account(
        ref, principal_of(request), uow_factory=web.container.uow, clock=web.container.clock
    )


@router.get(
    "/reviews",
    response_model=schemas.Page[schemas.ReviewItem],
    dependencies=[Depends(Access(Role.SUPERVISOR))],
)
def reviews(
    request: Request,
    queue: Annotated[str | None, Query(max_length=20)] = None,
    page: PageNumber = 1,
    per_page: PerPage = 50,
) -> Any:
    """Pending review items (offers, agency, legal, repossession, charge-off, hardship)."""
    web = context(request)
    found = work_queue.review_queue(
        queue=queue, page=page, per_page=per_page, uow_factory=web.container.uow,
        clock=web.container.clock,
    )  # fmt: skip
    items = [schemas.ReviewItem(**_queue_item(r), status=r["status"]) for r in found.items]
    return paged(items, found)


@router.post(
    "/reviews/{action_id}/decision",
    response_model=schemas.ReviewItem,
    dependencies=[Depends(Access(Role.SUPERVISOR))],
)
async def decide(
    request: Request, action_id: schemas.PathId, body: schemas.ReviewDecision, key: IdempotencyKey
) -> JSONResponse:
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        item = work_queue.decide_any_review(
            action_id, decision=body.decision, note=body.note, principal=principal,
            uow_factory=web.container.uow, clock=web.container.clock,
            recovery=bootstrap.recovery(web.container),
        )  # fmt: skip
        return 200, schemas.ReviewItem(**_queue_item(item), status=item["status"])

    return await idempotent(request, principal, key, work)


class Referral(BaseModel):
    model_config = ConfigDict(extra="forbid")

    treatment: str = Field(
        description="legal_referral_review, agency_placement_review, "
        "repossession_review, foreclosure_review or hardship_review"
    )
    note: str = Field(default="", max_length=300)


@router.post(
    "/loans/{ref}/referrals",
    status_code=201,
    response_model=schemas.Created,
    dependencies=[Depends(Access(*WORKERS))],
)
async def refer(request: Request, ref: str, body: Referral, key: IdempotencyKey) -> JSONResponse:
    """Refer an account for review (approval queues); approving starts that workflow."""
    web, principal = context(request), principal_of(request)

    def work() -> tuple[int, Any]:
        work_queue.ensure_free_for(
            ref, principal, uow_factory=web.container.uow, clock=web.container.clock
        )
        action_id = work_queue.refer(
            ref, body.treatment, note=body.note, principal=principal,
            uow_factory=web.container.uow, clock=web.container.clock,
        )  # fmt: skip
        return 201, schemas.Created(id=action_id, ref=ref)

    return await idempotent(request, principal, key, work)
