"""Everything the gate needs to know about a borrower and a debt to judge a proposal.

The facts are plain data gathered by ``arrears.services.compliance`` from the database (or
built by hand in tests); the gate never reads anything else. Time zones come from the address
ZIP and every phone's area code (12 CFR 1006.6(b)(1)(i) and comment 6(b)(1)(i)-2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from arrears.compliance.sol import SolStatus
from arrears.domain.contact_log import Channel, ContactRecord
from arrears.domain.contacts import ContactPoint
from arrears.domain.holds import Hold


@dataclass(frozen=True, slots=True)
class ContactFacts:
    """A borrower's and a debt's facts as of the moment a proposal is judged.

    ``history`` is the contact log of this person about this debt (Reg F counts per person and
    debt). ``first_communication_on``/``validation_sent_on`` start the validation clocks;
    ``call_consent_on`` is the latest day the borrower asked to be called (direct prior
    consent, 1006.14(b)(3)(i)). ``preferred_hours`` is the window the borrower chose, as local
    hours at the address (start inclusive, end exclusive).
    """

    loan_id: int
    borrower_id: int
    borrower_state: str
    contract_state: str
    address_time_zone: str
    locality: str | None = None  # "nyc" for New York City addresses
    contact_points: tuple[ContactPoint, ...] = ()
    holds: tuple[Hold, ...] = ()
    history: tuple[ContactRecord, ...] = ()
    channels_opted_out: frozenset[Channel] = field(default_factory=frozenset)
    preferred_hours: tuple[int, int] | None = None
    first_communication_on: date | None = None
    validation_sent_on: date | None = None
    call_consent_on: date | None = None
    time_barred: SolStatus | None = None

    def point(self, point_id: int | None) -> ContactPoint | None:
        if point_id is None:
            return None
        return next((p for p in self.contact_points if p.id == point_id), None)

    def time_zones(self) -> frozenset[str]:
        """Every zone the borrower may be in: the address's and every usable phone's."""
        zones = {self.address_time_zone} if self.address_time_zone else set()
        for point in self.contact_points:
            if point.usable and point.kind.is_phone:
                zones.update(point.time_zones)
        return frozenset(zones)
