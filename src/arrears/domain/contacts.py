"""Ways to reach a borrower and the consent attached to each (TCPA, Reg F, CAN-SPAM)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Final

from arrears.domain import geo

#: A pragmatic address check (RFC 5322 is wider, but this is what mail providers deliver to).
EMAIL_PATTERN: Final[str] = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,}$"
)
_EMAIL_RE = re.compile(EMAIL_PATTERN)


def is_email(text: str) -> bool:
    return len(text) <= 254 and bool(_EMAIL_RE.match(text))


class ContactKind(StrEnum):
    MOBILE_PHONE = "mobile_phone"
    HOME_PHONE = "home_phone"
    WORK_PHONE = "work_phone"
    PERSONAL_EMAIL = "personal_email"
    WORK_EMAIL = "work_email"

    @property
    def is_phone(self) -> bool:
        return self.value.endswith("_phone")

    @property
    def is_email(self) -> bool:
        return self.value.endswith("_email")


class ContactStatus(StrEnum):
    ACTIVE = "active"
    INVALID = "invalid"  # failed validation or bounced permanently: never contacted
    REVOKED = "revoked"  # wrong number, or the borrower said it is not theirs


@dataclass(frozen=True, slots=True)
class ContactPoint:
    """A phone number or email address with its consent state.

    ``sms_consent_at`` records prior express consent for texts to a mobile (TCPA, 47 U.S.C. 227);
    ``opted_out_at`` records an opt-out from this channel at this address (Reg F 1006.6(e)).
    """

    kind: ContactKind
    value: str
    id: int | None = None
    status: ContactStatus = ContactStatus.ACTIVE
    time_zones: tuple[str, ...] = ()
    sms_consent_at: datetime | None = None
    call_opted_out_at: datetime | None = None
    sms_opted_out_at: datetime | None = None
    email_opted_out_at: datetime | None = None

    @classmethod
    def phone(cls, kind: ContactKind, number: str, **kwargs: object) -> ContactPoint:
        return cls(
            kind=kind,
            value=geo.format_e164(number),
            time_zones=geo.phone_time_zones(number),
            **kwargs,  # type: ignore[arg-type]
        )

    @property
    def usable(self) -> bool:
        return self.status is ContactStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class PostalAddress:
    line1: str
    city: str
    state: str
    zip_code: str
    line2: str = ""
    time_zone: str = ""

    def lines(self) -> list[str]:
        """The address as printed on an envelope."""
        parts = [self.line1]
        if self.line2:
            parts.append(self.line2)
        parts.append(f"{self.city}, {self.state} {self.zip_code}")
        return parts


@dataclass(frozen=True, slots=True)
class ContactPreferences:
    """What the borrower asked for: language and times they prefer (Reg F 1006.6(b)(1))."""

    language: str = "en"
    preferred_start_hour: int | None = None
    preferred_end_hour: int | None = None
    channels_opted_out: frozenset[str] = field(default_factory=frozenset)
