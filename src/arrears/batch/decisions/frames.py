"""The frames the decision step reads and writes: per account, or per account and treatment.

Same conventions as ``arrears.batch.frames``: amounts ``Int64`` minor units, dates ``pl.Date``,
ids ``Int64``. Inputs may carry extra columns; only the ones named here are read.
"""

from __future__ import annotations

from typing import Final

import polars as pl

FEATURES: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "product": pl.String,
        "contract_state": pl.String,
        "borrower_state": pl.String,
        "dpd": pl.Int32,
        "bucket": pl.String,
        "balance_minor": pl.Int64,
        "past_due_minor": pl.Int64,
        "charged_off": pl.Boolean,
        "days_since_contact": pl.Int32,
        "has_mobile": pl.Boolean,
        "sms_consent": pl.Boolean,
        "has_email": pl.Boolean,
        "has_phone": pl.Boolean,
        "has_postal_address": pl.Boolean,
        "collateral": pl.String,
        "ltv_bp": pl.Int32,
        "score": pl.Float64,
        "promise": pl.String,
        "plan": pl.String,
        "episode_start": pl.Date,
        "validation_sent": pl.Boolean,
    }
)
"""One row per account on the cycle's date. ``days_since_contact`` is null when the account was
never contacted; ``collateral`` is null (unsecured), ``vehicle`` or ``property``; ``ltv_bp`` is
the loan-to-value ratio in basis points (12000 = 1.2), null without a collateral value;
``score`` is null until a model scores the account; ``promise`` is none/active/kept/broken and
``plan`` none/active/completed/defaulted; ``episode_start`` is the first day of the current
delinquency episode (null when the account is current); null Booleans read as false."""

HISTORY: Final = pl.Schema(
    {"loan_id": pl.Int64, "treatment": pl.String, "last_on": pl.Date, "times": pl.Int32}
)
"""One row per account and treatment decided in the current episode: the last day it was decided
and how many times. Rows older than the account's ``episode_start`` belong to an earlier episode
and are ignored, so a cured and re-delinquent account starts its cadence again."""

SEGMENTS: Final = pl.Schema({"loan_id": pl.Int64, "segment": pl.String, "segment_index": pl.Int32})
"""The first segment each account matches, by name and position (both null when none)."""

ARMS: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "experiment": pl.String,
        "arm": pl.String,
        "arm_probability": pl.Float64,
    }
)
"""One row per account and experiment: the arm it is assigned to and that arm's share."""

CANDIDATES: Final = pl.Schema(
    {
        "loan_id": pl.Int64,
        "segment": pl.String,
        "experiment": pl.String,
        "arm": pl.String,
        "arm_probability": pl.Float64,
        "treatment": pl.String,
        "rule": pl.String,
        "order": pl.Int32,
        "priority": pl.Int32,
        "kind": pl.String,
        "channel": pl.String,
        "template": pl.String,
        "category": pl.String,
        "cost_minor": pl.Int64,
        "capacity_class": pl.String,
        "capacity_units": pl.Int32,
        "review_queue": pl.String,
        "missing": pl.String,
    }
)
"""One row per account and treatment due today, in account order then ``order`` (0 first: the
strategy's order, with a notice that must precede the first contact ahead of everything).
``rule`` says in words which cadence rule fired; ``experiment``/``arm``/``arm_probability``
are null outside experiments; ``missing`` lists, comma-separated, the requirements (consents,
contact points) the account lacks for this treatment, and is null when none is missing: such a
candidate is stored as a blocked decision with that reason, never dropped."""
