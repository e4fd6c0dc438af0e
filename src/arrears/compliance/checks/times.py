"""Inconvenient times: 8 a.m. to 9 p.m. local time in every zone the borrower may be in.

12 CFR 1006.6(b)(1)(i), FDCPA 1692c(a)(1): when the address and a phone's area code point to
different zones, only the hours convenient in all of them are (comment 6(b)(1)(i)-2: Eastern
phone + Pacific address → 11 a.m.–9 p.m. Eastern). Times the borrower chose replace the
default (judged at the address). State packs may narrow the window or add a zone (MA: Eastern).
"""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from arrears.compliance.checks.context import Context, hit
from arrears.compliance.model import RuleHit
from arrears.compliance.packs import Rule
from arrears.domain import geo


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def quiet_hours(rule: Rule, ctx: Context) -> list[RuleHit]:
    facts = ctx.facts
    chosen = facts.preferred_hours if rule.params.get("honour_preferences", True) else None
    if chosen is not None and facts.address_time_zone:
        start = time(chosen[0])
        end = time(chosen[1]) if chosen[1] < 24 else time.max
        zones: set[str] = {facts.address_time_zone}
        window = "the hours the borrower chose"
    else:
        start, end = _clock(rule.params["start"]), _clock(rule.params["end"])
        zones = set(facts.time_zones()) or set(geo.state_time_zones(facts.borrower_state))
        window = f"{start:%H:%M}-{end:%H:%M}"
    zones.update(rule.strings("also_zones"))
    outside = sorted(
        f"{local:%H:%M} {zone}"
        for zone in zones
        if not (start <= (local := ctx.at.astimezone(ZoneInfo(zone))).time() < end)
    )
    if outside:
        return hit(rule, f"outside {window} at {', '.join(outside)}")
    return []
