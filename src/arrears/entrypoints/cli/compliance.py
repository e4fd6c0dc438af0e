"""``arrears compliance``: ask the gate, and see its rules."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build
from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory
from arrears.entrypoints.cli.output import console, handle_errors
from arrears.errors import ArrearsError

app = typer.Typer(no_args_is_help=True, help="The compliance gate: checks and rule packs.")


@app.command("check")
@handle_errors
def check(
    loan: Annotated[str, typer.Option(help="Loan id (lender's).")],
    channel: Annotated[Channel, typer.Option(help="How the borrower would be reached.")],
    at: Annotated[str | None, typer.Option(help="When (ISO with zone; default now).")] = None,
    template: Annotated[str | None, typer.Option(help="Template or script.")] = None,
    category: Annotated[ActionCategory, typer.Option(help="What the action does.")] = (
        ActionCategory.CONTACT
    ),
    point: Annotated[int | None, typer.Option(help="Contact point id (default: first).")] = None,
) -> None:
    """Would contacting the borrower now (or --at) be allowed? Every blocking rule is shown
    with its id, reason and legal source; the answer is recorded like any other."""
    from arrears.services.compliance import check_loan_contact

    moment = None
    if at is not None:
        try:
            moment = datetime.fromisoformat(at)
        except ValueError:
            raise ArrearsError(f"--at {at!r} is not an ISO date-time") from None
        if moment.tzinfo is None:
            raise ArrearsError("--at needs a time zone, e.g. 2026-11-27T08:30:00-05:00")
    container = build()
    container.require_schema()
    proposal, decision = check_loan_contact(
        loan, channel, uow_factory=container.uow, clock=container.clock, at=moment,
        template=template, category=category, contact_point_id=point,
    )  # fmt: skip
    target = f"point {proposal.contact_point_id}" if proposal.contact_point_id else "no point"
    if decision.allowed:
        console.print(f"[green]Allowed[/]: {channel.value} on {loan} ({target}).")
    else:
        console.print(f"[red]Blocked[/]: {channel.value} on {loan} ({target}).")
        table = Table()
        for column in ("rule", "reason", "source"):
            table.add_column(column)
        for hit in decision.blocked_by:
            table.add_row(hit.rule_id, hit.reason, hit.source)
        console.print(table)
    for notice in decision.disclosures:
        console.print(f"Must carry: {notice.rule_id}: {notice.reason} [{notice.source}]")
    if not decision.allowed:
        raise typer.Exit(1)


@app.command("rules")
@handle_errors
def rules() -> None:
    """Every rule of every shipped pack: id, where it applies, source."""
    from arrears.compliance.packs import default_packs

    table = Table(title="Compliance rules")
    for column in ("pack", "rule", "check", "where", "source"):
        table.add_column(column)
    for pack in default_packs():
        where = ",".join(sorted(pack.states or [])) or "US"
        if pack.localities:
            where += " (" + ",".join(sorted(pack.localities)) + ")"
        for rule in pack.rules:
            table.add_row(pack.id, rule.id, rule.check, where, rule.source)
    console.print(table)
