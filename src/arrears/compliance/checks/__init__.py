"""The checks rule packs name, by name: each is ``check(rule, context) -> list[RuleHit]``; and
the conditions their exemptions name (``checks.exemptions``)."""

from __future__ import annotations

from typing import Final

from arrears.compliance.checks import account, frequency, media, times
from arrears.compliance.checks.context import Check, Context
from arrears.compliance.checks.exemptions import CONDITIONS, Condition

CHECKS: Final[dict[str, Check]] = {
    "call_frequency": frequency.call_frequency,
    "conversation_lock": frequency.conversation_lock,
    "contact_cap": frequency.contact_cap,
    "quiet_hours": times.quiet_hours,
    "medium_opt_out": media.medium_opt_out,
    "contact_point_usable": media.contact_point_usable,
    "sms_consent": media.sms_consent,
    "employer_email": media.employer_email,
    "limited_content_voicemail": media.limited_content_voicemail,
    "holds": account.holds,
    "validation_overdue": account.validation_overdue,
    "time_barred_suit": account.time_barred_suit,
    "time_barred_disclosure": account.time_barred_disclosure,
    "pre_furnishing": account.pre_furnishing,
}

#: Checks that depend on the time of day: applied at send time and when an agent takes a call,
#: not by the daily cycle (which decides for a business date).
TIME_OF_DAY_CHECKS: Final = frozenset({"quiet_hours"})

__all__ = ["CHECKS", "CONDITIONS", "TIME_OF_DAY_CHECKS", "Check", "Condition", "Context"]
