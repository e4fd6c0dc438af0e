"""The simulated book as the cycle's frames: FEATURES, scoring inputs, holds, gate facts.

The in-memory simulation runs the cycle's own pure steps (segments, arms, candidates, holds,
the compliance gate, the optimiser) on frames built here from the simulator's state, exactly
as ``services.cycle`` builds them from the database: same schemas, same meanings.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from arrears.batch.compliance_gate import ACCOUNT_FACTS, CONTACTS
from arrears.batch.decisions.frames import FEATURES
from arrears.batch.scoring.cycle_inputs import CONVERSATION_WINDOW_DAYS
from arrears.domain.delinquency import DEFAULT_BUCKETS
from arrears.simulation.behaviour_model.book import NEVER, PRODUCTS
from arrears.simulation.behaviour_model.state import PLANS, PROMISES, State

EXTRA = ("borrower_id", "days_since_conversation", "days_since_payment", "paid_90d_minor")
_EPOCH = date(1970, 1, 1).toordinal()
_COLLATERAL = {"auto": "vehicle", "mortgage": "property"}


def _since(day: int, when: np.ndarray) -> pl.Series:
    values = np.where(when == NEVER, -1, day - when)
    return pl.Series(values, dtype=pl.Int32).replace(-1, None)


def _recent(days: pl.Series, window: int) -> pl.Series:
    """Days since an event, null beyond ``window`` (as the cycle sees its contact window)."""
    return pl.select(pl.when(days <= window).then(days)).to_series().alias(days.name)


def _date(days: np.ndarray) -> pl.Series:
    return (
        pl.Series(np.where(days == NEVER, 0, days - _EPOCH), dtype=pl.Int32)
        .cast(pl.Date)
        .replace(date(1970, 1, 1), None)
    )


def features_frame(state: State, *, day: int) -> pl.DataFrame:
    """FEATURES (plus the scoring extras) of every open loan on ``day``."""
    o = state.opening
    open_ = np.flatnonzero(~state.closed & (state.balance > 0))
    dpd = state.dpd(day)[open_]
    starts = np.array(DEFAULT_BUCKETS.starts, dtype=np.int64)
    names = np.array(DEFAULT_BUCKETS.names, dtype=object)
    product = np.array(PRODUCTS, dtype=object)[o.product[open_]]
    value = o.collateral_value[open_]
    balance = state.balance[open_]
    ltv = np.where(value > 0, (balance * 10_000 + value // 2) // np.maximum(value, 1), -1)
    frame = pl.DataFrame(
        {
            "loan_id": o.loan_id[open_],
            "product": pl.Series(product, dtype=pl.String),
            "contract_state": o.contract_state.gather(open_),
            "borrower_state": o.borrower_state.gather(open_),
            "dpd": pl.Series(dpd, dtype=pl.Int32),
            "bucket": pl.Series(
                names[np.searchsorted(starts, dpd, side="right") - 1], dtype=pl.String
            ),
            "balance_minor": balance,
            "past_due_minor": state.past_due[open_],
            "charged_off": state.charged_off[open_],
            "days_since_contact": _since(day, state.last_contact_on[open_]),
            "has_mobile": o.has_mobile[open_],
            "sms_consent": o.sms_consent[open_],
            "has_email": o.has_email[open_],
            "has_phone": o.has_phone[open_],
            "has_postal_address": np.ones(open_.size, dtype=bool),
            "collateral": pl.Series(
                [
                    _COLLATERAL.get(p) if v > 0 else None
                    for p, v in zip(product, value, strict=True)
                ],
                dtype=pl.String,
            ),
            "ltv_bp": pl.Series(np.clip(ltv, -1, 2**31 - 1), dtype=pl.Int32).replace(-1, None),
            "score": pl.Series([None] * open_.size, dtype=pl.Float64),
            "promise": pl.Series(
                np.array(PROMISES, dtype=object)[state.promise[open_]], dtype=pl.String
            ),
            "plan": pl.Series(np.array(PLANS, dtype=object)[state.plan[open_]], dtype=pl.String),
            "episode_start": _date(np.where(dpd > 0, state.oldest_unpaid[open_], NEVER)),
            "validation_sent": state.validation_on[open_] != NEVER,
            "borrower_id": o.loan_id[open_],
            "days_since_conversation": _recent(
                _since(day, state.last_conversation_on[open_]), CONVERSATION_WINDOW_DAYS
            ),
            "days_since_payment": _since(day, state.last_paid_on[open_]),
            "paid_90d_minor": state.paid_within(day, 90)[open_],
        }
    )
    return frame.select([pl.col(n).cast(t) for n, t in FEATURES.items()] + list(EXTRA))


def holds_frame(state: State, *, day: int) -> pl.DataFrame:
    """Holds in force: disputes until verification, cease requests for good."""
    disputed = np.flatnonzero(state.hold_until >= day)
    ceased = np.flatnonzero(state.cease)
    ids = np.r_[disputed, ceased]
    return pl.DataFrame(
        {
            "loan_id": state.opening.loan_id[ids],
            "hold_id": np.arange(ids.size, dtype=np.int64) + 1,
            "kind": ["dispute"] * disputed.size + ["cease_communication"] * ceased.size,
        },
        schema={"loan_id": pl.Int64, "hold_id": pl.Int64, "kind": pl.String},
    )


def facts_frame(state: State, features: pl.DataFrame, *, day: int) -> pl.DataFrame:
    """ACCOUNT_FACTS: first communication from the first contact, no time-barred debt (the
    simulated book is recent), no opt-outs or call consents."""
    rows = (features["loan_id"].to_numpy() - 1).astype(np.int64)
    first = state.first_contact_on[rows]
    return pl.DataFrame(
        {
            "loan_id": features["loan_id"],
            "borrower_state": features["borrower_state"],
            "locality": pl.Series([None] * rows.size, dtype=pl.String),
            "sms_consent": features["sms_consent"],
            "validation_sent": features["validation_sent"],
            "first_communication_on": _date(first),
            "furnishing_from": _date(np.where(first == NEVER, NEVER, first + 14)),
            "call_consent_on": pl.Series([None] * rows.size, dtype=pl.Date),
            "opted_out": pl.Series([None] * rows.size, dtype=pl.String),
            "time_barred": np.zeros(rows.size, dtype=bool),
            "sol_source": pl.Series([None] * rows.size, dtype=pl.String),
        }
    ).select([pl.col(n).cast(t) for n, t in ACCOUNT_FACTS.items()])


def contact_rows(loans: np.ndarray, channel: str, outcome: str, *, day: int) -> pl.DataFrame:
    """CONTACTS rows for one batch of logged attempts."""
    kind = {"call": "mobile_phone", "sms": "mobile_phone", "email": "personal_email"}.get(channel)
    return pl.DataFrame(
        {
            "loan_id": loans.astype(np.int64),
            "channel": [channel] * loans.size,
            "direction": ["outbound"] * loans.size,
            "day": [date.fromordinal(day)] * loans.size,
            "outcome": [outcome] * loans.size,
            "contact_point_kind": [kind] * loans.size,
        },
        schema=CONTACTS,
    )
