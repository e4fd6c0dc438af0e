"""A chunk of the loan book: every loan's terms, owners and collateral, before any payment.

Secured loans are sized from their collateral (a car's price, a home's value) so loan-to-value
ratios come out believable; unsecured ones from their own distributions. A few personal loans
start with interest-only months: their schedule is not the level one, so it is exported
explicitly in ``schedules``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

import numpy as np
from numpy.typing import NDArray

from arrears.simulation import dates
from arrears.simulation.amortisation import LevelPayments, ScheduleTerms
from arrears.simulation.draws import Draws, Floats, Ints
from arrears.simulation.households import co_borrowed, owners, primary_key
from arrears.simulation.people import household_states
from arrears.simulation.products import (
    Origination,
    ProductCode,
    draw_card_balance,
    draw_origination,
    draw_personal_principal,
    draw_rates,
)
from arrears.simulation.properties import Properties, draw_mortgage_principal, draw_properties
from arrears.simulation.vehicles import Vehicles, draw_vehicles

INTEREST_ONLY_SHARE: Final = 0.03  # of personal loans of two years or more
_SECOND_LIEN_EXTRA_PPM: Final = 20_000
_SECOND_LIEN_TERM: Final = 180
ORIGINAL_CREDITORS: Final[tuple[str, ...]] = (
    "Northwind Consumer Finance",
    "Contoso Bank",
    "Fabrikam Credit Union",
    "Woodgrove Bank",
)


@dataclass(frozen=True, slots=True)
class Book:
    """Per loan of the chunk; ``autos``/``mortgages`` are positions of the secured loans."""

    loans: Ints
    origination: Origination
    risk: Floats
    owner: Ints
    co_borrower: NDArray[np.bool_]
    state_index: Ints  # the borrower's state, which governs the contract
    schedule: ScheduleTerms
    credit_limit: Ints  # 0 where there is none
    original_creditor: Ints  # position in ORIGINAL_CREDITORS, -1 for loans originated in-house
    autos: Ints
    vehicles: Vehicles
    mortgages: Ints
    properties: Properties

    @property
    def explicit_schedule(self) -> NDArray[np.bool_]:
        return self.schedule.interest_only_months > 0


def _interest_only_months(draws: Draws, loans: Ints, origination: Origination) -> Ints:
    eligible = (origination.product == ProductCode.PERSONAL) & (origination.term_months >= 24)
    chosen = eligible & draws.chance("book.interest_only", loans, INTEREST_ONLY_SHARE)
    months = np.where(draws.chance("book.interest_only_year", loans, 0.5), 12, 6)
    return np.where(chosen, months, 0)


def draw_book(draws: Draws, loans: Ints, *, as_of: date, level_payments: LevelPayments) -> Book:
    as_of_day = dates.day_number(as_of)
    origination = draw_origination(draws, loans, as_of_day=as_of_day)
    product = origination.product
    risk = draws.uniform("book.risk", loans)
    owner = owners(draws, loans, as_of_day=as_of_day)
    state_index = household_states(draws, primary_key(owner))

    autos = np.flatnonzero(product == ProductCode.AUTO)
    mortgages = np.flatnonzero(product == ProductCode.MORTGAGE)
    vehicles = draw_vehicles(draws, loans[autos], origination=origination.origination[autos])
    properties = draw_properties(draws, loans[mortgages], state_index=state_index[mortgages])

    principal = draw_personal_principal(draws, loans, origination.term_months)
    balance, limit = draw_card_balance(draws, loans)
    is_card = product == ProductCode.CARD
    principal = np.where(is_card, balance, principal)
    ltv = 0.7 + 0.5 * draws.uniform("book.auto_ltv", loans[autos])
    principal[autos] = np.maximum(np.round(vehicles.value * ltv), 300_000).astype(np.int64)
    principal[mortgages] = draw_mortgage_principal(draws, loans[mortgages], properties=properties)

    rate_ppm = draw_rates(draws, loans, origination=origination, risk=risk)
    term = origination.term_months.copy()
    second_lien = mortgages[properties.lien_position == 2]
    rate_ppm[second_lien] += _SECOND_LIEN_EXTRA_PPM
    term[second_lien] = _SECOND_LIEN_TERM
    new_car_promotion = draws.chance("book.zero_rate", loans[autos], 0.04) & (
        vehicles.mileage < 1_000
    )
    rate_ppm[autos[new_car_promotion]] = 0
    origination = replace(origination, term_months=term)

    interest_only = _interest_only_months(draws, loans, origination)
    payment = level_payments(
        principal=principal, rate_ppm=rate_ppm, term_months=term - interest_only
    )
    unsecured = np.isin(product, [ProductCode.PERSONAL, ProductCode.CARD])
    acquired = unsecured & draws.chance("book.acquired", loans, 0.04)
    creditor = draws.integers("book.original_creditor", loans, low=0, high=len(ORIGINAL_CREDITORS))
    return Book(
        loans=loans,
        origination=origination,
        risk=risk,
        owner=owner,
        co_borrower=co_borrowed(draws, loans, product=product),
        state_index=state_index,
        schedule=ScheduleTerms(
            principal=principal,
            rate_ppm=rate_ppm,
            term_months=term,
            interest_only_months=interest_only,
            payment=payment,
            first_due_month=origination.first_due_month,
            due_day=origination.due_day,
        ),
        credit_limit=np.where(is_card, limit, 0),
        original_creditor=np.where(acquired, creditor, -1),
        autos=autos,
        vehicles=vehicles,
        mortgages=mortgages,
        properties=properties,
    )
