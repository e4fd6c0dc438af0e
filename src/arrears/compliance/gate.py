"""The compliance gate: one proposal, its facts and an instant in, a decision out. Pure.

Every rule of every pack that applies to the borrower (by state and locality), binds the
collecting actor, and concerns the proposal's channel and category is checked; *every*
blocking finding is returned, never only the first, and disclosure rules add the notices the
message must carry.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from arrears.compliance.checks import CHECKS, Context
from arrears.compliance.facts import ContactFacts
from arrears.compliance.model import GateDecision, Proposal, RuleHit
from arrears.compliance.packs import RulePack, default_packs, rules_for
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings


def evaluate(
    proposal: Proposal,
    facts: ContactFacts,
    *,
    at: datetime,
    settings: ComplianceSettings = DEFAULT_SETTINGS,
    packs: Sequence[RulePack] | None = None,
) -> GateDecision:
    """Allowed, or blocked with every rule of the applicable packs that blocks ``proposal``."""
    if at.tzinfo is None:
        raise ValueError("the gate needs a timezone-aware instant")
    context = Context(
        proposal=proposal,
        facts=facts,
        at=at,
        day=at.astimezone(ZoneInfo(settings.day_zone)).date(),
        day_zone=settings.day_zone,
        actor=settings.actor_type,
    )
    rules = rules_for(
        default_packs() if packs is None else packs,
        state=facts.borrower_state,
        locality=facts.locality,
    )
    blocked: list[RuleHit] = []
    disclosures: list[RuleHit] = []
    checked: list[str] = []
    for rule in rules:
        if not rule.concerns(proposal.channel, proposal.category, settings.actor_type):
            continue
        checked.append(rule.id)
        found = CHECKS[rule.check](rule, context)
        (disclosures if rule.effect == "disclose" else blocked).extend(found)
    return GateDecision(
        blocked_by=tuple(blocked), disclosures=tuple(disclosures), checked=tuple(checked)
    )
