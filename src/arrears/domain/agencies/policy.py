"""The agency policy as data (``data/agency_policy.toml``; docs/agencies.md)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from arrears.domain.policy_data import Reader, package_text, parse_toml


@dataclass(frozen=True, slots=True)
class LiquidationBand:
    """What a placement of debt at least ``min_dpd`` past due is expected to recover."""

    min_dpd: int
    rate: Decimal
    months: int
    commission: Decimal


@dataclass(frozen=True, slots=True)
class AgencyPolicy:
    version: int
    min_dpd: int
    min_balance_minor: int
    recall_after_days: int
    commission_after_recall: bool
    max_tier: int
    experiment: str
    challenger_share: Decimal
    liquidation: tuple[LiquidationBand, ...]

    def liquidation_for(self, dpd: int) -> LiquidationBand:
        return [band for band in self.liquidation if dpd >= band.min_dpd][-1]


def parse_agency_policy(text: str, *, name: str = "agency policy") -> AgencyPolicy:
    r = Reader(parse_toml(text, name=name), name=name)
    top, split = r.table("policy"), r.table("champion_challenger")
    bands = tuple(
        LiquidationBand(
            min_dpd=r.integer(row, "min_dpd", where=f"liquidation[{i}]"),
            rate=r.decimal(row, "rate", where=f"liquidation[{i}]"),
            months=r.integer(row, "months", where=f"liquidation[{i}]"),
            commission=r.decimal(row, "commission", where=f"liquidation[{i}]"),
        )
        for i, row in enumerate(r.tables("liquidation"))
    )
    starts = [band.min_dpd for band in bands]
    if starts and (starts[0] != 0 or starts != sorted(set(starts))):
        r.problems.append("[[liquidation]] rows start at min_dpd 0 and rise")
    policy = AgencyPolicy(
        version=r.integer(top, "version", where="policy", low=1),
        min_dpd=r.integer(top, "min_dpd", where="policy"),
        min_balance_minor=r.integer(top, "min_balance_minor", where="policy"),
        recall_after_days=r.integer(top, "recall_after_days", where="policy", low=1),
        commission_after_recall=r.flag(top, "commission_after_recall", where="policy"),
        max_tier=r.integer(top, "max_tier", where="policy", low=1),
        experiment=r.text(split, "experiment", where="champion_challenger"),
        challenger_share=r.decimal(split, "challenger_share", where="champion_challenger"),
        liquidation=bands,
    )
    r.done()
    return policy


def default_agency_policy() -> AgencyPolicy:
    """The policy shipped with arrears."""
    return parse_agency_policy(
        package_text(__package__ or "arrears.domain.agencies", "agency_policy.toml"),
        name="agency_policy.toml",
    )
