"""The settlement policy as data (``data/settlement_policy.toml``; docs/settlements.md).

Everything a lender tunes about settlements is here and nowhere in code: the discount rate at
which alternatives are valued, the floor, the discount ladder by delinquency stage, expiry,
structured-settlement limits and what happens when one breaks, the in-house and collateral
recovery assumptions, approval authority per role, and the credit-reporting and 1099-C facts.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from arrears.domain.policy_data import Reader, package_text, parse_toml


class BrokenSettlement(StrEnum):
    """What a broken structured settlement restores (the conditional waiver is reversed)."""

    RESTORE_ALL = "restore_all"  # the whole discount comes back: the borrower owes the rest
    KEEP_EARNED = "keep_earned"  # the discount earned on the share already paid is kept


class Furnisher(StrEnum):
    """Who reports the settled account, which picks its Metro 2 status (reference §3.3)."""

    CREDITOR = "creditor"  # 13 paid/closed (64 if charged off) + special comment AU
    COLLECTOR = "collector"  # 62 paid collection + AU


@dataclass(frozen=True, slots=True)
class LadderStep:
    min_dpd: int
    lump_sum: Decimal
    structured: Decimal


@dataclass(frozen=True, slots=True)
class InHouseBand:
    min_dpd: int
    recovery: Decimal
    months: int
    cost_per_month_minor: int


@dataclass(frozen=True, slots=True)
class CollateralTerms:
    recovery_share: Decimal
    costs_minor: int
    months: int


@dataclass(frozen=True, slots=True)
class Authority:
    role: str
    max_discount: Decimal


@dataclass(frozen=True, slots=True)
class SettlementPolicy:
    version: int
    discount_rate: Decimal
    floor_share: Decimal
    round_to_minor: int
    expiry_days: int
    lump_sum_days: int
    max_installments: int
    min_installment_minor: int
    max_misses: int
    on_broken: BrokenSettlement
    ladder: tuple[LadderStep, ...]
    ladder_charged_off: LadderStep
    in_house: tuple[InHouseBand, ...]
    collateral: CollateralTerms
    authority: tuple[Authority, ...]  # ascending max_discount
    authority_aliases: dict[str, str]
    furnisher: Furnisher
    form_1099c_threshold_minor: int
    form_1099c_issuer: str

    def ladder_for(self, *, dpd: int, charged_off: bool) -> LadderStep:
        """The ladder row that applies: charged-off accounts have their own row; otherwise the
        last row whose ``min_dpd`` the account has reached."""
        if charged_off:
            return self.ladder_charged_off
        return [step for step in self.ladder if dpd >= step.min_dpd][-1]

    def in_house_for(self, dpd: int) -> InHouseBand:
        return [band for band in self.in_house if dpd >= band.min_dpd][-1]


def parse_settlement_policy(text: str, *, name: str = "settlement policy") -> SettlementPolicy:
    """The policy in ``text``, or ``PolicyError`` naming every problem."""
    r = Reader(parse_toml(text, name=name), name=name)
    top, structured = r.table("policy"), r.table("structured")
    ladder = tuple(_step(r, row, f"ladder[{i}]") for i, row in enumerate(r.tables("ladder")))
    charged_off = r.table("ladder_charged_off")
    in_house = tuple(_band(r, row, f"in_house[{i}]") for i, row in enumerate(r.tables("in_house")))
    collateral = r.table("collateral")
    authority = tuple(
        Authority(r.text(row, "role", where=f"authority[{i}]"),
                  r.decimal(row, "max_discount", where=f"authority[{i}]"))
        for i, row in enumerate(r.tables("authority"))
    )  # fmt: skip
    reporting = r.table("reporting")
    policy = SettlementPolicy(
        version=r.integer(top, "version", where="policy", low=1),
        discount_rate=r.decimal(top, "discount_rate", where="policy"),
        floor_share=r.decimal(top, "floor_share", where="policy"),
        round_to_minor=r.integer(top, "round_to_minor", where="policy", low=1),
        expiry_days=r.integer(top, "expiry_days", where="policy", low=1),
        lump_sum_days=r.integer(top, "lump_sum_days", where="policy", low=1),
        max_installments=r.integer(structured, "max_installments", where="structured", low=2),
        min_installment_minor=r.integer(structured, "min_installment_minor", where="structured"),
        max_misses=r.integer(structured, "max_misses", where="structured", low=1),
        on_broken=BrokenSettlement(
            r.text(
                structured,
                "on_broken",
                where="structured",
                choices=tuple(b.value for b in BrokenSettlement),
            )
        ),
        ladder=ladder,
        ladder_charged_off=LadderStep(
            0,
            r.decimal(charged_off, "lump_sum", where="ladder_charged_off"),
            r.decimal(charged_off, "structured", where="ladder_charged_off"),
        ),
        in_house=in_house,
        collateral=CollateralTerms(
            recovery_share=r.decimal(collateral, "recovery_share", where="collateral"),
            costs_minor=r.integer(collateral, "costs_minor", where="collateral"),
            months=r.integer(collateral, "months", where="collateral"),
        ),
        authority=tuple(sorted(authority, key=lambda a: a.max_discount)),
        authority_aliases={str(k): str(v) for k, v in r.data.get("authority_aliases", {}).items()},
        furnisher=Furnisher(
            r.text(
                reporting, "furnisher", where="reporting", choices=tuple(f.value for f in Furnisher)
            )
        ),
        form_1099c_threshold_minor=r.integer(
            reporting, "form_1099c_threshold_minor", where="reporting"
        ),
        form_1099c_issuer=r.text(reporting, "form_1099c_issuer", where="reporting"),
    )
    _check_shape(r, policy)
    r.done()
    return policy


def default_settlement_policy() -> SettlementPolicy:
    """The policy shipped with arrears."""
    return parse_settlement_policy(
        package_text(__package__ or "arrears.domain.settlements", "settlement_policy.toml"),
        name="settlement_policy.toml",
    )


def _step(r: Reader, row: dict[str, Any], where: str) -> LadderStep:
    return LadderStep(
        min_dpd=r.integer(row, "min_dpd", where=where),
        lump_sum=r.decimal(row, "lump_sum", where=where),
        structured=r.decimal(row, "structured", where=where),
    )


def _band(r: Reader, row: dict[str, Any], where: str) -> InHouseBand:
    return InHouseBand(
        min_dpd=r.integer(row, "min_dpd", where=where),
        recovery=r.decimal(row, "recovery", where=where),
        months=r.integer(row, "months", where=where),
        cost_per_month_minor=r.integer(row, "cost_per_month_minor", where=where),
    )


def _check_shape(r: Reader, policy: SettlementPolicy) -> None:
    for name, rows in (("ladder", policy.ladder), ("in_house", policy.in_house)):
        starts = [row.min_dpd for row in rows]
        if starts and (starts[0] != 0 or starts != sorted(set(starts))):
            r.problems.append(f"[[{name}]] rows start at min_dpd 0 and rise")
    if not policy.authority or policy.authority[-1].max_discount != 1:
        r.problems.append('[[authority]]: one role must be able to approve any discount ("1")')
    roles = {a.role for a in policy.authority}
    for alias, role in policy.authority_aliases.items():
        if role not in roles:
            r.problems.append(f"[authority_aliases] {alias} = {role!r}: no such role")
