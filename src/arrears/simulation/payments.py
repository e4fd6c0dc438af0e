"""Payment histories: one payment per installment, shaped by each borrower's behaviour.

Every installment due (and the next one, for early payers) gets a payment "slot": the installment
amount, on its due date moved by the borrower's habit (autopay on the day, others a few days
either side; bank transfers settle on business days). Then the behaviour is applied: slots after
the stop installment are empty, a slip skips slots and the cure slot pays them all, round-ups and
extras pay ahead, some stop installments are paid in part, and about 1% of payments bounce — an
ACH return a few days later, usually followed by a new payment. Nothing is effective after as_of.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.simulation import dates
from arrears.simulation.amortisation import Installments
from arrears.simulation.behaviour import METHODS, Behaviour
from arrears.simulation.dates import date_series
from arrears.simulation.draws import Draws, Ints
from arrears.simulation.formats import amount_text, join_text, keep_where

Flags = NDArray[np.bool_]

RETURN_REASONS: Final[tuple[str, ...]] = (
    "R01 insufficient funds",
    "R09 uncollected funds",
    "R02 account closed",
    "R03 no account/unable to locate account",
    "R08 payment stopped",
    "R16 account frozen",
    "R10 customer advises not authorized",
)
_RETURN_REASON_WEIGHTS: Final = (0.6, 0.1, 0.1, 0.05, 0.08, 0.02, 0.05)
_ACH, _CARD, _CHECK, _AGENCY = (METHODS.index(m) for m in ("ach", "card", "check", "agency"))
_SETTLES_ON_BUSINESS_DAYS: Final = np.array([m in {"ach", "check", "wire"} for m in METHODS])


@dataclass(frozen=True, slots=True)
class PaymentRows:
    """Payments of a chunk as parallel arrays (``returned_day`` is -1 for good payments)."""

    loan: Ints
    day: Ints
    amount: Ints
    method: Ints
    returned_day: Ints
    reason: Ints

    @property
    def good(self) -> Flags:
        return self.returned_day < 0

    def where(self, rows: NDArray[Any]) -> PaymentRows:
        """The rows selected by a mask or by positions."""
        return PaymentRows(*(getattr(self, f.name)[rows] for f in fields(self)))

    @staticmethod
    def concat(parts: list[PaymentRows]) -> PaymentRows:
        return PaymentRows(
            *(np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(PaymentRows))
        )


def _settle(day: Ints, method: Ints) -> Ints:
    return np.where(_SETTLES_ON_BUSINESS_DAYS[method], dates.next_business_day(day), day)


def _good(loan: Ints, day: Ints, amount: Ints, method: Ints) -> PaymentRows:
    none = np.full(len(loan), -1, dtype=np.int64)
    return PaymentRows(loan, day, amount, method, none, none)


def slot_payments(
    draws: Draws,
    loans: Ints,
    *,
    installments: Installments,
    behaviour: Behaviour,
    due_count: Ints,
    as_of: date,
) -> PaymentRows:
    """Installment payments up to ``as_of``, with bounced attempts and their re-payments."""
    as_of_day = dates.day_number(as_of)
    in_slot = installments.number <= due_count[installments.loan] + 1
    rows = np.flatnonzero(in_slot)
    loan = installments.loan[rows]
    number = installments.number[rows]
    keys = loans[loan]
    amount = installments.amount[rows]
    cumulative = installments.cumulative_due()

    noise = draws.integers("payment.noise", keys, low=-2, high=3, index=number)
    offset = np.where(behaviour.autopay[loan], 0, behaviour.habit_days[loan] + noise)
    method = behaviour.method[loan]
    day = _settle(installments.due[rows] + offset, method)

    slip_from, months = behaviour.slip_from[loan], behaviour.slip_months[loan]
    skipped = (number >= slip_from) & (number < slip_from + months)
    cure = number == slip_from + months
    before = np.where(number - months > 1, cumulative[np.maximum(rows - months - 1, 0)], 0)
    amount = np.where(cure, cumulative[rows] - before, amount)
    amount = np.where(behaviour.round_up[loan], -(-amount // 2_500) * 2_500, amount)
    extra = np.round(amount * behaviour.extra_share[loan] / 1_000).astype(np.int64) * 1_000
    amount = np.where(number == behaviour.extra_at[loan], amount + extra, amount)

    stop_at = behaviour.stop_at[loan]
    pays = (number < stop_at) & ~skipped
    bounces = (
        pays
        & np.isin(method, [_ACH, _CHECK])
        & (draws.uniform("payment.bounce", keys, number) < behaviour.return_rate[loan])
    )
    returned_day = dates.next_business_day(
        day + draws.integers("payment.return_delay", keys, low=2, high=5, index=number)
    )
    bounces &= returned_day <= as_of_day
    repay_method = np.where(draws.chance("payment.repay_card", keys, 0.4), _CARD, method)
    repay_day = _settle(
        returned_day + draws.integers("payment.repay_delay", keys, low=1, high=8, index=number),
        repay_method,
    )
    reason = draws.choice("payment.return_reason", keys, _RETURN_REASON_WEIGHTS, number)
    paid = _good(
        loan, np.where(bounces, repay_day, day), amount, np.where(bounces, repay_method, method)
    )
    attempts = PaymentRows(loan, day, amount, np.full(len(loan), _ACH), returned_day, reason)

    at_stop = number == stop_at
    stop_bounce = at_stop & behaviour.bounced_at_stop[loan] & (returned_day <= as_of_day)
    share = behaviour.partial_share[loan]
    partial_amount = np.maximum(np.floor(amount * share / 100).astype(np.int64) * 100, 100)
    partial_day = _settle(np.where(stop_bounce, returned_day + 5, day), method)
    partial = _good(loan, partial_day, partial_amount, method)

    parts = [
        paid.where(pays & (paid.day <= as_of_day)),
        attempts.where(bounces | stop_bounce),
        partial.where(at_stop & (share > 0) & (partial_day <= as_of_day)),
    ]
    return PaymentRows.concat(parts)


def recovery_payments(
    draws: Draws,
    loans: Ints,
    *,
    charge_off_day: Ints,
    charge_off_amount: Ints,
    as_of: date,
) -> PaymentRows:
    """Some charged-off borrowers keep paying a little, often through an agency."""
    as_of_day = dates.day_number(as_of)
    count = draws.integers("recovery.count", loans, low=1, high=9)
    pays = (
        (charge_off_day >= 0)
        & draws.chance("recovery.pays", loans, 0.35)
        & (charge_off_amount >= 2_000 * count)
    )
    counts = count[pays]
    positions = np.repeat(np.flatnonzero(pays), counts)
    sequence = np.arange(len(positions)) - np.repeat(np.cumsum(counts) - counts, counts)
    keys = loans[positions]
    gaps = draws.integers("recovery.gap", keys, low=26, high=36, index=sequence)
    first_gap = draws.integers("recovery.first", keys, low=20, high=61)
    day = charge_off_day[positions] + first_gap + _cumulative_within(gaps, sequence)
    cap = charge_off_amount[positions] // (2 * count[positions])
    dollars = 25 + np.floor(225 * draws.uniform("recovery.amount", keys, sequence) ** 2)
    amount = np.minimum(dollars.astype(np.int64) * 100, cap // 100 * 100)
    method = np.array([_AGENCY, _CHECK, _ACH, _CARD])[
        draws.choice("recovery.method", keys, (0.5, 0.2, 0.2, 0.1))
    ]
    rows = _good(positions, _settle(day, method), amount, method)
    return rows.where(rows.day <= as_of_day)


def _cumulative_within(values: Ints, sequence: Ints) -> Ints:
    """Running sum of ``values`` restarting wherever ``sequence`` is 0 (excluding the current)."""
    running = np.cumsum(values)
    starts = np.maximum.accumulate(np.where(sequence == 0, np.arange(len(values)), 0))
    return running - values - (running[starts] - values[starts])


def payments_frame(rows: PaymentRows, *, loan_ids: pl.Series) -> pl.DataFrame:
    """The ``payments`` import rows, per loan in date order, ids numbered within the loan."""
    order = np.lexsort((rows.returned_day < 0, rows.day, rows.loan))
    rows = rows.where(order)
    position = np.arange(len(rows.loan))
    starts_loan = np.concatenate([[True], rows.loan[1:] != rows.loan[:-1]])
    sequence = position - np.maximum.accumulate(np.where(starts_loan, position, 0)) + 1
    loan_id = loan_ids.gather(pl.Series(rows.loan))
    returned = ~rows.good
    return pl.DataFrame(
        {
            "payment_id": join_text(
                loan_id, pl.lit("-"), pl.Series(sequence).cast(pl.String).str.zfill(4)
            ),
            "loan_id": loan_id,
            "amount": pl.select(amount_text(pl.lit(pl.Series(rows.amount)))).to_series(),
            "effective_date": date_series("effective_date", rows.day),
            "method": pl.Series(METHODS).gather(pl.Series(rows.method)),
            "status": pl.Series(np.where(returned, "returned", "posted")),
            "returned_date": date_series("returned_date", rows.returned_day, present=returned),
            "return_reason": keep_where(
                pl.Series(RETURN_REASONS).gather(pl.Series(np.maximum(rows.reason, 0))), returned
            ),
        }
    )
