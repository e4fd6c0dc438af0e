"""The legal policy as data (``data/legal_policy.toml``; docs/legal.md): deadlines, when a
legal hold applies, the cost kinds and the economics of a suit."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from arrears.domain.components import Component
from arrears.domain.legal.proceedings import ProceedingStatus
from arrears.domain.policy_data import Reader, package_text, parse_toml


@dataclass(frozen=True, slots=True)
class CostKind:
    """A kind of legal cost: the component it is charged to when recoverable from the borrower
    (court costs are taxed to the losing party; attorney fees only where contract and state law
    allow), and whether it is recoverable unless said otherwise."""

    name: str
    component: Component
    recoverable: bool


@dataclass(frozen=True, slots=True)
class LitigationEconomics:
    judgment_probability: Decimal
    enforcement_recovery: Decimal
    months: int
    filing_costs_minor: int
    attorney_fees_minor: int


@dataclass(frozen=True, slots=True)
class LegalPolicy:
    version: int
    demand_respond_days: int
    service_deadline_days: int
    answer_days: int
    min_balance_minor: int
    judgment_interest_rate: Decimal
    place_hold: bool
    hold_statuses: frozenset[ProceedingStatus]
    economics: LitigationEconomics
    costs: dict[str, CostKind]


def parse_legal_policy(text: str, *, name: str = "legal policy") -> LegalPolicy:
    r = Reader(parse_toml(text, name=name), name=name)
    top, hold, econ = r.table("policy"), r.table("hold"), r.table("economics")
    statuses: set[ProceedingStatus] = set()
    for raw in hold.get("statuses", []):
        try:
            statuses.add(ProceedingStatus(raw))
        except ValueError:
            r.problems.append(f"hold.statuses: {raw!r} is not a proceeding status")
    policy = LegalPolicy(
        version=r.integer(top, "version", where="policy", low=1),
        demand_respond_days=r.integer(top, "demand_respond_days", where="policy", low=1),
        service_deadline_days=r.integer(top, "service_deadline_days", where="policy", low=1),
        answer_days=r.integer(top, "answer_days", where="policy", low=1),
        min_balance_minor=r.integer(top, "min_balance_minor", where="policy"),
        judgment_interest_rate=r.decimal(top, "judgment_interest_rate", where="policy"),
        place_hold=r.flag(hold, "place", where="hold"),
        hold_statuses=frozenset(statuses),
        economics=LitigationEconomics(
            judgment_probability=r.decimal(econ, "judgment_probability", where="economics"),
            enforcement_recovery=r.decimal(econ, "enforcement_recovery", where="economics"),
            months=r.integer(econ, "months", where="economics"),
            filing_costs_minor=r.integer(econ, "filing_costs_minor", where="economics"),
            attorney_fees_minor=r.integer(econ, "attorney_fees_minor", where="economics"),
        ),
        costs=_cost_kinds(r, r.table("costs")),
    )
    r.done()
    return policy


def default_legal_policy() -> LegalPolicy:
    """The policy shipped with arrears."""
    return parse_legal_policy(
        package_text(__package__ or "arrears.domain.legal", "legal_policy.toml"),
        name="legal_policy.toml",
    )


def _cost_kinds(r: Reader, table: dict[str, Any]) -> dict[str, CostKind]:
    kinds: dict[str, CostKind] = {}
    allowed = (Component.COSTS.value, Component.FEES.value)
    for name, row in table.items():
        where = f"costs.{name}"
        if not isinstance(row, dict):
            r.problems.append(f"{where}: a table is required")
            continue
        component = r.text(row, "component", where=where, choices=allowed)
        kinds[name] = CostKind(name, Component(component), r.flag(row, "recoverable", where=where))
    return kinds
