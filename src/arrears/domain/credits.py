"""Credits: what reduces what a borrower owes — payments, and also waivers, write-offs and
collateral sale proceeds.

Every credit is allocated by the same waterfall as a payment (docs/adr/0002), so delinquency,
balances and credit reporting treat a settled discount or a sale the same way as money paid;
only the account the credit is booked against differs (cash, waived, written off, proceeds).
"""

from __future__ import annotations

from enum import StrEnum


class CreditKind(StrEnum):
    PAYMENT = "payment"  # money from the borrower (or on their behalf)
    AGENCY = "agency"  # money collected by a recovery agency and remitted
    WAIVER = "waiver"  # discount granted: settlement, fee or interest waiver
    WRITE_OFF = "write_off"  # balance the lender gives up on (deficiency written off)
    SALE_PROCEEDS = "sale_proceeds"  # collateral sale proceeds applied to the debt (UCC 9-615)

    @property
    def cash(self) -> bool:
        return self in {CreditKind.PAYMENT, CreditKind.AGENCY, CreditKind.SALE_PROCEEDS}
