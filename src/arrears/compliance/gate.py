"""The compliance gate: one proposal, its facts and an instant in, a decision out. Pure.

Every rule of every pack that applies to the borrower (by state and locality), binds the
collecting actor, and concerns the proposal's channel and category is checked; *every*
blocking finding is returned, never only the first, and disclosure rules add the notices the
message must carry, with their words in each language. An exemption of an applicable pack
(``arrears.compliance.exemptions``) may then lift the rules it names, for its one template and
only when its condition holds; what it lifted is reported in ``exempted``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from arrears.compliance.checks import CHECKS, CONDITIONS, Context
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
    chosen = default_packs() if packs is None else packs
    rules = rules_for(chosen, state=facts.borrower_state, locality=facts.locality)
    blocked: list[RuleHit] = []
    disclosures: list[RuleHit] = []
    checked: list[str] = []
    for rule in rules:
        if not rule.concerns(proposal.channel, proposal.category, settings.actor_type):
            continue
        checked.append(rule.id)
        found = CHECKS[rule.check](rule, context)
        if rule.effect == "disclose":
            disclosures.extend(replace(hit, notice=rule.notice) for hit in found)
        else:
            blocked.extend(found)
    exempted = _exempt(chosen, context, blocked, checked)
    lifted = {rule_id for _, lifts in exempted for rule_id in lifts}
    return GateDecision(
        blocked_by=tuple(hit for hit in blocked if hit.rule_id not in lifted),
        disclosures=tuple(disclosures),
        checked=tuple(checked),
        exempted=tuple(hit for hit, _ in exempted),
    )


def _exempt(
    packs: Sequence[RulePack], ctx: Context, blocked: list[RuleHit], checked: list[str]
) -> list[tuple[RuleHit, list[str]]]:
    """The exemptions that apply to this proposal and lift at least one of its blocking hits,
    each with the rule ids it lifts (``checked`` gets the id of every exemption looked at)."""
    proposal, facts = ctx.proposal, ctx.facts
    applied = []
    for pack in packs:
        if not pack.applies_to(state=facts.borrower_state, locality=facts.locality):
            continue
        for exemption in pack.exemptions:
            if not exemption.concerns(
                template=proposal.template, channel=proposal.channel, category=proposal.category
            ):
                continue
            checked.append(exemption.id)
            lifts = sorted({hit.rule_id for hit in blocked} & exemption.lifts)
            if not lifts:
                continue
            detail = CONDITIONS[exemption.condition](exemption, ctx)
            if detail is None:
                continue
            reason = f"{exemption.reason} ({detail}; lifts {', '.join(lifts)})"
            applied.append((RuleHit(exemption.id, reason, exemption.source), lifts))
    return applied
