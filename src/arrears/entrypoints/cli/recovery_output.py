"""Console output shared by ``arrears offer``, ``arrears legal`` and ``arrears agency``."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from rich.table import Table

from arrears.bootstrap import Container, build, recovery
from arrears.domain.alternatives import Alternative
from arrears.entrypoints.cli.output import console, money
from arrears.services.recovery_settings import Actor, Recovery


def ready(*, send: bool = False) -> tuple[Container, Recovery]:
    """The container (schema checked) and the recovery settings."""
    container = build()
    container.require_schema()
    return container, recovery(container, send=send)


def loan_currency(container: Container, ref: str) -> str:
    """The currency of loan ``ref`` (amounts typed on the command line are in it)."""
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(ref)
        profile = uow.gate.loan_profile(loan_id) if loan_id is not None else None
    return profile.currency if profile else "USD"


def actor(name: str, role: str = "agent") -> Actor:
    return Actor(name=name if ":" in name else f"cli:{name}", role=role)


def percent(share: Decimal | str) -> str:
    return f"{(Decimal(share) * 100).quantize(Decimal('0.01')).normalize():f}%"


def print_alternatives(alternatives: Sequence[Alternative], currency: str) -> None:
    table = Table(title="Alternatives, valued today")
    for column in ("alternative", "worth today", "expected collected", "costs", "months", "why"):
        table.add_column(column, justify="right" if column in {"months"} else "left")
    for item in alternatives:
        if not item.available:
            table.add_row(item.label, "—", "—", "—", "—", f"not possible: {item.reason}")
            continue
        assumptions = ", ".join(f"{k} {v}" for k, v in item.assumptions.items())
        table.add_row(
            item.label,
            money(item.epv_minor, currency),
            money(item.expected_gross_minor, currency),
            money(item.costs_minor, currency),
            str(item.months),
            assumptions,
        )
    console.print(table)
