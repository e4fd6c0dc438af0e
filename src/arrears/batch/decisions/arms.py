"""Experiment arms for a whole frame of accounts, exactly as ``arrears.strategy.experiments`` says.

SHA-256 has no vectorised form in Polars or NumPy, so the digests come from ``hashlib`` over
payloads that Polars builds in one pass; chunks of a million keep the Python objects small.
About half a microsecond per account (``bench/decisions.py`` measures it): only accounts in an
experiment's segments need an arm, so pass ``segments`` to skip the others.
"""

from __future__ import annotations

import hashlib

import numpy as np
import polars as pl

from arrears.batch.decisions.frames import ARMS, FEATURES, SEGMENTS
from arrears.batch.frames import conform, empty
from arrears.strategy.experiments import slices
from arrears.strategy.model import Experiment, Strategy

CHUNK = 1_000_000
_DIGEST_BYTES = 32
_POINT_BYTES = 8


def assign_arms(
    features: pl.DataFrame, strategy: Strategy, *, segments: pl.DataFrame | None = None
) -> pl.DataFrame:
    """``ARMS``: per experiment, the arm of every account (or of those in its segments)."""
    loans = conform(features, FEATURES, name="features", columns=["loan_id"])
    assigned = conform(segments, SEGMENTS, name="segments") if segments is not None else None
    frames = [
        _assign(experiment, _eligible(experiment, loans, assigned))
        for experiment in strategy.experiments
    ]
    return pl.concat(frames) if frames else empty(ARMS)


def _eligible(
    experiment: Experiment, loans: pl.DataFrame, assigned: pl.DataFrame | None
) -> pl.Series:
    if assigned is None:
        return loans["loan_id"]
    return assigned.filter(pl.col("segment").is_in(experiment.segments))["loan_id"]


def _assign(experiment: Experiment, loan_ids: pl.Series) -> pl.DataFrame:
    parts = slices(experiment)
    uppers = np.array([s.upper for s in parts[:-1]], dtype=np.uint64)
    index = np.searchsorted(uppers, assignment_points(experiment.id, loan_ids), side="right")
    positions = range(len(parts))
    return pl.DataFrame({"loan_id": loan_ids, "slice": index}).select(
        pl.col("loan_id"),
        pl.lit(experiment.id, dtype=pl.String).alias("experiment"),
        pl.col("slice")
        .replace_strict(positions, [s.arm for s in parts], return_dtype=pl.String)
        .alias("arm"),
        pl.col("slice")
        .replace_strict(positions, [s.probability for s in parts], return_dtype=pl.Float64)
        .alias("arm_probability"),
    )


def assignment_points(experiment_id: str, loan_ids: pl.Series) -> np.ndarray:
    """``assignment_point(experiment_id, id)`` for every id, as unsigned 64-bit integers."""
    points = [
        _points(experiment_id, loan_ids.slice(start, CHUNK))
        for start in range(0, len(loan_ids), CHUNK)
    ]
    return np.concatenate(points) if points else np.zeros(0, dtype=np.uint64)


def _points(experiment_id: str, loan_ids: pl.Series) -> np.ndarray:
    payloads = (
        pl.select((pl.lit(f"{experiment_id}:") + loan_ids.cast(pl.String)).cast(pl.Binary))
        .to_series()
        .to_list()
    )
    sha256 = hashlib.sha256
    digests = b"".join([sha256(payload).digest() for payload in payloads])
    table = np.frombuffer(digests, dtype=np.uint8).reshape(-1, _DIGEST_BYTES)
    return np.ascontiguousarray(table[:, :_POINT_BYTES]).view(">u8").ravel().astype(np.uint64)
