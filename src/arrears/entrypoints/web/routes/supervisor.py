"""The supervisor console: approval queues, team activity, the strategy in force (with upload and
activation of a new one) and the portfolio dashboard."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request, UploadFile
from starlette.responses import Response

from arrears import bootstrap
from arrears.adapters.reports.formatting import fmt
from arrears.analytics.report_model import MetricTable, NoData
from arrears.domain.settlements.offers import OfferStatus
from arrears.entrypoints.web.access import Access, WebContext, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.entrypoints.web.templating import render
from arrears.errors import ArrearsError
from arrears.services import work_queue
from arrears.services.analytics import ReportSettings, compute_report
from arrears.services.auth import Role
from arrears.services.settlement_offers import offers_list
from arrears.services.status import portfolio_status
from arrears.services.strategies import activate_strategy, active_strategy
from arrears.strategy.catalogue import ReviewQueue
from arrears.strategy.check import check_strategy
from arrears.strategy.problems import StrategyInvalid, StrategyProblem

router = APIRouter(
    prefix="/supervisor",
    dependencies=[Depends(Access(Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN))],
)
SUPERVISOR = [Depends(Access(Role.SUPERVISOR))]
OVERSIGHT = [Depends(Access(Role.SUPERVISOR, Role.COMPLIANCE, Role.ADMIN))]
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_UPLOAD = 1_000_000


@router.get("/approvals", dependencies=[Depends(Access(Role.SUPERVISOR, Role.ADMIN))])
def approvals(
    request: Request,
    queue: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    web = context(request)
    found = work_queue.review_queue(
        queue=queue or None,
        page=page,
        per_page=25,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    queues = [q.value for q in ReviewQueue]
    waiting = offers_list(statuses=(OfferStatus.DRAFTED,), uow_factory=web.container.uow)
    values = {"page": found, "queue": queue, "queues": queues, "offers": waiting}
    return render(request, "supervisor/approvals.html", values)


@router.post("/approvals/{action_id}", dependencies=SUPERVISOR)
def decide(
    request: Request,
    action_id: int,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    note: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    web = context(request)
    item = work_queue.decide_any_review(
        action_id,
        decision=decision,
        note=note,
        principal=principal_of(request),
        uow_factory=web.container.uow,
        clock=web.container.clock,
        recovery=bootstrap.recovery(web.container),
    )
    if request.headers.get("hx-request") == "true":
        return render(request, "supervisor/_review_row.html", {"item": item})
    return see_other("/supervisor/approvals", request)


@router.get("/team", dependencies=[Depends(Access(Role.SUPERVISOR, Role.ADMIN))])
def team(request: Request, days: Annotated[int, Query(ge=1, le=90)] = 7) -> Response:
    web = context(request)
    people = work_queue.team_activity(
        days=days, uow_factory=web.container.uow, clock=web.container.clock
    )
    return render(request, "supervisor/team.html", {"people": people, "days": days})


@router.get("/strategy", dependencies=OVERSIGHT)
def strategy(request: Request) -> Response:
    return _strategy_page(request, context(request))


def _strategy_page(
    request: Request,
    web: WebContext,
    *,
    problems: list[StrategyProblem] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response:
    with web.container.uow() as uow:
        active = active_strategy(uow, buckets=web.container.buckets)
    return render(
        request,
        "supervisor/strategy.html",
        {"active": active, "problems": problems or [], "message": message},
        status_code=status_code,
    )


@router.post("/strategy", dependencies=SUPERVISOR)
async def upload_strategy(
    request: Request,
    files: list[UploadFile],
    action: Annotated[str, Form(pattern="^(check|activate)$")] = "check",
) -> Response:
    """Check or activate an uploaded strategy: the first file, with any files its experiment
    arms name. Every problem is shown; a file with errors is never activated."""
    web = context(request)
    texts: dict[str, str] = {}
    for upload in files:
        name = Path(upload.filename or "").name
        if not SAFE_NAME.match(name):
            raise ArrearsError(f"{name!r} is not a plain file name")
        body = await upload.read(MAX_UPLOAD + 1)
        if len(body) > MAX_UPLOAD:
            raise ArrearsError(f"{name} is larger than {MAX_UPLOAD:,} bytes")
        try:
            texts[name] = body.decode("utf-8")
        except UnicodeDecodeError:
            raise ArrearsError(f"{name} is not UTF-8 text") from None
    if not texts:
        raise ArrearsError("choose a strategy file")
    first = next(iter(texts))
    if action == "check":
        checked = check_strategy(
            texts[first], source=first, buckets=web.container.buckets, include=_include(texts)
        )
        message = f"{first}: {len(checked.errors)} error(s), {len(checked.warnings)} warning(s)"
        status = 200 if checked.ok else 422
        return _strategy_page(
            request, web, problems=checked.problems, message=message, status_code=status
        )
    try:
        activated = _activate(web, texts, first, by=principal_of(request).actor)
    except StrategyInvalid as invalid:
        return _strategy_page(
            request,
            web,
            problems=invalid.strategy_problems,
            message=f"{first} was not activated: {invalid}",
            status_code=422,
        )
    return see_other(f"/supervisor/strategy?activated={activated}", request)


def _include(texts: dict[str, str]) -> Any:
    def read(name: str) -> str:
        if name not in texts:
            raise ArrearsError(f"{name} was not uploaded with the strategy")
        return texts[name]

    return read


def _activate(web: WebContext, texts: dict[str, str], first: str, *, by: str) -> str:
    with tempfile.TemporaryDirectory(prefix="arrears-strategy-") as folder:
        for name, text in texts.items():
            (Path(folder) / name).write_text(text, encoding="utf-8")
        active = activate_strategy(
            Path(folder) / first,
            by=by,
            uow_factory=web.container.uow,
            clock=web.container.clock,
            buckets=web.container.buckets,
        )
    return active.strategy.label


@router.get("/analytics", dependencies=[Depends(Access(Role.SUPERVISOR, Role.COMPLIANCE))])
def analytics(request: Request) -> Response:
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
    with web.container.uow() as uow:
        funnel = uow.portal.funnel_counts(since=web.container.clock.now() - timedelta(days=30))
    return render(request, "supervisor/analytics.html", {"status": status, "funnel": funnel})


@router.get("/analytics/report", dependencies=[Depends(Access(Role.SUPERVISOR, Role.COMPLIANCE))])
def report(request: Request) -> Response:
    """The analytics report (computed now: roll rates, cures, curves, experiments, goals)."""
    web = context(request)
    container = web.container
    found = compute_report(
        bootstrap.analytics_units(container),
        as_of=container.clock.today(),
        clock=container.clock,
        settings=ReportSettings(
            buckets=container.buckets,
            policy=container.policy,
            partition_loans=container.settings.partition_loans,
        ),
    )
    sections = [_section(section, found.currency) for section in found.sections]
    return render(request, "supervisor/report.html", {"report": found, "sections": sections})


def _section(section: MetricTable | NoData, currency: str) -> dict[str, Any]:
    if isinstance(section, NoData):
        return {"title": section.title, "definition": section.definition,
                "reason": section.reason, "columns": [], "rows": []}  # fmt: skip
    return {
        "title": section.title,
        "definition": section.definition,
        "reason": "",
        "columns": [column.label for column in section.columns],
        "rows": [
            [fmt(value, column.unit, currency) for value, column in zip(row, section.columns,
                                                                         strict=True)]
            for row in section.rows
        ],
    }  # fmt: skip
