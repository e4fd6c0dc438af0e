"""Holds: facts about an account that change what may be done, never what is owed.

A hold has a kind, dates (it can be backdated), who set it and why. Every step that acts on an
account — the cycle, the web app, the compliance gate, legal, agencies, repossession, credit
reporting — asks ``blocking_holds`` whether an action of some category is allowed. What each
kind blocks is the table ``BLOCKS`` below, each row with the rule behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class HoldKind(StrEnum):
    DISPUTE = "dispute"
    CEASE_COMMUNICATION = "cease_communication"
    ATTORNEY = "attorney"
    BANKRUPTCY = "bankruptcy"
    DECEASED = "deceased"
    HARDSHIP = "hardship"
    LEGAL = "legal"
    FRAUD = "fraud"
    COMPLAINT = "complaint"
    MILITARY = "military"


class ActionCategory(StrEnum):
    """What an action does, for holds and compliance (matches the treatment catalogue)."""

    CONTACT = "contact"  # any collection communication or attempt (call, SMS, email, letter)
    NOTICE = "notice"  # notices allowed even after cease (1006.6(c)(2)): ending collection etc.
    VALIDATION = "validation"  # validation notice and verification of a disputed debt
    OFFER = "offer"  # payment plans and settlement offers
    FEES = "fees"  # late fees, penalty interest
    AGENCY = "agency"  # placement with a debt recovery agency
    LEGAL = "legal"  # demand letters, referral, filing, enforcement
    REPOSSESSION = "repossession"
    FORECLOSURE = "foreclosure"
    CREDIT_REPORTING = "credit_reporting"
    REVIEW = "review"  # internal review items (never blocked: people decide)


@dataclass(frozen=True, slots=True)
class HoldRule:
    kind: HoldKind
    blocks: frozenset[ActionCategory]
    reason: str
    source: str


def _rule(kind: HoldKind, blocks: str, reason: str, source: str) -> HoldRule:
    return HoldRule(kind, frozenset(ActionCategory(b) for b in blocks.split()), reason, source)


BLOCKS: dict[HoldKind, HoldRule] = {
    rule.kind: rule
    for rule in (
        _rule(
            HoldKind.DISPUTE,
            "contact offer agency legal repossession foreclosure",
            "collection stops on a disputed debt until verification is sent",
            "12 CFR 1006.38(d)(2); 15 U.S.C. 1692g(b)",
        ),
        _rule(
            HoldKind.CEASE_COMMUNICATION,
            "contact offer validation",
            "the borrower asked in writing that communication cease",
            "12 CFR 1006.6(c); 15 U.S.C. 1692c(c)",
        ),
        _rule(
            HoldKind.ATTORNEY,
            "contact offer validation notice",
            "the borrower is represented by an attorney: communicate with the attorney",
            "12 CFR 1006.6(b)(2); 15 U.S.C. 1692c(a)(2)",
        ),
        _rule(
            HoldKind.BANKRUPTCY,
            "contact notice validation offer fees agency legal repossession foreclosure",
            "the automatic stay stops every act to collect",
            "11 U.S.C. 362(a)",
        ),
        _rule(
            HoldKind.DECEASED,
            "contact offer fees agency legal repossession foreclosure",
            "the borrower has died: deal only with the estate's representative",
            "12 CFR 1006.6(a)(4); comment 34(a)(1)-1",
        ),
        _rule(
            HoldKind.HARDSHIP,
            "contact fees agency legal repossession foreclosure",
            "hardship or forbearance arrangement in force",
            "lender policy; CONC 7.3 / CCD2 Art. 35 forbearance before enforcement",
        ),
        _rule(
            HoldKind.LEGAL,
            "contact offer agency",
            "an active legal proceeding: ordinary collection contact goes through counsel",
            "lender policy; 15 U.S.C. 1692c(a)(2) once counsel appears",
        ),
        _rule(
            HoldKind.FRAUD,
            "contact offer fees agency legal repossession foreclosure credit_reporting",
            "identity theft or fraud claimed: no collection or furnishing until resolved",
            "15 U.S.C. 1681s-2(a)(6); 12 CFR 1006.30(b)",
        ),
        _rule(
            HoldKind.COMPLAINT,
            "agency legal repossession foreclosure",
            "a complaint is under review: no escalation until it is answered",
            "lender policy",
        ),
        _rule(
            HoldKind.MILITARY,
            "fees legal repossession foreclosure",
            "servicemember protections: no repossession, foreclosure or default judgment "
            "without a court order; interest capped at 6%",
            "50 U.S.C. 3937, 3952, 3953, 3931 (SCRA)",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Hold:
    """A hold on one loan (or on every loan of a borrower when ``loan_id`` is None)."""

    kind: HoldKind
    starts_on: date
    set_by: str
    reason: str
    loan_id: int | None = None
    borrower_id: int | None = None
    ends_on: date | None = None  # last day in force; None = until released
    id: int | None = None
    details: dict[str, str] = field(default_factory=dict)  # e.g. bankruptcy chapter, case no.
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.loan_id is None and self.borrower_id is None:
            raise ValueError("a hold belongs to a loan or to a borrower")
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("a hold cannot end before it starts")

    def active_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    @property
    def rule(self) -> HoldRule:
        return BLOCKS[self.kind]


@dataclass(frozen=True, slots=True)
class Blocked:
    """Why an action is not allowed: the hold, its rule and the legal source."""

    hold: Hold
    category: ActionCategory
    reason: str
    source: str


def blocking_holds(holds: Iterable[Hold], category: ActionCategory, on: date) -> list[Blocked]:
    """Every hold in force on ``on`` that forbids an action of ``category`` (empty = allowed)."""
    return [
        Blocked(hold, category, hold.rule.reason, hold.rule.source)
        for hold in holds
        if hold.active_on(on) and category in hold.rule.blocks
    ]


BANKRUPTCY_CHAPTERS = frozenset({"7", "11", "12", "13"})
