"""The letters of a repossession or foreclosure referral, queued through the outbox.

Each letter goes to every obligor on the loan (the borrower and any co-borrower: 9-611(c)
names the debtor and any secondary obligor) as a letter from the template library, category
``repossession`` or ``foreclosure`` so the gate applies the holds that stop those steps (a
bankruptcy stay, SCRA protection). A letter the outbox blocks (no address, a rule, a template
that fails) refuses the step it belongs to, with the outbox's reasons: a notice that did not go
out never starts a clock. Every amount in ``details`` is read from the ledger by the caller.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from arrears.errors import RuleViolation
from arrears.services.outbox import MessageRequest, Messaging, enqueue_message
from arrears.services.ports import CollateralRecord, OutboxUnitOfWork


def obligors(loan: dict[str, Any]) -> list[int]:
    """The borrower and the co-borrower, if any, in that order."""
    found = [int(loan["borrower_id"])]
    if loan.get("co_borrower_id"):
        found.append(int(loan["co_borrower_id"]))
    return found


def obligor_names(uow: OutboxUnitOfWork, loan: dict[str, Any], *, on: date) -> list[str]:
    names = []
    for borrower_id in obligors(loan):
        facts = uow.outbox.facts(loan_id=int(loan["id"]), borrower_id=borrower_id, as_of=on)
        if facts is not None:
            person = facts.borrower
            names.append(f"{person['first_name']} {person['last_name']}")
    return names


def vehicle_details(collateral: CollateralRecord) -> dict[str, Any]:
    return {
        "year": collateral.year,
        "make": collateral.make or "",
        "model": collateral.model or "",
        "vin": collateral.vin or "",
        "description": " ".join(
            str(part) for part in (collateral.year, collateral.make, collateral.model) if part
        ),
    }


def send_letters(
    uow: OutboxUnitOfWork,
    *,
    loan: dict[str, Any],
    template: str,
    category: str,
    on: date,
    key: str,
    details: dict[str, Any],
    messaging: Messaging,
    at: datetime,
) -> list[int]:
    """Queue ``template`` to every obligor; returns the outbox message ids. Raises
    ``RuleViolation`` with the outbox's rules when any copy is blocked."""
    message_ids = []
    for borrower_id in obligors(loan):
        request = MessageRequest(
            loan_id=int(loan["id"]),
            borrower_id=borrower_id,
            channel="letter",
            template=template,
            category=category,
            as_of=on,
            idempotency_key=f"{key}:{borrower_id}",
            details=details,
        )
        outcome = enqueue_message(uow, request, at=at, messaging=messaging)
        if outcome.status == "blocked":
            record = uow.outbox.get(outcome.message_id)
            rules = ", ".join(record.blocked_rules) if record else "outbox.blocked"
            raise RuleViolation(
                f"the {template} letter was blocked: {'; '.join(outcome.reasons)}",
                rule=rules,
                source="; ".join(outcome.reasons),
            )
        message_ids.append(outcome.message_id)
    return message_ids
