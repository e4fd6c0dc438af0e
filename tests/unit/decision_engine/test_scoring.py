"""Scoring models: versioned JSON artefacts, scores with reasons, values per treatment."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from arrears.batch.scoring.apply import round_minor, score_accounts, treatment_values
from arrears.batch.scoring.calibration import auc, calibration, expected_calibration_error
from arrears.batch.scoring.inputs import SCORING_INPUTS
from arrears.batch.scoring.model import RecoveryModel, model_from_json
from support.decision_engine import hand_made_model


def model(*, lift: float = 1.0) -> RecoveryModel:
    return hand_made_model(lifts={"agent_call": lift, "reminder_sms": 0.0}, name="test")


def inputs() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "loan_id": [1, 2, 3],
            "product": ["card", "auto", "personal"],
            "dpd": [10, 200, 45],
            "balance_minor": [100_000, 500_000, 0],
            "past_due_minor": [10_000, 500_000, 0],
            "charged_off": [False, True, False],
            "days_since_contact": [None, 3, 40],
            "days_since_conversation": [None, None, 10],
            "days_since_payment": [5, None, 100],
            "paid_90d_minor": [50_000, 0, 0],
            "has_mobile": [True, False, True],
            "sms_consent": [True, False, False],
            "has_email": [False, True, True],
            "has_phone": [True, True, False],
            "ltv_bp": [None, 9_000, None],
            "promise": ["none", "broken", None],
            "plan": ["none", "none", "active"],
        },
        schema=SCORING_INPUTS,
    )


def test_the_artefact_round_trips_and_its_version_names_its_content() -> None:
    """JSON out and in gives the same digest and version; changing a number is detected."""
    original = model()
    loaded = model_from_json(original.to_json())
    assert loaded.version == original.version
    assert loaded.digest == original.digest
    assert loaded.version.startswith("test-20260630-")
    assert model(lift=2.0).version != original.version
    tampered = original.to_json().replace('"rows": 1000', '"rows": 1001')
    with pytest.raises(ValueError, match="digest"):
        model_from_json(tampered)


def test_scores_reasons_and_version_per_account() -> None:
    """Recent payers score higher; the 180+ account's reasons name days past due."""
    scores = score_accounts(model(), inputs())
    assert scores.columns[:2] == ["loan_id", "score"]
    assert {"p_pay_30d", "expected_90d_minor", "reasons", "model_version"} <= set(scores.columns)
    by_loan = dict(zip(scores["loan_id"], scores["score"], strict=True))
    assert by_loan[1] > by_loan[3] > by_loan[2]
    assert "days past due" in scores.filter(pl.col("loan_id") == 2)["reasons"][0]
    assert scores["expected_30d_minor"].dtype == pl.Int64
    assert scores.filter(pl.col("loan_id") == 3)["expected_30d_minor"][0] == 0  # no balance


def test_treatment_values_are_uplift_less_cost() -> None:
    """A call the model says lifts paying is worth more than its cost on a large balance; a
    treatment the model does not know is worth minus its cost."""
    menu = pl.DataFrame(
        {"loan_id": [1, 1, 2], "treatment": ["agent_call", "reminder_letter", "agent_call"],
         "cost_minor": [300, 85, 300]}
    )  # fmt: skip
    valued = treatment_values(model(), inputs(), menu, days=30, annual_rate=0.08)
    call = valued.filter((pl.col("loan_id") == 1) & (pl.col("treatment") == "agent_call"))
    letter = valued.filter(pl.col("treatment") == "reminder_letter")
    assert call["value"][0] > 0
    assert letter["value"][0] == pytest.approx(-85)


def test_rounding_to_minor_units_is_half_away_from_zero() -> None:
    """The named rounding point: 2.5 → 3, -2.5 → -3, 2.4 → 2."""
    assert round_minor(np.array([2.5, -2.5, 2.4, 0.0])).tolist() == [3, -3, 2, 0]


def test_calibration_checks() -> None:
    """Perfect ranking has AUC 1; a calibrated model has a small expected calibration error."""
    rng = np.random.default_rng(0)
    p = rng.uniform(size=20_000)
    y = (rng.uniform(size=p.size) < p).astype(float)
    assert auc(np.array([0.1, 0.2, 0.8, 0.9]), np.array([0, 0, 1, 1.0])) == 1.0
    assert expected_calibration_error(calibration(p, y)) < 0.02
    assert expected_calibration_error(calibration(np.clip(p + 0.2, 0, 1), y)) > 0.1
