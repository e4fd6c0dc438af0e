"""Validation rules, table-driven: each case breaks one rule of metro2.md and expects exactly
that rule reported at the right record, field and byte position."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from arrears.formats.metro2 import (
    AccountRecord,
    J1Segment,
    Metro2Problem,
    validate_bytes,
)
from arrears.formats.metro2.problems import REDACTED
from arrears.formats.metro2.spec import HEADER, RULES

LATER = dt.date(2025, 8, 1)


@dataclass(frozen=True)
class Case:
    """One broken rule: ``changes`` to the valid base, or raw ``bytes`` put into ``field``."""

    rule: str
    section: str  # the section of metro2.md the rule comes from
    field: str
    changes: dict[str, Any] = field(default_factory=dict)
    raw: bytes | None = None


CASES = {
    "5.4 account status code": Case(
        "code.account-status", "5.4", "account_status", {"account_status": "XX"}
    ),
    "5.5 payment rating code": Case(
        "code.payment-rating",
        "5.5",
        "payment_rating",
        {"account_status": "13", "payment_rating": "9", "current_balance": 0},
    ),
    "5.5 payment history characters": Case(
        "code.payment-history",
        "5.5",
        "payment_history_profile",
        {"payment_history_profile": "0" * 23 + "X"},
    ),
    "5.5 B only as trailing fill": Case(
        "base.payment-history",
        "5.5",
        "payment_history_profile",
        {"payment_history_profile": "0B" + "0" * 22},
    ),
    "5.6 special comment code": Case(
        "code.special-comment", "5.6", "special_comment", {"special_comment": "ZZ"}
    ),
    "5.6 retired special comment AG": Case(
        "code.special-comment", "5.6", "special_comment", {"special_comment": "AG"}
    ),
    "5.7 compliance condition code": Case(
        "code.compliance-condition",
        "5.7",
        "compliance_condition_code",
        {"compliance_condition_code": "XZ"},
    ),
    "5.8 portfolio type": Case(
        "code.portfolio-type", "5.8", "portfolio_type", {"portfolio_type": "Q"}
    ),
    "5.9 retired account type 1C": Case(
        "code.account-type", "5.9", "account_type", {"account_type": "1C"}
    ),
    "5.10 obsolete ECOA 4": Case("code.ecoa", "5.10", "ecoa_code", {"ecoa_code": "4"}),
    "5.13 terms frequency": Case(
        "code.other", "5.13/5.12", "terms_frequency", {"terms_frequency": "X"}
    ),
    "5.13 interest type": Case(
        "code.other", "5.13/5.12", "interest_type_indicator", {"interest_type_indicator": "Z"}
    ),
    "5.3 required surname": Case("field.required", "5.2/5.3/5.12", "surname", {"surname": ""}),
    "5.3 required date of account information": Case(
        "field.required",
        "5.2/5.3/5.12",
        "date_of_account_information",
        {"date_of_account_information": None},
    ),
    "5.3 #5 identification number too short": Case(
        "base.identification-number",
        "5.3 #5",
        "identification_number",
        {"identification_number": "AB"},
    ),
    "5.3 #5 identification number all zeros": Case(
        "base.identification-number",
        "5.3 #5",
        "identification_number",
        {"identification_number": "0000000"},
    ),
    "5.3 #7 account number embedded blank": Case(
        "base.account-number",
        "5.3 #7",
        "consumer_account_number",
        {"consumer_account_number": "LN 0001"},
    ),
    "5.3 #13 terms duration": Case(
        "base.terms-duration", "5.3 #13", "terms_duration", {"terms_duration": "6M"}
    ),
    "5.3 #17B rating required for 05": Case(
        "base.payment-rating", "5.3 #17B", "payment_rating", {"account_status": "05"}
    ),
    "5.3 #17B rating blank for 11": Case(
        "base.payment-rating", "5.3 #17B", "payment_rating", {"payment_rating": "1"}
    ),
    "5.3 #25 DOFD required for 71": Case(
        "base.dofd-required",
        "5.3 #25",
        "date_of_first_delinquency",
        {"account_status": "71", "amount_past_due": 250},
    ),
    "5.3 #25 DOFD required for 13 rated 2": Case(
        "base.dofd-required",
        "5.3 #25",
        "date_of_first_delinquency",
        {"account_status": "13", "payment_rating": "2", "current_balance": 0},
    ),
    "5.3 #25 DOFD after the activity date": Case(
        "base.dofd-after-activity",
        "5.3 #25",
        "date_of_first_delinquency",
        {"account_status": "71", "amount_past_due": 250, "date_of_first_delinquency": LATER},
    ),
    "5.3 #10 date opened in the future": Case(
        "base.date-in-future", "5.3 #10/#24", "date_opened", {"date_opened": LATER}
    ),
    "5.3 #22 past due with status 11": Case(
        "base.past-due-current", "5.3 #22", "amount_past_due", {"amount_past_due": 100}
    ),
    "5.3 #23 charge-off amount for 97": Case(
        "base.charge-off-amount",
        "5.3 #23",
        "original_charge_off_amount",
        {
            "account_status": "97",
            "amount_past_due": 8_000,
            "date_of_first_delinquency": dt.date(2024, 11, 1),
        },
    ),
    "5.4 paid status with a balance": Case(
        "base.paid-balance",
        "5.4",
        "current_balance",
        {"account_status": "13", "payment_rating": "0"},
    ),
    "5.6 AU needs a paid status": Case(
        "base.special-comment", "5.6", "special_comment", {"special_comment": "AU"}
    ),
    "5.6 AC not with a paid status": Case(
        "base.special-comment",
        "5.6",
        "special_comment",
        {
            "special_comment": "AC",
            "account_status": "13",
            "payment_rating": "0",
            "current_balance": 0,
        },
    ),
    "5.6 BA needs a delinquent status": Case(
        "base.special-comment", "5.6", "special_comment", {"special_comment": "BA"}
    ),
    "5.6 lease code needs a lease account type": Case(
        "base.special-comment", "5.6", "special_comment", {"special_comment": "BS"}
    ),
    "5.9 line of credit account type": Case(
        "base.portfolio-account-type", "5.9", "account_type", {"portfolio_type": "C"}
    ),
    "Pitfalls: negative amount spelled 0000000-5": Case(
        "field.negative", "Implications", "current_balance", raw=b"0000000-5"
    ),
    "Facts: invalid date": Case("field.date", "Facts", "date_opened", raw=b"13012020"),
    "Facts: 29 February in a common year": Case(
        "field.date", "Facts", "date_opened", raw=b"02292023"
    ),
    "5.3: time stamp hour 25": Case("field.timestamp", "5.3", "time_stamp", raw=b"06302025250000"),
    "Pitfalls: non-ASCII name": Case("field.ascii", "Pitfalls", "surname", raw="DOÉ".encode()),
    "Facts: blank-filled numeric field": Case(
        "field.numeric", "Facts", "highest_credit", raw=b"         "
    ),
}


def _problems_for(data: bytes) -> list[Metro2Problem]:
    return validate_bytes(data).problems


def test_the_valid_file_has_no_problems(build_file: Callable[..., bytes]) -> None:
    """The baseline every case changes is itself valid (so each case isolates one rule)."""
    assert _problems_for(build_file()) == []


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_rule_is_reported_where_it_is_broken(
    case: Case,
    base: Callable[..., Any],
    build_file: Callable[..., bytes],
    position: Callable[..., int],
    patched: Callable[[bytes, int, bytes], bytes],
) -> None:
    """The broken rule is reported once, for record 2 (the account), at the field's byte."""
    data = build_file([AccountRecord(base=base(**case.changes))])
    if case.raw is not None:
        data = patched(data, position(2, case.field), case.raw)
    found = [p for p in _problems_for(data) if p.rule == case.rule and p.field == case.field]
    assert len(found) == 1, _problems_for(data)
    problem = found[0]
    assert (problem.record, problem.segment) == (2, "base")
    assert problem.position == position(2, case.field)
    assert RULES[case.rule].section == case.section
    assert problem.section == case.section


def test_every_problem_is_reported_not_just_the_first(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """Three accounts with different faults give three problems (validation never stops)."""
    accounts = [
        AccountRecord(base=base(account_status="XX")),
        AccountRecord(base=base(consumer_account_number="LN0002", ecoa_code="4")),
        AccountRecord(base=base(consumer_account_number="LN0003", surname="")),
    ]
    rules = sorted((p.record, p.rule) for p in _problems_for(build_file(accounts)))
    assert rules == [(2, "code.account-status"), (3, "code.ecoa"), (4, "field.required")]


def test_sensitive_values_are_not_echoed(
    build_file: Callable[..., bytes],
    position: Callable[..., int],
    patched: Callable[[bytes, int, bytes], bytes],
) -> None:
    """A bad SSN or date of birth is reported without its value (data-formats.md policy)."""
    data = patched(build_file(), position(2, "social_security_number"), b"12345678X")
    data = patched(data, position(2, "date_of_birth"), b"99999999")
    found = {p.field: p for p in _problems_for(data)}
    assert found["social_security_number"].value == REDACTED
    assert found["date_of_birth"].value == REDACTED


def test_header_rules_use_the_header_positions(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """§5.2: a zero Activity Date in the header is a required-field problem at byte 47."""
    data = patched(build_file(), HEADER.field("activity_date").offset, b"00000000")
    found = [p for p in _problems_for(data) if p.segment == "header"]
    assert [(p.rule, p.field, p.position, p.record) for p in found] == [
        ("field.required", "activity_date", 47, 1)
    ]


def test_appendage_fields_are_checked_with_their_own_positions(
    base: Callable[..., Any], build_file: Callable[..., bytes]
) -> None:
    """§5.10 in a J1 segment: the ECOA code of the associated consumer is checked too."""
    j1 = J1Segment(surname="DOE", first_name="JOHN", ecoa_code="4")
    data = build_file([AccountRecord(base=base(), j1=(j1,))])
    found = [p for p in _problems_for(data) if p.segment == "J1"]
    assert [(p.rule, p.field, p.record) for p in found] == [("code.ecoa", "ecoa_code", 2)]
    assert found[0].position == 426 + 426 + 96
