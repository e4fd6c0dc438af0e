"""The behaviour model's parameters, read from data (``data/behaviour.toml``).

Each TOML table is one frozen dataclass; unknown or missing keys are errors, so a typo cannot
silently fall back to a default. ``load_params`` reads any file of the same shape, which is how
a what-if with other borrower behaviour is run (``arrears simulate --behaviour FILE``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from typing import Any, TypeVar

from arrears.errors import ArrearsError

KINDS = (
    "message", "call", "plan", "settlement", "agency", "legal", "repossession", "charge_off",
    "bureau", "notice", "none",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Traits:
    ability_mean: float
    ability_sd: float
    ability_per_dpd: float
    willingness_mean: float
    willingness_sd: float
    response_sd: float
    reach_sd: float
    reach_call: float
    reach_sms: float
    reach_email: float
    reach_letter: float
    discount_slope_mean: float
    discount_slope_sd: float
    promise_keeping_mean: float
    promise_keeping_sd: float
    dispute_rate: float
    complaint_rate: float
    complaint_pressure: float
    cease_rate: float


@dataclass(frozen=True, slots=True)
class Payment:
    base_logit: float
    ability_weight: float
    willingness_weight: float
    dpd_weight: float
    charged_off_logit: float
    days_per_month: float
    cure_with_ability: float
    partial_low: float
    partial_high: float
    charged_off_slice_low: float
    charged_off_slice_high: float


@dataclass(frozen=True, slots=True)
class Contact:
    lift_decay_days: float
    max_lift: float
    promise_logit: float
    promise_days: int
    bureau_lift: float


@dataclass(frozen=True, slots=True)
class Response:
    """How a borrower responds to one treatment."""

    kind: str
    channel: str
    lift: float
    fade_dpd: float


@dataclass(frozen=True, slots=True)
class Plan:
    accept_logit: float
    months: int
    keep_logit: float
    misses_to_default: int


@dataclass(frozen=True, slots=True)
class Settlement:
    discount: float
    accept_logit: float
    means_months: float
    unaffordable: float
    pay_within_days: int
    keep: float


@dataclass(frozen=True, slots=True)
class Agency:
    delay_days: int
    monthly_logit: float
    share_low: float
    share_high: float
    commission: float
    complaint_rate: float


@dataclass(frozen=True, slots=True)
class Legal:
    cost_minor: int
    filing_delay_days: int
    judgment_delay_days: int
    judgment_chance: float
    garnish_share: float


@dataclass(frozen=True, slots=True)
class Repossession:
    locate_chance: float
    locate_delay_days: int
    sale_delay_days: int
    recovery_low: float
    recovery_high: float
    cost_minor: int


@dataclass(frozen=True, slots=True)
class Roll:
    miss_logit: float


@dataclass(frozen=True, slots=True)
class BehaviourParams:
    traits: Traits
    payment: Payment
    contact: Contact
    treatments: dict[str, Response]
    plan: Plan
    settlement: Settlement
    agency: Agency
    legal: Legal
    repossession: Repossession
    roll: Roll

    def response(self, treatment: str) -> Response:
        """How borrowers respond to ``treatment`` (an unknown one does nothing)."""
        return self.treatments.get(treatment, Response("none", "none", 0.0, 1.0))


T = TypeVar("T")


def _section(cls: type[T], table: Any, name: str) -> T:
    if not isinstance(table, dict):
        raise ArrearsError(f"behaviour parameters: [{name}] must be a table")
    wanted = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(table) - set(wanted))
    missing = sorted(set(wanted) - set(table))
    if unknown or missing:
        found = f"unknown {unknown or 'none'}, missing {missing or 'none'}"
        raise ArrearsError(f"behaviour parameters: [{name}] {found}")
    values = {}
    for key, spec in wanted.items():
        value = table[key]
        kind = (
            spec.type
            if isinstance(spec.type, type)
            else {"int": int, "float": float}.get(str(spec.type), str)
        )
        if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
        elif kind is int and not isinstance(value, int):
            raise ArrearsError(f"behaviour parameters: {name}.{key} must be a whole number")
        values[key] = value
    return cls(**values)


def parse_params(text: str) -> BehaviourParams:
    """Parameters from TOML text; every problem raises ``ArrearsError`` with its key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        raise ArrearsError(f"behaviour parameters: {failure}") from None
    treatments = {}
    for treatment, table in document.get("treatments", {}).items():
        response = _section(Response, table, f"treatments.{treatment}")
        if response.kind not in KINDS:
            raise ArrearsError(
                f"behaviour parameters: treatments.{treatment}.kind {response.kind!r}"
            )
        treatments[treatment] = response
    return BehaviourParams(
        traits=_section(Traits, document.get("traits"), "traits"),
        payment=_section(Payment, document.get("payment"), "payment"),
        contact=_section(Contact, document.get("contact"), "contact"),
        treatments=treatments,
        plan=_section(Plan, document.get("plan"), "plan"),
        settlement=_section(Settlement, document.get("settlement"), "settlement"),
        agency=_section(Agency, document.get("agency"), "agency"),
        legal=_section(Legal, document.get("legal"), "legal"),
        repossession=_section(Repossession, document.get("repossession"), "repossession"),
        roll=_section(Roll, document.get("roll"), "roll"),
    )


@cache
def default_params() -> BehaviourParams:
    """The parameters shipped with arrears (``behaviour_model/data/behaviour.toml``)."""
    package = "arrears.simulation.behaviour_model.data"
    return parse_params(files(package).joinpath("behaviour.toml").read_text(encoding="utf-8"))
