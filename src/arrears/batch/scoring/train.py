"""Training the recovery model on the portfolio's own decisions and what followed them.

Each training row is an account on a decision day: its inputs then, the treatment it got that
day (``none`` for nothing) with the logged probability of getting it (``propensity``: the
experiment arm's share, or the exploration policy's chance), and what it paid over each
horizon after that day. Rows are weighted by the inverse of the propensity, so each treatment
is compared with the others on the same mix of accounts as if it had been assigned at random
(inverse-propensity weighting; weights are capped at ``MAX_WEIGHT`` to bound the variance).

The accounts are split in ``FOLDS`` by a hash of their id (all an account's days stay
together); each fold's fit leaves one fold out, and the model is the average of the fits
(cross-fitted bagging). One fit's treatment effects move a lot with which accounts it happened
to see — in simulation, two fits of one history differing only in their held-out fifth led the
optimiser to uplifts 10 points apart — and averaging the fits takes most of that chance out of
the decisions. The calibration, discrimination and recovery checks are measured on each fold's
left-out accounts with the fit that did not see them (out-of-fold).

Each stage is an L2-penalised logistic regression (scikit-learn, on standardised columns,
coefficients brought back to the original scale); the share collected given a
payment is a *fractional* logistic regression, fitted as two weighted copies of each payer's
row (label 1 with weight ``share``, label 0 with weight ``1 − share``).

The fits run with one BLAS thread: each iteration multiplies a matrix of some ten thousand rows
by a vector, too little work to share, and OpenBLAS's threads waiting on each other made a fit
of 10,000 × 70 take 1.8 s on two cores where one thread takes 0.1 s
(``bench/scoring_fit.py``)."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import polars as pl
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from arrears.batch.scoring.apply import sigmoid
from arrears.batch.scoring.calibration import summary
from arrears.batch.scoring.inputs import (
    COLUMNS,
    EFFECT_TERMS,
    GROUPS,
    conform_inputs,
    design,
    effect_terms,
)
from arrears.batch.scoring.model import Head, Horizon, RecoveryModel

Vector = NDArray[np.float64]
MAX_WEIGHT: Final = 20.0
FOLDS: Final = 5
MIN_ROWS_PER_TREATMENT: Final = 30
MIN_ROWS_FOR_EFFECTS: Final = 1_000
"""A treatment's effect varies with the account's terms only with this many rows behind it;
rarer treatments get one main effect (their varying effects stay 0)."""
NONE: Final = "none"


def outcome_column(days: int) -> str:
    return f"collected_{days}d_minor"


def train_model(
    history: pl.DataFrame,
    *,
    name: str = "recovery",
    horizons: tuple[int, ...] = (30, 90),
    max_rows: int = 250_000,
    penalty: float = 1.0,
    seed: int = 0,
) -> RecoveryModel:
    """A model from ``history`` (``SCORING_INPUTS`` + ``as_of``, ``treatment``,
    ``propensity`` and ``collected_<h>d_minor`` for each horizon)."""
    if history.is_empty():
        raise ValueError("no training rows")
    rows = history.sample(n=min(max_rows, history.height), seed=seed, shuffle=False)
    counts = rows.group_by("treatment").len()
    treatments = tuple(sorted(
        t for t, n in counts.iter_rows() if t not in (None, NONE) and n >= MIN_ROWS_PER_TREATMENT
    ))  # fmt: skip
    fold = _folds(rows["loan_id"])
    inputs = conform_inputs(rows)
    x, z = design(inputs), effect_terms(inputs)
    assigned = rows["treatment"].fill_null(NONE).to_list()
    index = {t: i for i, t in enumerate(treatments)}
    t_index = np.array([index.get(t, -1) for t in assigned])
    varying = np.array([dict(counts.iter_rows()).get(t, 0) >= MIN_ROWS_FOR_EFFECTS
                        for t in treatments], dtype=bool)  # fmt: skip
    full = _full_design(x, z, t_index, len(treatments))
    keep = np.r_[np.ones(x.shape[1] + len(treatments), dtype=bool),
                 np.repeat(varying, z.shape[1])]  # fmt: skip
    full = full[:, keep]
    weight = np.clip(1.0 / rows["propensity"].fill_null(1.0).to_numpy(), 1.0, MAX_WEIGHT)
    weight = weight / weight.mean()
    balance = rows["balance_minor"].to_numpy().clip(min=1).astype(np.float64)
    folds = [k for k in range(FOLDS) if (fold == k).any()]
    fitted, metrics = [], {}
    for days in horizons:
        collected = rows[outcome_column(days)].fill_null(0).to_numpy().astype(np.float64)
        paid = (collected > 0).astype(np.float64)
        share_target = np.clip(collected / balance, 0, 1)
        pays: list[Vector] = []
        shares: list[Vector] = []
        p_out, expected_out = np.zeros(rows.height), np.zeros(rows.height)
        for k in folds:
            seen, left = fold != k, fold == k
            pay = _fit(full[seen], paid[seen], weight[seen], penalty=penalty)
            payers = seen & (paid > 0)
            share = _fit_fraction(full[payers], share_target[payers], weight[payers],
                                  penalty=penalty)  # fmt: skip
            pays.append(pay)
            shares.append(share)
            p_out[left] = sigmoid(full[left] @ pay)
            expected_out[left] = p_out[left] * sigmoid(full[left] @ share) * balance[left]
        pay = _expand(np.mean(pays, axis=0), keep)
        share = _expand(np.mean(shares, axis=0), keep)
        heads = (_head(pay, x.shape[1], len(treatments)), _head(share, x.shape[1], len(treatments)))
        fitted.append(Horizon(days, *heads))
        metrics[f"{days}d"] = _checks(p_out, paid, expected_out, collected)
    dates = rows["as_of"]
    return RecoveryModel(
        name=name, columns=COLUMNS, groups=GROUPS, effect_terms=EFFECT_TERMS,
        treatments=treatments, horizons=tuple(fitted), means=x.mean(axis=0),
        trained_from=dates.min(), trained_to=dates.max(),  # type: ignore[arg-type]
        rows=rows.height, metrics={"holdout": metrics, "treatment_rows": dict(counts.iter_rows())},
    ).sealed()  # fmt: skip


def _folds(loan_ids: pl.Series) -> NDArray[np.int64]:
    """Each row's fold (0 to ``FOLDS`` − 1), by a stable hash of its account's id (all its rows
    together)."""
    ids = loan_ids.to_numpy().astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = (ids * np.uint64(0x9E3779B97F4A7C15)) >> np.uint64(40)
    fold: NDArray[np.int64] = (mixed % np.uint64(FOLDS)).astype(np.int64)
    return fold


def _full_design(x: Vector, z: Vector, t_index: NDArray[np.int64], count: int) -> Vector:
    """``[x, one-hot(t), one-hot(t) ⊗ z]``: base, treatment and varying-effect columns."""
    rows, effects = x.shape[0], z.shape[1]
    treatment = np.zeros((rows, count))
    interaction = np.zeros((rows, count * effects))
    given = np.flatnonzero(t_index >= 0)
    treatment[given, t_index[given]] = 1.0
    for e in range(effects):
        interaction[given, t_index[given] * effects + e] = z[given, e]
    return np.hstack([x, treatment, interaction])


def _expand(coef: Vector, keep: NDArray[np.bool_]) -> Vector:
    """Coefficients over every design column (0 for the columns left out)."""
    full = np.zeros(keep.size)
    full[keep] = coef
    return full


def _fit(features: Vector, labels: Vector, weights: Vector, *, penalty: float) -> Vector:
    """Coefficients on the original scale."""
    from sklearn.linear_model import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        LogisticRegression,
    )

    if labels.min(initial=1.0) == labels.max(initial=0.0):  # one class only: a constant
        coef = np.zeros(features.shape[1])
        rate = float(np.clip(labels.mean() if labels.size else 0.5, 1e-4, 1 - 1e-4))
        coef[0] = np.log(rate / (1 - rate))
        return coef
    scale = features.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)  # the intercept and empty columns stay as they are
    model = LogisticRegression(C=penalty, fit_intercept=False, max_iter=1_000, tol=1e-5)
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(features / scale, labels, sample_weight=weights)
    fitted: Vector = np.asarray(model.coef_[0], dtype=np.float64) / scale
    return fitted


def _fit_fraction(features: Vector, share: Vector, weights: Vector, *, penalty: float) -> Vector:
    both = np.vstack([features, features])
    labels = np.r_[np.ones(share.size), np.zeros(share.size)]
    weighted = np.r_[weights * share, weights * (1 - share)]
    keep = weighted > 0
    return _fit(both[keep], labels[keep], weighted[keep], penalty=penalty)


def _head(coef: Vector, columns: int, treatments: int) -> Head:
    effects = (coef.size - columns - treatments) // max(treatments, 1) if treatments else 0
    return Head(
        base=coef[:columns],
        treatment=coef[columns : columns + treatments],
        effect=coef[columns + treatments :].reshape(treatments, effects)
        if treatments
        else np.zeros((0, len(EFFECT_TERMS))),
    )


def _checks(p: Vector, paid: Vector, expected: Vector, collected: Vector) -> dict[str, Any]:
    """Calibration and discrimination of the chance of paying, and expected vs actual
    collections, from out-of-fold predictions."""
    found = summary(p, paid)
    found["expected_collected"] = float(expected.sum())
    found["actual_collected"] = float(collected.sum())
    return found
