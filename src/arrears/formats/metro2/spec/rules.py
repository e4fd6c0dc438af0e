"""The catalogue of validation rules: every problem names one of these ids.

Each rule cites the section of ``metro2.md`` it enforces, so a user who reads a problem can look
the rule up. ``structural`` rules are the ones that stop a record from being decoded into the
typed model (the bytes do not spell a value); the others are about what the values mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    section: str
    summary: str
    structural: bool = False


_RULES: Final[tuple[Rule, ...]] = (
    # framing (§5.1)
    Rule(
        "framing.rdw",
        "5.1",
        "The Record Descriptor Word equals the record's length, appended segments included",
    ),
    Rule(
        "framing.bdw", "5.1", "The Block Descriptor Word equals the block's length, itself included"
    ),
    Rule("framing.truncated", "5.1", "The file ends inside a record", True),
    Rule(
        "framing.lost",
        "5.1",
        "No record starts where the previous one ends; the rest of the file cannot be read",
        True,
    ),
    Rule(
        "framing.unknown-segment",
        "5.1",
        "Only J1, J2, K1, K2, K3, K4, L1 and N1 segments follow a base segment",
        True,
    ),
    Rule(
        "framing.segment-repeated",
        "5.1",
        "K1, K2, K3, K4, L1 and N1 appear at most once per account",
        True,
    ),
    Rule(
        "framing.segment-order",
        "5.1",
        "Appendages follow the order J1* J2* K1 K2 K3 K4 L1 N1",
    ),
    Rule(
        "framing.record-order", "5.1", "A file is one Header, then base segments, then one Trailer"
    ),
    Rule(
        "framing.not-metro2",
        "5.1",
        "The file does not start with a character or packed descriptor word",
        True,
    ),
    # field spelling (conventions, §5.14)
    Rule("field.ascii", "Pitfalls", "Character fields hold printable ASCII only (0x20-0x7E)", True),
    Rule(
        "field.numeric", "Facts", "Numeric fields are digits, right-justified and zero-filled", True
    ),
    Rule("field.date", "Facts", "Dates are MMDDYYYY calendar dates from 1900, or zeros", True),
    Rule("field.timestamp", "5.3", "The time stamp is MMDDYYYYHHMMSS, or zeros", True),
    Rule(
        "field.packed",
        "5.14",
        "Packed-decimal fields hold digit nibbles and a C, D or F sign nibble",
        True,
    ),
    Rule(
        "field.negative",
        "Implications",
        "Amounts are never negative (credit balances are reported as zero)",
        True,
    ),
    Rule(
        "field.too-large",
        "Pitfalls",
        "An amount has at most 9 digits: it is refused, never truncated",
        True,
    ),
    Rule(
        "field.too-long", "Pitfalls", "Text longer than its field is refused, never truncated", True
    ),
    Rule("field.type", "Facts", "A value of the wrong type for its field", True),
    Rule(
        "field.required",
        "5.2/5.3/5.12",
        "Required fields are present (non-blank text, non-zero date)",
    ),
    Rule(
        "field.identifier",
        "5.2/5.11/5.12",
        "The record or segment identifier is the constant of its layout",
        True,
    ),
    # code tables
    Rule("code.account-status", "5.4", "Account Status is one of the 23 codes"),
    Rule("code.payment-rating", "5.5", "Payment Rating is 0-6, G or L"),
    Rule(
        "code.payment-history",
        "5.5",
        "Payment History Profile characters are 0-6, B, D, E, G, H, J, K, L or Z",
    ),
    Rule("code.special-comment", "5.6", "Special Comment is one of the accepted codes"),
    Rule("code.compliance-condition", "5.7", "Compliance Condition Code is XA-XJ or XR"),
    Rule("code.portfolio-type", "5.8", "Portfolio Type is C, I, M, O, R or L"),
    Rule("code.account-type", "5.9", "Account Type is one of the accepted codes"),
    Rule("code.ecoa", "5.10", "ECOA code is 1, 2, 3, 5, 7, T, W, X or Z"),
    Rule("code.other", "5.13/5.12", "A coded field holds one of its table's codes"),
    # base segment cross-field rules
    Rule(
        "base.identification-number",
        "5.3 #5",
        "Identification Number has at least 5 characters and is not all zeros or nines",
    ),
    Rule("base.account-number", "5.3 #7", "Consumer Account Number has no embedded blanks"),
    Rule("base.terms-duration", "5.3 #13", "Terms Duration is LOC, REV or a 3-digit count"),
    Rule(
        "base.payment-rating",
        "5.3 #17B",
        "Payment Rating is present for statuses 05, 13, 65, 88, 89, 94, 95 and blank otherwise",
    ),
    Rule(
        "base.payment-history",
        "5.5",
        "B (no history) only fills the end of the Payment History Profile",
    ),
    Rule(
        "base.dofd-required",
        "5.3 #25",
        "Delinquent and paid-derogatory statuses report a Date of First Delinquency",
    ),
    Rule(
        "base.dofd-after-activity",
        "5.3 #25",
        "The Date of First Delinquency is not after "
        "the Date of Account Information nor the Activity Date",
    ),
    Rule(
        "base.date-in-future",
        "5.3 #10/#24",
        "Date Opened and Date of Account Information are not after the Activity Date",
    ),
    Rule("base.past-due-current", "5.3 #22", "Amount Past Due is zero for status 11"),
    Rule(
        "base.charge-off-amount",
        "5.3 #23",
        "Statuses 64 and 97 report the Original Charge-off Amount",
    ),
    Rule(
        "base.paid-balance",
        "5.4",
        "Paid and closed statuses (13, 61-65) report a zero Current Balance",
    ),
    Rule(
        "base.special-comment",
        "5.6",
        "A Special Comment is used with the statuses, balance "
        "and account types it is published for",
    ),
    Rule(
        "base.portfolio-account-type",
        "5.9",
        "A line-of-credit portfolio (C) carries account type 15, 43, 47, 89, 7A or 9B",
    ),
    # trailer (§5.11)
    Rule("trailer.total", "5.11", "Every trailer total equals the count recomputed from the file"),
    Rule("trailer.missing", "5.11", "The file ends with a Trailer Record"),
    Rule("header.missing", "5.2", "The file starts with a Header Record"),
    Rule("json.schema", "docs/metro2-format.md", "JSON input follows the documented schema", True),
)

RULES: Final[dict[str, Rule]] = {rule.id: rule for rule in _RULES}


def rule(rule_id: str) -> Rule:
    """The rule named ``rule_id``; an unknown id is a programming error."""
    return RULES[rule_id]
