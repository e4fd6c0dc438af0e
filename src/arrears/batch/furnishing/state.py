"""Where each account stands on the as-of date: one row per loan with every fact the Metro 2
fields are mapped from (docs/metro2-furnishing.md), gathered from the partition's frames.

Delinquency comes from ``batch.delinquency`` (as of the date and at the previous month end);
payments, waivers and sale proceeds from the credits; charge-off from the loan; collections,
settlements, collateral events and plans from their workflows when present. Nothing here
chooses a Metro 2 code: ``status`` does that from these columns.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from arrears.batch.furnishing.codes import FurnisherKind
from arrears.batch.furnishing.inputs import PartitionFacts
from arrears.domain.credits import CreditKind

_CASH = [kind.value for kind in CreditKind if kind.cash]
_FORGIVEN = [CreditKind.WAIVER.value, CreditKind.WRITE_OFF.value]


def period_start(as_of: date) -> date:
    """The first day of the reporting period: the first of ``as_of``'s month."""
    return as_of.replace(day=1)


def account_state(facts: PartitionFacts, *, as_of: date, furnisher: FurnisherKind) -> pl.DataFrame:
    """One row per account of ``facts.accounts`` (in its order) with its derived state."""
    start = period_start(as_of)
    frame = (
        facts.accounts.join(_delinquency(facts.history, as_of), on="loan_id", how="left")
        .join(_credits(facts.credits, as_of=as_of, start=start), on="loan_id", how="left")
        .join(_collateral(facts, as_of=as_of), on="loan_id", how="left")
        .join(_placements(facts.placements, as_of=as_of), on="loan_id", how="left")
        .join(_settlements(facts.settlements, as_of=as_of), on="loan_id", how="left")
        .join(_plans(facts.plans, as_of=as_of), on="loan_id", how="left")
        .join(_scheduled(facts.installments, as_of=as_of), on="loan_id", how="left")
    )
    settled = pl.col("settled_on").is_not_null()
    paid = ((pl.col("balance_minor") <= 0) & (pl.col("principal_minor") > 0)) | settled
    collects = furnisher.collects
    return frame.with_columns(
        paid.fill_null(False).alias("paid"),
        pl.when(paid)
        .then(pl.coalesce("settled_on", "last_credit_on", pl.lit(as_of)))
        .alias("paid_on"),
        (pl.col("charge_off_date") <= as_of).fill_null(False).alias("charged_off"),
        pl.col("plan_in_force").fill_null(False),
        pl.col("actual_payment_minor").fill_null(0),
        pl.col("forgiven_at_payoff").fill_null(False),
        (
            settled
            | (pl.col("loan_status") == "settled")
            | (pl.col("forgiven_at_payoff").fill_null(False))
        ).alias("settled_for_less"),
        pl.lit(collects).alias("collects"),
        (pl.col("origination_date") if collects else pl.col("placed_on")).alias("collection_from"),
        (pl.lit(None, dtype=pl.Date) if collects else pl.col("recalled_on")).alias(
            "collection_until"
        ),
    )


def _delinquency(history: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Delinquency on ``as_of``, at the previous month end, and the latest DOFD in the window
    (the delinquency a paid account was in before it was paid)."""
    previous = period_start(as_of) - timedelta(days=1)
    now = history.filter(pl.col("as_of") == as_of).select(
        "loan_id", "dpd", "amount_past_due_minor", "dofd", "oldest_unpaid_due_date"
    )
    before = history.filter(pl.col("as_of") == previous).select(
        "loan_id", pl.col("dpd").alias("previous_dpd"), pl.col("dofd").alias("previous_dofd")
    )
    seen = (
        history.filter(pl.col("dofd").is_not_null())
        .group_by("loan_id")
        .agg(pl.col("dofd").sort_by("as_of").last().alias("last_seen_dofd"))
    )
    return now.join(before, on="loan_id", how="left").join(seen, on="loan_id", how="left")


def _credits(credits: pl.DataFrame, *, as_of: date, start: date) -> pl.DataFrame:
    """Last credit of any kind (the day a paid account was paid), last cash payment, cash
    received in the period, and whether a waiver or write-off took effect on the payoff day."""
    good = credits.filter(pl.col("good") & (pl.col("effective_date") <= as_of))
    cash = pl.col("credit_kind").is_in(_CASH)
    last_credit = pl.col("effective_date").max()
    return good.group_by("loan_id").agg(
        last_credit.alias("last_credit_on"),
        pl.col("effective_date").filter(cash).max().alias("last_payment_on"),
        pl.col("amount_minor").filter(cash & (pl.col("effective_date") >= start)).sum()
        .alias("actual_payment_minor"),
        (pl.col("credit_kind").is_in(_FORGIVEN) & (pl.col("effective_date") == last_credit))
        .any().alias("forgiven_at_payoff"),
        pl.col("effective_date").filter(pl.col("credit_kind") == CreditKind.SALE_PROCEEDS.value)
        .min().alias("sold_on"),
        pl.col("reason").filter(pl.col("credit_kind") == CreditKind.SALE_PROCEEDS.value)
        .first().alias("sale_reason"),
    )  # fmt: skip


def _collateral(facts: PartitionFacts, *, as_of: date) -> pl.DataFrame:
    """The latest collateral event on or before ``as_of``: the collateral workflow's facts when
    recorded, otherwise inferred from sale proceeds (a sale follows a repossession; a reason
    naming a surrender, or a mortgage, says which kind)."""
    recorded = (
        facts.collateral_events.filter(pl.col("on") <= as_of)
        .sort("on")
        .group_by("loan_id")
        .agg(pl.col("event").last(), pl.col("on").last())
    )
    sales = facts.credits.filter(
        pl.col("good")
        & (pl.col("credit_kind") == CreditKind.SALE_PROCEEDS.value)
        & (pl.col("effective_date") <= as_of)
    )
    inferred = (
        sales.sort("effective_date")
        .group_by("loan_id")
        .agg(pl.col("effective_date").first().alias("on"), pl.col("reason").first())
        .join(facts.accounts.select("loan_id", "product"), on="loan_id", how="left")
        .select(
            "loan_id",
            pl.when(pl.col("reason").str.to_lowercase().str.contains("surrender"))
            .then(pl.lit("voluntary_surrender"))
            .when(pl.col("product") == "mortgage")
            .then(pl.lit("foreclosure"))
            .otherwise(pl.lit("repossession"))
            .alias("event"),
            "on",
        )
        .join(recorded, on="loan_id", how="anti")
    )
    return pl.concat([recorded.select("loan_id", "event", "on"), inferred]).select(
        "loan_id", pl.col("event").alias("collateral_event"), pl.col("on").alias("collateral_on")
    )


def _placements(placements: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The latest placement with a collection agency made by ``as_of``; recalled only if the
    recall happened by then."""
    return (
        placements.filter(pl.col("placed_on") <= as_of)
        .sort("placed_on")
        .group_by("loan_id")
        .agg(pl.col("placed_on").last(), pl.col("recalled_on").last())
        .with_columns(
            pl.when(pl.col("recalled_on") <= as_of).then(pl.col("recalled_on")).alias("recalled_on")
        )
    )


def _settlements(settlements: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    return (
        settlements.filter(pl.col("settled_on") <= as_of)
        .sort("settled_on")
        .group_by("loan_id")
        .agg(
            pl.col("settled_on").last(),
            pl.col("metro2_status").last().alias("settlement_status"),
            pl.col("special_comment").last().alias("settlement_comment"),
        )
    )


def _plans(plans: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    in_force = (pl.col("starts_on") <= as_of) & (
        pl.col("ends_on").is_null() | (pl.col("ends_on") > as_of)
    )
    return (
        plans.filter(in_force)
        .select("loan_id")
        .unique()
        .with_columns(pl.lit(True).alias("plan_in_force"))
    )


def _scheduled(installments: pl.DataFrame, *, as_of: date) -> pl.DataFrame:
    """The amount of the installment last due by ``as_of`` (the first one before that)."""
    amount = pl.col("principal_minor") + pl.col("interest_minor") + pl.col("fees_minor")
    ordered = installments.sort("loan_id", "seq").with_columns(amount.alias("amount"))
    return ordered.group_by("loan_id").agg(
        pl.coalesce(
            pl.col("amount").filter(pl.col("due_date") <= as_of).last(),
            pl.col("amount").first(),
        ).alias("scheduled_minor")
    )
