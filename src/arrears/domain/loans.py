"""Loans: the contract a borrower is behind on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from arrears.domain.money import Money
from arrears.domain.rates import Rate


class Product(StrEnum):
    PERSONAL = "personal"  # personal installment loan
    AUTO = "auto"  # vehicle-secured installment loan
    MORTGAGE = "mortgage"  # real-property-secured loan
    CARD = "card"  # credit card / revolving line

    @property
    def secured(self) -> bool:
        return self in {Product.AUTO, Product.MORTGAGE}

    @property
    def revolving(self) -> bool:
        return self is Product.CARD


class ContractType(StrEnum):
    """How the debt is evidenced; picks the statute-of-limitations column (sol_by_state.csv)."""

    WRITTEN = "written"
    ORAL = "oral"
    PROMISSORY = "promissory"
    OPEN_ACCOUNT = "open_account"


#: The contract type a product is usually governed by when the lender does not say.
DEFAULT_CONTRACT_TYPE: dict[Product, ContractType] = {
    Product.PERSONAL: ContractType.WRITTEN,
    Product.AUTO: ContractType.WRITTEN,
    Product.MORTGAGE: ContractType.PROMISSORY,
    Product.CARD: ContractType.OPEN_ACCOUNT,
}


class LoanStatus(StrEnum):
    ACTIVE = "active"
    PAID_OFF = "paid_off"
    CHARGED_OFF = "charged_off"
    SETTLED = "settled"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Loan:
    """A loan as the lender booked it. Amounts are Money; the rate is an annual nominal Rate."""

    external_id: str
    borrower_id: int
    product: Product
    principal: Money
    rate: Rate
    term_months: int
    origination_date: date
    first_due_date: date
    contract_state: str
    id: int | None = None
    contract_type: ContractType | None = None
    credit_limit: Money | None = None
    status: LoanStatus = LoanStatus.ACTIVE
    charge_off_date: date | None = None
    charge_off_amount: Money | None = None
    original_creditor: str = ""
    co_borrower_ids: tuple[int, ...] = ()

    @property
    def currency(self) -> str:
        return self.principal.currency

    @property
    def effective_contract_type(self) -> ContractType:
        return self.contract_type or DEFAULT_CONTRACT_TYPE[self.product]

    @property
    def charged_off(self) -> bool:
        return self.charge_off_date is not None
