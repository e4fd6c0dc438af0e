"""What settlement pricing is given: the account's balances and facts, the policies, and the
offer asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from arrears.domain.agencies.policy import AgencyPolicy
from arrears.domain.legal.policy import LegalPolicy
from arrears.domain.settlements.offers import OfferType
from arrears.domain.settlements.policy import SettlementPolicy


@dataclass(frozen=True, slots=True)
class Balances:
    """What the borrower owes by component, in minor units (from the ledger)."""

    principal: int = 0
    interest: int = 0
    fees: int = 0
    penalties: int = 0
    costs: int = 0

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.fees + self.penalties + self.costs


@dataclass(frozen=True, slots=True)
class PricingFacts:
    """The account as pricing sees it. ``*_barred`` say why an alternative cannot be pursued
    (a hold's rule, a time-barred debt), each with its source."""

    loan_id: int
    currency: str
    as_of: date
    balances: Balances
    dpd: int
    charged_off: bool
    annual_rate: Decimal
    collateral_value_minor: int | None = None
    legal_barred: tuple[str, ...] = ()
    agency_barred: tuple[str, ...] = ()
    collateral_barred: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Policies:
    settlement: SettlementPolicy
    legal: LegalPolicy
    agency: AgencyPolicy


@dataclass(frozen=True, slots=True)
class OfferRequest:
    offer_type: OfferType
    installments: int = 1
    amount_minor: int | None = None  # None: the policy's offer
