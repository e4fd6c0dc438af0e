"""Building repossession cases step by step for the unit tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from arrears.domain.repossession.case import CaseHeader, CaseState, Step
from arrears.domain.repossession.machine import apply, start
from arrears.domain.repossession.stages import Event
from arrears.domain.repossession.state_rules import default_rule_book

OPENED = date(2027, 1, 4)


def header(state: str = "KS", *, opened_on: date = OPENED) -> CaseHeader:
    return CaseHeader(
        loan_id=1, collateral_id=1, opened_on=opened_on, rules=default_rule_book().for_state(state)
    )


def step(event: Event, on: date, **details: Any) -> Step:
    return Step(event, on, details)


def run(case: CaseState, *steps: Step) -> CaseState:
    for item in steps:
        case = apply(case, item)
    return case


def through_cure(state: str = "KS", *, notice_on: date = OPENED) -> CaseState:
    """A case whose cure notice went out on ``notice_on`` and whose period has ended."""
    case = run(start(header(state)), step(Event.SEND_CURE_NOTICE, notice_on, days_past_due=40))
    assert case.cure_last_day is not None
    return apply(case, step(Event.END_CURE_PERIOD, case.cure_last_day + timedelta(days=1)))


def repossessed(state: str = "KS", *, must_dispose: bool = False) -> CaseState:
    """KS: cure notice 2027-01-04, period over 2027-01-25 (assigned that day), repossessed
    2027-01-27."""
    case = through_cure(state)
    assigned_on = case.last_on
    assert assigned_on is not None
    return run(
        case,
        step(Event.ASSIGN, assigned_on, vendor="Acme Recovery"),
        step(Event.REPOSSESS, assigned_on + timedelta(days=2), location="Acme lot 4",
             property_items=["child seat", "sunglasses"], must_dispose=must_dispose),
    )  # fmt: skip


def noticed(*, method: str = "private", notice_on: date = date(2027, 2, 1), days: int = 10,
            must_dispose: bool = False) -> CaseState:  # fmt: skip
    """Repossessed (KS) and the notice of disposition sent, sale planned ``days`` later."""
    return apply(
        repossessed(must_dispose=must_dispose),
        step(Event.SEND_DISPOSITION_NOTICE, notice_on, method=method,
             sale_on=(notice_on + timedelta(days=days)).isoformat(), place="Metro Auto Auction"),
    )  # fmt: skip
