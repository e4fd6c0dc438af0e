"""Legal cases, their proceedings, judgments, costs and court dates, as stored records.

A case belongs to one account and is handled by one firm (and attorney); it opens when the
account is referred and holds several proceedings. A judgment records the amount awarded, its
date and the post-judgment interest rate (state law sets it; the policy has a default). Costs
are either recoverable from the borrower (charged to the account's costs or fees and so owed
by the borrower) or the lender's own expense.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from arrears.domain.legal.proceedings import ProceedingKind, ProceedingStatus


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Case:
    loan_id: int
    status: CaseStatus
    referred_on: date
    referred_by: str
    firm: str = ""
    attorney: str = ""
    court: str = ""
    case_number: str = ""
    state: str = ""
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Judgment:
    amount_minor: int
    entered_on: date
    interest_rate: Decimal  # annual, post-judgment

    def __post_init__(self) -> None:
        if self.amount_minor <= 0:
            raise ValueError("a judgment is for a positive amount")
        if not Decimal(0) <= self.interest_rate < Decimal(1):
            raise ValueError("the judgment interest rate is an annual fraction below 1")


@dataclass(frozen=True, slots=True)
class Proceeding:
    case_id: int
    kind: ProceedingKind
    status: ProceedingStatus
    opened_on: date
    id: int | None = None
    updated_on: date | None = None
    judgment: Judgment | None = None

    @property
    def active(self) -> bool:
        return not self.status.terminal


@dataclass(frozen=True, slots=True)
class LegalCost:
    proceeding_id: int
    kind: str  # a cost kind of the legal policy (filing_fee, attorney_fee…)
    amount_minor: int
    incurred_on: date
    recoverable: bool
    memo: str = ""
    id: int | None = None


class DateKind(StrEnum):
    RESPOND_BY = "respond_by"  # the demand letter's deadline
    SERVE_BY = "serve_by"  # service of process deadline after filing
    ANSWER_BY = "answer_by"  # the defendant's deadline to answer after service
    HEARING = "hearing"
    TRIAL = "trial"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class CourtDate:
    proceeding_id: int
    kind: DateKind
    on: date
    note: str = ""
    id: int | None = None
