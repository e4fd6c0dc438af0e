"""Metrics over the records of other workflows (``sources``), each defined precisely.

Every function takes the source frame, the loans' payments (for metrics that follow the
money) and the report window ``(start, end]``; records dated after ``end`` are ignored, so a
past report does not see later events. Each returns additive sums (``partials``); ``finish``
turns combined sums into rates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from arrears.analytics.inputs import collected
from arrears.analytics.partials import ratio
from arrears.analytics.periods import Window, month_label, quarter_label
from arrears.analytics.sources import CONVERSATION_OUTCOMES, FUNNEL_STEPS


def _good(payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    return payments.filter(collected() & (pl.col("effective_date") <= window.end))


def _paid_between(
    records: pl.DataFrame,
    payments: pl.DataFrame,
    *,
    key: str,
    after: str,
    until: pl.Expr,
    window: Window,
    inclusive_start: bool = False,
) -> pl.DataFrame:
    """Per record ``key``: good payments on its loan after ``after`` (or on it) up to ``until``."""
    start = (
        (pl.col("effective_date") >= pl.col(after))
        if inclusive_start
        else (pl.col("effective_date") > pl.col(after))
    )
    return (
        records.select(key, "loan_id", after, until.alias("_until"))
        .join(
            _good(payments, window).select(
                "loan_id", "effective_date", pl.col("amount_minor").alias("_paid")
            ),
            on="loan_id",
        )
        .filter(start & (pl.col("effective_date") <= pl.col("_until")))
        .group_by(key)
        .agg(pl.col("_paid").sum().cast(pl.Int64).alias("paid_minor"))
    )


def promise_partial(promises: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Promise-kept rate**: of the promises falling due in the window, the share for which
    good payments from the day the promise was made to its due date reach the amount."""
    due = promises.filter((pl.col("due_date") > window.start) & (pl.col("due_date") <= window.end))
    paid = _paid_between(
        due,
        payments,
        key="promise_id",
        after="made_on",
        until=pl.col("due_date"),
        window=window,
        inclusive_start=True,
    )
    rows = due.join(paid, on="promise_id", how="left").with_columns(
        pl.col("paid_minor").fill_null(0)
    )
    return rows.select(
        pl.len().cast(pl.Int64).alias("promises_due"),
        (pl.col("paid_minor") >= pl.col("amount_minor")).sum().cast(pl.Int64).alias("kept"),
        pl.col("amount_minor").sum().cast(pl.Int64).alias("promised_minor"),
    )


def contact_partial(contacts: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Right-party contact rate**: of the outbound telephone attempts in the window (calls
    and voicemails that connected), the share that reached the borrower and became a
    conversation (right-party contact, refused, dispute raised, cease requested, promise
    made, plan agreed, hardship reported, callback requested)."""
    del payments
    attempts = contacts.filter(
        (pl.col("contacted_on") > window.start)
        & (pl.col("contacted_on") <= window.end)
        & (pl.col("direction") == "outbound")
        & pl.col("channel").is_in(["call", "voicemail"])
        & (pl.col("outcome") != "not_connected")
    )
    return attempts.select(
        pl.len().cast(pl.Int64).alias("attempts"),
        pl.col("outcome")
        .is_in(sorted(CONVERSATION_OUTCOMES))
        .sum()
        .cast(pl.Int64)
        .alias("right_party_contacts"),
    )


def offer_partial(offers: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Settlement rate**: of the offers presented in the window, the share accepted by its
    end. **Average discount**: 1 − Σ settlement amount ÷ Σ balance at the offer, over those
    accepted offers (balance-weighted)."""
    del payments
    presented = offers.filter(
        (pl.col("presented_on") > window.start) & (pl.col("presented_on") <= window.end)
    )
    accepted = pl.col("accepted_on").is_not_null() & (pl.col("accepted_on") <= window.end)
    return presented.select(
        pl.len().cast(pl.Int64).alias("presented"),
        accepted.sum().cast(pl.Int64).alias("accepted"),
        pl.col("balance_minor").filter(accepted).sum().cast(pl.Int64).alias("balance_minor"),
        pl.col("settlement_minor").filter(accepted).sum().cast(pl.Int64).alias("settlement_minor"),
    )


def plan_partial(plans: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Plan completion rate**: of the plans that ended in the window as completed or
    defaulted, the share completed (cancelled plans are left out)."""
    del payments
    ended = plans.filter(
        (pl.col("ended_on") > window.start)
        & (pl.col("ended_on") <= window.end)
        & pl.col("status").is_in(["completed", "defaulted"])
    )
    return ended.select(
        pl.len().cast(pl.Int64).alias("ended"),
        (pl.col("status") == "completed").sum().cast(pl.Int64).alias("completed"),
    )


def placement_partial(
    placements: pl.DataFrame, payments: pl.DataFrame, window: Window
) -> pl.DataFrame:
    """**Agency liquidation rate** by agency and placement vintage (month placed): good payments
    on placed loans while placed (after placement, up to recall or the as-of date) over the
    balance placed. Every placement made by the as-of date counts."""
    placed = placements.filter(pl.col("placed_on") <= window.end).with_columns(
        month_label("placed_on").alias("vintage")
    )
    until = pl.min_horizontal(pl.col("recalled_on").fill_null(window.end), pl.lit(window.end))
    paid = _paid_between(
        placed, payments, key="placement_id", after="placed_on", until=until, window=window
    )
    return (
        placed.join(paid, on="placement_id", how="left")
        .group_by("agency", "vintage")
        .agg(
            pl.len().cast(pl.Int64).alias("placements"),
            pl.col("placed_balance_minor").sum().cast(pl.Int64),
            pl.col("paid_minor").fill_null(0).sum().cast(pl.Int64).alias("collected_minor"),
        )
    )


def legal_partial(cases: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Legal recovery net of costs** by referral quarter: good payments after referral (up to
    the case's close or the as-of date) less the case costs incurred by the as-of date."""
    referred = cases.filter(pl.col("referred_on") <= window.end)
    costs = (
        referred.filter(pl.col("cost_on") <= window.end)
        .group_by("case_id")
        .agg(pl.col("cost_minor").sum().cast(pl.Int64).alias("costs_minor"))
    )
    distinct = referred.unique("case_id").with_columns(
        quarter_label("referred_on").alias("quarter")
    )
    until = pl.min_horizontal(pl.col("closed_on").fill_null(window.end), pl.lit(window.end))
    paid = _paid_between(
        distinct, payments, key="case_id", after="referred_on", until=until, window=window
    )
    return (
        distinct.join(paid, on="case_id", how="left")
        .join(costs, on="case_id", how="left")
        .group_by("quarter")
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            pl.col("paid_minor").fill_null(0).sum().cast(pl.Int64).alias("recovered_minor"),
            pl.col("costs_minor").fill_null(0).sum().cast(pl.Int64),
        )
    )


def repossession_partial(
    repossessions: pl.DataFrame, payments: pl.DataFrame, window: Window
) -> pl.DataFrame:
    """**Repossession recovery net of costs** by repossession quarter: sale proceeds of the
    vehicles sold by the as-of date less the costs of retaking, storing and selling."""
    del payments
    taken = repossessions.filter(pl.col("repossessed_on") <= window.end)
    sold = pl.col("sold_on").is_not_null() & (pl.col("sold_on") <= window.end)
    return taken.group_by(quarter_label("repossessed_on").alias("quarter")).agg(
        pl.len().cast(pl.Int64).alias("repossessions"),
        sold.sum().cast(pl.Int64).alias("sold"),
        pl.col("proceeds_minor").filter(sold).fill_null(0).sum().cast(pl.Int64),
        pl.col("costs_minor").fill_null(0).sum().cast(pl.Int64),
    )


def funnel_partial(events: pl.DataFrame, payments: pl.DataFrame, window: Window) -> pl.DataFrame:
    """**Portal funnel**: borrowers reaching each step (visit → offer viewed → accepted → paid)
    in the window, each step's conversion from the step before and from the first."""
    del payments
    recent = events.filter(
        (pl.col("happened_on") > window.start) & (pl.col("happened_on") <= window.end)
    )
    counts = [
        {
            "step": step,
            "order": index,
            "borrowers": recent.filter(pl.col("event").is_in(sorted(names)))[
                "borrower_id"
            ].n_unique(),
        }
        for index, (step, names) in enumerate(FUNNEL_STEPS)
    ]
    return pl.DataFrame(
        counts, schema={"step": pl.String, "order": pl.Int32, "borrowers": pl.Int64}
    )


def _funnel_finish(frame: pl.DataFrame) -> pl.DataFrame:
    ordered = frame.sort("order")
    return (
        ordered.with_columns(
            pl.col("borrowers").shift(1).alias("previous"),
            pl.col("borrowers").first().alias("first"),
        )
        .with_columns(
            ratio("borrowers", "previous").alias("step_conversion"),
            ratio("borrowers", "first").alias("overall_conversion"),
        )
        .drop("previous", "first", "order")
    )


@dataclass(frozen=True, slots=True)
class WorkflowMetric:
    key: str
    title: str
    source: str
    keys: tuple[str, ...]
    partial: Callable[[pl.DataFrame, pl.DataFrame, Window], pl.DataFrame]
    finish: Callable[[pl.DataFrame], pl.DataFrame]
    counts: str  # the column whose total is zero when there is nothing to measure

    @property
    def definition(self) -> str:
        """The partial function's docstring as plain text (its bold names unmarked)."""
        return " ".join((self.partial.__doc__ or "").replace("**", "").split())


def _with(**columns: pl.Expr) -> Callable[[pl.DataFrame], pl.DataFrame]:
    return lambda frame: frame.with_columns(**columns)


WORKFLOW_METRICS: tuple[WorkflowMetric, ...] = (
    WorkflowMetric(
        key="promise_kept_rate",
        title="Promise-kept rate",
        source="promises",
        keys=(),
        partial=promise_partial,
        finish=_with(kept_rate=ratio("kept", "promises_due")),
        counts="promises_due",
    ),
    WorkflowMetric(
        key="right_party_contact_rate",
        title="Right-party contact rate",
        source="contacts",
        keys=(),
        partial=contact_partial,
        finish=_with(rpc_rate=ratio("right_party_contacts", "attempts")),
        counts="attempts",
    ),
    WorkflowMetric(
        key="settlement_rate",
        title="Settlement rate and average discount",
        source="offers",
        keys=(),
        partial=offer_partial,
        finish=_with(
            settlement_rate=ratio("accepted", "presented"),
            average_discount=1 - ratio("settlement_minor", "balance_minor"),
        ),
        counts="presented",
    ),
    WorkflowMetric(
        key="plan_completion_rate",
        title="Plan completion rate",
        source="plans",
        keys=(),
        partial=plan_partial,
        finish=_with(completion_rate=ratio("completed", "ended")),
        counts="ended",
    ),
    WorkflowMetric(
        key="agency_liquidation",
        title="Agency scorecards: liquidation by placement vintage",
        source="placements",
        keys=("agency", "vintage"),
        partial=placement_partial,
        finish=lambda f: f.with_columns(
            liquidation_rate=ratio("collected_minor", "placed_balance_minor")
        ).sort("agency", "vintage"),
        counts="placements",
    ),
    WorkflowMetric(
        key="legal_recovery",
        title="Legal recovery net of costs",
        source="legal_cases",
        keys=("quarter",),
        partial=legal_partial,
        finish=lambda f: f.with_columns(
            net_minor=pl.col("recovered_minor") - pl.col("costs_minor")
        ).sort("quarter"),
        counts="cases",
    ),
    WorkflowMetric(
        key="repossession_recovery",
        title="Repossession recovery net of costs",
        source="repossessions",
        keys=("quarter",),
        partial=repossession_partial,
        finish=lambda f: f.with_columns(
            net_minor=pl.col("proceeds_minor") - pl.col("costs_minor")
        ).sort("quarter"),
        counts="repossessions",
    ),
    WorkflowMetric(
        key="portal_funnel",
        title="Portal funnel conversion",
        source="portal_events",
        keys=("step", "order"),
        partial=funnel_partial,
        finish=_funnel_finish,
        counts="borrowers",
    ),
)
"""The workflow metrics in report order."""
