"""``arrears offer``: price, propose, approve, present, accept and follow settlement offers."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from arrears.domain.money import Money
from arrears.domain.settlements.offers import OfferStatus, OfferType, PresentedVia
from arrears.domain.settlements.pricing import OfferRequest, Pricing
from arrears.entrypoints.cli.output import console, handle_errors, money
from arrears.entrypoints.cli.recovery_output import (
    actor,
    loan_currency,
    percent,
    print_alternatives,
    ready,
)
from arrears.services import settlement_offers as offers
from arrears.services import settlement_outcomes as outcomes

app = typer.Typer(no_args_is_help=True, help="Settlement offers: price, approve, present, settle.")

TypeOption = Annotated[OfferType, typer.Option("--type", help="Kind of offer.")]
Installments = Annotated[int, typer.Option(help="Monthly installments (1 = lump sum).")]
Amount = Annotated[str | None, typer.Option(help="Amount to offer (default: the policy's).")]
By = Annotated[str, typer.Option("--by", help="Who acts (kept in the audit trail).")]
Role = Annotated[str, typer.Option(help="Authority role: agent, supervisor, manager.")]
Via = Annotated[PresentedVia, typer.Option(help="letter, email or portal")]


def _request(kind: OfferType, installments: int, amount: str | None, currency: str) -> OfferRequest:
    minor = Money.parse(amount, currency).minor if amount is not None else None
    return OfferRequest(offer_type=kind, installments=installments, amount_minor=minor)


@app.command("price")
@handle_errors
def price_command(
    loan: Annotated[str, typer.Argument(help="Loan id (lender's).")],
    kind: TypeOption = OfferType.LUMP_SUM,
    installments: Installments = 1,
    amount: Amount = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON.")] = False,
) -> None:
    """Price an offer: the alternatives, the floor, the ladder, and why the offer is what it is."""
    container, settings = ready()
    request = _request(kind, installments, amount, loan_currency(container, loan))
    pricing = offers.price(
        loan, request, uow_factory=container.uow, clock=container.clock, recovery=settings
    )
    if as_json:
        console.print_json(json.dumps(pricing.as_dict()))
        return
    print_pricing(pricing)


def print_pricing(pricing: Pricing) -> None:
    print_alternatives(pricing.alternatives, pricing.currency)
    for reason in pricing.reasons:
        console.print(f"• {reason}")
    console.print(f"Approval: {pricing.required_role}; expires {pricing.expires_on}.")
    for rule, why in pricing.problems:
        console.print(f"[red]Refused[/] ({rule}): {why}")


@app.command("propose")
@handle_errors
def propose_command(
    loan: Annotated[str, typer.Argument(help="Loan id (lender's).")],
    by: By,
    role: Role = "agent",
    kind: TypeOption = OfferType.LUMP_SUM,
    installments: Installments = 1,
    amount: Amount = None,
    note: Annotated[str, typer.Option(help="Why this offer.")] = "",
) -> None:
    """Propose an offer: approved at once within your authority, else queued for approval."""
    container, settings = ready()
    offer = offers.propose_offer(
        loan,
        _request(kind, installments, amount, loan_currency(container, loan)),
        actor=actor(by, role),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
        note=note,
    )
    what = f"{money(offer.amount_minor, offer.currency)} ({percent(offer.discount)} off)"
    if offer.status is OfferStatus.APPROVED:
        console.print(f"Offer {offer.id} approved: {what}; expires {offer.expires_on}.")
    else:
        console.print(f"Offer {offer.id} drafted: {what}; waits for a {offer.required_role}.")


@app.command("approve")
@handle_errors
def approve_command(offer_id: int, by: By, role: Role = "supervisor") -> None:
    """Approve a drafted offer (refused beyond your authority)."""
    container, settings = ready()
    offer = offers.approve_offer(
        offer_id,
        actor=actor(by, role),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
    )
    console.print(f"Offer {offer.id} approved by {offer.approved_by}.")


@app.command("reject")
@handle_errors
def reject_command(offer_id: int, by: By, reason: Annotated[str, typer.Option()]) -> None:
    """Reject a drafted offer in the approval queue."""
    container, _ = ready()
    offers.reject_offer(
        offer_id, actor=actor(by), reason=reason, uow_factory=container.uow, clock=container.clock
    )
    console.print(f"Offer {offer_id} rejected.")


@app.command("present")
@handle_errors
def present_command(offer_id: int, by: By, via: Via = PresentedVia.LETTER) -> None:
    """Present an approved offer (letters and emails go through the outbox and the gate)."""
    container, settings = ready(send=True)
    offer = offers.present_offer(
        offer_id,
        via=via,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
    )
    console.print(f"Offer {offer.id} presented by {via.value}; expires {offer.expires_on}.")


@app.command("accept")
@handle_errors
def accept_command(offer_id: int, by: By) -> None:
    """Record the borrower's acceptance: the plan is created (refused once expired)."""
    container, settings = ready()
    offer = outcomes.accept_offer(
        offer_id,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
    )
    console.print(f"Offer {offer.id} accepted; payment plan {offer.plan_id}.")


@app.command("decline")
@handle_errors
def decline_command(offer_id: int, by: By, reason: Annotated[str, typer.Option()] = "") -> None:
    """Record that the borrower declined the offer."""
    container, _ = ready()
    offers.decline_offer(
        offer_id, actor=actor(by), reason=reason, uow_factory=container.uow, clock=container.clock
    )
    console.print(f"Offer {offer_id} declined.")


@app.command("fulfil")
@handle_errors
def fulfil_command(offer_id: int, by: By) -> None:
    """Settle an accepted offer whose amount has been received."""
    container, settings = ready()
    facts = outcomes.fulfil_offer(
        offer_id,
        actor=actor(by),
        uow_factory=container.uow,
        clock=container.clock,
        recovery=settings,
    )
    console.print(
        f"Offer {offer_id} fulfilled: {money(facts.forgiven.total, facts.currency)} forgiven "
        f"({money(facts.forgiven.principal, facts.currency)} principal); Metro 2 status "
        f"{facts.metro2_status} + {facts.special_comment}; Form 1099-C "
        + ("flagged." if facts.form_1099c else "not required.")
    )


@app.command("review")
@handle_errors
def review_command() -> None:
    """Expire, fulfil or break every offer whose time has come (run daily)."""
    container, settings = ready()
    report = outcomes.review_offers(
        uow_factory=container.uow, clock=container.clock, recovery=settings
    )
    console.print(
        f"Expired {report.expired}, fulfilled {report.fulfilled}, broken "
        f"{report.broken}, still running {report.waiting}."
    )


@app.command("list")
@handle_errors
def list_command(
    loan: Annotated[str | None, typer.Option(help="One account's offers.")] = None,
    status: Annotated[list[OfferStatus] | None, typer.Option(help="Only these statuses.")] = None,
    queue: Annotated[str | None, typer.Option(help="Approval queue of this role.")] = None,
) -> None:
    """Offers of an account, or an approval queue (``--status drafted --queue supervisor``)."""
    container, _ = ready()
    found = offers.offers_list(
        uow_factory=container.uow, ref=loan, statuses=tuple(status or ()), role=queue
    )
    table = Table(title="Settlement offers")
    for column in ("#", "loan", "type", "status", "balance", "offer", "off", "needs", "expires"):
        table.add_column(column)
    for o in found:
        table.add_row(
            str(o.id),
            str(o.loan_id),
            o.offer_type.value,
            o.status.value,
            money(o.balance_minor, o.currency),
            money(o.amount_minor, o.currency),
            percent(o.discount),
            o.required_role,
            o.expires_on.isoformat(),
        )
    console.print(table)


@app.command("show")
@handle_errors
def show_command(offer_id: int) -> None:
    """One offer: how it was priced, its history and its settlement."""
    container, _ = ready()
    view = offers.offer_view(offer_id, uow_factory=container.uow)
    offer = view["offer"]
    console.print(
        f"Offer {offer.id} on loan {offer.loan_id}: {offer.offer_type.value}, {offer.status.value}"
    )
    for reason in offer.pricing.get("reasons", []):
        console.print(f"• {reason}")
    for event in view["events"]:
        console.print(
            f"  {event['effective_on']} {event['from_status'] or '—'} → "
            f"{event['to_status']} by {event['actor']} {event['note']}"
        )
    if view["settlement"]:
        console.print_json(json.dumps(view["settlement"], default=str))
