"""The API's request and response bodies. Amounts are objects with integer minor units (never a
float) and come in as decimal strings (``"125.50"``); dates are ISO 8601."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field

from arrears.domain.holds import HoldKind
from arrears.domain.money import Money

#: The largest id a database column holds (a signed 64-bit integer): a larger number in a path
#: or a body is an invalid request (422), never a database error (found by fuzzing the API).
MAX_ID = 2**63 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]

T = TypeVar("T")
AMOUNT = r"^\d{1,12}(\.\d{1,3})?$"


class Amount(BaseModel):
    minor: int = Field(description="Integer minor units (cents for USD).")
    currency: str
    display: str

    @classmethod
    def of(cls, money: Money) -> Amount:
        return cls(minor=money.minor, currency=money.currency, display=money.format())


class Page(BaseModel, Generic[T]):
    """A page of results: ``page`` counts from 1; ``pages`` is the number of pages."""

    items: list[T]
    page: int
    per_page: int
    total: int
    pages: int


class Me(BaseModel):
    kind: str
    role: str
    name: str


class LoanSummary(BaseModel):
    ref: str
    product: str
    status: str
    currency: str
    borrower_ref: str
    principal: Amount
    origination_date: date


class Party(BaseModel):
    ref: str
    name: str
    relation: str
    masked_ssn: str = Field(description="Only the last four digits: ***-**-1234.")


class Delinquency(BaseModel):
    dpd: int
    bucket: str
    past_due: Amount
    oldest_unpaid_due_date: date | None
    dofd: date | None = Field(description="Date of first delinquency (FCRA 623(a)(5)).")


class Balance(BaseModel):
    components: dict[str, Amount]
    suspense: Amount = Field(description="Money held for the borrower, not yet applied.")
    total: Amount


class LegalCaseItem(BaseModel):
    case_id: int
    status: str
    referred_on: date
    firm: str
    case_number: str
    proceedings: list[dict[str, str]] = Field(description="Each proceeding's kind and status.")
    next_court_date: date | None
    next_court_date_kind: str
    costs: Amount
    recoverable_costs: Amount


class PlacementItem(BaseModel):
    placement_id: int
    agency: str
    agency_name: str
    status: str
    placed_on: date
    recall_due_on: date
    recalled_on: date | None
    collected: Amount


class CollateralCaseItem(BaseModel):
    case_id: int
    kind: str = Field(description="repossession or foreclosure")
    stage: str
    state: str
    opened_on: date
    closed_on: date | None
    next_deadline_on: date | None
    next_deadline: str


class Recovery(BaseModel):
    """The loan's legal cases, agency placements and collateral cases."""

    legal: list[LegalCaseItem]
    placements: list[PlacementItem]
    collateral: list[CollateralCaseItem]


class LoanDetail(BaseModel):
    ref: str
    product: str
    status: str
    currency: str
    origination_date: date
    charge_off_date: date | None
    borrowers: list[Party]
    balance: Balance
    delinquency: Delinquency
    holds_in_force: list[str]
    worked_by: str | None = Field(description="The agent who has the account taken, if any.")
    recovery: Recovery | None = Field(
        default=None, description="Staff only: the loan's recovery cases (none for a borrower)."
    )


class ScheduleItem(BaseModel):
    seq: int
    due_date: date
    total: Amount
    principal: Amount
    interest: Amount
    fees: Amount
    status: str


class PaymentItem(BaseModel):
    ref: str
    effective_date: date
    amount: Amount
    method: str
    status: str
    return_reason: str
    source: str


class HoldItem(BaseModel):
    id: int
    kind: str
    starts_on: date
    ends_on: date | None
    in_force: bool
    set_by: str
    reason: str
    blocks: list[str]
    source: str


class HoldCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: HoldKind
    reason: str = Field(min_length=1, max_length=500)
    starts_on: date | None = None
    ends_on: date | None = None
    chapter: str | None = Field(default=None, pattern=r"^(7|11|12|13)$")
    case_number: str | None = Field(default=None, max_length=60)


class HoldEnd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)
    ends_on: date | None = None


class Created(BaseModel):
    id: int
    ref: str


class DisputeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class CardPaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: str = Field(pattern=AMOUNT, examples=["125.50"])
    card_number: str = Field(min_length=12, max_length=23, repr=False)
    expiry_month: int = Field(ge=1, le=12)
    expiry_year: int = Field(ge=2000, le=2100)
    cvc: str = Field(min_length=3, max_length=4, repr=False)
    holder: str = Field(default="", max_length=100)


class CardPaymentResult(BaseModel):
    ref: str
    approved: bool
    amount: Amount
    reference: str
    decline_reason: str
    card_last4: str


class PaymentCreate(BaseModel):
    """A payment another system took (e.g. the servicing system)."""

    model_config = ConfigDict(extra="forbid")

    loan: str = Field(min_length=1, max_length=64, description="The loan's reference.")
    external_id: str = Field(min_length=1, max_length=64, description="The payment's own id.")
    amount: str = Field(pattern=AMOUNT, examples=["356.34"])
    effective_date: date
    method: str = Field(default="ach", max_length=10)


class PaymentRecorded(BaseModel):
    id: int
    loan: str
    external_id: str
    amount: Amount
    effective_date: date
    created: bool = Field(description="False when the same payment was already on file.")


class QueueItem(BaseModel):
    action_id: int
    loan: str
    borrower: str
    queue: str | None
    priority: int
    treatment: str
    dpd: int | None
    balance: Amount | None
    worked_by: str | None


class ReviewItem(QueueItem):
    status: str


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(pattern="^(approve|reject)$")
    note: str = Field(default="", max_length=300)


class Lock(BaseModel):
    loan: str
    held_by: str
    expires_at: datetime


class Decision(BaseModel):
    as_of: date
    dpd: int
    bucket: str
    segment: str | None
    experiment: str | None
    arm: str | None
    balance: Amount
    items: list[dict[str, Any]]


class ActionItem(BaseModel):
    id: int
    treatment: str
    kind: str
    channel: str | None
    queue: str | None
    status: str
    due_on: date


class BucketRow(BaseModel):
    bucket: str
    accounts: int
    balance: Amount
    past_due: Amount


class StrategySummary(BaseModel):
    name: str
    version: int
    digest: str
    source: str
    segments: list[dict[str, Any]]
    experiments: list[dict[str, Any]]


class BorrowerDetail(BaseModel):
    ref: str
    name: str
    masked_ssn: str
    has_date_of_birth: bool
    language: str
    address: list[str]
    loans: list[str]
