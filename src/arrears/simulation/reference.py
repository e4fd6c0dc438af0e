"""The vendored tables the simulator draws from (``simulation/data/*.csv``).

Names are common US first and last names (with Hispanic names, which a US book needs for Spanish
speakers) listed most frequent first; their weights follow rank (Zipf), which is how real name
frequencies fall off. States carry their 2020 census population, Hispanic share and a median home
value index (US = 1) so that borrowers, languages and property values are spread like a real book.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from arrears.simulation.draws import Floats


def _rows(file_name: str) -> list[dict[str, str]]:
    text = (
        resources.files("arrears.simulation")
        .joinpath("data")
        .joinpath(file_name)
        .read_text("utf-8")
    )
    return list(csv.DictReader(text.splitlines()))


def _rank_weights(count: int) -> Floats:
    return 1.0 / (np.arange(count, dtype=np.float64) + 6.0)


@dataclass(frozen=True, slots=True)
class NamePool:
    names: tuple[str, ...]
    weights: Floats

    @property
    def email_tokens(self) -> tuple[str, ...]:
        """Names folded to lower-case ASCII letters, as they appear in email addresses."""
        return tuple(ascii_token(name) for name in self.names)


def ascii_token(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


@cache
def first_names(*, sex: str, hispanic: bool) -> NamePool:
    origin = "hispanic" if hispanic else "general"
    names = tuple(
        row["name"]
        for row in _rows("first_names.csv")
        if (row["sex"], row["origin"]) == (sex, origin)
    )
    return NamePool(names, _rank_weights(len(names)))


@cache
def last_names(*, hispanic: bool) -> NamePool:
    origin = "hispanic" if hispanic else "general"
    names = tuple(row["name"] for row in _rows("last_names.csv") if row["origin"] == origin)
    return NamePool(names, _rank_weights(len(names)))


@dataclass(frozen=True, slots=True)
class StateTable:
    codes: tuple[str, ...]
    population: Floats
    hispanic_share: Floats
    home_value_index: Floats


@cache
def states() -> StateTable:
    rows = _rows("states.csv")
    return StateTable(
        codes=tuple(row["state"] for row in rows),
        population=np.array([float(row["population_thousands"]) for row in rows]),
        hispanic_share=np.array([float(row["hispanic_percent"]) / 100 for row in rows]),
        home_value_index=np.array([float(row["home_value_index"]) for row in rows]),
    )


@dataclass(frozen=True, slots=True)
class VehicleModels:
    makes: tuple[str, ...]
    models: tuple[str, ...]
    wmis: tuple[str, ...]
    msrp_dollars: Floats
    popularity: Floats


@cache
def vehicle_models() -> VehicleModels:
    rows = _rows("vehicles.csv")
    return VehicleModels(
        makes=tuple(row["make"] for row in rows),
        models=tuple(row["model"] for row in rows),
        wmis=tuple(row["wmi"] for row in rows),
        msrp_dollars=np.array([float(row["msrp"]) for row in rows]),
        popularity=np.array([float(row["popularity"]) for row in rows]),
    )


#: Street names and suffixes for synthetic address lines (the ZIP, city and state are real).
STREET_NAMES: tuple[str, ...] = (
    "Main", "Oak", "Pine", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park",
    "Walnut", "Spruce", "Ridge", "Church", "Willow", "Mill", "Sunset", "Jackson", "Lincoln",
    "Highland", "Forest", "River", "Meadow", "Spring", "Cherry", "Madison", "Franklin",
    "Jefferson", "Chestnut", "Adams", "Lakeview", "Valley", "Hickory", "Birch", "Dogwood",
    "Magnolia", "Center", "North", "South", "Broad", "Market", "Union", "Water", "School",
    "College", "Prospect", "Front", "Grove", "Orchard", "Sycamore", "Poplar", "Laurel",
    "1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th", "12th", "14th",
)  # fmt: skip
STREET_SUFFIXES: tuple[str, ...] = (
    "St", "Ave", "Rd", "Dr", "Ln", "Ct", "Blvd", "Way", "Pl", "Cir", "Ter", "Pkwy",
)  # fmt: skip
