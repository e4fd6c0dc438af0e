"""Referring a mortgage to foreclosure: RESPA's 120 days, the state's method, legal's queue.

The referral is refused unless the loan is more than 120 days delinquent (12 CFR
1024.41(f)(1)) or an exception applies, while a complete loss-mitigation application is
pending (1024.41(f)(2)), or when the gate blocks foreclosure on the account (a bankruptcy stay,
SCRA protection, a dispute…). When allowed it is recorded as a case of kind ``foreclosure``
with its referral step, the state's method and caveats (``domain.foreclosure``), a review item
in the ``legal`` queue for counsel, and — when a letter can be sent — a referral notice to
every obligor.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from arrears.domain.foreclosure.referral import Exception120, check_referral, default_methods
from arrears.domain.holds import ActionCategory
from arrears.domain.repossession.case import CaseState
from arrears.errors import ConflictError, NotFoundError, RuleViolation
from arrears.services import repossession_ledger as ledger
from arrears.services.outbox import Messaging
from arrears.services.ports import OutboxUnitOfWork
from arrears.services.repossession_cases import LoadedCase, clear, header_of
from arrears.services.repossession_letters import send_letters

KIND = "foreclosure"
REFERRED = "referred"


def refer_to_foreclosure(
    uow: OutboxUnitOfWork,
    *,
    loan_id: int,
    on: date,
    actor: str,
    at: datetime,
    as_of: date,
    messaging: Messaging | None = None,
    exception: Exception120 = Exception120.NONE,
    loss_mitigation_pending: bool = False,
) -> int:
    """Record a foreclosure referral; returns the case id."""
    loan = uow.collateral.loan_terms(loan_id)
    if loan is None:
        raise NotFoundError(f"no loan {loan_id}")
    properties = [c for c in uow.collateral.of_loan(loan_id) if c.kind == "property"]
    if len(properties) != 1:
        raise RuleViolation(
            f"a foreclosure referral needs the one property securing the loan "
            f"({len(properties)} found)",
            rule="foreclosure.collateral",
            source="12 CFR 1024.41(f)",
        )
    collateral = properties[0]
    if uow.collateral.open_case_of(collateral.id, kind=KIND) is not None:
        raise ConflictError(f"loan {loan['external_id']} is already referred to foreclosure")
    dpd, _ = ledger.delinquency_on(uow, loan_id, on=on)
    ledger.post_through(uow, loan_id, as_of=as_of, at=at)
    check_referral(
        days_delinquent=dpd, exception=exception, loss_mitigation_pending=loss_mitigation_pending
    )
    state = collateral.address[3] if collateral.address and collateral.address[3] else ""
    method = default_methods().for_state(state or str(loan["contract_state"]))
    case_id = uow.collateral.open_case(
        kind=KIND,
        loan_id=loan_id,
        collateral_id=collateral.id,
        state=method.state,
        stage=REFERRED,
        consumer_goods=False,
        opened_on=on,
        opened_by=actor,
        at=at,
    )
    record = uow.collateral.case(case_id)
    assert record is not None
    probe = LoadedCase(record, CaseState(header=header_of(record)), loan)
    clear(
        uow,
        probe,
        action="foreclosure_referral",
        on=on,
        at=at,
        actor=actor,
        category=ActionCategory.FORECLOSURE,
    )
    facts: dict[str, Any] = {
        "method": method.method.value,
        "strict": method.strict,
        "verify": method.verify,
        "note": method.note,
        "state": method.state,
        "days_delinquent": dpd,
        "exception": exception.value,
        "balance_minor": ledger.owed(uow, loan_id, on=on),
        "referred_on": on.isoformat(),
        "source": "12 CFR 1024.41(f)(1)",
        "property_address": [line for line in collateral.address if line],
    }
    if messaging is not None:
        facts["message_ids"] = send_letters(
            uow,
            loan=loan,
            template="foreclosure_referral_notice",
            category=KIND,
            on=on,
            key=f"foreclosure{case_id}:referral",
            details={"foreclosure": facts},
            messaging=messaging,
            at=at,
        )
    uow.collateral.add_step(
        case_id, event="refer", on=on, details=facts, key="refer", actor=actor, at=at
    )
    review_id = uow.collateral.add_review(
        loan_id=loan_id,
        treatment="foreclosure_referral",
        queue="legal",
        category=KIND,
        due_on=on,
        priority=70,
        at=at,
        details={"case_id": case_id, **facts},
    )
    uow.audit.record(
        at=at,
        actor=actor,
        action="foreclosure.referred",
        entity_type="loan",
        entity_id=str(loan_id),
        details={"case_id": case_id, "review_id": review_id, **facts},
    )
    return case_id
