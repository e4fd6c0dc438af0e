"""Where a message goes: the contact point (or postal address) a channel uses for a borrower.

Only usable points of the right kind are candidates, and an address or number that is not
even well-formed is never contacted: it is reported so the caller flags it invalid. Employer
email addresses are never used (12 CFR 1006.22(f)(3)). Consent and opt-outs are *not* decided
here — the compliance gate judges them for the point chosen, so a point that opted out is still
chosen (when it is the only one) and the gate's decision says why the message is blocked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from arrears.domain import geo
from arrears.domain.contacts import ContactKind, ContactPoint, is_email

_KINDS = {
    "email": (ContactKind.PERSONAL_EMAIL,),
    "sms": (ContactKind.MOBILE_PHONE,),
}


@dataclass(frozen=True)
class Recipient:
    address: str = field(repr=False)
    point_id: int | None = None


@dataclass(frozen=True)
class NoRecipient:
    rule: str
    reason: str
    invalid_points: tuple[int, ...] = ()


def choose_recipient(
    channel: str,
    points: Iterable[ContactPoint],
    *,
    postal: list[str],
    point_id: int | None = None,
) -> Recipient | NoRecipient:
    """The recipient of a ``channel`` message; ``point_id`` asks for one particular point."""
    if channel == "letter":
        if not postal or not postal[0].strip():
            return NoRecipient("outbox.no_address", "no postal address on file")
        return Recipient("\n".join(postal))
    kinds = _KINDS.get(channel)
    if kinds is None:
        return NoRecipient("outbox.channel", f"arrears does not send {channel} messages")
    candidates = [
        p for p in points if p.kind in kinds and p.usable and (point_id is None or p.id == point_id)
    ]
    invalid = tuple(p.id for p in candidates if p.id is not None and not _well_formed(p))
    valid = [p for p in candidates if _well_formed(p)]
    if not valid:
        what = (
            "email address (employer addresses are never used)"
            if channel == "email"
            else ("mobile number")
        )
        return NoRecipient(
            "outbox.no_recipient", f"no usable {what} on file (12 CFR 1006.22(f)(3))", invalid
        )
    valid.sort(key=lambda p: (_opted_out(channel, p), channel == "sms" and not p.sms_consent_at))
    return Recipient(valid[0].value, valid[0].id)


def _well_formed(point: ContactPoint) -> bool:
    if point.kind.is_email:
        return is_email(point.value)
    return geo.is_us_phone(point.value)


def _opted_out(channel: str, point: ContactPoint) -> bool:
    moment = point.email_opted_out_at if channel == "email" else point.sms_opted_out_at
    return moment is not None
