"""Facts about a piece of collateral beyond what the import carries: title, lien, insurance,
where a vehicle is, and what the 60% rule needs (UCC 9-620(e)).

``vehicle_problems`` checks what a person types in: the VIN and its check digit
(49 CFR 565.15, model years 1981 on), a plausible model year and a mileage that is not
negative — every problem at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from arrears.domain.vin import vin_problem

FIRST_17_CHARACTER_YEAR = 1981
CONDITIONS = ("excellent", "good", "fair", "poor")  # as in the import (docs/data-formats.md)


class TitleStatus(StrEnum):
    CLEAN = "clean"
    LIEN_RECORDED = "lien_recorded"  # the lender is named on the certificate of title
    ELECTRONIC_LIEN = "electronic_lien"  # lien held in the state's electronic title system
    PENDING = "pending"  # application filed, title not yet issued
    SALVAGE = "salvage"
    REBUILT = "rebuilt"
    LOST = "lost"


class LienStatus(StrEnum):
    PERFECTED = "perfected"  # noted on the title (9-311(a)(2)) or recorded (real property)
    UNPERFECTED = "unperfected"
    RELEASED = "released"


class Coverage(StrEnum):
    FULL = "full"  # comprehensive and collision
    LIABILITY = "liability"
    NONE = "none"
    HAZARD = "hazard"  # real property
    FORCE_PLACED = "force_placed"  # lender-placed insurance


class Occupancy(StrEnum):
    OWNER = "owner"
    TENANT = "tenant"
    VACANT = "vacant"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class TitleFacts:
    status: TitleStatus = TitleStatus.LIEN_RECORDED
    lien_status: LienStatus = LienStatus.PERFECTED
    title_state: str = ""
    title_number: str = ""
    lienholder: str = ""


@dataclass(frozen=True, slots=True)
class InsuranceFacts:
    coverage: Coverage = Coverage.NONE
    carrier: str = ""
    policy_number: str = ""
    expires_on: date | None = None
    lender_is_loss_payee: bool = False

    def in_force(self, on: date) -> bool:
        if self.coverage is Coverage.NONE:
            return False
        return self.expires_on is None or on <= self.expires_on


@dataclass(frozen=True, slots=True)
class SaleFacts:
    """What UCC 9-620(e) needs: consumer goods, purchase money, the cash price."""

    consumer_goods: bool = True
    purchase_money: bool = True
    cash_price_minor: int | None = None


def vehicle_problems(
    *, vin: str, year: int, mileage: int | None, as_of: date, condition: str = ""
) -> list[str]:
    """Every problem with a vehicle's identity (empty when it is fine)."""
    problems = []
    if year < FIRST_17_CHARACTER_YEAR or year > as_of.year + 1:
        problems.append(
            f"model year {year} is not between {FIRST_17_CHARACTER_YEAR} and {as_of.year + 1}"
        )
    why = vin_problem(vin.strip().upper())
    if why:
        problems.append(f"VIN {vin!r}: {why}")
    if mileage is not None and mileage < 0:
        problems.append(f"mileage {mileage} cannot be negative")
    if condition and condition not in CONDITIONS:
        problems.append(f"condition {condition!r} is not one of {', '.join(CONDITIONS)}")
    return problems
