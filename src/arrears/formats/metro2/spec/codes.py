"""Metro 2 code tables (metro2.md §5.4–§5.13), kept as data that can be corrected.

Each table cites the section of ``metro2.md`` it was copied from. Codes shorter than their field
are left-justified in the file (Special Comment ``B`` is spelled ``"B "``).
"""

from __future__ import annotations

from typing import Final

from arrears.formats.metro2.spec.fields import CodeTable


def _table(name: str, section: str, codes: str, rule: str = "code.other") -> CodeTable:
    return CodeTable(name=name, section=section, codes=frozenset(codes.split()), rule=rule)


#: §5.4 — the 23 Account Status codes; each has its own trailer counter (§5.11).
ACCOUNT_STATUS: Final = _table(
    "account status",
    "5.4",
    "05 11 13 61 62 63 64 65 71 78 80 82 83 84 88 89 93 94 95 96 97 DA DF",
    "code.account-status",
)

#: §5.5 — Payment Rating (field 17B).
PAYMENT_RATING: Final = _table("payment rating", "5.5", "0 1 2 3 4 5 6 G L", "code.payment-rating")

#: §5.5 — characters of the Payment History Profile (field 18); moov also accepts Z.
PAYMENT_HISTORY: Final = _table(
    "payment history profile", "5.5", "0 1 2 3 4 5 6 B D E G H J K L Z", "code.payment-history"
)

#: §5.6 — the 51 Special Comment codes moov accepts (retired AG, AJ, AL, AR are refused).
SPECIAL_COMMENT: Final = _table(
    "special comment",
    "5.6",
    "B C H I M O S V AB AC AH AI AM AN AO AP AS AT AU AV AW AX AZ BA BB BC BD BE BF BG BH BI BJ "
    "BK BL BN BO BP BS BT CH CI CJ CK CL CM CN CO CP CS DE",
    "code.special-comment",
)

#: §5.7 — Compliance Condition Codes (field 20).
COMPLIANCE_CONDITION: Final = _table(
    "compliance condition code",
    "5.7",
    "XA XB XC XD XE XF XG XH XJ XR",
    "code.compliance-condition",
)

#: §5.8 — Portfolio Type (L is accepted by moov; most guides list C, I, M, O, R).
PORTFOLIO_TYPE: Final = _table("portfolio type", "5.8", "C I M O R L", "code.portfolio-type")

#: §5.9 — Account Types: the published table plus the extra codes moov accepts.
ACCOUNT_TYPE: Final = _table(
    "account type",
    "5.9",
    "00 01 02 03 04 06 07 0A 0C 0F 0G 10 12 13 15 18 19 25 26 29 2A 2C 3A 43 47 48 4D 5B 6D 77 "
    "89 8A 8B 90 91 92 93 95 9A 9B 05 08 11 17 20 37 50 65 66 67 68 69 6A 6B 70 71 72 73 74 75 "
    "7A 7B",
    "code.account-type",
)

#: §5.10 — ECOA codes (obsolete 0, 4 and 6 are refused).
ECOA: Final = _table("ECOA code", "5.10", "1 2 3 5 7 T W X Z", "code.ecoa")

#: §5.13 — Terms Frequency.
TERMS_FREQUENCY: Final = _table("terms frequency", "5.13", "D P W B E M L Q T S Y")

#: §5.13 — Interest Type Indicator.
INTEREST_TYPE: Final = _table("interest type indicator", "5.13", "F V")

#: §5.13 — Generation Code.
GENERATION: Final = _table("generation code", "5.13", "J S 2 3 4 5 6 7 8 9")

#: §5.13 — Address Indicator.
ADDRESS_INDICATOR: Final = _table("address indicator", "5.13", "C Y N M S B U D P")

#: §5.13 — Residence Code.
RESIDENCE: Final = _table("residence code", "5.13", "O R")

#: §5.3 field 2 — Processing Indicator is the constant 1.
PROCESSING_INDICATOR: Final = _table("processing indicator", "5.3", "1")

#: §5.3 field 4 — Correction Indicator: 0 normal, 1 replaces the most recent update.
CORRECTION_INDICATOR: Final = _table("correction indicator", "5.3", "0 1")

#: §5.12 K1 — Creditor Classification.
CREDITOR_CLASSIFICATION: Final = _table(
    "creditor classification", "5.12", "01 02 03 04 05 06 07 08 09 10 11 12 13 14 15"
)

#: §5.12 K2 — Purchased From / Sold To Indicator.
PURCHASED_SOLD: Final = _table("purchased from/sold to indicator", "5.12", "1 2 9")

#: §5.12 K3 — Agency Identifier.
AGENCY_IDENTIFIER: Final = _table("agency identifier", "5.12", "00 01 02")

#: §5.12 K4 — Specialized Payment Indicator.
SPECIALIZED_PAYMENT: Final = _table("specialized payment indicator", "5.12", "01 02")

#: §5.12 L1 — Change Indicator.
CHANGE_INDICATOR: Final = _table("change indicator", "5.12", "1 2 3")

#: §5.3 field 17B — statuses that require a Payment Rating (blank for every other status).
STATUSES_REQUIRING_RATING: Final = frozenset({"05", "13", "65", "88", "89", "94", "95"})

#: §5.4 — statuses that report a paid or closed account: the balance is zero.
PAID_STATUSES: Final = frozenset({"13", "61", "62", "63", "64", "65"})

#: §5.4 — delinquent and derogatory statuses (30 days past due and worse).
DELINQUENT_STATUSES: Final = frozenset(
    {"71", "78", "80", "82", "83", "84", "88", "89", "93", "94", "95", "96", "97"}
)

#: §5.3 field 25 — statuses that need a Date of First Delinquency (paid-derogatory and
#: delinquent statuses; the same set the CFPB's public evaluator uses for its DOFD checks).
STATUSES_REQUIRING_DOFD: Final = frozenset({"61", "62", "63", "64", "65"} | DELINQUENT_STATUSES)

#: §5.3 field 25 — a payment rating that says the account was delinquent also needs a DOFD.
DELINQUENT_RATINGS: Final = frozenset({"1", "2", "3", "4", "5", "6", "G", "L"})

#: §5.3 field 23 — statuses that report an Original Charge-off Amount.
CHARGE_OFF_STATUSES: Final = frozenset({"64", "97"})

#: §5.9 — account types a line-of-credit portfolio (C) may carry.
LINE_OF_CREDIT_ACCOUNT_TYPES: Final = frozenset({"15", "43", "47", "89", "7A", "9B"})

#: §5.3 field 13 — Terms Duration words; anything else must be a 3-digit count.
TERMS_DURATION_WORDS: Final = frozenset({"LOC", "REV"})
