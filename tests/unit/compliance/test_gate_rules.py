"""The gate's rules, case by case: each case names the rule it exercises and its source.

Times are UTC; the borrower (Pennsylvania, Eastern) is reached at 12:00 New York unless a case
says otherwise. Every case states the rule ids it expects to block (empty = allowed).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from arrears.compliance.gate import evaluate
from arrears.compliance.model import ActorType, Proposal
from arrears.compliance.settings import ComplianceSettings
from arrears.domain.contacts import ContactKind, ContactPoint, ContactStatus
from arrears.domain.holds import HoldKind
from unit.compliance.builders import (
    EMAIL,
    HOME,
    MOBILE,
    NOW,
    POINTS,
    TODAY,
    WORK_EMAIL,
    WORK_PHONE,
    contact,
    facts,
    hold,
    proposal,
)


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    proposal: Proposal
    facts: dict[str, Any] = field(default_factory=dict)
    at: datetime = NOW
    blocked: frozenset[str] = frozenset()
    actor: ActorType = ActorType.THIRD_PARTY_COLLECTOR


def calls(count: int, *, days_ago: int = 1) -> tuple[Any, ...]:
    return tuple(contact(days_ago) for _ in range(count))


PACIFIC_WITH_EASTERN_PHONE = (
    replace(ContactPoint.phone(ContactKind.MOBILE_PHONE, "212-555-0101"), id=MOBILE),
)

CASES = [
    Case(
        "an ordinary call at noon is allowed",
        "12 CFR 1006.14(b)(2)(ii) presumption of compliance",
        proposal("call"),
    ),
    # -- quiet hours -------------------------------------------------------------------------
    Case(
        "Pacific address, Eastern phone, 8:30 Eastern: 5:30 at the address",
        "12 CFR 1006.6(b)(1)(i), comment 6(b)(1)(i)-2",
        proposal("call"),
        {
            "borrower_state": "CA",
            "contract_state": "CA",
            "address_time_zone": "America/Los_Angeles",
            "contact_points": PACIFIC_WITH_EASTERN_PHONE,
        },
        at=datetime(2026, 11, 27, 13, 30, tzinfo=UTC),
        blocked=frozenset({"us.regf.quiet_hours", "ca.rosenthal_quiet_hours"}),
    ),
    Case(
        "Pacific address, Eastern phone, 11:00 Eastern = 8:00 Pacific: allowed everywhere",
        "comment 6(b)(1)(i)-2 (11 a.m.-9 p.m. ET window)",
        proposal("call"),
        {
            "borrower_state": "CA",
            "contract_state": "CA",
            "address_time_zone": "America/Los_Angeles",
            "contact_points": PACIFIC_WITH_EASTERN_PHONE,
        },
        at=datetime(2026, 11, 27, 16, 0, tzinfo=UTC),
    ),
    Case(
        "a text at 21:00 local is too late",
        "12 CFR 1006.6(b)(1)(i); FDCPA 1692c(a)(1)",
        proposal("sms", template="payment_reminder"),
        at=datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
        blocked=frozenset({"us.regf.quiet_hours"}),
    ),
    Case(
        "the borrower asked for 7-8 a.m.: a 7:30 call is allowed",
        "CFPB FAQ Unusual/Inconvenient Q1 (consumer-designated times)",
        proposal("call"),
        {"preferred_hours": (7, 8)},
        at=datetime(2026, 11, 27, 12, 30, tzinfo=UTC),
    ),
    Case(
        "the borrower said not before 10: a 9:00 call is blocked",
        "12 CFR 1006.6(b)(1) (known inconvenient time)",
        proposal("call"),
        {"preferred_hours": (10, 20)},
        at=datetime(2026, 11, 27, 14, 0, tzinfo=UTC),
        blocked=frozenset({"us.regf.quiet_hours"}),
    ),
    Case(
        "a letter has no time of day",
        "12 CFR 1006.6(b)(1)(i) (communications the collector times)",
        proposal("letter", template="payment_reminder", point=None),
        at=datetime(2026, 11, 27, 5, 0, tzinfo=UTC),
    ),
    # -- call frequency ----------------------------------------------------------------------
    Case(
        "the 7th call in 7 days is allowed",
        "12 CFR 1006.14(b)(2)(i)(A)",
        proposal("call"),
        {"history": calls(3, days_ago=6) + calls(3, days_ago=2)},
    ),
    Case(
        "the 8th call in a rolling 7-day window is blocked",
        "12 CFR 1006.14(b)(2)(i)(A)",
        proposal("call"),
        {"history": calls(4, days_ago=6) + calls(3, days_ago=2)},
        blocked=frozenset({"us.regf.call_frequency"}),
    ),
    Case(
        "calls 7 days ago are out of the window",
        "12 CFR 1006.14(b)(2)(i)(A) (7 consecutive days)",
        proposal("call"),
        {"history": calls(4, days_ago=7) + calls(3, days_ago=2)},
    ),
    Case(
        "calls to every number aggregate per person and debt",
        "insideARM 7-in-7 summary; 1006.14(b)(2)(i)(A)",
        proposal("call", point=HOME),
        {
            "history": calls(4, days_ago=3)
            + tuple(contact(1, point=p) for p in (HOME, WORK_PHONE, HOME))
        },
        blocked=frozenset({"us.regf.call_frequency"}),
    ),
    Case(
        "calls that never connected are excluded",
        "12 CFR 1006.14(b)(3)(ii)",
        proposal("call"),
        {
            "history": calls(5, days_ago=2)
            + tuple(contact(1, outcome="not_connected") for _ in range(5))
        },
    ),
    Case(
        "a voicemail counts as a call",
        "CFPB Reg F FAQ (limited-content messages count)",
        proposal("call"),
        {
            "history": calls(4, days_ago=2)
            + tuple(contact(1, outcome="voicemail") for _ in range(3))
        },
        blocked=frozenset({"us.regf.call_frequency"}),
    ),
    Case(
        "a call within 7 days of the borrower's request to be called is excluded",
        "12 CFR 1006.14(b)(3)(i)",
        proposal("call"),
        {"history": calls(7, days_ago=1), "call_consent_on": TODAY - timedelta(days=6)},
    ),
    # -- conversation lock -------------------------------------------------------------------
    Case(
        "a conversation 6 days ago (day 7 of the lock) blocks a call today",
        "12 CFR 1006.14(b)(2)(i)(B) (conversation day = day 1)",
        proposal("call"),
        {"history": (contact(6, outcome="right_party_contact"),)},
        blocked=frozenset({"us.regf.conversation_lock"}),
    ),
    Case(
        "a conversation 7 days ago no longer blocks",
        "12 CFR 1006.14(b)(2)(i)(B)",
        proposal("call"),
        {"history": (contact(7, outcome="right_party_contact"),)},
    ),
    Case(
        "an inbound conversation locks too; texts are not calls",
        "CFPB FAQ (inbound conversations trigger the conversation prong); comment 14(a)-1",
        proposal("call"),
        {"history": (contact(2, outcome="promise_made", direction="inbound"),)},
        blocked=frozenset({"us.regf.conversation_lock"}),
    ),
    Case(
        "a text is outside the call presumptions",
        "comment 14(a)-1",
        proposal("sms", template="payment_reminder"),
        {"history": (contact(2, outcome="promise_made"), *calls(8, days_ago=1))},
    ),
    # -- holds --------------------------------------------------------------------------------
    Case(
        "a dispute opened yesterday stops collection contact",
        "12 CFR 1006.38(d)(2); 15 U.S.C. 1692g(b)",
        proposal("call"),
        {"holds": (hold(HoldKind.DISPUTE, days_ago=1),)},
        blocked=frozenset({"us.holds.dispute"}),
    ),
    Case(
        "a dispute still lets the verification go out",
        "12 CFR 1006.38(d)(2) (until verification is sent)",
        proposal("letter", category="validation", template="verification", point=None),
        {"holds": (hold(HoldKind.DISPUTE, days_ago=1),)},
    ),
    Case(
        "cease communication stops contact",
        "12 CFR 1006.6(c)",
        proposal("email", template="payment_reminder", point=EMAIL),
        {"holds": (hold(HoldKind.CEASE_COMMUNICATION, days_ago=3),)},
        blocked=frozenset({"us.holds.cease_communication"}),
    ),
    Case(
        "cease communication allows the notice that collection ends",
        "12 CFR 1006.6(c)(2)",
        proposal("letter", category="notice", template="collection_ending", point=None),
        {"holds": (hold(HoldKind.CEASE_COMMUNICATION, days_ago=3),)},
    ),
    Case(
        "an attorney, a bankruptcy and a death all block, each named",
        "12 CFR 1006.6(b)(2); 11 U.S.C. 362(a); comment 34(a)(1)-1",
        proposal("call"),
        {
            "holds": (
                hold(HoldKind.ATTORNEY, days_ago=5),
                hold(HoldKind.BANKRUPTCY, days_ago=5),
                hold(HoldKind.DECEASED, days_ago=5),
            )
        },
        blocked=frozenset({"us.holds.attorney", "us.holds.bankruptcy", "us.holds.deceased"}),
    ),
    # -- media ---------------------------------------------------------------------------------
    Case(
        "an employer-provided email address is never used",
        "12 CFR 1006.22(f)(3)",
        proposal("email", template="payment_reminder", point=WORK_EMAIL),
        blocked=frozenset({"us.regf.employer_email"}),
    ),
    Case(
        "no SMS without consent",
        "47 U.S.C. 227(b)(1)(A)(iii)",
        proposal("sms", template="payment_reminder"),
        {"contact_points": (replace(POINTS[0], sms_consent_at=None), *POINTS[1:])},
        blocked=frozenset({"us.tcpa.sms_consent"}),
    ),
    Case(
        "no SMS to a home phone",
        "47 U.S.C. 227(b)(1)(A)(iii) (consent per mobile number)",
        proposal("sms", template="payment_reminder", point=HOME),
        blocked=frozenset({"us.tcpa.sms_consent"}),
    ),
    Case(
        "the borrower opted out of texts",
        "12 CFR 1006.14(h)",
        proposal("sms", template="payment_reminder"),
        {"channels_opted_out": frozenset({"sms"})},
        blocked=frozenset({"us.medium_opt_out"}),
    ),
    Case(
        "the borrower opted out of email at this address only",
        "12 CFR 1006.6(e)",
        proposal("email", template="payment_reminder", point=EMAIL),
        {"contact_points": (*POINTS[:3], replace(POINTS[3], email_opted_out_at=NOW), POINTS[4])},
        blocked=frozenset({"us.medium_opt_out"}),
    ),
    Case(
        "a revoked (wrong) number is never called",
        "12 CFR 1006.6(d)(1); 15 U.S.C. 1692c(b)",
        proposal("call", point=HOME),
        {
            "contact_points": (
                POINTS[0],
                replace(POINTS[1], status=ContactStatus.REVOKED),
                *POINTS[2:],
            )
        },
        blocked=frozenset({"us.contact_point_usable"}),
    ),
    Case(
        "a voicemail must be the limited-content message",
        "12 CFR 1006.2(j)",
        proposal("voicemail", template="payment_reminder"),
        blocked=frozenset({"us.regf.limited_content_voicemail"}),
    ),
    Case(
        "the limited-content message is allowed",
        "12 CFR 1006.2(j)",
        proposal("voicemail", template="limited_content_message"),
    ),
    # -- validation ---------------------------------------------------------------------------
    Case(
        "no validation notice 5 business days after the first communication: contact waits",
        "12 CFR 1006.34(a)(1)(i)(B)",
        proposal("call"),
        {"first_communication_on": TODAY - timedelta(days=10), "validation_sent_on": None},
        blocked=frozenset({"us.regf.validation_overdue"}),
    ),
    Case(
        "Thanksgiving is not a business day: 8 calendar days later is still in time",
        "12 CFR 1006.34(a)(1)(i)(B) (excluding legal public holidays, 5 U.S.C. 6103(a))",
        proposal("call"),
        {"first_communication_on": TODAY - timedelta(days=8), "validation_sent_on": None},
    ),
    Case(
        "within 5 business days the notice may still follow",
        "12 CFR 1006.34(a)(1)(i)(B)",
        proposal("call"),
        {"first_communication_on": TODAY - timedelta(days=6), "validation_sent_on": None},
    ),
    Case(
        "the validation notice itself is never held back by its own deadline",
        "12 CFR 1006.34(a)",
        proposal("letter", category="validation", template="validation_notice", point=None),
        {"first_communication_on": TODAY - timedelta(days=30), "validation_sent_on": None},
    ),
    # -- scope ----------------------------------------------------------------------------------
    Case(
        "a creditor collecting its own debt is outside the Reg F call presumptions",
        "Reg F scope, 85 FR 76734; FDCPA 1692a(6)",
        proposal("call"),
        {"history": calls(9, days_ago=1)},
        actor=ActorType.FIRST_PARTY_CREDITOR,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_rule(case: Case) -> None:
    """The proposal is blocked by exactly the expected rules (source cited in the case)."""
    decision = evaluate(
        case.proposal,
        facts(**case.facts),
        at=case.at,
        settings=ComplianceSettings(actor_type=case.actor),
    )
    assert set(decision.rule_ids) == case.blocked, (case.source, decision.explain())
    assert decision.allowed == (not case.blocked)
    for found in decision.blocked_by:
        assert found.reason
        assert found.source
