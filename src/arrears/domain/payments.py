"""Payments received from borrowers (or on their behalf) and their reversals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from arrears.domain.money import Money


class PaymentMethod(StrEnum):
    ACH = "ach"
    CARD = "card"
    CHECK = "check"
    CASH = "cash"
    WIRE = "wire"
    AGENCY = "agency"  # collected by a debt recovery agency and remitted
    OTHER = "other"


class PaymentStatus(StrEnum):
    POSTED = "posted"
    RETURNED = "returned"  # bounced / NSF / charged back: treated as never received
    REVERSED = "reversed"  # posted in error and taken back


@dataclass(frozen=True, slots=True)
class Payment:
    """A payment keyed by the lender's ``external_id`` so it is never posted twice.

    ``effective_date`` is the business date the money counts from; ``received_at`` the system time
    it reached arrears. A returned or reversed payment never counted (DESIGN §2: the state of an
    account is a function of its event history as of a date).
    """

    external_id: str
    loan_id: int
    amount: Money
    effective_date: date
    method: PaymentMethod = PaymentMethod.ACH
    status: PaymentStatus = PaymentStatus.POSTED
    id: int | None = None
    returned_on: date | None = None
    return_reason: str = ""
    received_at: datetime | None = None

    @property
    def good(self) -> bool:
        return self.status is PaymentStatus.POSTED
