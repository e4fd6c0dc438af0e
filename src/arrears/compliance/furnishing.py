"""May a debt be reported to the credit bureaus yet? (12 CFR 1006.30(a), "passive collection")

A debt collector must not furnish information about a debt before it has either spoken to the
consumer about it (in person or by telephone), or mailed a letter / sent an electronic message
about it and waited a reasonable time for a notice of undeliverability — 14 consecutive days is
reasonable (comment 30(a)-2). If the message comes back undeliverable in that time, it does not
count. Metro 2 furnishing asks ``may_furnish`` for each account before writing its record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from arrears.compliance.model import GateDecision, RuleHit
from arrears.compliance.packs import Rule, default_packs
from arrears.compliance.settings import DEFAULT_SETTINGS, ComplianceSettings
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.domain.holds import ActionCategory, Hold, blocking_holds

RULE_ID = "us.regf.pre_furnishing"
_WRITTEN = {Channel.LETTER, Channel.EMAIL, Channel.SMS}


def contacted_for_furnishing(
    records: Sequence[ContactRecord], *, as_of: date, zone: str, wait_days: int
) -> bool:
    """A telephone conversation on or before ``as_of``, or a letter or message sent at least
    ``wait_days`` days before it that did not come back undeliverable within those days."""
    if any(r.is_telephone_conversation and r.day(zone) <= as_of for r in records):
        return True
    bounced_refs = {r.reference for r in records if r.outcome is Outcome.BOUNCED and r.reference}
    bounced_days = [r.day(zone) for r in records if r.outcome is Outcome.BOUNCED]
    wait = timedelta(days=wait_days)
    for record in records:
        sent = record.day(zone)
        if (
            record.direction is Direction.OUTBOUND
            and record.channel in _WRITTEN
            and record.outcome in {Outcome.SENT, Outcome.DELIVERED}
            and sent + wait <= as_of
            and not (record.reference and record.reference in bounced_refs)
            and not any(sent <= day < sent + wait for day in bounced_days)
        ):
            return True
    return False


def _rule() -> Rule:
    return next(rule for pack in default_packs() for rule in pack.rules if rule.id == RULE_ID)


def may_furnish(
    history: Iterable[ContactRecord],
    *,
    as_of: date,
    holds: Iterable[Hold] = (),
    settings: ComplianceSettings = DEFAULT_SETTINGS,
) -> GateDecision:
    """Allowed, or blocked by the pre-furnishing rule and by any hold that stops reporting
    (e.g. a fraud claim). ``history`` is the debt's contact log."""
    blocked = [
        RuleHit(f"us.holds.{b.hold.kind.value}", f"{b.hold.kind.value} hold: {b.reason}", b.source)
        for b in blocking_holds(holds, ActionCategory.CREDIT_REPORTING, as_of)
    ]
    rule = _rule()
    if settings.actor_type in rule.actors and not contacted_for_furnishing(
        list(history), as_of=as_of, zone=settings.day_zone, wait_days=rule.int_param("wait_days")
    ):
        blocked.append(RuleHit(rule.id, rule.reason, rule.source))
    return GateDecision(blocked_by=tuple(blocked), checked=(rule.id, "us.holds"))
