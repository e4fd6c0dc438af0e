"""Checks of a probability model on data it was not trained on.

``calibration`` groups accounts into equal-count bins of predicted chance and compares the mean
prediction with the observed rate in each (a well calibrated model says 30% where 30% pay);
``expected_calibration_error`` is the count-weighted mean gap. ``auc`` is the chance that a
payer is ranked above a non-payer (ties count half), from ranks; ``brier`` the mean squared
error of the chances. Weighted versions take inverse-propensity weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]


def calibration(
    predicted: Vector, observed: Vector, *, bins: int = 10, weights: Vector | None = None
) -> list[dict[str, float]]:
    """Per bin of predicted chance: count, mean predicted and observed rate."""
    w = np.ones_like(predicted) if weights is None else weights
    order = np.argsort(predicted, kind="stable")
    table = []
    for part in np.array_split(order, bins):
        if part.size == 0:
            continue
        total = float(w[part].sum())
        table.append(
            {
                "count": float(part.size),
                "predicted": float(np.dot(w[part], predicted[part]) / total),
                "observed": float(np.dot(w[part], observed[part]) / total),
            }
        )
    return table


def expected_calibration_error(table: list[dict[str, float]]) -> float:
    count = sum(row["count"] for row in table)
    return sum(row["count"] * abs(row["predicted"] - row["observed"]) for row in table) / count


def auc(predicted: Vector, observed: Vector) -> float:
    positives = observed > 0.5
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(predicted, kind="mergesort")
    ranks = np.empty(predicted.size)
    sorted_values = predicted[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], sorted_values.size]
    average = (starts + ends + 1) / 2.0  # 1-based average rank of each tie group
    ranks[order] = np.repeat(average, ends - starts)
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def brier(predicted: Vector, observed: Vector) -> float:
    return float(np.mean((predicted - observed) ** 2))


def summary(predicted: Vector, observed: Vector, *, bins: int = 10) -> dict[str, Any]:
    table = calibration(predicted, observed, bins=bins)
    return {
        "rows": int(predicted.size),
        "observed_rate": float(observed.mean()) if observed.size else float("nan"),
        "predicted_rate": float(predicted.mean()) if predicted.size else float("nan"),
        "auc": auc(predicted, observed),
        "brier": brier(predicted, observed),
        "ece": expected_calibration_error(table),
        "bins": table,
    }
