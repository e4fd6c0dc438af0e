"""``/api/v1``: who am I, borrowers, portfolio metrics, the strategy in force, and the API's own
description (OpenAPI, and a readable page of it served without any CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from arrears.domain.money import Money
from arrears.entrypoints.api import schemas
from arrears.entrypoints.api.problems import PROBLEM_RESPONSES
from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.entrypoints.web.templating import render
from arrears.services.account_view import borrower_view
from arrears.services.auth import Role
from arrears.services.status import portfolio_status
from arrears.services.strategies import active_strategy
from arrears.strategy.conditions import describe

router = APIRouter(tags=["meta"], responses=PROBLEM_RESPONSES)
OVERSIGHT = (Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN)


@router.get("/me", response_model=schemas.Me, dependencies=[Depends(Access(*Role))])
def me(request: Request) -> Any:
    principal = principal_of(request)
    return schemas.Me(kind=principal.kind, role=principal.role.value, name=principal.name)


@router.get(
    "/borrowers/{ref}",
    response_model=schemas.BorrowerDetail,
    dependencies=[Depends(Access(Role.AGENT, Role.SUPERVISOR, Role.COMPLIANCE))],
)
def borrower(request: Request, ref: str) -> Any:
    """A borrower with sensitive fields masked (the view is audited)."""
    web = context(request)
    party, loans = borrower_view(
        ref,
        viewer=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return schemas.BorrowerDetail(
        ref=party.external_id,
        name=party.name,
        masked_ssn=party.masked_ssn,
        has_date_of_birth=party.has_dob,
        language=party.language,
        address=party.address,
        loans=loans,
    )


@router.get(
    "/metrics/portfolio",
    response_model=list[schemas.BucketRow],
    dependencies=[Depends(Access(*OVERSIGHT))],
)
def portfolio(request: Request) -> Any:
    """Accounts, balance and amount past due by delinquency bucket, today."""
    web = context(request)
    today = web.container.clock.today()
    status = portfolio_status(
        web.container.uow,
        as_of=today,
        today=today,
        buckets=web.container.buckets,
        policy=web.container.policy,
        partition=web.container.settings.partition_loans,
    )
    return [
        schemas.BucketRow(
            bucket=row.segment,
            accounts=row.accounts,
            balance=schemas.Amount.of(Money(row.balance_minor, "USD")),
            past_due=schemas.Amount.of(Money(row.past_due_minor, "USD")),
        )
        for row in status.rows
    ]


@router.get(
    "/strategy", response_model=schemas.StrategySummary, dependencies=[Depends(Access(*OVERSIGHT))]
)
def strategy(request: Request) -> Any:
    """The strategy in force: its segments with their rules, and its experiments."""
    web = context(request)
    with web.container.uow() as uow:
        active = active_strategy(uow, buckets=web.container.buckets)
    model = active.strategy
    return schemas.StrategySummary(
        name=model.name,
        version=model.version,
        digest=active.digest,
        source=active.source,
        segments=[
            {
                "name": s.name,
                "when": describe(s.when),
                "rules": [r.describe() for r in s.treatments],
            }
            for s in model.segments
        ],
        experiments=[
            {
                "id": e.id,
                "segments": list(e.segments),
                "arms": {a.name: str(a.share) for a in e.arms},
                "holdout": str(e.holdout),
            }
            for e in model.experiments
        ],
    )


@router.get("/openapi.json", include_in_schema=False, dependencies=[Depends(Access.public_route())])
def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", include_in_schema=False, dependencies=[Depends(Access.public_route())])
def docs(request: Request) -> Response:
    """The API reference rendered on the server from the OpenAPI description."""
    schema = request.app.openapi()
    operations = [
        {"method": method.upper(), "path": path, **operation}
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    return render(request, "api_docs.html", {"schema": schema, "operations": operations})
