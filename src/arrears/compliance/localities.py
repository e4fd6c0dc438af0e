"""Localities with their own rules inside a state: New York City (its five counties).

NYC's Department of Consumer and Worker Protection rules (6 RCNY 5-76 et seq.) cover creditors
and collectors reaching consumers in the city; a ZIP's county says whether it is in the city.
"""

from __future__ import annotations

from functools import cache
from typing import Final

import zipcodes

NYC: Final = "nyc"
NYC_COUNTIES: Final = frozenset(
    {"New York County", "Kings County", "Queens County", "Bronx County", "Richmond County"}
)


@cache
def _nyc_zips() -> frozenset[str]:
    return frozenset(
        row["zip_code"]
        for row in zipcodes.list_all()  # type: ignore[no-untyped-call]
        if row["state"] == "NY" and row.get("county") in NYC_COUNTIES
    )


def warm() -> None:
    """Load the ZIP table now (about 0.6 s of CPU, once per process) rather than in the first
    request that asks for a locality."""
    _nyc_zips()


def locality_of(zip_code: str) -> str | None:
    """``"nyc"`` for a New York City ZIP, else None."""
    return NYC if zip_code[:5] in _nyc_zips() else None
