"""A realistic alternative to a settlement, valued today, with the assumptions behind it.

Settlement pricing never offers less than the best alternative (docs/settlements.md): keep
collecting in-house, place with an agency, sue, or liquidate the collateral. Each alternative
is computed by the workflow that owns it (``settlements.alternatives`` for in-house and
collateral, ``legal.economics`` for a suit, ``agencies.economics`` for a placement) and shown
to the user side by side, so the assumptions travel with the figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class AlternativeKind(StrEnum):
    IN_HOUSE = "in_house"
    AGENCY = "agency"
    LEGAL = "legal"
    COLLATERAL = "collateral"


LABELS: dict[AlternativeKind, str] = {
    AlternativeKind.IN_HOUSE: "Keep collecting in-house",
    AlternativeKind.AGENCY: "Place with a recovery agency",
    AlternativeKind.LEGAL: "Sue and enforce a judgment",
    AlternativeKind.COLLATERAL: "Repossess and sell the collateral",
}


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to recover the balance and what it is expected to be worth today.

    ``expected_gross_minor`` is what is expected to be collected (before costs, undiscounted);
    ``costs_minor`` what pursuing it costs the lender; ``epv_minor`` the expected present value
    net of costs (may be negative). An alternative that cannot be pursued (no collateral, a
    time-barred debt, a blocking hold) is listed with ``available`` false and the reason.
    """

    kind: AlternativeKind
    available: bool
    epv_minor: int
    expected_gross_minor: int = 0
    costs_minor: int = 0
    months: int = 0
    assumptions: dict[str, str] = field(default_factory=dict)
    reason: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @classmethod
    def unavailable(cls, kind: AlternativeKind, reason: str) -> Alternative:
        return cls(kind=kind, available=False, epv_minor=0, reason=reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "label": self.label,
            "available": self.available,
            "epv_minor": self.epv_minor,
            "expected_gross_minor": self.expected_gross_minor,
            "costs_minor": self.costs_minor,
            "months": self.months,
            "assumptions": dict(self.assumptions),
            "reason": self.reason,
        }


def best(alternatives: tuple[Alternative, ...]) -> Alternative | None:
    """The available alternative worth most today (the first listed on a tie), or None."""
    found: Alternative | None = None
    for alternative in alternatives:
        if alternative.available and (found is None or alternative.epv_minor > found.epv_minor):
            found = alternative
    return found


def percent(value: Decimal) -> str:
    """A share as a percentage for the assumptions (``Decimal("0.35")`` → ``35%``)."""
    number = value * 100
    return f"{number.normalize():f}%"
