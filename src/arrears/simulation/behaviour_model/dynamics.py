"""One day of the borrowers' lives after the lender has acted: dues, payments, escalations.

In order: the lift of past contacts fades; installments fall due (a current borrower pays on
time unless a draw makes them miss, which is how new accounts roll into arrears); promises,
plan installments and agreed settlements come due and are kept or broken; anyone in arrears
may pay of their own accord, the more likely the abler, the more willing, the less late and
the more recently reached; agencies collect after their start-up delay and take their
commission; suits are filed, judged and garnish; repossessed vehicles are sold at auction;
loans reaching 180 days past due are charged off.
"""

from __future__ import annotations

import numpy as np

from arrears.simulation.behaviour_model.book import NEVER
from arrears.simulation.behaviour_model.ledger import (
    apply_payment,
    charge,
    charge_off,
    fall_due,
    next_month,
    waive,
)
from arrears.simulation.behaviour_model.params import BehaviourParams
from arrears.simulation.behaviour_model.state import (
    PLAN_ACTIVE,
    PLAN_COMPLETED,
    PLAN_DEFAULTED,
    PROMISE_ACTIVE,
    PROMISE_BROKEN,
    PROMISE_KEPT,
    Events,
    Ints,
    State,
)
from arrears.simulation.behaviour_model.traits import sigmoid
from arrears.simulation.draws import Draws


def advance(
    state: State, *, day: int, draws: Draws, params: BehaviourParams, events: Events
) -> None:
    """Play out ``day`` (a day number) for every loan."""
    state.lift *= np.exp(-1.0 / params.contact.lift_decay_days)
    paid_today = np.zeros(state.size, dtype=bool)
    _dues(state, day=day, draws=draws, params=params, events=events)
    for step in (_promises, _plans, _settlements, _own_accord, _agency, _legal, _repossession):
        step(state, paid_today, day=day, draws=draws, params=params, events=events)
    charge_off(state, day=day)
    state.attempts[(day + 1 - state.start) % state.attempts.shape[0]] = 0


def _u(draws: Draws, stream: str, state: State, loans: Ints, day: int) -> np.ndarray:
    return draws.uniform(stream, state.opening.loan_id[loans], index=day - state.start)


def _pay(
    state: State, loans: Ints, amounts: Ints, paid_today: np.ndarray, *, day: int, kind: str,
    events: Events, net: Ints | None = None,
) -> None:  # fmt: skip
    apply_payment(state, loans, amounts, day=day, kind=kind, events=events,
                  net=amounts if net is None else net)  # fmt: skip
    paid_today[loans] = True


def _dues(state: State, *, day: int, draws: Draws, params: BehaviourParams, events: Events) -> None:
    due = np.flatnonzero(
        (state.next_due == day) & ~state.closed & ~state.charged_off & (state.balance > 0)
    )
    if due.size == 0:
        return
    state.next_due[due] = next_month(state.next_due[due])
    current = due[state.past_due[due] == 0]
    traits = state.traits
    miss = sigmoid(params.roll.miss_logit + 2 * (1 - traits.ability[current])
                   - traits.willingness[current])  # fmt: skip
    on_time = current[_u(draws, "roll.miss", state, current, day) >= miss]
    installment = np.minimum(state.opening.installment[on_time], state.balance[on_time])
    state.balance[on_time] -= installment  # scheduled servicing, not collections
    state.closed[on_time] |= state.balance[on_time] <= 0
    fall_due(state, np.setdiff1d(due, on_time, assume_unique=True), day=day)


def _promises(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    due = np.flatnonzero((state.promise == PROMISE_ACTIVE) & (state.promise_due == day))
    keep = state.traits.promise_keeping[due] * (0.5 + 0.5 * state.traits.ability[due])
    kept = _u(draws, "promise.keep", state, due, day) < keep
    _pay(state, due[kept], state.promise_amount[due[kept]], paid_today, day=day,
         kind="payment:promise", events=events)  # fmt: skip
    state.promise[due[kept]] = PROMISE_KEPT
    state.promise[due[~kept]] = PROMISE_BROKEN


def _plans(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    due = np.flatnonzero((state.plan == PLAN_ACTIVE) & (state.plan_next == day) & ~state.closed)
    p = params.plan
    kept = _u(draws, "plan.keep", state, due, day) < sigmoid(
        p.keep_logit + 1.5 * state.traits.ability[due]
    )
    paying = due[kept]
    _pay(state, paying, state.plan_installment[paying], paid_today, day=day,
         kind="payment:plan", events=events)  # fmt: skip
    state.plan_left[paying] -= 1
    state.plan_missed[due[~kept]] += 1
    state.plan_next[due] = day + 30
    state.plan[paying[state.plan_left[paying] <= 0]] = PLAN_COMPLETED
    state.plan[due[state.plan_missed[due] >= p.misses_to_default]] = PLAN_DEFAULTED


def _settlements(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    due = np.flatnonzero(state.settlement_due == day)
    kept = due[_u(draws, "settle.keep", state, due, day) < params.settlement.keep]
    _pay(state, kept, state.settlement_amount[kept], paid_today, day=day,
         kind="payment:settlement", events=events)  # fmt: skip
    settled = kept[state.balance[kept] > 0]
    waive(state, settled, events=events)
    state.settled[kept] = True
    state.settlement_due[due] = NEVER


def _own_accord(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    late = np.flatnonzero(~state.closed & ~paid_today & (state.past_due > 0) & (state.balance > 0))
    pay, traits = params.payment, state.traits
    logit = (
        pay.base_logit
        + pay.ability_weight * traits.ability[late]
        + pay.willingness_weight * traits.willingness[late]
        + pay.dpd_weight * np.log1p(state.dpd(day)[late])
        + pay.charged_off_logit * state.charged_off[late]
        + state.lift[late]
    )
    paying = late[_u(draws, "pay", state, late, day) < sigmoid(logit) / pay.days_per_month]
    share = _u(draws, "pay.share", state, paying, day)
    full = (
        _u(draws, "pay.full", state, paying, day) < traits.ability[paying] * pay.cure_with_ability
    )
    partial = pay.partial_low + (pay.partial_high - pay.partial_low) * share
    slice_ = (
        pay.charged_off_slice_low + (pay.charged_off_slice_high - pay.charged_off_slice_low) * share
    )
    amount = np.where(
        state.charged_off[paying],
        state.balance[paying] * slice_,
        np.where(full, state.past_due[paying], state.past_due[paying] * partial),
    )
    _pay(state, paying, np.maximum(np.ceil(amount).astype(np.int64), 1), paid_today, day=day,
         kind="payment:own", events=events)  # fmt: skip


def _agency(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    a, traits = params.agency, state.traits
    working = np.flatnonzero(
        (state.agency_on != NEVER) & (day >= state.agency_on + a.delay_days) & ~state.closed
    )
    chance = sigmoid(a.monthly_logit + 1.5 * traits.ability[working] + traits.willingness[working])
    paying = working[_u(draws, "agency.pay", state, working, day) < chance / 30]
    share = a.share_low + (a.share_high - a.share_low) * _u(draws, "agency.share", state, paying,
                                                           day)  # fmt: skip
    amount = np.maximum(np.ceil(state.balance[paying] * share).astype(np.int64), 1)
    amount = np.minimum(amount, state.balance[paying])
    commission = np.ceil(amount * a.commission).astype(np.int64)
    _pay(state, paying, amount, paid_today, day=day, kind="agency", events=events,
         net=amount - commission)  # fmt: skip
    np.add.at(state.costs, paying, commission)
    unhappy = working[_u(draws, "agency.complaint", state, working, day) < a.complaint_rate / 30]
    state.complaints[unhappy] += 1
    if unhappy.size:
        events.complaints.append(unhappy)


def _legal(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    g = params.legal
    referred = state.legal_on != NEVER
    filing = np.flatnonzero(referred & (day == state.legal_on + g.filing_delay_days))
    charge(state, filing, np.full(filing.size, g.cost_minor, dtype=np.int64), day=day)
    hearing = np.flatnonzero(
        referred & (day == state.legal_on + g.filing_delay_days + g.judgment_delay_days)
        & ~state.closed & (state.hold_until < day)
    )  # fmt: skip
    won = hearing[_u(draws, "legal.judgment", state, hearing, day) < g.judgment_chance]
    state.judgment_on[won] = day
    garnished = np.flatnonzero(
        (state.judgment_on != NEVER) & (day > state.judgment_on)
        & ((day - state.judgment_on) % 30 == 0) & ~state.closed
        & (state.traits.ability > 0.2)
    )  # fmt: skip
    amount = np.ceil(state.balance[garnished] * g.garnish_share * state.traits.ability[garnished])
    _pay(state, garnished, np.maximum(amount.astype(np.int64), 1), paid_today, day=day,
         kind="payment:garnishment", events=events)  # fmt: skip


def _repossession(
    state: State, paid_today: np.ndarray, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events,
) -> None:  # fmt: skip
    r = params.repossession
    started = state.repo_on != NEVER
    locating = np.flatnonzero(started & (day == state.repo_on + r.locate_delay_days))
    found = locating[_u(draws, "repo.locate", state, locating, day) < r.locate_chance]
    state.sold[locating] = False
    charge(state, found, np.full(found.size, r.cost_minor, dtype=np.int64), day=day)
    state.repo_on[np.setdiff1d(locating, found)] = NEVER - 1  # not found: the review is spent
    selling = np.flatnonzero(
        started & (day == state.repo_on + r.locate_delay_days + r.sale_delay_days) & ~state.sold
    )
    share = r.recovery_low + (r.recovery_high - r.recovery_low) * _u(
        draws, "repo.auction", state, selling, day
    )
    proceeds = np.floor(state.opening.collateral_value[selling] * share).astype(np.int64)
    _pay(state, selling, proceeds, paid_today, day=day, kind="sale_proceeds", events=events)
    state.sold[selling] = True
