"""Documents of a legal proceeding: the demand letter (a message to the borrower, through the
outbox and the compliance gate, template ``demand_letter``) and the summons package cover
sheet (a document for counsel and the court, rendered and kept with the case)."""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from arrears.domain.holds import ActionCategory
from arrears.domain.legal.cases import Case, Proceeding
from arrears.domain.legal.policy import LegalPolicy
from arrears.errors import RuleViolation
from arrears.services.outbox import MessageRequest, enqueue_message
from arrears.services.ports import OutboxUnitOfWork
from arrears.services.recovery_facts import AccountFacts
from arrears.services.recovery_settings import Recovery

SUMMONS_COVER_SHEET = "summons_cover_sheet"
DEMAND_LETTER = "demand_letter"
ENCLOSURES = (
    "Summons",
    "Complaint",
    "Affidavit of indebtedness with the itemization of the amount claimed",
    "Copy of the signed agreement (or the account-opening records)",
    "Last account statement and payment history",
)


class DocumentRenderer(Protocol):
    def version(self, template: str) -> int: ...
    def render(self, *, template: str, language: str, context: dict[str, Any]) -> str: ...


def send_demand_letter(
    uow: OutboxUnitOfWork, proceeding: Proceeding, facts: AccountFacts, *, on: date,
    policy: LegalPolicy, recovery: Recovery, at: datetime,
) -> int:  # fmt: skip
    """Queue the demand letter; refused (with the gate's rules) when it cannot go out. The
    blocked message stays in the outbox with its reasons (the caller commits before raising)."""
    assert proceeding.id is not None
    respond_by = on + timedelta(days=policy.demand_respond_days)
    request = MessageRequest(
        loan_id=facts.loan_id, borrower_id=facts.profile.borrower_id, channel="letter",
        template=DEMAND_LETTER, category=ActionCategory.LEGAL.value, as_of=on,
        idempotency_key=f"legal:{proceeding.id}:demand",
        details={"demand": {"amount_minor": facts.balances.total,
                            "respond_by": respond_by.isoformat()}},
    )  # fmt: skip
    outcome = enqueue_message(uow, request, at=at, messaging=recovery.require_messaging())
    if outcome.status == "blocked":
        raise DemandBlocked(list(outcome.reasons))
    uow.legal.add_document(
        proceeding_id=proceeding.id, template=DEMAND_LETTER, version=1, language="",
        outbox_message_id=outcome.message_id, html="", sha256="", at=at,
    )  # fmt: skip
    return outcome.message_id


class DemandBlocked(RuleViolation):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(
            "the demand letter could not be sent: " + "; ".join(reasons),
            rule="legal.demand_blocked",
        )


def summons_cover_sheet(
    uow: OutboxUnitOfWork, case: Case, proceeding: Proceeding, facts: AccountFacts, *,
    renderer: DocumentRenderer, creditor: str, on: date, at: datetime,
) -> int:  # fmt: skip
    """Render the cover sheet for filing and keep it with the proceeding; returns its id."""
    assert proceeding.id is not None
    context = cover_sheet_context(uow, case, facts, creditor=creditor, on=on)
    html = renderer.render(template=SUMMONS_COVER_SHEET, language="en", context=context)
    return uow.legal.add_document(
        proceeding_id=proceeding.id, template=SUMMONS_COVER_SHEET,
        version=renderer.version(SUMMONS_COVER_SHEET), language="en", outbox_message_id=None,
        html=html, sha256=hashlib.sha256(html.encode()).hexdigest(), at=at,
    )  # fmt: skip


def cover_sheet_context(
    uow: OutboxUnitOfWork, case: Case, facts: AccountFacts, *, creditor: str, on: date
) -> dict[str, Any]:
    """What the cover sheet shows: the parties, the claim itemized from the ledger, the
    limitation check. The account number is masked; SSN and date of birth are never shown."""
    profile = facts.profile
    message_facts = uow.outbox.facts(loan_id=profile.loan_id, borrower_id=profile.borrower_id,
                                     as_of=on)  # fmt: skip
    borrower = message_facts.borrower if message_facts else {}
    b = facts.balances
    sol = facts.sol
    return {
        "currency": profile.currency,
        "prepared_on": on.isoformat(),
        "case": {"reference": f"case {case.id}", "court": case.court, "state": case.state,
                 "number": case.case_number, "firm": case.firm, "attorney": case.attorney},
        "plaintiff": creditor,
        "defendant": {
            "full_name": " ".join(p for p in (borrower.get("first_name", ""),
                                              borrower.get("last_name", "")) if p),
            "address_lines": _address_lines(borrower),
        },
        "account": {"reference": "****" + profile.external_id[-4:], "product": profile.product,
                    "original_creditor": creditor},
        "claim": {"as_of": on.isoformat(), "principal_minor": b.principal,
                  "interest_minor": b.interest, "fees_minor": b.fees + b.penalties,
                  "costs_minor": b.costs, "total_minor": b.total},
        "limitation": {
            "known": sol is not None, "state": sol.state if sol else "",
            "contract_type": sol.contract_type.value if sol else "",
            "years": sol.years if sol else 0,
            "accrued_on": sol.accrued_on.isoformat() if sol else on.isoformat(),
            "expires_on": sol.expires_on.isoformat() if sol else on.isoformat(),
        },
        "enclosures": list(ENCLOSURES),
    }  # fmt: skip


def _address_lines(borrower: dict[str, Any]) -> list[str]:
    first = [borrower.get("address_line1", ""), borrower.get("address_line2", "")]
    city = f"{borrower.get('city', '')}, {borrower.get('state', '')} {borrower.get('zip', '')}"
    return [line for line in first if line] + [city.strip(", ")]
