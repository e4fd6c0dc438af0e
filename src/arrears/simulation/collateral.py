"""Collateral rows and their later valuations: cars lose value, houses gain it.

Every auto loan has its vehicle (valued at origination from the vehicle's price) and every mortgage
its property (appraised at origination). Many get periodic revaluations — a price guide for cars,
an automated valuation for homes — and seriously delinquent or charged-off accounts get a fresh
one, as a lender does before deciding on repossession or foreclosure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation import dates
from arrears.simulation.dates import date_series
from arrears.simulation.draws import Draws, Floats, Ints
from arrears.simulation.formats import amount_series, conform, join_text
from arrears.simulation.places import Addresses
from arrears.simulation.properties import Properties
from arrears.simulation.vehicles import Vehicles

_DAYS_PER_YEAR: Final = 365.25
_CAR_YEARLY_RETENTION: Final = 0.85
_HOME_YEARLY_GROWTH: Final = 1.04


@dataclass(frozen=True, slots=True)
class Secured:
    """The loans of one kind of collateral within a chunk."""

    loans: Ints  # global loan numbers (draw keys)
    loan_ids: pl.Series
    origination: Ints
    dpd: Ints
    charged_off: NDArray[np.bool_]


def collateral_ids(prefix: str, loans: Ints) -> pl.Series:
    return join_text(pl.lit(prefix), pl.Series(loans + 1).cast(pl.String).str.zfill(9))


def vehicle_frame(secured: Secured, vehicles: Vehicles) -> pl.DataFrame:
    count = len(secured.loans)
    frame = pl.DataFrame(
        {
            "loan": secured.loans,
            "collateral_id": collateral_ids("CV", secured.loans),
            "loan_id": secured.loan_ids,
            "kind": pl.Series(["vehicle"] * count, dtype=pl.String),
            **vehicles.columns(),
            "value": amount_series(vehicles.value),
            "valued_on": date_series("valued_on", secured.origination),
            "valuation_source": pl.Series(["origination"] * count, dtype=pl.String),
        }
    )
    return conform("collateral", frame, keep=["loan"])


def property_frame(secured: Secured, properties: Properties, addresses: Addresses) -> pl.DataFrame:
    count = len(secured.loans)
    frame = pl.DataFrame(
        {
            "loan": secured.loans,
            "collateral_id": collateral_ids("CP", secured.loans),
            "loan_id": secured.loan_ids,
            "kind": pl.Series(["property"] * count, dtype=pl.String),
            **addresses.columns(),
            **properties.columns(),
            "value": amount_series(properties.value),
            "valued_on": date_series("valued_on", secured.origination),
            "valuation_source": pl.Series(["appraisal"] * count, dtype=pl.String),
        }
    )
    return conform("collateral", frame, keep=["loan"])


@dataclass(frozen=True, slots=True)
class _Revaluations:
    owner: Ints  # index into the secured arrays
    day: Ints
    source: str


def _periodic(
    draws: Draws, secured: Secured, *, stream: str, share: float, most: int, as_of_day: int
) -> tuple[Ints, Ints]:
    """(owner, day) of yearly revaluations on the origination anniversary, up to ``most``."""
    years = np.floor((as_of_day - secured.origination) / _DAYS_PER_YEAR).astype(np.int64)
    count = np.where(draws.chance(stream, secured.loans, share), np.minimum(years, most), 0)
    owner = np.repeat(np.arange(len(count)), count)
    nth = np.arange(len(owner)) - np.repeat(np.cumsum(count) - count, count) + 1
    day = secured.origination[owner] + np.floor(nth * _DAYS_PER_YEAR).astype(np.int64)
    return owner, np.minimum(day, as_of_day)


def _distressed(
    draws: Draws, secured: Secured, *, stream: str, min_dpd: int, as_of_day: int
) -> tuple[Ints, Ints]:
    """(owner, day) of a fresh valuation for accounts ``min_dpd`` or more behind or charged off."""
    due = (secured.dpd >= min_dpd) | secured.charged_off
    owner = np.flatnonzero(due & draws.chance(stream, secured.loans, 0.8))
    back = draws.integers(stream + ".days", secured.loans[owner], low=0, high=30)
    day = np.maximum(as_of_day - back, secured.origination[owner] + 1)
    return owner, day


def _grown(base: Ints, *, years: Floats, yearly: float, noise: Floats, unit_cents: int) -> Ints:
    value = base * yearly**years * noise / unit_cents
    return np.maximum(np.round(value), 1).astype(np.int64) * unit_cents


def revaluations(
    draws: Draws, secured: Secured, *, base_value: Ints, vehicles: bool, as_of: date
) -> pl.DataFrame:
    """Later ``valuations`` rows for the secured loans' collateral, with a ``loan`` sort key."""
    as_of_day = dates.day_number(as_of)
    kind = "vehicle" if vehicles else "property"
    periodic = _periodic(
        draws,
        secured,
        stream=f"valuation.{kind}.periodic",
        share=0.5 if vehicles else 0.4,
        most=3 if vehicles else 5,
        as_of_day=as_of_day,
    )
    recent = _distressed(
        draws,
        secured,
        stream=f"valuation.{kind}.distressed",
        min_dpd=60 if vehicles else 90,
        as_of_day=as_of_day,
    )
    parts = [
        _Revaluations(*periodic, "market_guide" if vehicles else "automated"),
        _Revaluations(*recent, "market_guide" if vehicles else "appraisal"),
    ]
    frames = []
    for number, part in enumerate(parts):
        keys = secured.loans[part.owner]
        years = (part.day - secured.origination[part.owner]) / _DAYS_PER_YEAR
        spread = draws.uniform(f"valuation.{kind}.noise", keys, 100 * number + years.astype(int))
        noise = 0.94 + 0.1 * spread if vehicles else 0.93 + 0.12 * spread
        amount = _grown(
            base_value[part.owner],
            years=years,
            yearly=_CAR_YEARLY_RETENTION if vehicles else _HOME_YEARLY_GROWTH,
            noise=noise,
            unit_cents=2_500 if vehicles else 100_000,
        )
        frames.append(
            pl.DataFrame(
                {
                    "loan": keys,
                    "collateral_id": collateral_ids("CV" if vehicles else "CP", keys),
                    "valued_on": date_series("valued_on", part.day),
                    "amount": amount_series(amount),
                    "source": pl.Series([part.source] * len(keys), dtype=pl.String),
                }
            )
        )
    return conform("valuations", pl.concat(frames), keep=["loan"])
