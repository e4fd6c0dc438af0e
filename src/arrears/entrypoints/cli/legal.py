"""``arrears legal``: refer accounts to counsel and follow cases and their proceedings."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer
from rich.table import Table

from arrears.bootstrap import Container, legal_documents
from arrears.domain.legal.cases import DateKind, Judgment
from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus
from arrears.domain.money import Money
from arrears.entrypoints.cli.output import console, handle_errors, money, parse_date
from arrears.entrypoints.cli.recovery_output import actor, print_alternatives, ready
from arrears.errors import ArrearsError, NotFoundError
from arrears.services import legal_proceedings as proceedings
from arrears.services.legal_referral import cost_benefit, refer_to_legal

app = typer.Typer(no_args_is_help=True, help="Legal action: referral, proceedings, costs.")

By = Annotated[str, typer.Option("--by", help="Who acts (kept in the audit trail).")]


@app.command("cost-benefit")
@handle_errors
def cost_benefit_command(loan: Annotated[str, typer.Argument(help="Loan id (lender's).")]) -> None:
    """What suing is worth next to the other alternatives, and what would stop it."""
    container, settings = ready()
    view = cost_benefit(loan, uow_factory=container.uow, clock=container.clock, recovery=settings)
    print_alternatives(view.alternatives, view.currency)
    if view.limitation:
        lim = view.limitation
        console.print(
            f"Statute of limitations: {lim['state']} {lim['contract_type']}, "
            f"{lim['years']} years, time-barred from {lim['expires_on']}."
        )
    for reason in view.barred:
        console.print(f"[red]Barred:[/] {reason}")
    console.print("Worth suing." if view.worth_suing else "Not the best alternative today.")


@app.command("refer")
@handle_errors
def refer_command(
    loan: Annotated[str, typer.Argument(help="Loan id (lender's).")],
    by: By,
    firm: Annotated[str, typer.Option(help="Law firm handling the case.")] = "",
    attorney: Annotated[str, typer.Option(help="Attorney at the firm.")] = "",
    kind: Annotated[ProceedingKind, typer.Option(help="First proceeding.")] = ProceedingKind.SUIT,
) -> None:
    """Refer an account to counsel (refused, with the rule, on time-barred or held accounts)."""
    container, settings = ready()
    case_id = refer_to_legal(
        loan,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
        firm=firm,
        attorney=attorney,
        kind=kind,
    )
    console.print(f"Legal case {case_id} opened for {loan}.")


@app.command("advance")
@handle_errors
def advance_command(
    proceeding_id: int,
    to: Annotated[ProceedingStatus, typer.Argument(help="The next status.")],
    by: By,
    on: Annotated[str | None, typer.Option(help="Date of the step (default today).")] = None,
    note: Annotated[str, typer.Option(help="What happened.")] = "",
    judgment_amount: Annotated[str | None, typer.Option(help="Judgment amount.")] = None,
    judgment_date: Annotated[str | None, typer.Option(help="Date judgment was entered.")] = None,
    judgment_rate: Annotated[
        str | None, typer.Option(help="Post-judgment rate, e.g. 0.09.")
    ] = None,
    creditor: Annotated[str, typer.Option(help="Plaintiff named on the cover sheet.")] = "",
) -> None:
    """Move a proceeding: demand_sent, filed, served, judgment, enforcement, satisfied…"""
    container, settings = ready(send=True)
    day = parse_date(on, option="--on")
    judgment = None
    if judgment_amount is not None:
        judgment = _judgment(
            container,
            proceeding_id,
            judgment_amount,
            judgment_date or on,
            judgment_rate,
            settings.policies.legal.judgment_interest_rate,
        )
    result = proceedings.advance_proceeding(
        proceeding_id,
        to,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
        documents=legal_documents(container),
        on=day,
        note=note,
        judgment=judgment,
        creditor=creditor or container.settings.collector_name,
    )
    console.print(f"Proceeding {proceeding_id} is now {result.status.value}.")


def _judgment(
    container: Container,
    proceeding_id: int,
    amount: str,
    entered: str | None,
    rate: str | None,
    default_rate: Decimal,
) -> Judgment:
    day = parse_date(entered, option="--judgment-date")
    if day is None:
        raise ArrearsError("--judgment-date is needed with --judgment-amount")
    try:
        interest = Decimal(rate) if rate is not None else default_rate
        minor = Money.parse(amount, _currency(container, proceeding_id)).minor
        return Judgment(minor, day, interest)
    except (InvalidOperation, ValueError) as error:
        raise ArrearsError(f"judgment: {error}") from None


@app.command("open")
@handle_errors
def open_command(case_id: int, kind: ProceedingKind, by: By) -> None:
    """Add a proceeding to a case (garnishment, lien or levy need a judgment first)."""
    container, settings = ready()
    proceeding_id = proceedings.open_proceeding(
        case_id,
        kind,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
    )
    console.print(f"Proceeding {proceeding_id} ({kind.value}) opened on case {case_id}.")


@app.command("cost")
@handle_errors
def cost_command(
    proceeding_id: int,
    kind: Annotated[str, typer.Argument(help="Cost kind (filing_fee, attorney_fee…).")],
    amount: Annotated[str, typer.Argument(help="Amount, e.g. 250.00.")],
    by: By,
    on: Annotated[str | None, typer.Option(help="Date incurred (default today).")] = None,
    recoverable: Annotated[
        bool | None, typer.Option("--recoverable/--not-recoverable", help="Override the policy.")
    ] = None,
    memo: Annotated[str, typer.Option(help="What it was for.")] = "",
) -> None:
    """Record a legal cost: recoverable ones are charged to the borrower, others are expenses."""
    container, settings = ready()
    cost = proceedings.record_cost(
        proceeding_id,
        kind=kind,
        amount_minor=Money.parse(amount, _currency(container, proceeding_id)).minor,
        incurred_on=parse_date(on, option="--on") or container.clock.today(),
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
        recoverable=recoverable,
        memo=memo,
    )
    posted = "charged to the borrower" if cost.recoverable else "the lender's expense"
    console.print(f"Cost {cost.id} recorded: {money(cost.amount_minor)} {kind}, {posted}.")


@app.command("date")
@handle_errors
def date_command(
    proceeding_id: int,
    kind: DateKind,
    on: str,
    by: By,
    note: Annotated[str, typer.Option(help="What is due.")] = "",
) -> None:
    """Record a court date or deadline."""
    container, _ = ready()
    day = parse_date(on, option="ON")
    assert day is not None
    proceedings.add_court_date(
        proceeding_id,
        kind=kind,
        on=day,
        note=note,
        uow_factory=container.uow,
        clock=container.clock,
        actor=actor(by),
    )
    console.print(f"{kind.value} on {day} recorded.")


@app.command("show")
@handle_errors
def show_command(
    case_id: Annotated[int | None, typer.Argument(help="Case number.")] = None,
    loan: Annotated[str | None, typer.Option(help="The account's cases instead.")] = None,
) -> None:
    """A case: its proceedings, dates, costs and documents."""
    container, _ = ready()
    ids = [case_id] if case_id is not None else _cases_of(container, loan)
    for number in ids:
        view = proceedings.case_view(number, uow_factory=container.uow)
        case = view["case"]
        console.print(
            f"Case {case.id} ({case.status.value}), loan {case.loan_id}, referred "
            f"{case.referred_on} by {case.referred_by}; firm {case.firm or '—'}"
        )
        table = Table(title="Proceedings")
        for column in ("#", "kind", "status", "since", "judgment"):
            table.add_column(column)
        for proceeding, _events in view["proceedings"]:
            j = proceeding.judgment
            judgment = (
                f"{money(j.amount_minor)} on {j.entered_on} at {j.interest_rate}" if j else ""
            )
            table.add_row(
                str(proceeding.id),
                proceeding.kind.value,
                proceeding.status.value,
                str(proceeding.updated_on),
                judgment,
            )
        console.print(table)
        for item in view["dates"]:
            console.print(f"  {item.kind.value} {item.on} {item.note}")
        for cost in view["costs"]:
            console.print(
                f"  cost {cost.kind} {money(cost.amount_minor)} "
                f"{'recoverable' if cost.recoverable else 'not recoverable'}"
            )
        for document in view["documents"]:
            console.print(f"  document {document['template']} ({document['created_at']:%Y-%m-%d})")


def _currency(container: Container, proceeding_id: int) -> str:
    """The currency of the loan a proceeding is about (amounts typed are in it)."""
    with container.uow() as uow:
        proceeding = uow.legal.proceeding(proceeding_id)
        case = uow.legal.case(proceeding.case_id) if proceeding else None
        profile = uow.gate.loan_profile(case.loan_id) if case else None
    return profile.currency if profile else "USD"


def _cases_of(container: Container, loan: str | None) -> list[int]:
    if loan is None:
        raise ArrearsError("name a case or --loan")
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(loan)
        if loan_id is None:
            raise NotFoundError(f"no loan {loan!r}")
        return [c.id for c in uow.legal.cases_for_loan(loan_id) if c.id is not None]
