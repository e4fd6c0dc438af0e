"""How borrowers answer the day's actions: contacts reached, conversations, offers, escalations.

For each treatment the day's actions are handled together. A contact through a channel
reaches the borrower with their own chance for that channel; a reached borrower gets the
treatment's *lift* (log-odds of paying, scaled by the borrower's responsiveness and fading
with days past due), which then fades day by day. A call that connects is a conversation: a
promise to pay, a refusal, sometimes a dispute or a request to stop. Plans and settlements are
accepted or not (settlements with the borrower's price elasticity); agencies, suits and
repossessions start their clocks. Every attempt adds pressure, and pressure adds complaints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from arrears.simulation.behaviour_model.book import NEVER
from arrears.simulation.behaviour_model.params import BehaviourParams, Response
from arrears.simulation.behaviour_model.state import (
    PLAN_ACTIVE,
    PROMISE_ACTIVE,
    Events,
    Ints,
    State,
)
from arrears.simulation.behaviour_model.traits import sigmoid
from arrears.simulation.draws import Draws

DISPUTE_HOLD_DAYS = 30
REVIEW_DPD = 120
_CONTACT_KINDS = {"message", "notice", "call", "plan", "settlement"}
Handler = Callable[..., None]


def respond(
    state: State,
    actions: Mapping[str, Ints],
    *,
    day: int,
    draws: Draws,
    params: BehaviourParams,
    events: Events,
) -> None:
    """Apply the day's actions (loan positions by treatment) to ``state``."""
    for treatment, given in actions.items():
        loans = np.unique(given[~state.closed[given]])
        if loans.size == 0:
            continue
        response = params.response(treatment)
        reached = np.ones(loans.size, dtype=bool)
        if response.kind in _CONTACT_KINDS and response.channel != "none":
            reached = _contact(state, loans, treatment, response, day=day, draws=draws,
                               params=params, events=events)  # fmt: skip
        handler = _HANDLERS.get(response.kind)
        if handler is not None:
            handler(state, loans, reached, treatment=treatment, day=day, draws=draws,
                    params=params, events=events)  # fmt: skip


def _u(draws: Draws, stream: str, state: State, loans: Ints, day: int) -> np.ndarray:
    return draws.uniform(stream, state.opening.loan_id[loans], index=day - state.start)


def _contact(
    state: State, loans: Ints, treatment: str, response: Response, *, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> np.ndarray:  # fmt: skip
    """Reach the borrowers; log the attempt, its lift and any complaint it causes."""
    channel = response.channel
    reached = (
        _u(draws, f"reach.{treatment}", state, loans, day) < state.traits.reach[channel][loans]
    )
    slot = (day - state.start) % state.attempts.shape[0]
    state.attempts[slot, loans] += 1
    state.first_contact_on[loans] = np.where(
        state.first_contact_on[loans] == NEVER, day, state.first_contact_on[loans]
    )
    state.last_contact_on[loans] = day
    dpd = state.dpd(day)[loans]
    lift = response.lift * state.traits.response[loans] * np.exp(-dpd / response.fade_dpd)
    state.lift[loans] = np.minimum(
        state.lift[loans] + np.where(reached, lift, 0.0), params.contact.max_lift
    )
    t = params.traits
    pressure = np.maximum(state.attempts[:, loans].sum(axis=0) - 3, 0)
    weight = 2.0 if response.kind == "call" else 1.0
    chance = t.complaint_rate * weight * (1 + t.complaint_pressure * pressure)
    complained = loans[_u(draws, f"complaint.{treatment}", state, loans, day) < chance]
    state.complaints[complained] += 1
    if complained.size:
        events.complaints.append(complained)
    if response.kind == "call":
        events.contacts.append((loans[reached], "call", "right_party_contact"))
        events.contacts.append((loans[~reached], "call", "no_answer"))
    else:
        events.contacts.append((loans, channel, "sent"))
    return reached


def _notice(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    if treatment == "validation_notice":
        state.validation_on[loans] = day
        _maybe_dispute(state, loans[reached], day=day, draws=draws, params=params, events=events,
                       stream="dispute.notice")  # fmt: skip


def _maybe_dispute(
    state: State, loans: Ints, *, day: int, draws: Draws, params: BehaviourParams,
    events: Events, stream: str,
) -> None:  # fmt: skip
    disputed = loans[_u(draws, stream, state, loans, day) < params.traits.dispute_rate]
    state.disputes[disputed] += 1
    state.hold_until[disputed] = day + DISPUTE_HOLD_DAYS
    if disputed.size:
        events.holds.append((disputed, "dispute"))


def _call(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    talked = loans[reached]
    if talked.size == 0:
        return
    state.last_conversation_on[talked] = day
    _maybe_dispute(state, talked, day=day, draws=draws, params=params, events=events,
                   stream="dispute.call")  # fmt: skip
    stop = talked[_u(draws, "cease", state, talked, day) < params.traits.cease_rate]
    state.cease[stop] = True
    if stop.size:
        events.holds.append((stop, "cease_communication"))
    contact = params.contact
    chance = sigmoid(contact.promise_logit + 1.5 * state.traits.willingness[talked])
    promising = talked[
        (_u(draws, "promise", state, talked, day) < chance)
        & (state.past_due[talked] > 0)
        & ~state.cease[talked]
    ]
    if promising.size == 0:
        return
    amount = np.where(
        state.charged_off[promising],
        state.balance[promising] // 5,
        state.past_due[promising],
    )
    state.promise[promising] = PROMISE_ACTIVE
    state.promise_on[promising] = day
    state.promise_due[promising] = day + contact.promise_days
    state.promise_amount[promising] = np.maximum(amount, 1)
    events.promises.append((promising, state.promise_amount[promising].copy(),
                            state.promise_due[promising].copy()))  # fmt: skip


def _plan(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    p, traits = params.plan, state.traits
    eligible = loans[reached & (state.past_due[loans] > 0) & (state.plan[loans] != PLAN_ACTIVE)]
    chance = sigmoid(
        p.accept_logit + 2 * (1 - traits.ability[eligible]) + traits.willingness[eligible]
    )
    taking = eligible[_u(draws, f"accept.{treatment}", state, eligible, day) < chance]
    if taking.size == 0:
        return
    regular = np.where(state.charged_off[taking], 0, state.opening.installment[taking])
    installment = regular + -(-state.past_due[taking] // p.months)
    state.plan[taking] = PLAN_ACTIVE
    state.plan_installment[taking] = np.minimum(installment, state.balance[taking])
    state.plan_next[taking] = day + 7
    state.plan_left[taking] = p.months
    state.plan_missed[taking] = 0
    events.plans.append((taking, state.plan_installment[taking].copy()))


def _settlement(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    s, traits = params.settlement, state.traits
    open_ = loans[reached & (state.settlement_due[loans] == NEVER) & (state.balance[loans] > 0)]
    amount = state.balance[open_] * (1 - s.discount)
    means = state.opening.installment[open_] * s.means_months * (0.3 + traits.ability[open_])
    excess = np.log(np.maximum(amount / np.maximum(means, 1.0), 1.0))
    chance = sigmoid(
        s.accept_logit + traits.discount_slope[open_] * s.discount
        + 1.2 * (1 - traits.ability[open_]) + 0.6 * traits.willingness[open_]
        - s.unaffordable * excess
    )  # fmt: skip
    taking = open_[_u(draws, "accept.settlement", state, open_, day) < chance]
    wait = draws.integers("settle.wait", state.opening.loan_id[taking], low=1,
                          high=s.pay_within_days + 1, index=day - state.start)  # fmt: skip
    state.settlement_due[taking] = day + wait
    state.settlement_amount[taking] = np.ceil(state.balance[taking] * (1 - s.discount)).astype(
        np.int64
    )


def _start(field: str) -> Handler:
    def handler(
        state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int,
        draws: Draws, params: BehaviourParams, events: Events,
    ) -> None:  # fmt: skip
        clock = getattr(state, field)
        eligible = loans[clock[loans] == NEVER]
        if field == "repo_on":
            eligible = eligible[state.opening.collateral_value[eligible] > 0]
        clock[eligible] = day

    return handler


def _charge_off(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    due = loans[(state.dpd(day)[loans] >= REVIEW_DPD) & ~state.charged_off[loans]]
    state.charged_off[due] = True
    state.past_due[due] = state.balance[due]


def _bureau(
    state: State, loans: Ints, reached: np.ndarray, *, treatment: str, day: int, draws: Draws,
    params: BehaviourParams, events: Events,
) -> None:  # fmt: skip
    state.lift[loans] += params.contact.bureau_lift


_HANDLERS: dict[str, Handler] = {
    "notice": _notice,
    "call": _call,
    "plan": _plan,
    "settlement": _settlement,
    "agency": _start("agency_on"),
    "legal": _start("legal_on"),
    "repossession": _start("repo_on"),
    "charge_off": _charge_off,
    "bureau": _bureau,
}
