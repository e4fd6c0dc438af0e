"""The code tables furnishing maps account facts through, kept as data (metro2.md §5.4-§5.13).

Each table cites the section of the reference notes (``../shared/reference/metro2.md``) or of
the compliance facts (``compliance.md``) it follows, so a correction is a one-line change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class FurnisherKind(StrEnum):
    """Who reports the accounts: it picks the portfolio, account type and statuses (§5.9, §3.3).

    A creditor reports its own loans (11, 71-84, 97, 13, 64…); a third-party collector and a
    debt buyer report collection accounts (portfolio O, status 93 while open and 62 when paid,
    a K1 with the original creditor on every record).
    """

    CREDITOR = "creditor"
    COLLECTOR = "collector"
    DEBT_BUYER = "debt_buyer"

    @property
    def collects(self) -> bool:
        return self is not FurnisherKind.CREDITOR


@dataclass(frozen=True, slots=True)
class ProductCodes:
    """Portfolio Type (§5.8), Account Type (§5.9), how Terms Duration is counted (§5.3 #13)
    and the K1 Creditor Classification of an original creditor of this product (§5.12)."""

    portfolio_type: str
    account_type: str
    terms: str  # "months", "years" or a constant such as "REV" or "001"
    creditor_classification: str


#: §5.8/§5.9: a creditor's own loans by product.
PRODUCTS: Final = {
    "personal": ProductCodes("I", "01", "months", "12"),  # unsecured installment, financial
    "auto": ProductCodes("I", "00", "months", "12"),  # auto loan
    "mortgage": ProductCodes("M", "26", "years", "12"),  # conventional real estate mortgage
    "card": ProductCodes("R", "18", "REV", "08"),  # credit card, banking
}

#: §5.9 and "Collections profile": accounts reported by a collector or a debt buyer.
COLLECTION_CODES: Final = {
    FurnisherKind.COLLECTOR: ProductCodes("O", "48", "001", "12"),  # collection agency
    FurnisherKind.DEBT_BUYER: ProductCodes("O", "0C", "001", "12"),  # debt purchaser
}

#: §5.4: delinquent statuses by the first day past due of their range (71 = 30-59 days…).
STATUS_BY_DPD: Final = ((30, "71"), (60, "78"), (90, "80"), (120, "82"), (150, "83"), (180, "84"))

#: §5.5: payment ratings (and Payment History Profile digits) by the same ranges.
RATING_BY_DPD: Final = ((30, "1"), (60, "2"), (90, "3"), (120, "4"), (150, "5"), (180, "6"))

CURRENT: Final = "11"
PAID: Final = "13"
PAID_VOLUNTARY_SURRENDER: Final = "61"
PAID_COLLECTION: Final = "62"
PAID_REPOSSESSION: Final = "63"
PAID_CHARGE_OFF: Final = "64"
PAID_FORECLOSURE: Final = "65"
COLLECTION: Final = "93"
FORECLOSURE: Final = "94"
VOLUNTARY_SURRENDER: Final = "95"
REPOSSESSION: Final = "96"
CHARGE_OFF: Final = "97"

#: §5.4: what a paid account was, by the event that came before the payment in full.
PAID_AFTER: Final = {
    "charge_off": PAID_CHARGE_OFF,
    "collection": PAID_COLLECTION,
    "repossession": PAID_REPOSSESSION,
    "voluntary_surrender": PAID_VOLUNTARY_SURRENDER,
    "foreclosure": PAID_FORECLOSURE,
}

#: §5.4: the status of an unpaid account after a collateral event.
COLLATERAL_STATUS: Final = {
    "repossession": REPOSSESSION,
    "voluntary_surrender": VOLUNTARY_SURRENDER,
    "foreclosure": FORECLOSURE,
}

#: §5.5: Payment History Profile letters for months the account was in a derogatory state.
HISTORY_LETTER: Final = {
    "charge_off": "L",
    "collection": "G",
    "repossession": "K",
    "voluntary_surrender": "J",
    "foreclosure": "H",
}
NO_HISTORY_BEFORE: Final = "B"  # §5.5: only as trailing fill (months before the account opened)

#: §5.6 special comments furnishing sets.
SETTLED: Final = "AU"  # paid in full for less than the full balance (compliance.md §3.3)
PARTIAL_PAYMENT_AGREEMENT: Final = "AC"  # paying under a payment plan
FORBEARANCE: Final = "CP"  # account in forbearance (hardship hold); confirm against the CRRG

#: §5.7 Compliance Condition Codes (compliance.md §3.2).
DISPUTED: Final = "XB"  # disputed under FCRA, investigation pending
DISPUTE_RESOLVED_DISAGREES: Final = "XC"  # investigation completed, consumer disagrees
DISPUTE_RESOLVED: Final = "XH"  # previously in dispute, now resolved

#: §5.10 ECOA codes.
INDIVIDUAL: Final = "1"
JOINT: Final = "2"
DECEASED: Final = "X"

#: §5.3 field 38: Consumer Information Indicator for a bankruptcy, by chapter — petition
#: filed (A-D), discharged (E-H); Z when the chapter is not known; Q removes an indicator
#: reported before (a dismissed or withdrawn petition).
BANKRUPTCY_PETITION: Final = {"7": "A", "11": "B", "12": "C", "13": "D"}
BANKRUPTCY_DISCHARGED: Final = {"7": "E", "11": "F", "12": "G", "13": "H"}
BANKRUPTCY_UNKNOWN_CHAPTER: Final = "Z"
REMOVE_INDICATOR: Final = "Q"

#: §5.13 generation codes from name suffixes.
GENERATION: Final = {
    "JR": "J",
    "SR": "S",
    "II": "2",
    "III": "3",
    "IV": "4",
    "V": "5",
    "VI": "6",
    "VII": "7",
    "VIII": "8",
    "IX": "9",
    "2ND": "2",
    "3RD": "3",
    "4TH": "4",
}
