"""How often a borrower may be called or messaged about a debt.

Reg F presumes a violation when a collector calls a person about a debt more than 7 times in 7
consecutive days, or calls within 7 days after a telephone conversation about it (the
conversation day is day 1) — 12 CFR 1006.14(b)(2)(i). Counted per person and debt over every
number; unanswered calls and voicemails count, calls never connected do not, nor calls within
7 days of the person's direct consent (1006.14(b)(3)). State caps (MA 940 CMR 7.04, RCW
19.16.250, NYC 6 RCNY 5-77) count communications by medium and number kind.
"""

from __future__ import annotations

from datetime import timedelta

from arrears.compliance.checks.context import Context, hit
from arrears.compliance.model import RuleHit
from arrears.compliance.packs import Rule
from arrears.domain.contact_log import Channel
from arrears.domain.contacts import ContactKind


def call_frequency(rule: Rule, ctx: Context) -> list[RuleHit]:
    """Block the call that would make more than ``max_calls`` in ``window_days`` days."""
    if ctx.consented_call():
        return []
    window = rule.int_param("window_days")
    placed = sum(1 for r in ctx.facts.history if r.is_call_attempt and ctx.within(r, window))
    if placed + 1 > rule.int_param("max_calls"):
        return hit(rule, f"{placed} calls already placed in the last {window} days")
    return []


def conversation_lock(rule: Rule, ctx: Context) -> list[RuleHit]:
    """Block calls on the conversation day and the ``lock_days - 1`` days after it."""
    if ctx.consented_call():
        return []
    lock = rule.int_param("lock_days")
    spoken = [
        r.day(ctx.day_zone)
        for r in ctx.facts.history
        if r.is_telephone_conversation and ctx.within(r, lock)
    ]
    if spoken:
        last = max(spoken)
        return hit(rule, f"conversation on {last}, calls resume {last + timedelta(days=lock)}")
    return []


def contact_cap(rule: Rule, ctx: Context) -> list[RuleHit]:
    """At most ``max`` outbound attempts through ``counted`` media to numbers of ``kinds`` in
    ``window_days`` days. A proposal to a number of another kind is not concerned; one whose
    number is not chosen yet is judged as if it used a number of these kinds."""
    kinds = {ContactKind(k) for k in rule.strings("kinds")}
    point = ctx.point
    if kinds and point is not None and point.kind not in kinds:
        return []
    counted = {Channel(c) for c in rule.strings("counted")}
    window = rule.int_param("window_days")
    made = sum(
        1
        for r in ctx.facts.history
        if r.is_communication_attempt
        and r.channel in counted
        and (not kinds or r.contact_point_kind is None or r.contact_point_kind in kinds)
        and ctx.within(r, window)
    )
    if made + 1 > rule.int_param("max"):
        return hit(rule, f"{made} already in the last {window} days")
    return []
