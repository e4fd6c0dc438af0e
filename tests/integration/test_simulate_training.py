"""Scores trained on simulated history: calibrated on held-out accounts, and on another seed."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl
import pytest

from arrears.batch.scoring.apply import score_accounts
from arrears.batch.scoring.calibration import auc, calibration, expected_calibration_error
from arrears.batch.scoring.train import outcome_column
from arrears.services.simulate import DEFAULT_START, open_book, run_policy, train_on_simulation
from arrears.services.simulate_day import Policy
from arrears.services.simulate_fairness import fairness_report
from arrears.strategy.check import default_strategy

pytest.importorskip("sklearn")

ACCOUNTS, DAYS = 500, 150


@pytest.fixture(scope="module")
def trained():  # type: ignore[no-untyped-def]
    return train_on_simulation(
        Policy("default", default_strategy()), accounts=ACCOUNTS, days=DAYS, seed=21,
        horizons=(30, 60),
    )  # fmt: skip


def test_the_model_is_calibrated_on_held_out_accounts(trained) -> None:  # type: ignore[no-untyped-def]
    """On the accounts held out of training the chance of paying within 30 days ranks payers
    above non-payers and is calibrated within a few points."""
    model, _history = trained
    checks = model.metrics["holdout"]["30d"]
    assert checks["rows"] > 500
    assert checks["auc"] > 0.65
    assert checks["ece"] < 0.12
    assert abs(checks["predicted_rate"] - checks["observed_rate"]) < 0.1


def test_the_model_is_the_average_of_fits_each_leaving_a_fifth_out(trained) -> None:  # type: ignore[no-untyped-def]
    """Cross-fitting: the checks score every training decision, each by the fit that left its
    account out (one held-out fifth would score about a fifth of them)."""
    model, history = trained
    for horizon in ("30d", "60d"):
        assert model.metrics["holdout"][horizon]["rows"] == history.height


def test_a_model_trained_on_one_seed_holds_on_another(trained) -> None:  # type: ignore[no-untyped-def]
    """Scored on the exploration history of a different book (seed 22), the model still ranks
    and is calibrated: it learned behaviour, not the training book."""
    model, _history = trained
    other = run_policy(
        Policy("explore", default_strategy(), explore=True),
        opening=open_book(accounts=ACCOUNTS, seed=22, start=DEFAULT_START),
        seed=22, days=DAYS, horizons=(30, 60),
    ).training  # fmt: skip
    assert other is not None
    scores = score_accounts(model, other)
    paid = (other[outcome_column(30)] > 0).cast(pl.Float64).to_numpy()
    predicted = scores["score"].to_numpy()
    assert auc(predicted, paid) > 0.65
    assert expected_calibration_error(calibration(predicted, paid)) < 0.1


def test_treatment_effects_are_estimated_with_logged_propensities(trained) -> None:  # type: ignore[no-untyped-def]
    """Training rows carry the exploration policy's chance of each choice; the model knows the
    treatments explored often enough, with finite effects."""
    model, history = trained
    assert history["propensity"].is_between(0, 1, closed="right").all()
    assert (history["propensity"] < 1).any()
    assert "agent_call" in model.treatments
    assert np.isfinite(model.horizons[0].pay.treatment).all()


def test_the_fairness_report_shows_age_bands_and_regions(trained) -> None:  # type: ignore[no-untyped-def]
    """Outcomes by age band and ZIP region, with ratios to the best-served group."""
    model, history = trained
    opening = open_book(accounts=ACCOUNTS, seed=21, start=DEFAULT_START)
    report = fairness_report(model, history, opening, on=date(2026, 3, 2))
    assert set(report) == {"age band", "region"}
    regions = set(report["region"]["region"].to_list())
    assert regions & {"Northeast", "Midwest", "South", "West"}
    assert report["age band"]["actual_ratio"].max() == pytest.approx(1.0)
    assert {"predicted", "actual", "treated", "gap"} <= set(report["region"].columns)
    assert not set(model.columns) & {"age", "zip", "region", "state"}
