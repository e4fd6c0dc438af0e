"""What every check sees: the proposal, the facts, the instant and the day it falls on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from arrears.compliance.facts import ContactFacts
from arrears.compliance.model import ActorType, Proposal, RuleHit
from arrears.compliance.packs import Rule
from arrears.domain.contact_log import ContactRecord
from arrears.domain.contacts import ContactPoint


@dataclass(frozen=True, slots=True)
class Context:
    proposal: Proposal
    facts: ContactFacts
    at: datetime
    day: date  # ``at``'s calendar day in the settings' day zone
    day_zone: str
    actor: ActorType

    @property
    def point(self) -> ContactPoint | None:
        return self.facts.point(self.proposal.contact_point_id)

    def within(self, record: ContactRecord, days: int) -> bool:
        """``record`` falls in the ``days`` consecutive days ending today (today is day 1...
        counting back: a window of 7 days is today and the 6 days before)."""
        return self.day - timedelta(days=days - 1) <= record.day(self.day_zone) <= self.day

    def consented_call(self) -> bool:
        """A call within 7 days of the borrower's direct prior consent (consent day = day 1)
        is outside both call-frequency presumptions (12 CFR 1006.14(b)(3)(i))."""
        consent = self.facts.call_consent_on
        return consent is not None and consent <= self.day <= consent + timedelta(days=6)


Check = Callable[[Rule, Context], list[RuleHit]]


def hit(rule: Rule, detail: str = "", *, source: str = "") -> list[RuleHit]:
    """The rule's one finding, with a detail saying what in the facts triggered it."""
    reason = f"{rule.reason} ({detail})" if detail else rule.reason
    return [RuleHit(rule.id, reason, source or rule.source)]
