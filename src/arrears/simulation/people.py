"""Borrowers: plausible but fictitious people and their households.

Names are common US names drawn independently (Hispanic households, weighted by state, mostly
carry Hispanic names and many prefer Spanish); co-borrowers usually share the primary borrower's
address and often their surname. SSNs are only valid in format.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation.contacts import email_columns, phone_columns
from arrears.simulation.dates import date_series
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import join_text, keep_where
from arrears.simulation.places import Addresses, draw_addresses, draw_states
from arrears.simulation.reference import NamePool, first_names, last_names, states

Flags = NDArray[np.bool_]

SPANISH_SHARE_OF_HISPANIC: Final = 0.64  # gives ~12% of the book preferring Spanish
_SUFFIXES: Final = ("JR", "SR", "III", "II")
_LETTERS: Final = tuple("ABCDEFGHIJKLMNOPRSTVW")
_DAYS_PER_YEAR: Final = 365.2425


@dataclass(frozen=True, slots=True)
class Household:
    """Who to generate: each person's key, the key of the household's primary borrower (their own
    for a primary borrower) and the youngest age they can be on ``as_of``."""

    keys: Ints
    primary_keys: Ints
    min_age_years: Ints

    @property
    def is_co_borrower(self) -> Flags:
        differs: Flags = self.keys != self.primary_keys
        return differs


def household_states(draws: Draws, primary_keys: Ints) -> Ints:
    return draw_states(draws, keys=primary_keys, stream="person.state")


def home_addresses(draws: Draws, primary_keys: Ints) -> Addresses:
    """Where each household's primary borrower lives (also where most mortgaged homes are)."""
    state = household_states(draws, primary_keys)
    return draw_addresses(draws, keys=primary_keys, state_index=state, stream="person.address")


def household_addresses(draws: Draws, household: Household) -> Addresses:
    """A co-borrower usually shares the primary's address; otherwise lives in the same state."""
    state = household_states(draws, household.primary_keys)
    moved = household.is_co_borrower & draws.chance("person.lives_apart", household.keys, 0.2)
    address_keys = np.where(moved, household.keys, household.primary_keys)
    return draw_addresses(draws, keys=address_keys, state_index=state, stream="person.address")


@dataclass(frozen=True, slots=True)
class _NameTable:
    """Several name pools concatenated, with the email token of every name."""

    pools: tuple[NamePool, ...]

    @property
    def names(self) -> pl.Series:
        return pl.Series([name for pool in self.pools for name in pool.names], dtype=pl.String)

    @property
    def tokens(self) -> pl.Series:
        return pl.Series([t for pool in self.pools for t in pool.email_tokens], dtype=pl.String)

    def pick(self, draws: Draws, keys: Ints, *, stream: str, pool_index: NDArray[Any]) -> pl.Series:
        """Positions in the concatenated table, drawn from each key's pool by name frequency."""
        pool_index = pool_index.astype(np.int64)
        offsets = np.cumsum([0] + [len(pool.names) for pool in self.pools[:-1]])
        picks = np.zeros(len(keys), dtype=np.int64)
        for position, pool in enumerate(self.pools):
            drawn = draws.choice(stream, keys, pool.weights)
            picks = np.where(pool_index == position, drawn, picks)
        return pl.Series(offsets[pool_index] + picks)


@cache
def _first_name_table() -> _NameTable:
    return _NameTable(
        (
            first_names(sex="M", hispanic=False),
            first_names(sex="F", hispanic=False),
            first_names(sex="M", hispanic=True),
            first_names(sex="F", hispanic=True),
        )
    )


@cache
def _last_name_table() -> _NameTable:
    return _NameTable((last_names(hispanic=False), last_names(hispanic=True)))


def _is_female(draws: Draws, household: Household) -> Flags:
    primary_female = draws.chance("person.female", household.primary_keys, 0.5)
    same_sex_couple = draws.chance("person.same_sex", household.keys, 0.08)
    return np.where(household.is_co_borrower, primary_female == same_sex_couple, primary_female)


def _hispanic(draws: Draws, household: Household) -> Flags:
    share = states().hispanic_share[household_states(draws, household.primary_keys)]
    return draws.chance("person.hispanic", household.primary_keys, share)


def _last_names(draws: Draws, household: Household, hispanic: Flags) -> pl.Series:
    """Positions in the last-name table; most co-borrowers share the primary's surname."""
    table = _last_name_table()
    surname_pool = hispanic & draws.chance("person.hispanic_surname", household.primary_keys, 0.95)
    own = table.pick(draws, household.keys, stream="person.last", pool_index=surname_pool)
    primary = table.pick(
        draws, household.primary_keys, stream="person.last", pool_index=surname_pool
    )
    shared = household.is_co_borrower & draws.chance("person.shared_surname", household.keys, 0.7)
    return pl.select(pl.when(pl.Series(shared)).then(primary).otherwise(own)).to_series()


def _first_names(
    draws: Draws, keys: Ints, *, female: Flags, hispanic: Flags, stream: str
) -> pl.Series:
    """Positions in the first-name table (most Hispanic borrowers have a Hispanic given name)."""
    hispanic_given = hispanic & draws.chance(stream + ".hispanic", keys, 0.8)
    pool_index = female.astype(np.int64) + 2 * hispanic_given
    return _first_name_table().pick(draws, keys, stream=stream, pool_index=pool_index)


def _middle_names(draws: Draws, keys: Ints, *, female: Flags, hispanic: Flags) -> pl.Series:
    positions = _first_names(draws, keys, female=female, hispanic=hispanic, stream="person.middle")
    full = _first_name_table().names.gather(positions)
    letter = pl.Series(_LETTERS).gather(
        pl.Series(draws.integers("person.initial", keys, low=0, high=len(_LETTERS)))
    )
    use_initial = pl.Series(draws.chance("person.middle_initial", keys, 0.6))
    middle = pl.select(pl.when(use_initial).then(letter).otherwise(full)).to_series()
    return keep_where(middle, draws.chance("person.has_middle", keys, 0.45))


def _suffixes(draws: Draws, keys: Ints, *, female: Flags) -> pl.Series:
    suffix = pl.Series(_SUFFIXES).gather(
        pl.Series(draws.choice("person.suffix", keys, (0.6, 0.2, 0.15, 0.05)))
    )
    return keep_where(suffix, ~female & draws.chance("person.has_suffix", keys, 0.03))


def _dates_of_birth(draws: Draws, household: Household, *, as_of_day: int) -> pl.Series:
    """Ages 21–85 on ``as_of`` (most between 30 and 60), never under 18 when a loan was booked."""
    keys = household.keys
    bell = (draws.uniform("person.age1", keys) + draws.uniform("person.age2", keys)) / 2
    age_years = np.maximum(21 + np.floor(63 * bell**1.2), household.min_age_years)
    fraction = draws.uniform("person.birthday", keys)
    age_days = np.floor((np.minimum(age_years, 84) + fraction) * _DAYS_PER_YEAR).astype(np.int64)
    present = ~draws.chance("person.no_dob", keys, 0.02)
    return date_series("date_of_birth", as_of_day - age_days - 1, present=present)


def _ssns(draws: Draws, keys: Ints) -> pl.Series:
    """Valid in format only: area 001–665 or 667–899, group 01–99, serial 0001–9999."""
    area = draws.integers("person.ssn_area", keys, low=1, high=899)
    area = area + (area >= 666)
    group = draws.integers("person.ssn_group", keys, low=1, high=100)
    serial = draws.integers("person.ssn_serial", keys, low=1, high=10_000)
    ssn = join_text(
        pl.Series(area).cast(pl.String).str.zfill(3),
        pl.lit("-"),
        pl.Series(group).cast(pl.String).str.zfill(2),
        pl.lit("-"),
        pl.Series(serial).cast(pl.String).str.zfill(4),
    )
    return keep_where(ssn.alias("ssn"), ~draws.chance("person.no_ssn", keys, 0.03))


def borrower_ids(keys: Ints) -> pl.Series:
    return join_text(pl.lit("BR"), pl.Series(keys + 1).cast(pl.String).str.zfill(9))


def borrowers_frame(draws: Draws, household: Household, *, as_of_day: int) -> pl.DataFrame:
    """One row per person in the ``borrowers`` import layout."""
    keys = household.keys
    addresses = household_addresses(draws, household)
    female = _is_female(draws, household)
    hispanic = _hispanic(draws, household)
    first = _first_names(draws, keys, female=female, hispanic=hispanic, stream="person.first")
    last = _last_names(draws, household, hispanic)
    spanish = hispanic & draws.chance("person.spanish", keys, SPANISH_SHARE_OF_HISPANIC)
    columns: dict[str, pl.Series] = {
        "borrower_id": borrower_ids(keys),
        "first_name": _first_name_table().names.gather(first),
        "middle_name": _middle_names(draws, keys, female=female, hispanic=hispanic),
        "last_name": _last_name_table().names.gather(last),
        "suffix": _suffixes(draws, keys, female=female),
        "date_of_birth": _dates_of_birth(draws, household, as_of_day=as_of_day),
        "ssn": _ssns(draws, keys),
        "language": pl.Series(np.where(spanish, "es", "en")),
        **addresses.columns(),
        **phone_columns(draws, household.keys, addresses=addresses),
        **email_columns(
            draws,
            household.keys,
            first_token=_first_name_table().tokens.gather(first),
            last_token=_last_name_table().tokens.gather(last),
        ),
    }
    return pl.DataFrame({name: series.alias(name) for name, series in columns.items()})


def years_since(day_numbers: Ints, *, as_of_day: int) -> Ints:
    """Whole years (rounded up) between each day and ``as_of``."""
    return np.ceil((as_of_day - day_numbers) / _DAYS_PER_YEAR).astype(np.int64)
