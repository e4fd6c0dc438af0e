"""The recovery model as a versioned artefact: coefficients, provenance, checks, digest.

Two stages per horizon (30 and 90 days by default): the chance of any payment within the
horizon, and the share of the balance collected when something is paid; expected recovery is
their product times the balance. Each stage is a logistic layer over the design columns, plus,
for each treatment, a main effect and effects that vary with a few account terms — so the
model answers "what if we did *t* today?" for every treatment it was trained on.

The artefact is JSON (no pickles: it loads anywhere, with nothing downloaded, and can be read
by a person); its digest is the SHA-256 of its canonical JSON without the digest, and its
version is ``<name>-<last training day>-<first 12 hex digits of the digest>``, so the same
training data and code always give the same version.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Head:
    """One logistic layer: ``x·base + treatment[t] + z·effect[t]`` (no treatment: ``x·base``)."""

    base: Vector  # (C,)
    treatment: Vector  # (T,)
    effect: Vector  # (T, E)

    def as_dict(self) -> dict[str, Any]:
        return {
            "base": self.base.tolist(),
            "treatment": self.treatment.tolist(),
            "effect": self.effect.tolist(),
        }

    @classmethod
    def of(cls, data: dict[str, Any]) -> Head:
        return cls(
            np.asarray(data["base"], dtype=np.float64),
            np.asarray(data["treatment"], dtype=np.float64),
            np.asarray(data["effect"], dtype=np.float64).reshape(len(data["treatment"]), -1),
        )


@dataclass(frozen=True, slots=True)
class Horizon:
    days: int
    pay: Head  # chance of any payment within ``days``
    share: Head  # share of the balance collected, given a payment


@dataclass(frozen=True, slots=True)
class RecoveryModel:
    name: str
    columns: tuple[str, ...]
    groups: tuple[str, ...]
    effect_terms: tuple[str, ...]
    treatments: tuple[str, ...]
    horizons: tuple[Horizon, ...]
    means: Vector  # design column means over the training rows (for reason codes)
    trained_from: date
    trained_to: date
    rows: int
    metrics: dict[str, Any] = field(default_factory=dict)
    digest: str = ""

    @property
    def version(self) -> str:
        return f"{self.name}-{self.trained_to:%Y%m%d}-{self.digest[:12]}"

    def horizon(self, days: int) -> Horizon:
        """The trained horizon closest to ``days``."""
        return min(self.horizons, key=lambda h: abs(h.days - days))

    def payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": list(self.columns),
            "groups": list(self.groups),
            "effect_terms": list(self.effect_terms),
            "treatments": list(self.treatments),
            "horizons": [
                {"days": h.days, "pay": h.pay.as_dict(), "share": h.share.as_dict()}
                for h in self.horizons
            ],
            "means": self.means.tolist(),
            "trained_from": self.trained_from.isoformat(),
            "trained_to": self.trained_to.isoformat(),
            "rows": self.rows,
            "metrics": self.metrics,
        }

    def sealed(self) -> RecoveryModel:
        """The model with its digest computed from its content."""
        text = json.dumps(self.payload(), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(text.encode()).hexdigest()
        return RecoveryModel(**{**self._fields(), "digest": digest})

    def _fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}

    def to_json(self) -> str:
        return json.dumps({**self.payload(), "digest": self.digest, "version": self.version},
                          indent=1, sort_keys=True)  # fmt: skip


def model_from_json(text: str) -> RecoveryModel:
    """The model in ``text``; refuses one whose digest does not match its content."""
    data = json.loads(text)
    model = RecoveryModel(
        name=data["name"],
        columns=tuple(data["columns"]),
        groups=tuple(data["groups"]),
        effect_terms=tuple(data["effect_terms"]),
        treatments=tuple(data["treatments"]),
        horizons=tuple(
            Horizon(h["days"], Head.of(h["pay"]), Head.of(h["share"])) for h in data["horizons"]
        ),
        means=np.asarray(data["means"], dtype=np.float64),
        trained_from=date.fromisoformat(data["trained_from"]),
        trained_to=date.fromisoformat(data["trained_to"]),
        rows=int(data["rows"]),
        metrics=data.get("metrics", {}),
    ).sealed()
    if data.get("digest") and data["digest"] != model.digest:
        raise ValueError("the model file does not match its digest: it was changed or damaged")
    return model
