"""Champion vs challengers: did the challenger strategy beat the champion?

**Who is in an experiment.** An account enters an experiment on its first cycle decision in one
of the experiment's segments (``inputs.EXPERIMENT_ARMS``), in the arm recorded with that
decision; it is measured only once ``outcome_days`` have passed since (entry + N days on or
before the as-of date), so every account has a full outcome window.

**Outcomes** over the ``outcome_days`` after entry: **cured** — 0 days past due and not charged
off on day entry + N; **collected** — good payments effective in ``(entry, entry + N]``.

**Per arm**: accounts, the weighted cure rate and mean collected per account with standard
errors (``experiment_stats``: weights are inverse assignment probabilities). **Per challenger**
(and the hold-out): the difference from the champion with its confidence interval and p-value,
and the accounts per arm the test needs to detect that difference with the given power — and
how many more that is than the arm has now.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import polars as pl

from arrears.analytics.experiment_stats import Estimate, difference, hajek, sample_size
from arrears.analytics.inputs import collected
from arrears.analytics.partials import combine
from arrears.analytics.snapshots import CHARGED_OFF

KEYS = ["experiment", "arm"]
OUTCOMES = {"cured": "cure rate", "collected_minor": "collected per account"}


def entrants(
    decisions: pl.DataFrame, arms: pl.DataFrame, *, as_of: date, outcome_days: int
) -> pl.DataFrame:
    """``loan_id``, ``experiment``, ``arm``, ``weight``, ``entered_on``, ``outcome_on``."""
    segments = arms.select("experiment", "segment").unique()
    last_entry = as_of - timedelta(days=outcome_days)
    return (
        decisions.filter(pl.col("experiment").is_not_null() & (pl.col("as_of") <= last_entry))
        .join(segments, on=["experiment", "segment"], how="semi")
        .sort("as_of")
        .group_by("experiment", "loan_id", maintain_order=True)
        .first()
        .select(
            "loan_id",
            "experiment",
            "arm",
            (1.0 / pl.col("arm_probability")).fill_null(1.0).alias("weight"),
            pl.col("as_of").alias("entered_on"),
            (pl.col("as_of") + timedelta(days=outcome_days)).alias("outcome_on"),
        )
    )


def outcome_partial(
    entered: pl.DataFrame, outcome_states: pl.DataFrame, payments: pl.DataFrame
) -> pl.DataFrame:
    """Weighted sums per (experiment, arm). ``outcome_states`` are ``snapshots`` rows of the
    entrants on their ``outcome_on`` dates."""
    states = outcome_states.select(
        "loan_id",
        pl.col("as_of").alias("outcome_on"),
        ((pl.col("dpd") == 0) & (pl.col("segment") != CHARGED_OFF)).alias("cured"),
    )
    paid = (
        entered.select("loan_id", "entered_on", "outcome_on")
        .unique()
        .join(payments.filter(collected()), on="loan_id")
        .filter(
            (pl.col("effective_date") > pl.col("entered_on"))
            & (pl.col("effective_date") <= pl.col("outcome_on"))
        )
        .group_by("loan_id", "entered_on")
        .agg(pl.col("amount_minor").sum().cast(pl.Int64).alias("collected_minor"))
    )
    rows = (
        entered.join(states, on=["loan_id", "outcome_on"], how="left")
        .join(paid, on=["loan_id", "entered_on"], how="left")
        .with_columns(pl.col("cured").fill_null(False), pl.col("collected_minor").fill_null(0))
    )
    w = pl.col("weight")
    sums = [pl.len().cast(pl.Int64).alias("n"), w.sum().alias("sw"), (w * w).sum().alias("sw2")]
    for outcome in OUTCOMES:
        y = pl.col(outcome).cast(pl.Float64)
        sums += [
            (w * y).sum().alias(f"{outcome}_swy"),
            (w * w * y).sum().alias(f"{outcome}_sw2y"),
            (w * w * y * y).sum().alias(f"{outcome}_sw2y2"),
            pl.col(outcome).cast(pl.Int64).sum().alias(f"{outcome}_total"),
        ]
    return rows.group_by(KEYS).agg(sums)


def _estimate(row: dict[str, float], outcome: str) -> Estimate:
    return hajek(
        n=int(row["n"]),
        sw=row["sw"],
        swy=row[f"{outcome}_swy"],
        sw2=row["sw2"],
        sw2y=row[f"{outcome}_sw2y"],
        sw2y2=row[f"{outcome}_sw2y2"],
    )


def arm_results(parts: Sequence[pl.DataFrame], arms: pl.DataFrame) -> pl.DataFrame:
    """One row per (experiment, arm): role, accounts, cure rate and mean collected with SEs."""
    combined = combine(parts, KEYS)
    roles = arms.select("experiment", "arm", "role").unique()
    rows = []
    for row in combined.iter_rows(named=True):
        cure, collected = _estimate(row, "cured"), _estimate(row, "collected_minor")
        rows.append(
            {
                "experiment": row["experiment"],
                "arm": row["arm"],
                "accounts": int(row["n"]),
                "cured": int(row["cured_total"]),
                "cure_rate": cure.mean,
                "cure_rate_se": cure.se,
                "collected_minor": int(row["collected_minor_total"]),
                "mean_collected": collected.mean,
                "mean_collected_minor": None
                if collected.mean != collected.mean
                else round(collected.mean),
                "collected_se": collected.se,
                "cure_variance": cure.variance,
                "collected_variance": collected.variance,
            }
        )
    if not rows:
        return pl.DataFrame()
    frame = pl.DataFrame(rows).join(roles, on=["experiment", "arm"], how="left")
    role_rank = pl.col("role").replace_strict(
        {"champion": 0, "challenger": 1, "holdout": 2}, default=3, return_dtype=pl.Int32
    )
    return frame.sort("experiment", role_rank, "arm")


def comparisons(
    results: pl.DataFrame, *, confidence: float, power: float, effect: float | None = None
) -> pl.DataFrame:
    """Each non-champion arm against its experiment's champion, for both outcomes.

    ``effect`` (an absolute cure-rate difference) sets the effect the sample size is computed
    for; by default it is the observed difference.
    """
    rows = []
    for experiment in results["experiment"].unique(maintain_order=True).to_list():
        arms = results.filter(pl.col("experiment") == experiment).to_dicts()
        champion = next((a for a in arms if a["role"] == "champion"), None)
        if champion is None:
            continue
        for arm in (a for a in arms if a is not champion):
            for outcome, (mean, se, variance) in {
                "cure rate": ("cure_rate", "cure_rate_se", "cure_variance"),
                "collected per account": ("mean_collected", "collected_se", "collected_variance"),
            }.items():
                rows.append(
                    _compare(
                        experiment,
                        arm,
                        champion,
                        outcome=outcome,
                        columns=(mean, se, variance),
                        confidence=confidence,
                        power=power,
                        effect=effect if outcome == "cure rate" else None,
                    )
                )
    return pl.DataFrame(rows) if rows else pl.DataFrame()


def _compare(
    experiment: str,
    arm: dict[str, object],
    champion: dict[str, object],
    *,
    outcome: str,
    columns: tuple[str, str, str],
    confidence: float,
    power: float,
    effect: float | None,
) -> dict[str, object]:
    mean, se, variance = columns

    def estimate(row: dict[str, object]) -> Estimate:
        return Estimate(int(_number(row["accounts"])), _number(row[mean]), _number(row[se]))

    challenger_estimate, champion_estimate = estimate(arm), estimate(champion)
    found = difference(challenger_estimate, champion_estimate, confidence=confidence)
    size = sample_size(
        champion_variance=_number(champion[variance]),
        challenger_variance=_number(arm[variance]),
        effect=effect if effect is not None else found.value,
        alpha=1 - confidence,
        power=power,
        ratio=challenger_estimate.n / champion_estimate.n if champion_estimate.n else 0.0,
    )
    needed_champion, needed_arm = size if size else (None, None)
    still = (
        None
        if size is None
        else max(0, size[0] - champion_estimate.n) + max(0, size[1] - challenger_estimate.n)
    )
    verdict = (
        "not enough data"
        if found.p_value != found.p_value
        else ("better than the champion" if found.value > 0 else "worse than the champion")
        if found.significant
        else "no significant difference"
    )
    return {
        "experiment": experiment,
        "arm": arm["arm"],
        "role": arm["role"],
        "outcome": outcome,
        "difference": found.value,
        "ci_low": found.low,
        "ci_high": found.high,
        "p_value": found.p_value,
        "verdict": verdict,
        "needed_champion": needed_champion,
        "needed_arm": needed_arm,
        "still_needed": still,
    }


def _number(value: object) -> float:
    """A numeric cell of ``arm_results`` (NaN when missing)."""
    return float(value) if isinstance(value, int | float) else float("nan")
