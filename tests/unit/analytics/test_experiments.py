"""Who is in an experiment, their outcomes and the comparison with the champion, by hand."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from arrears.analytics import experiments
from arrears.analytics.inputs import DECISIONS, EXPERIMENT_ARMS, PAYMENTS
from arrears.analytics.snapshots import SNAPSHOTS

D = date
AS_OF = D(2026, 6, 30)
ARMS = pl.DataFrame(
    [
        {"experiment": "x", "segment": "early", "arm": a, "role": r}
        for a, r in (("champion", "champion"), ("fast", "challenger"), ("holdout", "holdout"))
    ],
    schema=EXPERIMENT_ARMS,
)


def decision(loan: int, day: date, arm: str, *, segment: str = "early", p: float = 0.5) -> dict:
    return {
        "loan_id": loan,
        "as_of": day,
        "segment": segment,
        "experiment": "x",
        "arm": arm,
        "arm_probability": p,
    }


def test_entrants_enter_once_in_the_experiment_segments_with_a_full_outcome_window() -> None:
    """Loan 1's first decision in segment 'early' is 2 May (the 1 May one was in 'late');
    loan 2 entered on 10 Jun, too late for 30 outcome days by 30 Jun; loan 3 never was in
    'early'."""
    decisions = pl.DataFrame(
        [
            decision(1, D(2026, 5, 1), "fast", segment="late"),
            decision(1, D(2026, 5, 2), "fast"),
            decision(1, D(2026, 5, 3), "fast"),
            decision(2, D(2026, 6, 10), "champion"),
            decision(3, D(2026, 5, 1), "champion", segment="late"),
        ],
        schema=DECISIONS,
    )
    found = experiments.entrants(decisions, ARMS, as_of=AS_OF, outcome_days=30)
    assert found.to_dicts() == [
        {
            "loan_id": 1,
            "experiment": "x",
            "arm": "fast",
            "weight": 2.0,
            "entered_on": D(2026, 5, 2),
            "outcome_on": D(2026, 6, 1),
        },
    ]


def _outcome(loan: int, day: date, *, dpd: int, segment: str = "current") -> dict:
    return {
        "as_of": day,
        "loan_id": loan,
        "segment": segment,
        "dpd": dpd,
        "past_due_minor": 0,
        "outstanding_minor": 1,
        "dofd": None,
        "product": "personal",
        "vintage": "2026Q1",
    }


def test_arm_outcomes_and_the_comparison_with_the_champion() -> None:
    """Champion: loans 1–4 (p = 0.5), loans 1 and 2 cured (2/4 = 0.5), loan 1 paid 100.00 and
    loan 3 paid 60.00 in their outcome windows (mean 40.00). Challenger 'fast': loans 5–8
    (p = 0.5), three cured (0.75), loan 5 paid 200.00 (mean 50.00); a payment by loan 6 on its
    entry day does not count. Cure difference 0.25 with SE √(0.25/4 + 0.1875/4) = 0.33072;
    interval 0.25 ± 1.96 × 0.33072 = [−0.3982, 0.8982] includes 0: no significant difference. To detect 0.25 with
    80% power: n = 7.849 (0.25 + 0.1875) / 0.0625 = 54.9 → 55 per arm, 102 more in all."""
    day = D(2026, 5, 1)
    entered = pl.DataFrame(
        [
            {
                "loan_id": n,
                "experiment": "x",
                "arm": "champion" if n <= 4 else "fast",
                "weight": 2.0,
                "entered_on": day,
                "outcome_on": day + timedelta(days=30),
            }
            for n in range(1, 9)
        ]
    )
    cured = {1, 2, 5, 6, 7}
    states = pl.DataFrame(
        [
            _outcome(
                n,
                day + timedelta(days=30),
                dpd=0 if n in cured else 35,
                segment="current" if n in cured else "30-59",
            )
            for n in range(1, 9)
        ],
        schema=SNAPSHOTS,
    )
    payments = pl.DataFrame(
        {
            "loan_id": [1, 3, 5, 6],
            "effective_date": [D(2026, 5, 10), D(2026, 5, 31), D(2026, 5, 2), day],
            "amount_minor": [100_00, 60_00, 200_00, 999_00],
            "good": [True] * 4,
            "cash": [True] * 4,
        },
        schema=PAYMENTS,
    )
    partial = experiments.outcome_partial(entered, states, payments)
    arms = experiments.arm_results([partial], ARMS)
    champion, fast = arms.row(0, named=True), arms.row(1, named=True)
    assert (champion["arm"], champion["accounts"], champion["cured"]) == ("champion", 4, 2)
    assert champion["cure_rate"] == 0.5
    assert champion["cure_rate_se"] == pytest.approx(0.25)  # √(0.5·0.5/4)
    assert (champion["collected_minor"], champion["mean_collected_minor"]) == (160_00, 40_00)
    assert (fast["cure_rate"], fast["mean_collected_minor"]) == (0.75, 50_00)
    compared = experiments.comparisons(arms, confidence=0.95, power=0.8).row(0, named=True)
    assert compared["outcome"] == "cure rate"
    assert compared["difference"] == pytest.approx(0.25)
    assert compared["ci_low"] == pytest.approx(0.25 - 1.959964 * 0.330719, abs=1e-5)
    assert compared["verdict"] == "no significant difference"
    assert (compared["needed_champion"], compared["needed_arm"]) == (55, 55)
    assert compared["still_needed"] == 102


def test_a_fixed_effect_sets_the_sample_size() -> None:
    """Asking for 0.05 instead of the observed 0.25: 7.849 × 0.4375 / 0.0025 = 1 373.5 → 1 374."""
    arms = pl.DataFrame(
        [
            {
                "experiment": "x",
                "arm": "champion",
                "role": "champion",
                "accounts": 4,
                "cure_rate": 0.5,
                "cure_rate_se": 0.25,
                "cure_variance": 0.25,
                "mean_collected": 0.0,
                "collected_se": 0.0,
                "collected_variance": 0.0,
            },
            {
                "experiment": "x",
                "arm": "fast",
                "role": "challenger",
                "accounts": 4,
                "cure_rate": 0.75,
                "cure_rate_se": 0.216506,
                "cure_variance": 0.1875,
                "mean_collected": 0.0,
                "collected_se": 0.0,
                "collected_variance": 0.0,
            },
        ]
    )
    compared = experiments.comparisons(arms, confidence=0.95, power=0.8, effect=0.05)
    assert compared.row(0, named=True)["needed_arm"] == 1374
