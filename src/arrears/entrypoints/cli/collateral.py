"""``arrears collateral``: the registry, values, repossession, foreclosure referral, timers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import build, messaging
from arrears.domain.collateral import ValuationSource
from arrears.domain.collateral_registry.facts import (
    Coverage,
    InsuranceFacts,
    LienStatus,
    SaleFacts,
    TitleFacts,
    TitleStatus,
)
from arrears.domain.foreclosure.referral import Exception120
from arrears.entrypoints.cli.collateral_common import By, Loan, On, day_of, minor, run_on_loan
from arrears.entrypoints.cli.collateral_repossess import app as repossess_app
from arrears.entrypoints.cli.output import console, handle_errors, money, parse_date
from arrears.errors import NotFoundError
from arrears.services import collateral_registry as registry
from arrears.services.collateral_timers import advance_cases
from arrears.services.foreclosure import refer_to_foreclosure
from arrears.services.ports import OutboxUnitOfWork
from arrears.services.repossession import register_vendor

app = typer.Typer(no_args_is_help=True, help="Collateral: registry, repossession, foreclosure.")
app.add_typer(repossess_app, name="repossess", help="Repossession of a vehicle, step by step.")
foreclosure_app = typer.Typer(no_args_is_help=True, help="Foreclosure referral of a mortgage.")
app.add_typer(foreclosure_app, name="foreclosure")
vendor_app = typer.Typer(no_args_is_help=True, help="Repossession vendors.")
app.add_typer(vendor_app, name="vendor")

Item = Annotated[str | None, typer.Option(help="Collateral id (lender's); default: the only one.")]


@app.command("show")
@handle_errors
def show(loan: Loan, as_of: Annotated[str | None, typer.Option(help="Date.")] = None) -> None:
    """The loan's collateral: value, LTV and equity on a date, facts, valuations and cases."""
    container = build()
    container.require_schema()
    day = day_of(as_of, container, "--as-of")
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        views = registry.collateral_views(uow, loan_id=loan_id, as_of=day)
        steps = {c.id: uow.collateral.steps(c.id) for view in views for c in view.cases}
    if not views:
        console.print(f"Loan {loan} has no collateral.")
    for view in views:
        r = view.record
        what = (
            f"{r.year} {r.make} {r.model}, VIN {r.vin}"
            if r.kind == "vehicle"
            else ", ".join(part for part in r.address if part)
        )
        console.print(f"[bold]{r.external_id}[/] {r.kind}: {what}")
        value = money(view.value_minor) if view.value_minor is not None else "unknown"
        console.print(f"  value on {day}: {value} ({view.value_basis})")
        console.print(
            f"  owed {money(view.position.balance_minor)} · LTV {view.ltv} · equity "
            f"{money(view.equity_minor) if view.equity_minor is not None else '—'}"
        )
        if r.facts:
            console.print(
                f"  title {r.facts['title_status']}, lien {r.facts['lien_status']}, "
                f"insurance {r.facts['insurance_coverage']}, at "
                f"{r.facts['location'] or '—'}"
            )
        for case in view.cases:
            closed = f", closed {case.closed_on}" if case.closed_on else ""
            console.print(
                f"  {case.kind} case {case.id}: {case.stage} (opened {case.opened_on}{closed})"
            )
            for step in steps[case.id]:
                console.print(f"    {step.effective_on} {step.event} by {step.actor}", markup=False)
        table = Table("valued on", "amount", "source", "by")
        for v in view.valuations:
            table.add_row(
                str(v["valued_on"]), money(v["amount_minor"]), v["source"], v["valued_by"] or ""
            )
        console.print(table)


@app.command("value")
@handle_errors
def value(
    loan: Loan,
    amount: Annotated[str, typer.Option(help="Value, e.g. 12500.00.")],
    source: Annotated[
        ValuationSource, typer.Option(help="Where it comes from.")
    ] = ValuationSource.APPRAISAL,
    on: On = None,
    item: Item = None,
    valued_by: Annotated[str, typer.Option(help="Appraiser or guide.")] = "",
    mileage: Annotated[int | None, typer.Option(help="Odometer at the valuation.")] = None,
    by: By = "cli",
) -> None:
    """Add a dated valuation (appraisal, market guide…) to the loan's collateral."""
    container = build()
    container.require_schema()

    def work(uow: OutboxUnitOfWork, loan_id: int) -> int:
        record = _collateral(uow, loan_id, item)
        return registry.add_valuation(
            uow,
            collateral_id=record,
            valued_on=day_of(on, container),
            amount_minor=minor(amount),
            source=source,
            actor=by,
            at=container.clock.now(),
            valued_by=valued_by,
            mileage=mileage,
        )

    run_on_loan(
        loan,
        work,
        action="collateral.value",
        by=by,
        container=container,
    )
    console.print(f"Valuation of {amount} recorded on {loan}.")


@app.command("register-vehicle")
@handle_errors
def register_vehicle(
    loan: Loan,
    collateral_id: Annotated[str, typer.Option("--id", help="Collateral id.")],
    vin: Annotated[str, typer.Option(help="17-character VIN.")],
    year: Annotated[int, typer.Option(help="Model year.")],
    make: Annotated[str, typer.Option(help="Make.")],
    model: Annotated[str, typer.Option(help="Model.")],
    mileage: Annotated[int | None, typer.Option(help="Odometer.")] = None,
    condition: Annotated[str, typer.Option(help="Condition.")] = "",
    by: By = "cli",
) -> None:
    """Register a vehicle securing a loan (the VIN's check digit is verified)."""
    container = build()
    container.require_schema()
    run_on_loan(
        loan,
        lambda uow, loan_id: registry.register_vehicle(
            uow,
            loan_id=loan_id,
            external_id=collateral_id,
            vin=vin,
            year=year,
            make=make,
            model=model,
            actor=by,
            at=container.clock.now(),
            as_of=container.clock.today(),
            mileage=mileage,
            condition=condition,
        ),
        action="collateral.register",
        by=by,
        container=container,
    )
    console.print(f"Vehicle {collateral_id} registered on {loan}.")


@app.command("facts")
@handle_errors
def facts(
    loan: Loan,
    item: Item = None,
    title: Annotated[TitleStatus | None, typer.Option(help="Title status.")] = None,
    lien: Annotated[LienStatus, typer.Option(help="Lien status.")] = LienStatus.PERFECTED,
    title_state: Annotated[str, typer.Option(help="State of title.")] = "",
    insurance: Annotated[Coverage | None, typer.Option(help="Insurance coverage.")] = None,
    carrier: Annotated[str, typer.Option(help="Insurer.")] = "",
    expires: Annotated[str | None, typer.Option(help="Policy end date.")] = None,
    location: Annotated[str | None, typer.Option(help="Where the vehicle is.")] = None,
    cash_price: Annotated[str | None, typer.Option(help="Cash price (60% rule).")] = None,
    consumer_goods: Annotated[bool, typer.Option(help="Consumer goods.")] = True,
    senior_liens: Annotated[str | None, typer.Option(help="Senior liens (property).")] = None,
    by: By = "cli",
) -> None:
    """Record title, lien, insurance, location and 60%-rule facts."""
    container = build()
    container.require_schema()

    def work(uow: OutboxUnitOfWork, loan_id: int) -> object:
        return registry.record_facts(
            uow,
            collateral_id=_collateral(uow, loan_id, item),
            actor=by,
            at=container.clock.now(),
            title=TitleFacts(title, lien, title_state) if title else None,
            insurance=InsuranceFacts(
                insurance, carrier, "", parse_date(expires, option="--expires")
            )
            if insurance
            else None,
            sale=SaleFacts(consumer_goods, True, minor(cash_price)) if cash_price else None,
            location=location,
            senior_liens_minor=minor(senior_liens) if senior_liens else None,
        )

    run_on_loan(
        loan,
        work,
        action="collateral.facts",
        by=by,
        container=container,
    )
    console.print(f"Facts recorded on {loan}.")


@vendor_app.command("add")
@handle_errors
def add_vendor(
    code: Annotated[str, typer.Argument(help="Vendor code.")],
    name: Annotated[str, typer.Option(help="Vendor name.")],
    phone: Annotated[str, typer.Option(help="Phone.")] = "",
    state: Annotated[list[str] | None, typer.Option(help="State served.")] = None,
    by: By = "cli",
) -> None:
    """Add a repossession vendor."""
    container = build()
    container.require_schema()
    with container.uow() as uow:
        register_vendor(
            uow,
            code=code,
            name=name,
            actor=by,
            at=container.clock.now(),
            phone=phone,
            states=state or [],
        )
        uow.commit()
    console.print(f"Vendor {code} added.")


@foreclosure_app.command("refer")
@handle_errors
def refer(
    loan: Loan,
    exception: Annotated[
        Exception120, typer.Option(help="1024.41(f)(1) exception.")
    ] = Exception120.NONE,
    loss_mitigation_pending: Annotated[
        bool, typer.Option(help="Complete application pending.")
    ] = False,
    on: On = None,
    by: By = "cli",
) -> None:
    """Refer a mortgage more than 120 days delinquent to foreclosure (legal's queue)."""
    container = build()
    container.require_schema()
    case_id = run_on_loan(
        loan,
        lambda uow, loan_id: refer_to_foreclosure(
            uow,
            loan_id=loan_id,
            on=day_of(on, container),
            actor=by,
            at=container.clock.now(),
            as_of=container.clock.today(),
            messaging=messaging(container),
            exception=exception,
            loss_mitigation_pending=loss_mitigation_pending,
        ),
        action="foreclosure_referral",
        by=by,
        container=container,
    )
    console.print(f"Loan {loan} referred to foreclosure (case {case_id}).")


@app.command("advance")
@handle_errors
def advance(as_of: Annotated[str | None, typer.Option(help="Business date.")] = None) -> None:
    """Move every case along its timers to a date (idempotent; the daily cycle runs it too)."""
    container = build()
    container.require_schema()
    day = day_of(as_of, container, "--as-of")
    with container.uow() as uow:
        report = advance_cases(uow, as_of=day, at=container.clock.now())
        uow.commit()
    steps = ", ".join(f"{k} {v}" for k, v in report.steps.items()) or "none"
    reviews = ", ".join(f"{k} {v}" for k, v in report.reviews.items()) or "none"
    console.print(f"{report.cases} open case(s) on {day}: steps {steps}; reviews {reviews}.")


def _collateral(uow: OutboxUnitOfWork, loan_id: int, external_id: str | None) -> int:
    if external_id is not None:
        found = uow.collateral.by_external_id(external_id)
        if found is None or found.loan_id != loan_id:
            raise NotFoundError(f"no collateral {external_id!r} on this loan")
        return found.id
    items = uow.collateral.of_loan(loan_id)
    if len(items) != 1:
        raise NotFoundError(f"the loan has {len(items)} pieces of collateral: name one with --item")
    return items[0].id
