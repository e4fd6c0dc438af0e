"""How each borrower pays: where their loan stands today, and the habits that got it there.

A collections book has a shape: most accounts current, a band a few days late, then thinning
buckets every 30 days up to charge-off at 180 days past due. Each loan is given a standing to end
up in on ``as_of`` (riskier borrowers and unsecured products more often behind); its history is
then written backwards from that: it paid every installment up to the one it stopped at, some
paid part of that one, some had a bounced payment. Along the way borrowers slip and catch up,
round their payments up or pay extra. The importer's delinquency is then computed from the
payments themselves (``standing``), so these are targets, not labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Final

import numpy as np
from numpy.typing import NDArray

from arrears.simulation import dates
from arrears.simulation.amortisation import ScheduleTerms, first_due_on_or_after
from arrears.simulation.draws import Draws, Floats, Ints
from arrears.simulation.products import ProductCode

Flags = NDArray[np.bool_]


class Target(IntEnum):
    CURRENT = 0
    DPD_1_29 = 1
    DPD_30_59 = 2
    DPD_60_89 = 3
    DPD_90_119 = 4
    DPD_120_149 = 5
    DPD_150_179 = 6
    CHARGED_OFF = 7


_DPD_RANGES: Final[dict[Target, tuple[int, int]]] = {
    Target.DPD_1_29: (1, 29),
    Target.DPD_30_59: (30, 59),
    Target.DPD_60_89: (60, 89),
    Target.DPD_90_119: (90, 119),
    Target.DPD_120_149: (120, 149),
    Target.DPD_150_179: (150, 179),
}
CHARGE_OFF_DPD: Final = 180
_CHARGE_OFF_LOOKBACK_DAYS: Final = 540

#: Shares of DPD_1_29 … CHARGED_OFF by product (the rest are current). Young loans cannot be deep
#: in arrears yet, so deep targets are set a little above the book's intended shares.
_TARGET_SHARES: Final[dict[ProductCode, tuple[float, ...]]] = {
    ProductCode.PERSONAL: (0.135, 0.050, 0.034, 0.025, 0.024, 0.026, 0.066),
    ProductCode.AUTO: (0.120, 0.042, 0.027, 0.020, 0.018, 0.020, 0.046),
    ProductCode.CARD: (0.140, 0.054, 0.038, 0.029, 0.027, 0.029, 0.072),
    ProductCode.MORTGAGE: (0.100, 0.029, 0.018, 0.014, 0.013, 0.016, 0.022),
}

METHODS: Final[tuple[str, ...]] = ("ach", "card", "check", "cash", "wire", "agency", "other")
_MANUAL_METHOD_WEIGHTS: Final = (0.47, 0.30, 0.19, 0.03, 0.01, 0.0, 0.0)
NEVER: Final = 10_000  # an installment number no schedule reaches


@dataclass(frozen=True, slots=True)
class Behaviour:
    """Per loan. Installment numbers count from 1; ``NEVER`` means the event does not happen."""

    stop_at: Ints  # first installment never paid in full
    partial_share: Floats  # share of the stop installment paid before stopping (0: none)
    bounced_at_stop: Flags  # the attempt to pay the stop installment came back
    autopay: Flags
    habit_days: Ints  # manual payers: usual days from the due date (negative: early)
    method: Ints  # position in METHODS
    slip_from: Ints  # first installment skipped in a slip-and-cure episode
    slip_months: Ints  # installments skipped (0: no episode); caught up at slip_from + months
    round_up: Flags  # pays each installment rounded up to the next $25
    extra_at: Ints  # installment paid with something extra
    extra_share: Floats
    return_rate: Floats  # chance that any one payment bounces


def _targets(draws: Draws, loans: Ints, *, product: Ints, risk: Floats) -> Ints:
    """Standings on ``as_of``, correlated with risk (half the draw is the risk draw itself)."""
    independent = draws.uniform("behaviour.standing", loans)
    score = np.where(draws.chance("behaviour.risk_weight", loans, 0.5), risk, independent)
    target = np.zeros(len(loans), dtype=np.int64)
    for code, shares in _TARGET_SHARES.items():
        # The riskiest scores take the worst standings: charged off first, then 150–179 DPD, ...
        upper = 1.0 - np.concatenate([[0.0], np.cumsum(shares[::-1])])
        for rank, standing in enumerate(range(Target.CHARGED_OFF, Target.CURRENT, -1)):
            band = (score < upper[rank]) & (score >= upper[rank + 1]) & (product == code)
            target = np.where(band, standing, target)
    return target


def _stop_installments(
    draws: Draws, loans: Ints, *, target: Ints, terms: ScheduleTerms, due_count: Ints, as_of: date
) -> Ints:
    """The installment each behind-target loan stops at, so that it ends where it should."""
    as_of_day = dates.day_number(as_of)
    stop = np.full(len(loans), NEVER, dtype=np.int64)
    for standing, (_low, high) in _DPD_RANGES.items():
        # The oldest unpaid installment must be at most ``high`` days overdue.
        first = first_due_on_or_after(terms, np.full(len(loans), as_of_day - high))
        stop = np.where(target == standing, np.maximum(first, 1), stop)
    lookback = np.floor(_CHARGE_OFF_LOOKBACK_DAYS * draws.uniform("behaviour.charge_off", loans))
    charge_off_day = as_of_day - lookback.astype(np.int64)
    latest = first_due_on_or_after(terms, charge_off_day - CHARGE_OFF_DPD + 1) - 1
    last_day_short_of_it = np.full(len(loans), as_of_day - CHARGE_OFF_DPD + 1)
    latest_possible = first_due_on_or_after(terms, last_day_short_of_it) - 1
    charged_off = np.where(latest >= 1, latest, np.where(latest_possible >= 1, latest_possible, 1))
    charged_off = np.minimum(charged_off, terms.term_months)
    stop = np.where(target == Target.CHARGED_OFF, charged_off, stop)
    # Nothing past due yet (young loan) or past the end of the schedule: it simply pays.
    behind = (stop <= due_count) & (stop <= terms.term_months)
    return np.where(behind, stop, NEVER)


def _slips(draws: Draws, loans: Ints, *, risk: Floats, last_allowed: Ints) -> tuple[Ints, Ints]:
    """Slip-and-cure episodes: miss 1–3 installments, catch up by ``last_allowed`` at the latest."""
    months = 1 + draws.choice("behaviour.slip_months", loans, (0.55, 0.30, 0.15))
    has = draws.chance("behaviour.slip", loans, 0.05 + 0.12 * risk) & (last_allowed >= months + 1)
    cure_at = draws.integers("behaviour.slip_at", loans, low=months + 1, high=last_allowed + 1)
    return np.where(has, cure_at - months, NEVER), np.where(has, months, 0)


def draw_behaviour(
    draws: Draws,
    loans: Ints,
    *,
    product: Ints,
    risk: Floats,
    terms: ScheduleTerms,
    due_count: Ints,
    as_of: date,
) -> Behaviour:
    target = _targets(draws, loans, product=product, risk=risk)
    stop_at = _stop_installments(
        draws, loans, target=target, terms=terms, due_count=due_count, as_of=as_of
    )
    behind = stop_at < NEVER
    autopay = draws.chance("behaviour.autopay", loans, 0.45 - 0.2 * risk)
    habit = draws.choice("behaviour.habit", loans, (2, 3, 4, 6, 9, 12, 9, 6, 4, 3)) - 5
    manual_method = draws.choice("behaviour.method", loans, _MANUAL_METHOD_WEIGHTS)
    slip_limit = np.where(behind, stop_at - 1, due_count - 1)
    slip_from, slip_months = _slips(draws, loans, risk=risk, last_allowed=slip_limit)
    paying_ahead_room = (due_count + 1) * 5 <= terms.term_months * 4
    round_up = (
        ~behind
        & paying_ahead_room
        & (terms.payment >= 15_000)
        & draws.chance("behaviour.round_up", loans, 0.06)
    )
    extra = (
        ~behind
        & ~round_up
        & (due_count >= 1)
        & (due_count + 4 <= terms.term_months)
        & draws.chance("behaviour.extra", loans, 0.03)
    )
    extra_at = draws.integers("behaviour.extra_at", loans, low=1, high=due_count + 1)
    return Behaviour(
        stop_at=stop_at,
        partial_share=np.where(
            behind & draws.chance("behaviour.partial", loans, 0.2),
            0.2 + 0.6 * draws.uniform("behaviour.partial_share", loans),
            0.0,
        ),
        bounced_at_stop=behind & draws.chance("behaviour.bounced_at_stop", loans, 0.25),
        autopay=autopay,
        habit_days=habit,
        method=np.where(autopay, 0, manual_method),
        slip_from=slip_from,
        slip_months=slip_months,
        round_up=round_up,
        extra_at=np.where(extra, extra_at, NEVER),
        extra_share=0.5 + 1.5 * draws.uniform("behaviour.extra_share", loans),
        return_rate=0.003 + 0.014 * risk,
    )
