"""Who owes each loan: some borrowers have several loans, some loans have a co-borrower.

A loan's borrower is either new (introduced by this loan) or the borrower of an earlier loan — a
household with a card and a car loan, say. Which one is a pure function of the loan number, like
everything else, so a chunk can name a borrower introduced in an earlier chunk without seeing it.
The borrower's first loan is always their oldest, which keeps everyone an adult when they borrowed.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from arrears.simulation.draws import Draws, Ints
from arrears.simulation.people import Household, years_since
from arrears.simulation.products import ProductCode, draw_origination

REPEAT_BORROWER_SHARE: Final = 0.08
_LOOKBACK_LOANS: Final = 5_000
_CO_BORROWER_SHARE: Final[dict[ProductCode, float]] = {
    ProductCode.PERSONAL: 0.06,
    ProductCode.AUTO: 0.18,
    ProductCode.CARD: 0.03,
    ProductCode.MORTGAGE: 0.45,
}
ADULT_AGE_YEARS: Final = 18


def _repeats(draws: Draws, loans: Ints) -> NDArray[np.bool_]:
    return draws.chance("household.repeat", loans, REPEAT_BORROWER_SHARE) & (loans > 0)


def _earlier(draws: Draws, loans: Ints) -> Ints:
    back = draws.integers(
        "household.lookback", loans, low=1, high=np.minimum(loans, _LOOKBACK_LOANS) + 1
    )
    return loans - back


def owners(draws: Draws, loans: Ints, *, as_of_day: int) -> Ints:
    """The loan number that introduced each loan's borrower (the loan itself for new borrowers)."""
    owner = loans.copy()
    pending = _repeats(draws, loans)
    while pending.any():
        owner[pending] = _earlier(draws, owner[pending])
        pending[pending] = _repeats(draws, owner[pending])
    booked = draw_origination(draws, loans, as_of_day=as_of_day).origination
    owner_booked = draw_origination(draws, owner, as_of_day=as_of_day).origination
    return np.where(owner_booked <= booked, owner, loans)


def co_borrowed(draws: Draws, loans: Ints, *, product: Ints) -> NDArray[np.bool_]:
    share = np.zeros(len(loans))
    for code, probability in _CO_BORROWER_SHARE.items():
        share = np.where(product == code, probability, share)
    return draws.chance("household.co_borrower", loans, share)


def primary_key(owner: Ints) -> Ints:
    return 2 * owner


def co_borrower_key(loans: Ints) -> Ints:
    return 2 * loans + 1


def new_people(
    loans: Ints,
    *,
    owner: Ints,
    co_borrower: NDArray[np.bool_],
    origination: Ints,
    as_of_day: int,
) -> Household:
    """The borrowers a chunk introduces: new primary borrowers and every co-borrower, by key."""
    new = owner == loans
    keys = np.concatenate([primary_key(loans[new]), co_borrower_key(loans[co_borrower])])
    primaries = np.concatenate([primary_key(loans[new]), primary_key(owner[co_borrower])])
    booked = np.concatenate([origination[new], origination[co_borrower]])
    min_age = ADULT_AGE_YEARS + years_since(booked, as_of_day=as_of_day)
    order = np.argsort(keys, kind="stable")
    return Household(keys=keys[order], primary_keys=primaries[order], min_age_years=min_age[order])
