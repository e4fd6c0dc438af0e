"""The account features the daily cycle decides on, built from a partition's frames.

One row per account (``arrears.batch.decisions.frames.FEATURES``) and the cadence history of
the current delinquency episode (``HISTORY``). Pure: frames in, frames out.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from arrears.batch.decisions.frames import FEATURES, HISTORY

_PHONES = ["mobile_phone", "home_phone", "work_phone"]


def contact_flags(contact_points: pl.DataFrame) -> pl.DataFrame:
    """Per borrower: a mobile, consent to texts, a personal email not opted out, a callable phone.

    A work email is never counted: Reg F forbids using an employer-provided address
    (12 CFR 1006.22(f)(3)).
    """
    kind = pl.col("kind")
    return contact_points.group_by("borrower_id").agg(
        (kind == "mobile_phone").any().alias("has_mobile"),
        ((kind == "mobile_phone") & (pl.col("sms_ok") == 1)).any().alias("sms_consent"),
        ((kind == "personal_email") & (pl.col("email_ok") == 1)).any().alias("has_email"),
        (kind.is_in(_PHONES) & (pl.col("call_ok") == 1)).any().alias("has_phone"),
    )


def collateral_features(values: pl.DataFrame) -> pl.DataFrame:
    """Per loan: the kind of collateral and its latest value on or before the date."""
    return (
        values.sort("loan_id", "valued_on", nulls_last=False)
        .group_by("loan_id", maintain_order=True)
        .agg(
            pl.col("collateral_kind").first().alias("collateral"),
            pl.col("value_minor").drop_nulls().last().alias("value_minor"),
        )
    )


NEGOTIATION = {
    "loan_id": pl.Int64,
    "last_contact_on": pl.Date,
    "validation_sent_on": pl.Date,
    "promise": pl.Utf8,
    "promise_on": pl.Date,
    "plan": pl.Utf8,
}
"""Per loan, from the contact log, promises and plans: the day of the last outbound contact
attempt, the day the validation notice went out, the latest promise's status and the day it
was made, and the latest plan's status (``none`` after a cancellation)."""


def build_features(
    *,
    accounts: pl.DataFrame,
    delinquency: pl.DataFrame,
    balances: pl.DataFrame,
    contact_points: pl.DataFrame,
    collateral_values: pl.DataFrame,
    past_actions: pl.DataFrame,
    as_of: date,
    negotiation: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """FEATURES and HISTORY for the accounts of a partition on ``as_of``.

    The episode starts at the DOFD once the account reached 30 days past due, else at its oldest
    unpaid due date; history before the episode belongs to an earlier episode and is dropped.
    ``negotiation`` (``NEGOTIATION``) gives ``days_since_contact``, ``validation_sent``
    (also true once an earlier cycle planned the notice), ``promise`` (a promise made before
    the current episode reads as none) and ``plan``.
    """
    frame = (
        accounts.join(delinquency, on="loan_id", how="left")
        .join(balances, on="loan_id", how="left")
        .join(contact_flags(contact_points), on="borrower_id", how="left")
        .join(collateral_features(collateral_values), on="loan_id", how="left")
    )
    validation = (
        past_actions.filter(pl.col("treatment") == "validation_notice")
        .select("loan_id")
        .unique()
        .with_columns(pl.lit(True).alias("validation_sent"))
    )
    talks = negotiation if negotiation is not None else pl.DataFrame(schema=NEGOTIATION)
    frame = frame.join(validation, on="loan_id", how="left").join(talks, on="loan_id", how="left")
    frame = frame.with_columns(
        pl.col("balance_minor").fill_null(0),
        pl.col("amount_past_due_minor").fill_null(0).alias("past_due_minor"),
        pl.col("dpd").fill_null(0).cast(pl.Int32),
        (pl.col("charge_off_date").is_not_null() & (pl.col("charge_off_date") <= as_of)).alias(
            "charged_off"
        ),
        pl.when(pl.col("dpd") > 0)
        .then(pl.coalesce("dofd", "oldest_unpaid_due_date"))
        .otherwise(pl.col("dofd"))
        .alias("episode_start"),
        (pl.lit(as_of) - pl.col("last_contact_on")).dt.total_days().alias("days_since_contact"),
        pl.lit(True).alias("has_postal_address"),
        _ltv_bp().alias("ltv_bp"),
        pl.lit(None, dtype=pl.Float64).alias("score"),
        pl.col("plan").fill_null("none"),
        *(pl.col(c).fill_null(False) for c in ("has_mobile", "sms_consent", "has_email")),
        pl.col("has_phone").fill_null(False),
        (
            pl.col("validation_sent").fill_null(False) | pl.col("validation_sent_on").is_not_null()
        ).alias("validation_sent"),
    )
    frame = frame.with_columns(_current_promise().alias("promise"))
    features = frame.select(
        [pl.col(name).cast(dtype) for name, dtype in FEATURES.items()]
        + [pl.col("borrower_id"), pl.col("language")]
    )
    return features, episode_history(past_actions, features)


def _current_promise() -> pl.Expr:
    """The latest promise's status, if it was made in the current episode (or the account is
    current); a promise of an earlier episode is history."""
    made = pl.col("promise_on")
    start = pl.col("episode_start")
    in_episode = made.is_not_null() & (start.is_null() | (made >= start))
    return pl.when(in_episode).then(pl.col("promise")).otherwise(pl.lit("none"))


def _ltv_bp() -> pl.Expr:
    """Balance over collateral value in basis points (integer arithmetic, no floats)."""
    value = pl.col("value_minor")
    return (
        pl.when(value > 0)
        .then((pl.col("balance_minor").clip(lower_bound=0) * 10_000 + value // 2) // value)
        .otherwise(None)
        .clip(upper_bound=2**31 - 1)
    )


def episode_history(past_actions: pl.DataFrame, features: pl.DataFrame) -> pl.DataFrame:
    """HISTORY: per account and treatment, the last day and count within the current episode."""
    joined = past_actions.join(features.select("loan_id", "episode_start"), on="loan_id")
    in_episode = joined.filter(
        pl.col("episode_start").is_not_null() & (pl.col("due_on") >= pl.col("episode_start"))
    )
    return (
        in_episode.group_by("loan_id", "treatment")
        .agg(pl.col("due_on").max().alias("last_on"), pl.len().cast(pl.Int32).alias("times"))
        .select([pl.col(n).cast(t) for n, t in HISTORY.items()])
    )


def call_priority() -> pl.Expr:
    """How urgent an agent call is: bigger and later balances first, broken promises above all.

    Integer points: 100 per order of magnitude of the balance in dollars, one per day past due
    (up to a year), 300 for a broken promise, up to 200 for the propensity score when scored.
    """
    dollars = (pl.col("balance_minor").clip(lower_bound=0) // 100) + 1
    return (
        (dollars.log10() * 100).floor().cast(pl.Int32)
        + pl.col("dpd").clip(upper_bound=365)
        + pl.when(pl.col("promise") == "broken").then(300).otherwise(0)
        + (pl.col("score").fill_null(0.0) * 200).round(0).cast(pl.Int32)
    ).cast(pl.Int32)


def call_queue() -> pl.Expr:
    """Work queues by stage: early (< 30 DPD), mid (30–89), late (90+), recovery (charged off)."""
    return (
        pl.when(pl.col("charged_off"))
        .then(pl.lit("recovery"))
        .when(pl.col("dpd") < 30)
        .then(pl.lit("early"))
        .when(pl.col("dpd") < 90)
        .then(pl.lit("mid"))
        .otherwise(pl.lit("late"))
    )
