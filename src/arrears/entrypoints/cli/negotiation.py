"""``arrears contact``, ``arrears promise`` and ``arrears plan``: the negotiation desk."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build
from arrears.domain.contact_log import Channel, Direction, Outcome
from arrears.domain.plans import InterestTerms, PlanShape
from arrears.entrypoints.cli.output import console, handle_errors, money, parse_date
from arrears.errors import ArrearsError

contact_app = typer.Typer(no_args_is_help=True, help="The contact log.")
promise_app = typer.Typer(no_args_is_help=True, help="Promises to pay.")
plan_app = typer.Typer(no_args_is_help=True, help="Repayment plans.")
app = typer.Typer(no_args_is_help=True, help="Contacts, promises to pay and repayment plans.")
app.add_typer(contact_app, name="contact")
app.add_typer(promise_app, name="promise")
app.add_typer(plan_app, name="plan")


def _instant(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ArrearsError(f"--at {text!r} is not an ISO date-time") from None
    if moment.tzinfo is None:
        raise ArrearsError("--at needs a time zone, e.g. 2026-11-27T14:30:00-05:00")
    return moment


@contact_app.command("log")
@handle_errors
def log(
    loan: Annotated[str, typer.Option(help="Loan id (lender's).")],
    channel: Annotated[Channel, typer.Option(help="How the borrower was reached.")],
    outcome: Annotated[Outcome, typer.Option(help="What came of it.")],
    direction: Annotated[Direction, typer.Option(help="Who reached whom.")] = Direction.OUTBOUND,
    at: Annotated[str | None, typer.Option(help="When (ISO with zone; default now).")] = None,
    point: Annotated[int | None, typer.Option(help="Contact point id used.")] = None,
    template: Annotated[str, typer.Option(help="Template or script used.")] = "",
    notes: Annotated[str, typer.Option(help="Notes (kept, never logged).")] = "",
    by: Annotated[str, typer.Option(help="Agent or system.")] = "cli",
) -> None:
    """Log a contact; its outcome places holds or changes the contact point when it should."""
    from arrears.services.contacts import ContactEntry, log_contact

    container = build()
    container.require_schema()
    logged = log_contact(
        ContactEntry(
            loan=loan, channel=channel, outcome=outcome, actor=by, direction=direction,
            at=_instant(at), contact_point_id=point, template=template, notes=notes,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )  # fmt: skip
    console.print(f"Contact {logged.contact_id} logged.")
    for hold_id in logged.hold_ids:
        console.print(f"Hold {hold_id} placed ({outcome.value}).")
    if logged.point_change:
        console.print(f"Contact point {point}: {logged.point_change}.")


@contact_app.command("list")
@handle_errors
def list_contacts(loan: Annotated[str, typer.Option(help="Loan id (lender's).")]) -> None:
    """The loan's latest contacts."""
    from arrears.services.contacts import contact_history

    container = build()
    container.require_schema()
    table = Table(title=f"Contacts on {loan}")
    for column in ("#", "at (UTC)", "channel", "direction", "outcome", "point", "by"):
        table.add_column(column)
    for record in contact_history(loan, uow_factory=container.uow):
        table.add_row(
            str(record.id), f"{record.at:%Y-%m-%d %H:%M}", record.channel.value,
            record.direction.value, record.outcome.value,
            str(record.contact_point_id or ""), record.actor,
        )  # fmt: skip
    console.print(table)


@contact_app.command("hours")
@handle_errors
def hours(
    borrower: Annotated[str, typer.Option(help="Borrower id (lender's).")],
    start: Annotated[int | None, typer.Option("--from", help="First hour (local).")] = None,
    end: Annotated[int | None, typer.Option("--to", help="Hour contact must stop.")] = None,
    by: Annotated[str, typer.Option(help="Who records it.")] = "cli",
) -> None:
    """Record the hours the borrower chose (omit both to forget them)."""
    from arrears.services.contacts import set_preferred_hours

    if (start is None) != (end is None):
        raise ArrearsError("give both --from and --to, or neither")
    container = build()
    container.require_schema()
    chosen = (start, end) if start is not None and end is not None else None
    set_preferred_hours(borrower, chosen, by=by, uow_factory=container.uow, clock=container.clock)
    console.print("Preferred hours recorded." if chosen else "Preferred hours forgotten.")


def _amounts(pairs: list[str]) -> list[tuple[date, str]]:
    found = []
    for pair in pairs:
        day, _, amount = pair.partition("=")
        parsed = parse_date(day, option="--pay")
        if parsed is None or not amount:
            raise ArrearsError(f"--pay {pair!r}: use DATE=AMOUNT, e.g. 2026-12-05=150.00")
        found.append((parsed, amount))
    return found


@promise_app.command("add")
@handle_errors
def add_promise_command(
    loan: Annotated[str, typer.Option(help="Loan id (lender's).")],
    pay: Annotated[list[str], typer.Option(help="DATE=AMOUNT, once per dated amount.")],
    by: Annotated[str, typer.Option(help="Agent who took the promise.")] = "cli",
    contact: Annotated[int | None, typer.Option(help="Contact log entry it came from.")] = None,
) -> None:
    """Record a promise to pay one or several dated amounts."""
    from arrears.services.promises import PromiseRequest, add_promise

    container = build()
    container.require_schema()
    promise_id = add_promise(
        PromiseRequest(loan=loan, amounts=_amounts(pay), made_by=by, contact_id=contact),
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"Promise {promise_id} recorded.")


@promise_app.command("list")
@handle_errors
def list_promises(loan: Annotated[str, typer.Option(help="Loan id (lender's).")]) -> None:
    """The loan's promises and their status today (from posted payments)."""
    from arrears.services.promises import promises_of

    container = build()
    container.require_schema()
    table = Table(title=f"Promises on {loan}")
    for column in ("#", "made", "amounts", "status", "decided"):
        table.add_column(column)
    for record, result in promises_of(loan, uow_factory=container.uow, clock=container.clock):
        amounts = ", ".join(
            f"{i.due_on} {money(i.amount.minor, i.amount.currency)}"
            for i in record.promise.installments
        )
        table.add_row(
            str(record.promise.id), record.promise.made_on.isoformat(), amounts,
            result.status.value, result.decided_on.isoformat() if result.decided_on else "",
        )  # fmt: skip
    console.print(table)


@plan_app.command("create")
@handle_errors
def create(
    loan: Annotated[str, typer.Option(help="Loan id (lender's).")],
    amount: Annotated[str, typer.Option(help="Amount the plan covers, e.g. 900.00.")],
    periods: Annotated[int, typer.Option(help="Number of monthly installments.")],
    first_due: Annotated[str, typer.Option(help="First due date (YYYY-MM-DD).")],
    shape: Annotated[PlanShape, typer.Option(help="Equal or graduated.")] = PlanShape.EQUAL,
    step_bp: Annotated[int, typer.Option(help="Graduated: growth per period, bp.")] = 0,
    interest: Annotated[InterestTerms, typer.Option(help="Interest terms.")] = (
        InterestTerms.CONTRACT
    ),
    rate: Annotated[str | None, typer.Option(help="Reduced annual rate, e.g. 0.05.")] = None,
    max_misses: Annotated[int, typer.Option(help="Misses before default.")] = 2,
    by: Annotated[str, typer.Option(help="Who agreed it.")] = "cli",
) -> None:
    """Agree a repayment plan."""
    from arrears.services.plans import PlanRequest, create_plan

    try:
        reduced = Decimal(rate) if rate is not None else None
    except InvalidOperation:
        raise ArrearsError(f"--rate {rate!r} is not a number") from None
    first = parse_date(first_due, option="--first-due")
    assert first is not None
    container = build()
    container.require_schema()
    plan_id = create_plan(
        PlanRequest(
            loan=loan, amount=amount, periods=periods, first_due_on=first, created_by=by,
            shape=shape, step_bp=step_bp, interest=interest, reduced_rate=reduced,
            max_misses=max_misses,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )  # fmt: skip
    console.print(f"Plan {plan_id} created.")


@plan_app.command("show")
@handle_errors
def show(loan: Annotated[str, typer.Option(help="Loan id (lender's).")]) -> None:
    """The loan's plans, their schedules and how they are going."""
    from arrears.services.plans import show_plans

    container = build()
    container.require_schema()
    for plan, result in show_plans(loan, uow_factory=container.uow, clock=container.clock):
        currency = plan.terms.amount.currency
        console.print(
            f"Plan {plan.id}: {result.status.value}, {plan.terms.periods} x "
            f"{plan.terms.shape.value}, interest {plan.terms.interest.value}, "
            f"paid {money(result.paid.minor, currency)} of {money(plan.total.minor, currency)}, "
            f"{result.misses} missed (defaults at {plan.terms.max_misses})"
        )
        table = Table()
        for column in ("#", "due", "amount", "kept"):
            table.add_column(column)
        for installment, outcome in zip(plan.installments, result.results, strict=True):
            kept = {True: "yes", False: "missed", None: ""}[outcome.kept]
            table.add_row(
                str(installment.seq), installment.due_on.isoformat(),
                money(installment.amount.minor, currency), kept,
            )  # fmt: skip
        console.print(table)


@plan_app.command("cancel")
@handle_errors
def cancel(
    plan_id: Annotated[int, typer.Argument(help="Plan number.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
    by: Annotated[str, typer.Option(help="Who cancels it.")] = "cli",
) -> None:
    """Cancel a plan: the account returns to the strategy."""
    from arrears.services.plans import cancel_plan

    container = build()
    container.require_schema()
    cancel_plan(plan_id, by=by, reason=reason, uow_factory=container.uow, clock=container.clock)
    console.print(f"Plan {plan_id} cancelled.")
