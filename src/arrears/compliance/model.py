"""What the compliance gate is asked and what it answers (DESIGN §5).

A ``Proposal`` is one outbound action about to happen — queued by the cycle, sent by the
outbox, or started by an agent — on one channel, with the treatment catalogue's category, the
template and the contact point it would use. A ``GateDecision`` says whether it may happen; when
it may not, it lists *every* rule that blocks it (rule id, reason, legal source), and it lists
the disclosures the message must carry when it goes out (e.g. a state's time-barred notice),
each with its text in every language the rule pack provides (``Notice``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from arrears.domain.contact_log import Channel
from arrears.domain.holds import ActionCategory


class ActorType(StrEnum):
    """Who is collecting: Reg F and the FDCPA bind debt collectors (third parties and debt
    buyers), not, in general, creditors collecting their own debts (15 U.S.C. 1692a(6);
    85 FR 76734). Several state regimes cover creditors too (CA Rosenthal, MA 940 CMR 7.00,
    NYC DCWP). The default is the strictest: third-party collector."""

    FIRST_PARTY_CREDITOR = "first_party_creditor"
    THIRD_PARTY_COLLECTOR = "third_party_collector"
    DEBT_BUYER = "debt_buyer"


class Stage(StrEnum):
    """When the gate is asked: queueing, just before sending, or an agent starting a call."""

    QUEUE = "queue"
    SEND = "send"
    AGENT_CALL = "agent_call"
    CHECK = "check"  # asked by a person (``arrears compliance check``)


@dataclass(frozen=True, slots=True)
class Proposal:
    """An outbound action on one loan, before it happens.

    ``contact_point_id`` is the phone number or email address to be used (None for a letter,
    which goes to the postal address on file). ``template`` is the message template or call
    script id; the gate checks it against the voicemail whitelist and the suit-threat list.
    ``reference`` ties the recorded decision to an outbox message or an action.
    """

    loan_id: int
    channel: Channel
    category: ActionCategory
    template: str
    contact_point_id: int | None = None
    treatment: str | None = None
    reference: str | None = None


#: The languages every notice of a rule pack is written in (the template library's languages).
NOTICE_LANGUAGES = ("en", "es")


@dataclass(frozen=True, slots=True)
class Notice:
    """The words of a disclosure a message must carry, per language (``[disclosure.<key>]`` in
    a rule pack), with the source that prescribes them."""

    key: str
    texts: tuple[tuple[str, str], ...]  # (language, text), English first
    source: str = ""

    def text(self, language: str) -> str:
        """The notice in ``language``; English when the pack has no text in that language."""
        found = dict(self.texts)
        return found.get(language) or found["en"]

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(language for language, _ in self.texts)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A rule that applies to a proposal: its id, why, and the legal source; a disclosure rule's
    hit also carries the ``notice`` to print."""

    rule_id: str
    reason: str
    source: str
    notice: Notice | None = None

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.reason} [{self.source}]"


@dataclass(frozen=True, slots=True)
class GateDecision:
    """Allowed, or blocked with every blocking rule; plus the disclosures a message must carry.

    ``checked`` lists the ids of the rules that were evaluated, so a decision can show what was
    looked at as well as what stopped it. ``exempted`` lists the exemptions of the packs that
    lifted rules which would otherwise have blocked the proposal (each hit names the exemption,
    the rules it lifted and its source). ``decision_id`` is the id of the ``gate_decisions``
    row the decision was recorded as (``services.compliance.check_contact``), None when it was
    not recorded.
    """

    blocked_by: tuple[RuleHit, ...] = ()
    disclosures: tuple[RuleHit, ...] = ()
    checked: tuple[str, ...] = ()
    exempted: tuple[RuleHit, ...] = ()
    decision_id: int | None = None

    @property
    def allowed(self) -> bool:
        return not self.blocked_by

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(hit.rule_id for hit in self.blocked_by)

    @property
    def notices(self) -> tuple[Notice, ...]:
        """The notices the message must carry, in the order of the rules that require them."""
        return tuple(hit.notice for hit in self.disclosures if hit.notice is not None)

    def disclosure_texts(self, language: str) -> tuple[str, ...]:
        """The disclosures in ``language`` (a hit without a notice gives its reason)."""
        return tuple(
            hit.notice.text(language) if hit.notice is not None else hit.reason
            for hit in self.disclosures
        )

    def explain(self) -> str:
        """One line per blocking rule (or 'allowed'), for people and logs (no personal data)."""
        if self.allowed:
            return "allowed"
        return "blocked:\n" + "\n".join(f"  {hit}" for hit in self.blocked_by)
