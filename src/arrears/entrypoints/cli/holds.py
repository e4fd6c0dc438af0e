"""``arrears hold``: place, end and list holds on accounts."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build
from arrears.domain.holds import HoldKind
from arrears.entrypoints.cli.output import console, handle_errors, parse_date
from arrears.errors import NotFoundError
from arrears.services.holds import HoldRequest, end_hold, place_hold

app = typer.Typer(no_args_is_help=True, help="Holds: what may not be done on an account.")


@app.command("add")
@handle_errors
def add(
    kind: Annotated[HoldKind, typer.Option(help="Kind of hold.")],
    reason: Annotated[str, typer.Option(help="Why (kept in the audit trail).")],
    loan: Annotated[str | None, typer.Option(help="Loan id (lender's).")] = None,
    borrower: Annotated[str | None, typer.Option(help="Borrower id: holds every loan.")] = None,
    starts: Annotated[str | None, typer.Option("--from", help="First day (may be past).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day in force.")] = None,
    chapter: Annotated[str | None, typer.Option(help="Bankruptcy chapter.")] = None,
    case_number: Annotated[str | None, typer.Option(help="Court case number.")] = None,
    by: Annotated[str, typer.Option(help="Who sets it.")] = "cli",
) -> None:
    """Place a hold (dispute, cease communication, bankruptcy, deceased, SCRA…)."""
    container = build()
    container.require_schema()
    hold_id = place_hold(
        HoldRequest(
            kind=kind,
            reason=reason,
            set_by=by,
            starts_on=parse_date(starts, option="--from"),
            ends_on=parse_date(until, option="--until"),
            loan=loan,
            borrower=borrower,
            chapter=chapter,
            case_number=case_number,
        ),
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"Hold {hold_id} placed.")


@app.command("end")
@handle_errors
def end(
    hold_id: Annotated[int, typer.Argument(help="Hold number.")],
    reason: Annotated[str, typer.Option(help="Why it ends.")],
    on: Annotated[str | None, typer.Option(help="Last day in force (default today).")] = None,
    by: Annotated[str, typer.Option(help="Who ends it.")] = "cli",
) -> None:
    """End a hold."""
    container = build()
    container.require_schema()
    hold = end_hold(
        hold_id,
        ends_on=parse_date(on, option="--on"),
        by=by,
        reason=reason,
        uow_factory=container.uow,
        clock=container.clock,
    )
    console.print(f"Hold {hold_id} ({hold.kind.value}) ended.")


@app.command("list")
@handle_errors
def list_holds(loan: Annotated[str, typer.Option(help="Loan id (lender's).")]) -> None:
    """Every hold on a loan and on its borrowers, past and present."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        holds = uow.holds.for_loan(loan_id)
    today = container.clock.today()
    table = Table(title=f"Holds on {loan}")
    for column in ("#", "kind", "on", "from", "until", "in force", "by", "reason"):
        table.add_column(column)
    for hold in holds:
        table.add_row(
            str(hold.id),
            hold.kind.value,
            "loan" if hold.loan_id else "borrower",
            hold.starts_on.isoformat(),
            hold.ends_on.isoformat() if hold.ends_on else "",
            "yes" if hold.active_on(today) else "no",
            hold.set_by,
            hold.reason,
        )
    console.print(table)
