"""Where borrowers live: states weighted by population, real ZIPs with their city, local area codes.

ZIPs come from ``arrears.domain.geo.zip_directory()`` (the directory the importer validates
against), restricted to standard delivery ZIPs of the 50 states and DC; PO-box and single-company
ZIPs are not where people live. Area codes are mapped to states with libphonenumber's geocoder, so
every phone number is one the importer accepts and that belongs to the borrower's state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import phonenumbers
import polars as pl
import zipcodes
from numpy.typing import NDArray
from phonenumbers import geocoder

from arrears.domain import geo
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import join_text, keep_where
from arrears.simulation.reference import STREET_NAMES, STREET_SUFFIXES, states


@dataclass(frozen=True, slots=True)
class ZipPool:
    """Standard ZIPs grouped by state (positions follow ``reference.states()`` order)."""

    zips: pl.Series
    cities: pl.Series
    area_codes: Ints  # a local area code for each ZIP
    state_start: Ints
    state_count: Ints


def _area_code_state(npa: str) -> str | None:
    description = geocoder.description_for_number(phonenumbers.parse(f"+1{npa}5550100"), "en")
    by_name = {name: code for code, name in geo.STATES.items()}
    if description[-4:-2] == ", " and description[-2:] in geo.STATES:
        return description[-2:]
    if description.startswith("Washington D"):
        return "DC"
    return by_name.get(description.removesuffix(" State"))


@cache
def area_codes_by_state() -> dict[str, tuple[int, ...]]:
    """Geographic area codes of each state and DC (toll-free and non-geographic codes excluded)."""
    found: dict[str, list[int]] = {}
    for npa, (region, _zones) in sorted(geo.area_code_directory().items()):
        state = _area_code_state(npa) if region == "US" else None
        if state in geo.STATES_AND_DC:
            found.setdefault(state, []).append(int(npa))
    return {state: tuple(codes) for state, codes in found.items()}


@cache
def zip_pool() -> ZipPool:
    directory = geo.zip_directory()
    standard = {
        row["zip_code"]: row.get("area_codes") or []
        for row in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if row["zip_code_type"] == "STANDARD" and row["active"]
    }
    state_codes = area_codes_by_state()
    zips: list[str] = []
    cities: list[str] = []
    area_codes: list[int] = []
    starts: list[int] = []
    counts: list[int] = []
    by_state: dict[str, list[str]] = {}
    for zip5 in sorted(standard.keys() & directory.keys()):
        by_state.setdefault(directory[zip5].state, []).append(zip5)
    for state in states().codes:
        local_codes = state_codes[state]
        members = by_state[state]
        starts.append(len(zips))
        counts.append(len(members))
        for zip5 in members:
            listed = [int(c) for c in standard[zip5] if c.isdigit() and int(c) in local_codes]
            zips.append(zip5)
            cities.append(directory[zip5].city)
            area_codes.append(listed[0] if listed else local_codes[int(zip5) % len(local_codes)])
    return ZipPool(
        zips=pl.Series(zips, dtype=pl.String),
        cities=pl.Series(cities, dtype=pl.String),
        area_codes=np.array(area_codes, dtype=np.int64),
        state_start=np.array(starts, dtype=np.int64),
        state_count=np.array(counts, dtype=np.int64),
    )


@cache
def _state_area_code_table() -> tuple[Ints, Ints, Ints]:
    """All states' area codes concatenated, with each state's start and count."""
    by_state = area_codes_by_state()
    codes: list[int] = []
    starts: list[int] = []
    counts: list[int] = []
    for state in states().codes:
        starts.append(len(codes))
        counts.append(len(by_state[state]))
        codes.extend(by_state[state])
    return np.array(codes), np.array(starts), np.array(counts)


def draw_states(draws: Draws, *, keys: Ints, stream: str) -> Ints:
    """State positions weighted by population."""
    return draws.choice(stream, keys, states().population)


def draw_state_area_codes(draws: Draws, *, keys: Ints, state_index: Ints, stream: str) -> Ints:
    """Any area code of each state (mobile numbers often keep an area code from elsewhere)."""
    codes, starts, counts = _state_area_code_table()
    offset = draws.integers(stream, keys, low=0, high=counts[state_index])
    picked: Ints = codes[starts[state_index] + offset]
    return picked


@dataclass(frozen=True, slots=True)
class Addresses:
    state_index: Ints
    zip_position: Ints
    line1: pl.Series
    line2: pl.Series

    @property
    def area_codes(self) -> Ints:
        return zip_pool().area_codes[self.zip_position]

    def where(self, keep: NDArray[np.bool_], other: Addresses) -> Addresses:
        """This address where ``keep`` holds, ``other`` elsewhere."""
        mask = pl.Series(keep)
        return Addresses(
            state_index=np.where(keep, self.state_index, other.state_index),
            zip_position=np.where(keep, self.zip_position, other.zip_position),
            line1=pl.select(pl.when(mask).then(self.line1).otherwise(other.line1)).to_series(),
            line2=pl.select(pl.when(mask).then(self.line2).otherwise(other.line2)).to_series(),
        )

    def columns(self) -> dict[str, pl.Series]:
        pool = zip_pool()
        positions = pl.Series(self.zip_position)
        state_codes = pl.Series(states().codes, dtype=pl.String)
        return {
            "address_line1": self.line1,
            "address_line2": self.line2,
            "city": pool.cities.gather(positions),
            "state": state_codes.gather(pl.Series(self.state_index)),
            "zip": pool.zips.gather(positions),
        }


def draw_addresses(draws: Draws, *, keys: Ints, state_index: Ints, stream: str) -> Addresses:
    """A synthetic street line at a real ZIP of each given state."""
    pool = zip_pool()
    zip_offset = draws.integers(stream + ".zip", keys, low=0, high=pool.state_count[state_index])
    house = np.floor(10 ** (1.0 + 3.4 * draws.uniform(stream + ".house", keys))).astype(np.int64)
    street = draws.integers(stream + ".street", keys, low=0, high=len(STREET_NAMES))
    suffix = draws.integers(stream + ".suffix", keys, low=0, high=len(STREET_SUFFIXES))
    has_unit = draws.chance(stream + ".unit", keys, 0.18)
    unit = draws.integers(stream + ".unit_number", keys, low=1, high=450)
    unit_word = np.where(draws.chance(stream + ".unit_word", keys, 0.7), "Apt ", "Unit ")
    line1 = join_text(
        pl.Series(house).cast(pl.String),
        pl.lit(" "),
        pl.Series(STREET_NAMES).gather(pl.Series(street)),
        pl.lit(" "),
        pl.Series(STREET_SUFFIXES).gather(pl.Series(suffix)),
    )
    line2 = join_text(pl.Series(unit_word), pl.Series(unit).cast(pl.String))
    return Addresses(
        state_index=state_index,
        zip_position=pool.state_start[state_index] + zip_offset,
        line1=line1.alias("address_line1"),
        line2=keep_where(line2.alias("address_line2"), has_unit),
    )
