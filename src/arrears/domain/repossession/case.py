"""A repossession case as data: its header, its steps, and the state they add up to."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from arrears.domain.repossession.stages import Event, Stage
from arrears.domain.repossession.state_rules import StateRules


class ExpenseKind(StrEnum):
    """The reasonable expenses UCC 9-615(a)(1) pays first out of the proceeds."""

    RETAKING = "retaking"
    STORAGE = "storage"  # holding
    PREPARING = "preparing"  # preparing for disposition (repairs, cleaning, transport)
    PROCESSING = "processing"
    SELLING = "selling"  # disposing: auction fees, advertising
    LEGAL = "legal"  # attorney's fees and legal expenses, where the agreement and law allow

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ExpenseKind.RETAKING: "retaking",
    ExpenseKind.STORAGE: "storage",
    ExpenseKind.PREPARING: "preparing for sale",
    ExpenseKind.PROCESSING: "processing",
    ExpenseKind.SELLING: "selling",
    ExpenseKind.LEGAL: "attorney's fees and legal expenses",
}


class SaleMethod(StrEnum):
    PUBLIC = "public"  # auction open to the public at a stated time and place
    PRIVATE = "private"  # dealer auction or private sale after a stated date


@dataclass(frozen=True, slots=True)
class Expense:
    kind: ExpenseKind
    amount_minor: int
    incurred_on: date
    charge_key: str = ""  # the ledger charge that made the borrower owe it

    def __post_init__(self) -> None:
        if self.amount_minor < 0:
            raise ValueError("an expense cannot be negative")


@dataclass(frozen=True, slots=True)
class LienDemand:
    """A subordinate secured party's authenticated demand for proceeds (9-615(a)(3))."""

    holder: str
    amount_minor: int
    rank: int  # 2 = second lien, 3 = third…
    demanded_on: date

    def __post_init__(self) -> None:
        if self.amount_minor < 0:
            raise ValueError("a lien demand cannot be negative")
        if self.rank < 2:
            raise ValueError("a subordinate lien ranks after the first (rank 2 or more)")


@dataclass(frozen=True, slots=True)
class Step:
    """One thing that happened to a case, on a business date, with its facts."""

    event: Event
    on: date
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CaseHeader:
    """What a case is about: the loan, the vehicle, where the contract was made."""

    loan_id: int
    collateral_id: int
    opened_on: date
    rules: StateRules
    consumer_goods: bool = True
    id: int | None = None


@dataclass(frozen=True, slots=True)
class CaseState:
    """Everything the steps of a case established so far."""

    header: CaseHeader
    stage: Stage = Stage.ELIGIBLE
    voluntary: bool = False
    cure_notice_on: date | None = None
    cure_last_day: date | None = None
    vendor: str = ""
    assigned_on: date | None = None
    stopped_on: date | None = None
    repossessed_on: date | None = None
    location: str = ""
    property_items: tuple[str, ...] = ()
    property_released_on: date | None = None
    notice_on: date | None = None
    sale_method: SaleMethod | None = None
    planned_sale_on: date | None = None
    earliest_sale_on: date | None = None
    sold_on: date | None = None
    sale_price_minor: int | None = None
    buyer: str = ""
    expenses: tuple[Expense, ...] = ()
    liens: tuple[LienDemand, ...] = ()
    must_dispose: bool = False  # the 60% rule of 9-620(e) applies
    disposal_extended_until: date | None = None
    explained_on: date | None = None
    closed_on: date | None = None
    reviews: frozenset[str] = frozenset()  # timer keys already raised
    last_on: date | None = None  # date of the latest step

    @property
    def expenses_minor(self) -> int:
        return sum(expense.amount_minor for expense in self.expenses)
