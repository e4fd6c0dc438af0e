"""The conditions exemptions name: whether an exemption applies to a proposal, from the facts.

Each condition is ``condition(exemption, context) -> str | None``: a detail saying why it
applies, or None when it does not (and the lifted rules then block as usual).

- ``opt_out_confirmation``: the one text confirming a revocation of consent to texts, sent
  within ``window_seconds`` of the revocation and only once (47 CFR 64.1200(a)(12), adopted by
  FCC 24-18: "a one-time text message confirming a request to revoke consent", sent within
  five minutes; 12 CFR 1006.14(h) and reference §1.1: one opt-out confirmation with no other
  content).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Final

from arrears.compliance.checks.context import Context
from arrears.compliance.exemptions import Exemption
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome

Condition = Callable[[Exemption, Context], "str | None"]

_SENT = frozenset({Outcome.SENT, Outcome.DELIVERED})


def opt_out_confirmation(exemption: Exemption, ctx: Context) -> str | None:
    """The number revoked consent to texts at most ``window_seconds`` ago, and no confirmation
    (a text of the exemption's template) went to it since consent was last given."""
    point = ctx.point
    if point is None or not point.kind.is_phone or point.sms_opted_out_at is None:
        return None
    elapsed = ctx.at - point.sms_opted_out_at
    window = timedelta(seconds=exemption.int_param("window_seconds"))
    if elapsed < timedelta(0) or elapsed > window:
        return None
    consent = point.sms_consent_at

    def earlier(record: ContactRecord) -> bool:
        return (
            record.direction is Direction.OUTBOUND
            and record.channel is Channel.SMS
            and record.outcome in _SENT
            and record.template == exemption.template
            and record.contact_point_id == point.id
            and (consent is None or record.at >= consent)
        )

    if any(earlier(record) for record in ctx.facts.history):
        return None
    seconds = int(elapsed.total_seconds())
    return f"opt-out {seconds} s ago, within {int(window.total_seconds())} s, first confirmation"


CONDITIONS: Final[dict[str, Condition]] = {
    "opt_out_confirmation": opt_out_confirmation,
}
