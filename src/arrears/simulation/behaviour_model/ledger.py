"""Money moving on simulated loans: payments against arrears, waivers, charge-off.

Payments pay the arrears first and then the balance; a payment that clears the arrears cures
the loan; one that pays whole installments moves the oldest unpaid due date a month per
installment. After charge-off the whole balance is due. Amounts are whole cents.
"""

from __future__ import annotations

import numpy as np

from arrears.simulation.behaviour_model.book import NEVER
from arrears.simulation.behaviour_model.state import Events, Ints, State

CHARGE_OFF_DPD = 180
MONTH_DAYS = 30


def apply_payment(
    state: State, loans: Ints, amounts: Ints, *, day: int, kind: str, events: Events, net: Ints
) -> None:
    """Credit ``amounts`` (cents, capped at the balance); ``net`` is what the lender keeps."""
    if loans.size == 0:
        return
    amounts = np.minimum(amounts, state.balance[loans])
    keep = amounts > 0
    loans, amounts, net = loans[keep], amounts[keep], net[keep]
    if loans.size == 0:
        return
    was_late = state.past_due[loans] > 0
    installment = state.opening.installment[loans]
    state.balance[loans] -= amounts
    toward = np.minimum(amounts, state.past_due[loans])
    state.past_due[loans] -= toward
    cured = state.past_due[loans] == 0
    moved = np.where(
        was_late & ~cured,
        np.minimum(state.oldest_unpaid[loans] + MONTH_DAYS * (toward // installment), day),
        state.oldest_unpaid[loans],
    )
    state.oldest_unpaid[loans] = np.where(cured, NEVER, moved)
    state.closed[loans] |= state.balance[loans] <= 0
    state.cash[day - state.start, loans] += np.minimum(net, amounts)
    state.last_paid_on[loans] = day
    events.payments.append((loans, amounts, kind))


def waive(state: State, loans: Ints, *, events: Events) -> None:
    """Give up the rest of the balance (a settlement's discount): the loan is closed."""
    amounts = state.balance[loans]
    keep = amounts > 0
    if keep.any():
        events.payments.append((loans[keep], amounts[keep], "waiver"))
    state.balance[loans] = 0
    state.past_due[loans] = 0
    state.oldest_unpaid[loans] = NEVER
    state.closed[loans] = True


def charge(state: State, loans: Ints, amounts: Ints, *, day: int) -> None:
    """Costs outside the treatments (commission, court, repossession) borne on ``day``."""
    if loans.size == 0:
        return
    np.add.at(state.costs, loans, amounts)
    np.add.at(state.cash[day - state.start], loans, -amounts)


def fall_due(state: State, loans: Ints, *, day: int) -> None:
    """An installment falls due unpaid on ``loans``."""
    due = np.minimum(state.opening.installment[loans], state.balance[loans] - state.past_due[loans])
    state.past_due[loans] += np.maximum(due, 0)
    first = state.oldest_unpaid[loans] == NEVER
    state.oldest_unpaid[loans[first]] = day


def next_month(days: Ints) -> Ints:
    """The same day of the next month (or its last day), for day numbers."""
    epoch = np.datetime64("0001-01-01") - np.timedelta64(1, "D")  # ordinal 1 is 0001-01-01
    dates = epoch + days.astype("timedelta64[D]")
    month = dates.astype("datetime64[M]")
    offset = (dates - month.astype("datetime64[D]")).astype(np.int64)
    following = (month + 1).astype("datetime64[D]")
    length = ((month + 2).astype("datetime64[D]") - following).astype(np.int64)
    result = following + np.minimum(offset, length - 1).astype("timedelta64[D]")
    found: Ints = (result - epoch).astype(np.int64)
    return found


def charge_off(state: State, *, day: int) -> Ints:
    """Loans reaching 180 days past due are charged off; the whole balance is then due."""
    due = np.flatnonzero(~state.charged_off & ~state.closed & (state.dpd(day) >= CHARGE_OFF_DPD))
    state.charged_off[due] = True
    state.past_due[due] = state.balance[due]
    return due
