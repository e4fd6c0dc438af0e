"""The simulated borrowers' state as the days go by, and what each day produced.

``State`` holds one array per fact, one slot per loan (``Opening`` order); the day's steps
(``respond`` to the actions, then ``dynamics``) change it in place. ``Events`` is what the day
produced, in the shapes the ports take: payments and other credits, contacts with outcomes,
holds, complaints and costs. The daily cash per loan is kept in ``cash`` (day × loan) so that
outcomes over any horizon can be read back for training and for the recovery curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from arrears.simulation.behaviour_model.book import NEVER, Opening
from arrears.simulation.behaviour_model.traits import Traits

Ints = NDArray[np.int64]
Flags = NDArray[np.bool_]
Floats = NDArray[np.float64]
Small = NDArray[np.int8]

NO_PROMISE, PROMISE_ACTIVE, PROMISE_KEPT, PROMISE_BROKEN = 0, 1, 2, 3
NO_PLAN, PLAN_ACTIVE, PLAN_COMPLETED, PLAN_DEFAULTED = 0, 1, 2, 3
PROMISES = ("none", "active", "kept", "broken")
PLANS = ("none", "active", "completed", "defaulted")
PRESSURE_DAYS = 7


def _never(size: int) -> Ints:
    return np.full(size, NEVER, dtype=np.int64)


@dataclass(slots=True)
class State:
    opening: Opening
    traits: Traits
    start: int  # day number of the first simulated day
    days: int
    balance: Ints
    past_due: Ints
    oldest_unpaid: Ints
    next_due: Ints
    charged_off: Flags
    closed: Flags
    lift: Floats
    promise: Small
    promise_on: Ints
    promise_due: Ints
    promise_amount: Ints
    plan: Small
    plan_installment: Ints
    plan_next: Ints
    plan_left: Ints
    plan_missed: Ints
    settlement_due: Ints
    settlement_amount: Ints
    hold_until: Ints
    cease: Flags
    validation_on: Ints
    first_contact_on: Ints
    last_contact_on: Ints
    last_conversation_on: Ints
    agency_on: Ints
    legal_on: Ints
    judgment_on: Ints
    repo_on: Ints
    sold: Flags
    settled: Flags
    last_paid_on: Ints
    attempts: Ints  # (PRESSURE_DAYS, N): contact attempts on each of the last days
    cash: Ints  # (days, N): net cash collected per day
    complaints: Ints
    disputes: Ints
    costs: Ints  # costs other than the treatments' own (commission, court, repossession)

    @classmethod
    def open(cls, opening: Opening, traits: Traits, *, start: int, days: int) -> State:
        n = opening.size
        zero = np.zeros(n, dtype=np.int64)
        return cls(
            opening=opening, traits=traits, start=start, days=days,
            balance=opening.balance.copy(), past_due=opening.past_due.copy(),
            oldest_unpaid=opening.oldest_unpaid.copy(), next_due=opening.next_due.copy(),
            charged_off=opening.charged_off.copy(), closed=opening.closed.copy(),
            lift=np.zeros(n), promise=np.zeros(n, np.int8), promise_on=_never(n),
            promise_due=_never(n), promise_amount=zero.copy(), plan=np.zeros(n, np.int8),
            plan_installment=zero.copy(), plan_next=_never(n), plan_left=zero.copy(),
            plan_missed=zero.copy(), settlement_due=_never(n), settlement_amount=zero.copy(),
            hold_until=_never(n), cease=np.zeros(n, bool), validation_on=_never(n),
            first_contact_on=_never(n), last_contact_on=_never(n),
            last_conversation_on=_never(n), agency_on=_never(n), legal_on=_never(n),
            judgment_on=_never(n), repo_on=_never(n), sold=np.zeros(n, bool),
            settled=np.zeros(n, bool), last_paid_on=_never(n),
            attempts=np.zeros((PRESSURE_DAYS, n), np.int64),
            cash=np.zeros((days, n), np.int64), complaints=zero.copy(), disputes=zero.copy(),
            costs=zero.copy(),
        )  # fmt: skip

    @property
    def size(self) -> int:
        return self.opening.size

    def dpd(self, day: int) -> Ints:
        late = (self.oldest_unpaid != NEVER) & ~self.closed
        result: Ints = np.where(late, np.maximum(day - self.oldest_unpaid, 0), 0)
        return result

    def paid_within(self, day: int, window: int) -> Ints:
        """Cash collected per loan over the ``window`` days up to and including ``day``."""
        index = day - self.start
        first = max(0, index - window + 1)
        total: Ints = self.cash[first : index + 1].sum(axis=0)
        return total


@dataclass(slots=True)
class Events:
    """What one day produced; loan positions index the ``Opening`` arrays."""

    payments: list[tuple[Ints, Ints, str]] = field(default_factory=list)  # (loans, cents, kind)
    contacts: list[tuple[Ints, str, str]] = field(default_factory=list)  # (loans, channel, outcome)
    holds: list[tuple[Ints, str]] = field(default_factory=list)  # (loans, hold kind)
    complaints: list[Ints] = field(default_factory=list)
    promises: list[tuple[Ints, Ints, Ints]] = field(default_factory=list)  # loans, cents, due day
    plans: list[tuple[Ints, Ints]] = field(default_factory=list)  # (loans, installment cents)

    def paid(self, kind: str | None = None) -> int:
        return int(sum(int(c.sum()) for _, c, k in self.payments if kind is None or k == kind))
