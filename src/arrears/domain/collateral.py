"""Collateral securing a loan (vehicles, real property) and its valuation over time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from arrears.domain.contacts import PostalAddress
from arrears.domain.money import Money


class CollateralKind(StrEnum):
    VEHICLE = "vehicle"
    PROPERTY = "property"


class ValuationSource(StrEnum):
    APPRAISAL = "appraisal"
    MARKET_GUIDE = "market_guide"  # e.g. a dealer price guide
    AUTOMATED = "automated"  # automated valuation model (property)
    ORIGINATION = "origination"  # value at booking
    DEPRECIATION = "depreciation"  # derived from a depreciation curve
    SALE = "sale"


@dataclass(frozen=True, slots=True)
class Valuation:
    valued_on: date
    amount: Money
    source: ValuationSource


@dataclass(frozen=True, slots=True)
class Vehicle:
    vin: str
    year: int
    make: str
    model: str
    mileage: int | None = None
    condition: str = ""


@dataclass(frozen=True, slots=True)
class RealProperty:
    address: PostalAddress
    property_type: str = "single_family"
    lien_position: int = 1
    occupancy: str = "owner"


@dataclass(frozen=True, slots=True)
class Collateral:
    external_id: str
    loan_id: int
    kind: CollateralKind
    vehicle: Vehicle | None = None
    property: RealProperty | None = None
    valuations: tuple[Valuation, ...] = ()
    id: int | None = None

    def value_as_of(self, as_of: date) -> Money | None:
        """The latest valuation on or before ``as_of`` (None if there is none yet)."""
        known = [v for v in self.valuations if v.valued_on <= as_of]
        return max(known, key=lambda v: v.valued_on).amount if known else None


def loan_to_value(balance: Money, value: Money | None) -> Decimal | None:
    """LTV as a Decimal ratio (1.2 means the loan is 120% of the collateral value)."""
    if value is None or value.minor <= 0:
        return None
    return Decimal(balance.minor) / Decimal(value.minor)


def latest(valuations: Sequence[Valuation]) -> Valuation | None:
    return max(valuations, key=lambda v: v.valued_on) if valuations else None
