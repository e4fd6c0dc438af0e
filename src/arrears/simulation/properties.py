"""Mortgaged properties: usually the borrower's home, valued like homes in the borrower's state.

Most are owner-occupied single-family homes at the borrower's address; some are rentals or vacant
lots elsewhere in the state. A few loans are second liens, lent against a share of the equity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation.draws import Draws, Floats, Ints
from arrears.simulation.reference import states

PROPERTY_TYPES: Final[tuple[str, ...]] = (
    "single_family",
    "condo",
    "multi_family",
    "manufactured",
    "land",
)
OCCUPANCIES: Final[tuple[str, ...]] = ("owner", "tenant", "vacant")
_TYPE_WEIGHTS: Final = (0.74, 0.14, 0.05, 0.06, 0.01)
_TYPE_VALUE_FACTOR: Final = np.array([1.0, 0.75, 1.3, 0.35, 0.3])
_US_MEDIAN_HOME_DOLLARS: Final = 330_000


@dataclass(frozen=True, slots=True)
class Properties:
    """One property per mortgage (``value`` in cents, round thousands of dollars)."""

    at_borrower_address: NDArray[np.bool_]
    property_type: Ints
    occupancy: Ints
    lien_position: Ints
    value: Ints

    def columns(self) -> dict[str, pl.Series]:
        return {
            "property_type": pl.Series(PROPERTY_TYPES).gather(pl.Series(self.property_type)),
            "lien_position": pl.Series(self.lien_position),
            "occupancy": pl.Series(OCCUPANCIES).gather(pl.Series(self.occupancy)),
        }


def draw_properties(draws: Draws, loans: Ints, *, state_index: Ints) -> Properties:
    property_type = draws.choice("property.type", loans, _TYPE_WEIGHTS)
    is_land = property_type == PROPERTY_TYPES.index("land")
    elsewhere = draws.chance("property.elsewhere", loans, 0.1) | is_land
    occupancy = np.where(
        elsewhere, np.where(draws.chance("property.vacant", loans, 0.2) | is_land, 2, 1), 0
    )
    lien_position = np.where(draws.chance("property.second_lien", loans, 0.06), 2, 1)
    value_index: Floats = states().home_value_index[state_index]
    spread = np.exp(0.45 * draws.normal("property.value", loans))
    dollars = _US_MEDIAN_HOME_DOLLARS * value_index * _TYPE_VALUE_FACTOR[property_type] * spread
    thousands = np.maximum(np.round(dollars / 1_000), 25)
    return Properties(
        at_borrower_address=~elsewhere,
        property_type=property_type,
        occupancy=occupancy,
        lien_position=lien_position.astype(np.int64),
        value=thousands.astype(np.int64) * 100_000,
    )


def draw_mortgage_principal(draws: Draws, loans: Ints, *, properties: Properties) -> Ints:
    """Loan-to-value 55–97% for first liens, 8–20% of the value for second liens; round $100."""
    first_ltv = 0.55 + 0.42 * draws.uniform("property.ltv", loans)
    second_ltv = 0.08 + 0.12 * draws.uniform("property.ltv2", loans)
    ltv = np.where(properties.lien_position == 1, first_ltv, second_ltv)
    hundreds = np.maximum(np.round(properties.value * ltv / 10_000), 200)
    return hundreds.astype(np.int64) * 10_000
