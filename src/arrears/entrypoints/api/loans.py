"""``/api/v1/loans``: accounts, their balances, schedule, payments, holds, decisions and actions.

Staff see every account; a borrower sees only their own — any other reference is "not found".
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from arrears.domain.money import Money
from arrears.entrypoints.api import schemas
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.api.responses import json_response
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.services.account_view import AccountView, account_view
from arrears.services.auth import Principal, Role
from arrears.services.portal import portal_view
from arrears.services.recovery_panel import RecoveryPanel
from arrears.services.work_queue import Page, actions_page, loans_page

READERS = (Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE)
router = APIRouter(
    prefix="/loans",
    tags=["loans"],
    dependencies=[Depends(Access(*READERS, Role.BORROWER))],
    responses=PROBLEM_RESPONSES,
)
STAFF_ONLY = [Depends(Access(*READERS))]
PageNumber = Annotated[int, Query(ge=1, le=10**9)]
PerPage = Annotated[int, Query(ge=1, le=200)]


def view_for(
    request: Request, ref: str, *, brief: bool = False, recovery: bool = False
) -> AccountView:
    """The account as this caller may see it (a borrower: only their own); ``brief`` when the
    endpoint shows only the summary (no compliance panel, decisions, payments or schedule);
    ``recovery``: with the recovery panel (staff only)."""
    web, principal = context(request), principal_of(request)
    if principal.role is Role.BORROWER:
        assert principal.borrower_id is not None
        return portal_view(
            principal.borrower_id, ref, uow_factory=web.container.uow,
            clock=web.container.clock, settings=web.container.cycle_settings, brief=brief,
        )  # fmt: skip
    return account_view(
        ref, viewer=principal.actor, uow_factory=web.container.uow, clock=web.container.clock,
        settings=web.container.cycle_settings, brief=brief, recovery=recovery,
    )  # fmt: skip


def paged(items: list[Any], found: Page) -> schemas.Page[Any]:
    return schemas.Page(
        items=items, page=found.page, per_page=found.per_page, total=found.total,
        pages=found.pages,
    )  # fmt: skip


def amount(minor: int, currency: str) -> schemas.Amount:
    return schemas.Amount.of(Money(int(minor), currency))


@router.get("", response_model=schemas.Page[schemas.LoanSummary])
def list_loans(request: Request, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    web, principal = context(request), principal_of(request)
    borrower = principal.borrower_id if principal.role is Role.BORROWER else None
    found = loans_page(
        borrower_id=borrower, page=page, per_page=per_page, uow_factory=web.container.uow
    )
    items = [
        schemas.LoanSummary(
            ref=r["external_id"], product=r["product"], status=r["status"],
            currency=r["currency"], borrower_ref=r["borrower_ref"],
            principal=amount(r["principal_minor"], r["currency"]),
            origination_date=r["origination_date"],
        )
        for r in found.items
    ]  # fmt: skip
    return paged(items, found)


@router.get("/{ref}", response_model=schemas.LoanDetail)
def get_loan(request: Request, ref: str) -> Any:
    principal = principal_of(request)
    # the roles that see the agent's account view see its recovery panel too
    view = view_for(request, ref, brief=True, recovery=principal.role in READERS)
    return json_response(detail(view, principal, recovery=view.recovery))


def detail(
    view: AccountView, principal: Principal, *, recovery: RecoveryPanel | None = None
) -> schemas.LoanDetail:
    currency = view.currency
    return schemas.LoanDetail(
        ref=view.ref,
        product=view.loan["product"],
        status=view.loan["status"],
        currency=currency,
        origination_date=view.loan["origination_date"],
        charge_off_date=view.loan["charge_off_date"],
        borrowers=[
            schemas.Party(
                ref=p.external_id, name=p.name, relation=p.relation, masked_ssn=p.masked_ssn
            )
            for p in view.parties
        ],
        balance=schemas.Balance(
            components={name: schemas.Amount.of(m) for name, m in view.itemization.lines},
            suspense=schemas.Amount.of(view.itemization.suspense),
            total=schemas.Amount.of(view.itemization.total),
        ),
        delinquency=schemas.Delinquency(
            dpd=view.delinquency.dpd,
            bucket=view.delinquency.bucket,
            past_due=schemas.Amount.of(view.delinquency.past_due),
            oldest_unpaid_due_date=view.delinquency.oldest_unpaid,
            dofd=view.delinquency.dofd,
        ),
        holds_in_force=[hold.kind.value for hold, live in view.holds if live],
        worked_by=(
            view.lock.held_by_name if view.lock and principal.role is not Role.BORROWER else None
        ),
        recovery=None if recovery is None else recovery_of(recovery, currency),
    )


def recovery_of(panel: RecoveryPanel, currency: str) -> schemas.Recovery:
    legal = [
        schemas.LegalCaseItem(
            case_id=c.case_id, status=c.status, referred_on=c.referred_on, firm=c.firm,
            case_number=c.case_number,
            proceedings=[{"kind": p.kind, "status": p.status} for p in c.proceedings],
            next_court_date=c.next_date_on, next_court_date_kind=c.next_date_kind,
            costs=amount(c.costs_minor, currency),
            recoverable_costs=amount(c.recoverable_costs_minor, currency),
        )
        for c in panel.legal
    ]  # fmt: skip
    placed = [
        schemas.PlacementItem(
            placement_id=p.placement_id, agency=p.agency_code, agency_name=p.agency_name,
            status=p.status, placed_on=p.placed_on, recall_due_on=p.recall_due_on,
            recalled_on=p.recalled_on, collected=amount(p.collected_minor, currency),
        )
        for p in panel.placements
    ]  # fmt: skip
    collateral = [
        schemas.CollateralCaseItem(
            case_id=k.case_id, kind=k.kind, stage=k.stage, state=k.state, opened_on=k.opened_on,
            closed_on=k.closed_on, next_deadline_on=k.next_deadline_on,
            next_deadline=k.next_deadline,
        )
        for k in panel.collateral
    ]  # fmt: skip
    return schemas.Recovery(legal=legal, placements=placed, collateral=collateral)


@router.get("/{ref}/schedule", response_model=list[schemas.ScheduleItem])
def schedule(request: Request, ref: str) -> Any:
    return [
        schemas.ScheduleItem(
            seq=row.seq, due_date=row.due_date, status=row.status,
            total=schemas.Amount.of(row.total), principal=schemas.Amount.of(row.principal),
            interest=schemas.Amount.of(row.interest), fees=schemas.Amount.of(row.fees),
        )
        for row in view_for(request, ref).schedule
    ]  # fmt: skip


@router.get("/{ref}/payments", response_model=list[schemas.PaymentItem])
def payments(request: Request, ref: str) -> Any:
    view = view_for(request, ref)
    return [
        schemas.PaymentItem(
            ref=p["external_id"], effective_date=p["effective_date"],
            amount=amount(p["amount_minor"], view.currency), method=p["method"],
            status=p["status"], return_reason=p["return_reason"] or "", source=p["source"],
        )
        for p in view.payments
    ]  # fmt: skip


@router.get("/{ref}/holds", response_model=list[schemas.HoldItem])
def holds(request: Request, ref: str) -> Any:
    return [
        schemas.HoldItem(
            id=hold.id or 0, kind=hold.kind.value, starts_on=hold.starts_on,
            ends_on=hold.ends_on, in_force=live, set_by=hold.set_by, reason=hold.reason,
            blocks=sorted(hold.rule.blocks), source=hold.rule.source,
        )
        for hold, live in view_for(request, ref, brief=True).holds
    ]  # fmt: skip


@router.get("/{ref}/decisions", response_model=list[schemas.Decision], dependencies=STAFF_ONLY)
def decisions(request: Request, ref: str) -> Any:
    view = view_for(request, ref)
    return [
        schemas.Decision(
            as_of=d["as_of"], dpd=d["dpd"], bucket=d["bucket"], segment=d["segment"],
            experiment=d["experiment"], arm=d["arm"],
            balance=amount(d["balance_minor"], view.currency),
            items=[
                {k: i[k] for k in ("treatment", "rule", "status", "blocked_by", "reason",
                                   "source")}
                for i in d["items"]
            ],
        )
        for d in view.decisions
    ]  # fmt: skip


@router.get(
    "/{ref}/actions", response_model=schemas.Page[schemas.ActionItem], dependencies=STAFF_ONLY
)
def actions(request: Request, ref: str, page: PageNumber = 1, per_page: PerPage = 50) -> Any:
    web = context(request)
    found = actions_page(ref, page=page, per_page=per_page, uow_factory=web.container.uow)
    fields = schemas.ActionItem.model_fields
    return paged([schemas.ActionItem(**{k: r[k] for k in fields}) for r in found.items], found)
