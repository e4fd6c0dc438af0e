"""``arrears collateral repossess``: the notice of disposition, redemption, the sale, the
9-616 explanation and closing (registered on the ``repossess`` group)."""

from __future__ import annotations

from typing import Annotated

import typer

from arrears.bootstrap import messaging
from arrears.domain.repossession.case import ExpenseKind, SaleMethod
from arrears.domain.repossession.policy import DeficiencyPolicy
from arrears.entrypoints.cli.collateral_common import By, Loan, On, day_of, minor, run_step
from arrears.entrypoints.cli.output import handle_errors, parse_date
from arrears.errors import ArrearsError
from arrears.services import repossession_explanation as explanation
from arrears.services import repossession_sale as sale


@handle_errors
def disposition(
    loan: Loan,
    method: Annotated[SaleMethod, typer.Option(help="public or private sale.")],
    sale_date: Annotated[str, typer.Option(help="Public: the sale date; private: sale after.")],
    place: Annotated[str, typer.Option(help="Public sale: where.")] = "",
    time: Annotated[str, typer.Option(help="Public sale: when, e.g. 10:00 a.m.")] = "",
    on: On = None,
    by: By = "cli",
) -> None:
    """Send the notice of disposition (9-614), at least the state's days before the sale."""
    sale_on = parse_date(sale_date, option="--sale-date")
    assert sale_on is not None
    run_step(
        loan,
        "notice_of_disposition",
        by,
        lambda uow, case_id, c: sale.send_disposition_notice(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            method=method,
            sale_on=sale_on,
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            messaging=messaging(c),
            place=place,
            time=time,
        ),
    )


@handle_errors
def redeem(
    loan: Loan,
    amount: Annotated[str, typer.Option(help="Amount paid.")],
    on: On = None,
    by: By = "cli",
) -> None:
    """The borrower paid everything owed before the sale (9-623)."""
    run_step(
        loan,
        "redemption",
        by,
        lambda uow, case_id, c: sale.redeem(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            amount_minor=minor(amount),
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
        ),
    )


@handle_errors
def sale_command(
    loan: Loan,
    price: Annotated[str, typer.Option(help="Sale price, e.g. 9000.00.")],
    buyer: Annotated[str, typer.Option(help="Who bought it.")],
    cost: Annotated[
        list[str] | None, typer.Option(help="KIND=AMOUNT, e.g. selling=500.00.")
    ] = None,
    related_buyer: Annotated[bool, typer.Option(help="Buyer is the lender or related.")] = False,
    on: On = None,
    by: By = "cli",
) -> None:
    """Record the sale; the proceeds are applied in the 9-615(a) order."""
    costs = [_cost(text) for text in cost or []]
    run_step(
        loan,
        "collateral_sale",
        by,
        lambda uow, case_id, c: sale.record_sale(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            price_minor=minor(price),
            buyer=buyer,
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            costs=costs,
            related_buyer=related_buyer,
        ),
    )


@handle_errors
def explain_command(loan: Loan, on: On = None, by: By = "cli") -> None:
    """Send the 9-616 explanation, with the surplus or the deficiency letter."""
    run_step(
        loan,
        "surplus_deficiency_explanation",
        by,
        lambda uow, case_id, c: explanation.send_explanation(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            messaging=messaging(c),
        ),
    )


@handle_errors
def close(
    loan: Loan,
    write_off_up_to: Annotated[str, typer.Option(help="Write off a deficiency up to this.")] = "0",
    on: On = None,
    by: By = "cli",
) -> None:
    """Close an explained case: the deficiency returns to collection or is written off."""
    policy = DeficiencyPolicy(write_off_at_or_below_minor=minor(write_off_up_to))
    run_step(
        loan,
        "close",
        by,
        lambda uow, case_id, c: sale.close_case(
            uow,
            case_id=case_id,
            on=day_of(on, c),
            actor=by,
            at=c.clock.now(),
            as_of=c.clock.today(),
            policy=policy,
        ),
    )


def _cost(text: str) -> tuple[ExpenseKind, int]:
    kind, _, amount = text.partition("=")
    try:
        return ExpenseKind(kind.strip()), minor(amount)
    except ValueError:
        kinds = ", ".join(k.value for k in ExpenseKind)
        raise ArrearsError(f"--cost {text!r}: use KIND=AMOUNT with KIND one of {kinds}") from None
