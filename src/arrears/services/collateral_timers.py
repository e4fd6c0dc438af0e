"""Moving repossession cases along their clocks, once a day (called at the end of the cycle).

For each open case the clocks (``domain.repossession.timers``) say what is due by ``as_of``:
the end of a cure period moves the case on by itself; an explained case closes by policy (its
deficiency back to collection or written off); everything else — assign a vendor, send the
notice of disposition, the sale may proceed, the 90-day disposal deadline of 9-620(e), the
explanation is due — becomes a review item in the ``repossession`` queue. Each item is
recorded once per case under its key, so running the same date twice changes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from arrears.domain.repossession.case import Step
from arrears.domain.repossession.policy import DeficiencyPolicy
from arrears.domain.repossession.stages import TERMINAL, Event
from arrears.domain.repossession.timers import Due, due
from arrears.services.ports import UnitOfWork
from arrears.services.repossession_cases import KIND, LoadedCase, load_case, take_step
from arrears.services.repossession_sale import close_case

ACTOR = "timer"
QUEUE = "repossession"
PRIORITY = {"disposal_overdue": 90, "dispose_by": 80, "breach_of_peace": 70}


@dataclass
class AdvanceReport:
    as_of: date
    cases: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    reviews: Counter[str] = field(default_factory=Counter)


def advance_cases(
    uow: UnitOfWork, *, as_of: date, at: datetime, policy: DeficiencyPolicy | None = None
) -> AdvanceReport:
    """Take every step and raise every review the cases' clocks make due by ``as_of``."""
    report = AdvanceReport(as_of)
    closed = tuple(stage.value for stage in TERMINAL)
    for record in uow.collateral.open_cases(kind=KIND, closed=closed):
        if record.opened_on > as_of:
            continue
        report.cases += 1
        case = load_case(uow, record.id)
        for _ in range(10):  # a step can make another due (cure ends → assign a vendor)
            pending = due(case.state, as_of=as_of)
            if not pending:
                break
            for item in pending:
                case = _take(uow, case, item, as_of=as_of, at=at, policy=policy, report=report)
    return report


def _take(
    uow: UnitOfWork,
    case: LoadedCase,
    item: Due,
    *,
    as_of: date,
    at: datetime,
    policy: DeficiencyPolicy | None,
    report: AdvanceReport,
) -> LoadedCase:
    if item.event is Event.END_CURE_PERIOD:
        step = Step(item.event, item.on, {"reason": item.reason})
        report.steps[item.key] += 1
        return take_step(uow, case, step, actor=ACTOR, at=at, key=item.key)
    if item.event is Event.CLOSE:
        report.steps[item.key] += 1
        on = max(item.on, as_of)
        return close_case(
            uow,
            case_id=case.id,
            on=on,
            actor=ACTOR,
            at=at,
            as_of=as_of,
            policy=policy,
            key=item.key,
        )
    details = {"key": item.key, "reason": item.reason, "source": item.source}
    recorded = take_step(
        uow,
        case,
        Step(Event.REVIEW, item.on, details),
        actor=ACTOR,
        at=at,
        key=f"review:{item.key}",
    )
    if recorded is case:  # already raised
        return case
    case = recorded
    uow.collateral.add_review(
        loan_id=case.loan_id,
        treatment=f"repossession_{item.key}",
        queue=QUEUE,
        category="repossession",
        due_on=max(item.on, case.record.opened_on),
        priority=PRIORITY.get(item.key, 50),
        at=at,
        details={"case_id": case.id, "reason": item.reason, "source": item.source},
    )
    report.reviews[item.key] += 1
    return case
