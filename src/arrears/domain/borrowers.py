"""Borrowers: the people who owe, with their sensitive identifiers kept out of logs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from arrears.domain.contacts import ContactPoint, ContactPreferences, PostalAddress

LANGUAGES = frozenset({"en", "es"})


def mask_ssn(ssn: str) -> str:
    """``***-**-1234``: the only form of an SSN that may be shown or logged."""
    digits = "".join(ch for ch in ssn if ch.isdigit())
    return f"***-**-{digits[-4:]}" if len(digits) >= 4 else "***-**-****"


@dataclass(frozen=True, slots=True)
class Borrower:
    """A borrower. ``ssn`` and ``date_of_birth`` are encrypted at rest and never in ``repr``."""

    external_id: str
    first_name: str
    last_name: str
    address: PostalAddress
    id: int | None = None
    middle_name: str = ""
    suffix: str = ""
    date_of_birth: date | None = field(default=None, repr=False)
    ssn: str = field(default="", repr=False)
    contact_points: tuple[ContactPoint, ...] = ()
    preferences: ContactPreferences = field(default_factory=ContactPreferences)

    @property
    def full_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name, self.suffix]
        return " ".join(part for part in parts if part)

    @property
    def masked_ssn(self) -> str:
        return mask_ssn(self.ssn)

    def time_zones(self) -> frozenset[str]:
        """Every zone the borrower may be in: the address's and each usable phone's."""
        zones = {self.address.time_zone} if self.address.time_zone else set()
        for point in self.contact_points:
            if point.usable and point.kind.is_phone:
                zones.update(point.time_zones)
        return frozenset(zones)
