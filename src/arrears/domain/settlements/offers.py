"""Settlement offers: their kinds, their states and the record of one offer.

Four kinds of incentive (docs/settlements.md):

- ``lump_sum``: the balance settled for a discounted amount paid at once;
- ``structured``: a plan of monthly installments for a reduced total (the discount is posted
  as a conditional waiver when accepted and reversed if the plan breaks);
- ``fee_waiver``: late fees and penalties waived for paying the rest, at once or by a kept plan;
- ``interest_freeze``: the balance paid by a plan with no interest charged meanwhile (interest
  that falls due during the plan is waived when it is kept).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class OfferType(StrEnum):
    LUMP_SUM = "lump_sum"
    STRUCTURED = "structured"
    FEE_WAIVER = "fee_waiver"
    INTEREST_FREEZE = "interest_freeze"

    @property
    def conditional_waiver(self) -> bool:
        """Whether the discount is posted on acceptance (reversed if the plan breaks) rather than
        when the offer is fulfilled."""
        return self is OfferType.STRUCTURED


class OfferStatus(StrEnum):
    DRAFTED = "drafted"  # waiting in the approval queue
    APPROVED = "approved"
    REJECTED = "rejected"  # refused in the approval queue
    PRESENTED = "presented"  # sent by letter or email, or shown in the portal
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    FULFILLED = "fulfilled"
    BROKEN = "broken"

    @property
    def open(self) -> bool:
        """Still in play: not yet accepted, refused, expired or withdrawn."""
        return self in {OfferStatus.DRAFTED, OfferStatus.APPROVED, OfferStatus.PRESENTED}


class PresentedVia(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    PORTAL = "portal"


@dataclass(frozen=True)
class OfferRecord:
    """A stored offer. Amounts in minor units of ``currency``; ``pricing`` is the explanation
    the offer was priced with (``Pricing.as_dict``), kept as it was shown."""

    loan_id: int
    offer_type: OfferType
    status: OfferStatus
    currency: str
    balance_minor: int
    amount_minor: int
    installments: int
    floor_minor: int
    discount: Decimal
    required_role: str
    expires_on: date
    proposed_by: str
    proposed_on: date
    policy_version: int
    pricing: dict[str, Any] = field(repr=False, default_factory=dict)
    id: int | None = None
    approved_by: str | None = None
    presented_via: PresentedVia | None = None
    presented_on: date | None = None
    accepted_on: date | None = None
    decided_on: date | None = None
    plan_id: int | None = None
    conditional_credit_id: int | None = None  # the waiver posted on acceptance, if any
    review_action_id: int | None = None
    note: str = ""
    created_at: datetime | None = None

    @property
    def waived_minor(self) -> int:
        return self.balance_minor - self.amount_minor
