"""Rules on the state of the account: holds, the validation clock and time-barred debt.

- Holds (cease communication, attorney, bankruptcy, deceased, dispute…) through the hold
  engine, each with its own rule and source (``arrears.domain.holds.BLOCKS``).
- Validation information within 5 days (excluding weekends and federal holidays) after the
  initial communication: 12 CFR 1006.34(a)(1)(i)(B); until it is sent, collection stops.
- Time-barred debt: no suit or threat of suit, 12 CFR 1006.26(b); state disclosures before
  seeking payment (Cal. Civ. Code 1788.14(d), Tex. Fin. Code 392.307, 12.2.12.9 NMAC, NYC).
"""

from __future__ import annotations

from arrears.compliance.checks.context import Context, hit
from arrears.compliance.furnishing import contacted_for_furnishing
from arrears.compliance.model import RuleHit
from arrears.compliance.packs import Rule
from arrears.compliance.validation import validation_deadline
from arrears.domain.holds import blocking_holds


def holds(rule: Rule, ctx: Context) -> list[RuleHit]:
    """One finding per hold in force that forbids the proposal's category."""
    return [
        RuleHit(
            f"{rule.id}.{blocked.hold.kind.value}",
            f"{blocked.hold.kind.value} hold #{blocked.hold.id}: {blocked.reason}",
            blocked.source,
        )
        for blocked in blocking_holds(ctx.facts.holds, ctx.proposal.category, ctx.day)
    ]


def validation_overdue(rule: Rule, ctx: Context) -> list[RuleHit]:
    """Collection waits for a validation notice that is late (sent nothing 5 days after)."""
    first = ctx.facts.first_communication_on
    if first is None or ctx.facts.validation_sent_on is not None:
        return []
    deadline = validation_deadline(first, business_days=rule.int_param("business_days"))
    if ctx.day > deadline:
        return hit(rule, f"first communication {first}, notice was due by {deadline}")
    return []


def _barred(ctx: Context) -> str:
    status = ctx.facts.time_barred
    if status is None or not status.time_barred:
        return ""
    kind = status.contract_type.value
    return f"{status.state} {kind}: {status.years} years, barred since {status.expires_on}"


def time_barred_suit(rule: Rule, ctx: Context) -> list[RuleHit]:
    """No legal action and no template that threatens one on a time-barred debt."""
    detail = _barred(ctx)
    if not detail:
        return []
    threatens = ctx.proposal.template in rule.strings("suit_templates")
    is_legal = ctx.proposal.category.value in rule.strings("suit_categories")
    if threatens or is_legal:
        status = ctx.facts.time_barred
        assert status is not None
        return hit(rule, detail, source=f"{rule.source}; {status.source}")
    return []


def time_barred_disclosure(rule: Rule, ctx: Context) -> list[RuleHit]:
    """The state's time-barred notice (``disclosure``) must be in the message."""
    detail = _barred(ctx)
    if not detail:
        return []
    return hit(rule, f"add {rule.params['disclosure']}: {detail}")


def pre_furnishing(rule: Rule, ctx: Context) -> list[RuleHit]:
    """No credit reporting before the borrower was contacted (see ``compliance.furnishing``)."""
    if contacted_for_furnishing(
        ctx.facts.history, as_of=ctx.day, zone=ctx.day_zone, wait_days=rule.int_param("wait_days")
    ):
        return []
    return hit(rule)
