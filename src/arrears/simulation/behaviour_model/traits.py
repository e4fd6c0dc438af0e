"""Each borrower's hidden traits: drawn once from the seed, never seen by any strategy or model.

Ability and willingness to pay are logit-normal; reachability per channel and the strength of
the response to a contact are lognormal around the base rates; the price elasticity of a
settlement (log-odds per unit of discount) and the habit of keeping promises vary by borrower.
Deeper arrears at the start mean lower ability. Everything a strategy learns about a borrower
it learns from what the borrower does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arrears.simulation.behaviour_model.params import BehaviourParams
from arrears.simulation.draws import Draws, Floats, Ints

CHANNELS = ("sms", "email", "letter", "call")


def sigmoid(x: Floats) -> Floats:
    result: Floats = 1.0 / (1.0 + np.exp(-x))
    return result


@dataclass(frozen=True, slots=True)
class Traits:
    ability: Floats  # 0..1
    willingness: Floats  # 0..1
    response: Floats  # multiplier of a contact's lift
    reach: dict[str, Floats]  # chance per attempt that the message is read / the call answered
    discount_slope: Floats
    promise_keeping: Floats  # chance a promise is kept


def draw_traits(draws: Draws, keys: Ints, *, dpd: Ints, params: BehaviourParams) -> Traits:
    t = params.traits

    def normal(stream: str) -> Floats:
        return draws.normal(f"trait.{stream}", keys)

    ability = sigmoid(t.ability_mean + t.ability_per_dpd * dpd + t.ability_sd * normal("ability"))
    willingness = sigmoid(t.willingness_mean + t.willingness_sd * normal("willingness"))
    base = {"sms": t.reach_sms, "email": t.reach_email, "letter": t.reach_letter,
            "call": t.reach_call}  # fmt: skip
    reach = {
        channel: np.clip(rate * np.exp(t.reach_sd * normal(f"reach.{channel}") - t.reach_sd**2 / 2),
                         0.0, 0.95)
        for channel, rate in base.items()
    }  # fmt: skip
    return Traits(
        ability=ability,
        willingness=willingness,
        response=np.exp(t.response_sd * normal("response") - t.response_sd**2 / 2),
        reach=reach,
        discount_slope=t.discount_slope_mean + t.discount_slope_sd * normal("discount"),
        promise_keeping=sigmoid(
            t.promise_keeping_mean + t.promise_keeping_sd * normal("promise") + willingness - 0.5
        ),
    )
