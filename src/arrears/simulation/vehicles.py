"""Financed vehicles: popular US makes and models with valid VINs, model years, mileage and value.

A VIN here is built the way manufacturers build them (49 CFR 565.15): a real world manufacturer
identifier for the make, five descriptor characters, the check digit (computed by
``arrears.domain.vin.with_check_digit``), the model-year code, a plant code and a serial number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import polars as pl

from arrears.domain.vin import with_check_digit
from arrears.simulation import dates
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.reference import vehicle_models

_VIN_ALPHABET: Final = np.frombuffer(b"ABCDEFGHJKLMNPRSTUVWXYZ0123456789", dtype=np.uint8)
_DIGITS: Final = np.frombuffer(b"0123456789", dtype=np.uint8)
#: Model-year codes (position 10) repeat every 30 years; 2010 is "A" (49 CFR 565.15(a)).
_YEAR_CODES: Final = "ABCDEFGHJKLMNPRSTVWXY123456789"
CONDITIONS: Final[tuple[str, ...]] = ("excellent", "good", "fair", "poor")


@dataclass(frozen=True, slots=True)
class Vehicles:
    """One vehicle per auto loan, valued at origination (``value`` in cents, whole dollars)."""

    model: Ints
    year: Ints
    mileage: Ints
    condition: Ints
    value: Ints
    vin: pl.Series

    def columns(self) -> dict[str, pl.Series]:
        table = vehicle_models()
        model = pl.Series(self.model)
        return {
            "vin": self.vin,
            "year": pl.Series(self.year),
            "make": pl.Series(table.makes).gather(model),
            "model": pl.Series(table.models).gather(model),
            "mileage": pl.Series(self.mileage),
            "condition": pl.Series(CONDITIONS).gather(pl.Series(self.condition)),
        }


def draw_vehicles(draws: Draws, loans: Ints, *, origination: Ints) -> Vehicles:
    table = vehicle_models()
    model = draws.choice("vehicle.model", loans, table.popularity)
    is_new = draws.chance("vehicle.new", loans, 0.4)
    age = np.where(is_new, 0, 1 + np.floor(draws.uniform("vehicle.age", loans) ** 1.4 * 10))
    age = age.astype(np.int64)
    next_model_year = is_new & (dates.months(origination) % 12 >= 7)
    year = dates.years(origination) - age + next_model_year
    miles_per_year = 8_000 + 7_000 * draws.uniform("vehicle.miles", loans)
    new_miles = 5 + 200 * draws.uniform("vehicle.delivery_miles", loans)
    mileage = np.where(is_new, new_miles, age * miles_per_year).astype(np.int64)
    used_condition = draws.choice("vehicle.condition", loans, (0.2, 0.55, 0.2, 0.05))
    condition = np.where(is_new, 0, used_condition)
    depreciation = np.where(is_new, 1.0, 0.82 * 0.88 ** (age - 1.0))
    noise = 0.9 + 0.2 * draws.uniform("vehicle.price_noise", loans)
    value_dollars = np.round(table.msrp_dollars[model] * depreciation * noise / 50) * 50
    return Vehicles(
        model=model,
        year=year,
        mileage=mileage,
        condition=condition,
        value=value_dollars.astype(np.int64) * 100,
        vin=_draw_vins(draws, loans, model=model, year=year),
    )


def _draw_vins(draws: Draws, loans: Ints, *, model: Ints, year: Ints) -> pl.Series:
    count = len(loans)
    chars = np.zeros((count, 17), dtype=np.uint8)
    wmis = np.array([list(wmi.encode()) for wmi in vehicle_models().wmis], dtype=np.uint8)
    chars[:, :3] = wmis[model]
    for position in (3, 4, 5, 6, 7, 10):  # descriptor section and plant code
        pick = draws.integers("vehicle.vin", loans, low=0, high=len(_VIN_ALPHABET), index=position)
        chars[:, position] = _VIN_ALPHABET[pick]
    year_codes = np.frombuffer(_YEAR_CODES.encode(), dtype=np.uint8)
    chars[:, 9] = year_codes[(year - 2010) % 30]
    for position in range(11, 17):
        pick = draws.integers("vehicle.vin", loans, low=0, high=10, index=position)
        chars[:, position] = _DIGITS[pick]
    chars[:, 8] = ord("0")
    drafts = chars.view("S17").ravel()
    return pl.Series("vin", [with_check_digit(draft.decode()) for draft in drafts], pl.String)
