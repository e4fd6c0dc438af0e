"""What the ``arrears collateral repossess`` commands share: arguments, dates, amounts, and
running a step on the loan's open case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, TypeVar

import typer

from arrears.bootstrap import Container, build
from arrears.domain.money import Money
from arrears.entrypoints.cli.output import console, errors, parse_date
from arrears.errors import ArrearsError, RuleViolation
from arrears.services.collateral_commands import on_case, on_loan
from arrears.services.ports import OutboxUnitOfWork
from arrears.services.repossession_cases import LoadedCase

T = TypeVar("T")

Loan = Annotated[str, typer.Argument(help="Loan id (lender's).")]
On = Annotated[str | None, typer.Option("--on", help="Business date of the step (default today).")]
By = Annotated[str, typer.Option("--by", help="Who records the step.")]


def run_step(
    loan: str, action: str, by: str, work: Callable[[OutboxUnitOfWork, int, Container], LoadedCase]
) -> None:
    """Run ``work`` on the loan's open repossession case and say where the case now stands."""
    container = build()
    container.require_schema()
    try:
        case = on_case(
            loan,
            lambda uow, case_id: work(uow, case_id, container),
            action=action,
            actor=by,
            uow_factory=container.uow,
            clock=container.clock,
        )
    except RuleViolation as refused:
        cite(refused)
        raise
    console.print(f"Case {case.id} on {loan}: {case.state.stage.value}.")


def day_of(text: str | None, container: Container, option: str = "--on") -> date:
    """The date typed (never after today: a step records what happened), or today."""
    today = container.clock.today()
    day = parse_date(text, option=option) or today
    if day > today:
        raise ArrearsError(f"{option} {day} is in the future (today is {today})")
    return day


def minor(text: str) -> int:
    """An amount typed in dollars (``1234.50``) as minor units; never a float."""
    return Money.parse(text).minor


def run_on_loan(
    loan: str,
    work: Callable[[OutboxUnitOfWork, int], T],
    *,
    action: str,
    by: str,
    container: Container,
) -> T:
    """Run ``work`` on the loan (lender's id) in one transaction; a refusal cites its rule."""
    try:
        return on_loan(
            loan, work, action=action, actor=by, uow_factory=container.uow, clock=container.clock
        )
    except RuleViolation as refused:
        cite(refused)
        raise


def cite(refused: RuleViolation) -> None:
    """Print the rule that refused a step and its legal source (nothing was changed)."""
    errors.print(
        f"Refused by rule {refused.rule}: {refused.source or 'see docs/collateral.md'}"
        " — nothing was changed.",
        markup=False,
    )
