"""Scoring accounts with a trained model, and valuing each candidate treatment.

Pure NumPy over partitions of any size (10 million accounts in a few chunks): the design
matrix times the coefficients. Expected amounts are floats until ``round_minor``, the one place
they become whole cents for storage. ``reasons`` are the three groups of inputs that pull the
account's chance of paying down the most against the training average (adverse-action style
reason codes: "days past due", "last payment", …).
"""

from __future__ import annotations

import numpy as np
import polars as pl
from numpy.typing import NDArray

from arrears.batch.scoring.inputs import conform_inputs, design, effect_terms
from arrears.batch.scoring.model import Head, RecoveryModel

CHUNK = 1_000_000
REASONS = 3
Vector = NDArray[np.float64]


def sigmoid(x: Vector) -> Vector:
    out: Vector = 1.0 / (1.0 + np.exp(-np.clip(x, -40, 40)))
    return out


def round_minor(amounts: Vector) -> NDArray[np.int64]:
    """Expected amounts (floats) to whole minor units, half away from zero: where they are
    stored."""
    magnitude = np.floor(np.abs(amounts) + 0.5).astype(np.int64)
    rounded: NDArray[np.int64] = np.where(amounts < 0, -magnitude, magnitude)
    return rounded


def logits(head: Head, x: Vector, z: Vector, treatment: int | None) -> Vector:
    """The layer's log-odds with treatment ``treatment`` (an index) or none."""
    base: Vector = x @ head.base
    if treatment is None:
        return base
    treated: Vector = base + head.treatment[treatment] + z @ head.effect[treatment]
    return treated


def score_accounts(model: RecoveryModel, inputs: pl.DataFrame) -> pl.DataFrame:
    """Per account: ``score`` (chance of paying within the first horizon), chance and expected
    amount for each horizon, the reason codes and the model version."""
    parts = [_score(model, conform_inputs(inputs.slice(start, CHUNK)))
             for start in range(0, max(inputs.height, 1), CHUNK)]  # fmt: skip
    return pl.concat(parts) if parts else pl.DataFrame()


def _score(model: RecoveryModel, frame: pl.DataFrame) -> pl.DataFrame:
    """One pass over the design matrix: every head's base log-odds and every reason group's
    contribution come out of a single matrix product."""
    x = design(frame)
    weights, groups = _reason_weights(model)
    heads = [h for horizon in model.horizons for h in (horizon.pay, horizon.share)]
    product = x @ np.column_stack([*(h.base for h in heads), weights])
    balance = frame["balance_minor"].to_numpy().clip(min=0).astype(np.float64)
    columns: dict[str, object] = {"loan_id": frame["loan_id"]}
    for number, horizon in enumerate(model.horizons):
        pay = sigmoid(product[:, 2 * number])
        share = sigmoid(product[:, 2 * number + 1])
        if number == 0:
            columns["score"] = pay
        columns[f"p_pay_{horizon.days}d"] = pay
        columns[f"expected_{horizon.days}d_minor"] = round_minor(pay * share * balance)
    contributions = product[:, len(heads) :] - model.means @ weights
    columns["reasons"] = _reasons(contributions, groups)
    columns["model_version"] = pl.Series([model.version] * frame.height, dtype=pl.String)
    return pl.DataFrame(columns)


def _reason_weights(model: RecoveryModel) -> tuple[Vector, list[str]]:
    """(C, G): column ``c``'s weight in group ``g``'s contribution to the chance of paying."""
    head = model.horizons[0].pay
    groups = sorted(set(model.groups) - {"intercept"})
    member = np.array([[g == name for name in groups] for g in model.groups], dtype=np.float64)
    return head.base[:, None] * member, groups


def _reasons(by_group: Vector, groups: list[str]) -> pl.Series:
    """The ``REASONS`` groups pulling the chance of paying down the most, as ``a;b;c`` text.

    Each row's choice is packed into one integer (a digit per reason, base groups + 1 for
    "no more reasons"), and only the distinct codes are spelled out.
    """
    count = min(REASONS, by_group.shape[1])
    head = np.argpartition(by_group, count - 1, axis=1)[:, :count]
    within = np.argsort(np.take_along_axis(by_group, head, axis=1), axis=1)
    order = np.take_along_axis(head, within, axis=1)
    negative = np.take_along_axis(by_group, order, axis=1) < 0
    base = len(groups) + 1
    digits = np.where(negative, order, len(groups))
    codes = sum(digits[:, i].astype(np.int64) * base ** (count - 1 - i) for i in range(count))
    names = [*groups, ""]
    spelled = {}
    for code in np.unique(codes).tolist():
        parts = [names[(code // base ** (count - 1 - i)) % base] for i in range(count)]
        spelled[code] = ";".join(p for p in parts if p)
    return pl.Series(codes).replace_strict(spelled, return_dtype=pl.String)


def expected_collections(
    model: RecoveryModel, inputs: pl.DataFrame, treatments: list[str | None], *, days: int
) -> Vector:
    """(n, T) expected collections within the horizon nearest ``days`` for each account under
    each treatment (``None``: no treatment today); treatments the model does not know are
    valued as no treatment."""
    frame = conform_inputs(inputs)
    x, z = design(frame), effect_terms(frame)
    balance = frame["balance_minor"].to_numpy().clip(min=0).astype(np.float64)
    horizon = model.horizon(days)
    known = {t: i for i, t in enumerate(model.treatments)}
    out = np.empty((frame.height, len(treatments)))
    for column, treatment in enumerate(treatments):
        index = known.get(treatment) if treatment is not None else None
        pay = sigmoid(logits(horizon.pay, x, z, index))
        share = sigmoid(logits(horizon.share, x, z, index))
        out[:, column] = pay * share * balance
    return out


def treatment_values(
    model: RecoveryModel,
    inputs: pl.DataFrame,
    menu: pl.DataFrame,
    *,
    days: int,
    annual_rate: float,
) -> pl.DataFrame:
    """``menu`` (``loan_id``, ``treatment``, ``cost_minor``) with ``value``: the expected
    collections the treatment adds over doing nothing, discounted to mid-horizon, less its
    cost (minor units, a float)."""
    treatments = sorted(set(menu["treatment"].to_list()))
    loans = menu.select("loan_id").unique(maintain_order=True)
    accounts = loans.join(inputs, on="loan_id", how="left")
    expected = expected_collections(model, accounts, [None, *treatments], days=days)
    discount = (1 + annual_rate) ** (-(days / 2) / 365)
    uplift = (expected[:, 1:] - expected[:, :1]) * discount
    long = pl.DataFrame(
        {
            "loan_id": np.repeat(loans["loan_id"].to_numpy(), len(treatments)),
            "treatment": np.tile(np.array(treatments, dtype=object), loans.height),
            "_uplift": uplift.reshape(-1),
        },
        schema_overrides={"treatment": pl.String},
    )
    return (
        menu.join(long, on=["loan_id", "treatment"], how="left")
        .with_columns((pl.col("_uplift").fill_null(0.0) - pl.col("cost_minor")).alias("value"))
        .drop("_uplift")
    )
