"""``arrears collateral repossess``: a vehicle from default to the deficiency letter."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from arrears.bootstrap import build, messaging
from arrears.domain.repossession.case import ExpenseKind
from arrears.domain.repossession.stages import Event
from arrears.entrypoints.cli import collateral_sale
from arrears.entrypoints.cli.collateral_common import (
    By,
    Loan,
    On,
    day_of,
    minor,
    run_on_loan,
    run_step,
)
from arrears.entrypoints.cli.output import console, handle_errors
from arrears.services import repossession as repo

app = typer.Typer(no_args_is_help=True, help="Repossession of a vehicle, step by step.")


@app.command("start")
@handle_errors
def start(loan: Loan, on: On = None, by: By = "cli") -> None:
    """Open a repossession case on a loan in default."""
    container = build()
    container.require_schema()
    day = day_of(on, container)
    case_id = run_on_loan(
        loan,
        lambda uow, loan_id: repo.open_case(
            uow, loan_id=loan_id, on=day, actor=by, at=container.clock.now()
        ),
        action="repossession.open",
        by=by,
        container=container,
    )
    console.print(f"Repossession case {case_id} opened on {loan}.")


@app.command("notice")
@handle_errors
def cure_notice(loan: Loan, on: On = None, by: By = "cli") -> None:
    """Send the right-to-cure notice (the state's cure period starts)."""
    run_step(
        loan,
        "right_to_cure_notice",
        by,
        lambda uow, case_id, c: repo.send_cure_notice(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            messaging=messaging(c),
        ),
    )


@app.command("assign")
@handle_errors
def assign(
    loan: Loan,
    vendor: Annotated[str, typer.Option(help="Vendor code.")],
    on: On = None,
    by: By = "cli",
) -> None:
    """Give the repossession order to a vendor (after the cure period)."""
    run_step(
        loan,
        "repossession_order",
        by,
        lambda uow, case_id, c: repo.assign_vendor(
            uow, case_id=case_id, vendor=vendor, on=day_of(on, c), actor=by, at=c.clock.now()
        ),
    )


@app.command("stop")
@handle_errors
def stop(
    loan: Loan,
    reason: Annotated[str, typer.Option(help="What happened.")],
    on: On = None,
    by: By = "cli",
) -> None:
    """Record the vendor's breach-of-the-peace stop (UCC 9-609(b)(2)): the attempt ends."""
    run_step(
        loan,
        "breach_of_peace",
        by,
        lambda uow, case_id, c: repo.record_breach_of_peace(
            uow, case_id=case_id, on=day_of(on, c), reason=reason, actor=by, at=c.clock.now()
        ),
    )


def _possession(
    loan: str,
    *,
    voluntary: bool,
    location: str,
    items: list[str] | None,
    cost: str | None,
    mileage: int | None,
    on: str | None,
    by: str,
) -> None:
    run_step(
        loan,
        "repossession",
        by,
        lambda uow, case_id, c: repo.record_repossession(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            location=location,
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            property_items=items or [],
            mileage=mileage,
            retaking_cost_minor=minor(cost) if cost else 0,
            voluntary=voluntary,
        ),
    )


@app.command("repossessed")
@handle_errors
def repossessed(
    loan: Loan,
    location: Annotated[str, typer.Option(help="Where the vehicle is kept.")],
    item: Annotated[list[str] | None, typer.Option(help="Personal property found.")] = None,
    retaking_cost: Annotated[str | None, typer.Option(help="Retaking fee, e.g. 400.00.")] = None,
    mileage: Annotated[int | None, typer.Option(help="Odometer.")] = None,
    on: On = None,
    by: By = "cli",
) -> None:
    """The vendor took the vehicle."""
    _possession(
        loan,
        voluntary=False,
        location=location,
        items=item,
        cost=retaking_cost,
        mileage=mileage,
        on=on,
        by=by,
    )


@app.command("surrender")
@handle_errors
def surrender(
    loan: Loan,
    location: Annotated[str, typer.Option(help="Where the vehicle is kept.")],
    item: Annotated[list[str] | None, typer.Option(help="Personal property found.")] = None,
    mileage: Annotated[int | None, typer.Option(help="Odometer.")] = None,
    on: On = None,
    by: By = "cli",
) -> None:
    """The borrower surrendered the vehicle voluntarily."""
    _possession(
        loan,
        voluntary=True,
        location=location,
        items=item,
        cost=None,
        mileage=mileage,
        on=on,
        by=by,
    )


@app.command("cost")
@handle_errors
def cost(
    loan: Loan,
    kind: Annotated[ExpenseKind, typer.Option(help="Kind of expense.")],
    amount: Annotated[str, typer.Option(help="Amount, e.g. 300.00.")],
    note: Annotated[str, typer.Option(help="Invoice or note.")] = "",
    on: On = None,
    by: By = "cli",
) -> None:
    """Record an expense (UCC 9-615(a)(1)); it is charged to the loan's costs."""
    run_step(
        loan,
        "repossession_cost",
        by,
        lambda uow, case_id, c: repo.record_cost(
            uow,
            case_id=case_id,
            kind=kind,
            amount_minor=minor(amount),
            on=day_of(on, c),
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            note=note,
        ),
    )


def _fact(loan: str, event: Event, details: dict[str, Any], on: str | None, by: str) -> None:
    run_step(
        loan,
        event.value,
        by,
        lambda uow, case_id, c: repo.record_fact(
            uow,
            case_id=case_id,
            event=event,
            on=day_of(on, c),
            details=details,
            actor=by,
            at=c.clock.now(),
        ),
    )


@app.command("release")
@handle_errors
def release(
    loan: Loan,
    to: Annotated[str, typer.Option(help="Given back to whom.")],
    on: On = None,
    by: By = "cli",
) -> None:
    """The personal property found in the vehicle was given back."""
    _fact(loan, Event.RELEASE_PROPERTY, {"released_to": to}, on, by)


@app.command("store")
@handle_errors
def store(
    loan: Loan,
    location: Annotated[str, typer.Option(help="Where the vehicle is kept now.")],
    on: On = None,
    by: By = "cli",
) -> None:
    """The vehicle moved to another storage place."""
    _fact(loan, Event.STORE, {"location": location}, on, by)


@app.command("condition")
@handle_errors
def condition(
    loan: Loan,
    grade: Annotated[str, typer.Option(help="excellent, good, fair or poor.")],
    mileage: Annotated[int | None, typer.Option(help="Odometer.")] = None,
    notes: Annotated[str, typer.Option(help="Damage, missing parts…")] = "",
    on: On = None,
    by: By = "cli",
) -> None:
    """A condition report on the held vehicle."""
    details = {"condition": grade, "mileage": mileage, "notes": notes}
    _fact(loan, Event.CONDITION_REPORT, details, on, by)


@app.command("lien")
@handle_errors
def lien(
    loan: Loan,
    holder: Annotated[str, typer.Option(help="Subordinate secured party.")],
    amount: Annotated[str, typer.Option(help="Amount demanded.")],
    rank: Annotated[int, typer.Option(help="2 for a second lien, 3 for a third…")] = 2,
    on: On = None,
    by: By = "cli",
) -> None:
    """A subordinate lienholder's authenticated demand for proceeds (9-615(a)(3))."""
    details = {"holder": holder, "amount_minor": minor(amount), "rank": rank}
    _fact(loan, Event.LIEN_DEMAND, details, on, by)


@app.command("withdraw")
@handle_errors
def withdraw(
    loan: Loan, reason: Annotated[str, typer.Option(help="Why.")], on: On = None, by: By = "cli"
) -> None:
    """End the case without a sale (the vehicle goes back, the loan is brought current…)."""
    run_step(
        loan,
        "withdraw",
        by,
        lambda uow, case_id, c: repo.end_case(
            uow,
            case_id=case_id,
            event=Event.WITHDRAW,
            on=day_of(on, c),
            reason=reason,
            actor=by,
            at=c.clock.now(),
        ),
    )


app.command("disposition")(collateral_sale.disposition)
app.command("redeem")(collateral_sale.redeem)
app.command("sale")(collateral_sale.sale_command)
app.command("explain")(collateral_sale.explain_command)
app.command("close")(collateral_sale.close)
