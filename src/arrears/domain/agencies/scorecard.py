"""Agency scorecards: liquidation by placement vintage, cost and complaints, and the
champion/challenger comparison.

For each agency and vintage (month of placement) the scorecard shows the accounts and balance
placed, what was collected on them (gross), the commission paid, the **liquidation rate**
(collected ÷ balance placed), the **cost rate** (commission ÷ collected) and complaints per 100
placements. Comparing agencies only within a vintage keeps the comparison like-for-like (the
same age of book and time to work it); the champion/challenger rows compare the arms of the
split, which the assignment made comparable by construction. Rates are Decimal shares to four
places (named rounding point: half to even); money stays in minor units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from arrears.domain.agencies.model import Placement

_FOUR = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class Collected:
    placement_id: int
    amount_minor: int
    commission_minor: int


@dataclass(frozen=True, slots=True)
class ScoreRow:
    group: str  # the agency code, or the arm
    vintage: str
    placements: int
    placed_minor: int
    collected_minor: int
    commission_minor: int
    complaints: int

    @property
    def liquidation_rate(self) -> Decimal:
        return _rate(self.collected_minor, self.placed_minor)

    @property
    def cost_rate(self) -> Decimal:
        return _rate(self.commission_minor, self.collected_minor)

    @property
    def complaints_per_100(self) -> Decimal:
        return _rate(self.complaints * 100, self.placements)


def scorecard(
    placements: Iterable[Placement],
    collections: Iterable[Collected],
    complaints: Mapping[int, int],
    *,
    group_of: Mapping[int, str],
) -> list[ScoreRow]:
    """One row per group and vintage; ``group_of`` names each placement's group (agency code or
    arm) by placement id; ``complaints`` counts complaints per placement id."""
    money: dict[int, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for item in collections:
        amount, commission = money[item.placement_id]
        money[item.placement_id] = (amount + item.amount_minor, commission + item.commission_minor)
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    for placement in placements:
        pid = placement.id or 0
        row = totals[(group_of[pid], placement.vintage)]
        amount, commission = money.get(pid, (0, 0))
        for i, value in enumerate(
            (1, placement.balance_minor, amount, commission, complaints.get(pid, 0))
        ):
            row[i] += value
    return [
        ScoreRow(group, vintage, *values) for (group, vintage), values in sorted(totals.items())
    ]


def _rate(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0)
    return (Decimal(part) / Decimal(whole)).quantize(_FOUR, rounding=ROUND_HALF_EVEN)
