"""Trailer totals (metro2.md §5.11): computed by writers, recomputed and compared by readers."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from arrears.formats.metro2 import (
    AccountRecord,
    Framing,
    J1Segment,
    J2Segment,
    K1Segment,
    K2Segment,
    K3Segment,
    K4Segment,
    L1Segment,
    Metro2File,
    N1Segment,
    TrailerRecord,
    read_file,
    validate_bytes,
    write_file,
)
from arrears.formats.metro2.spec import TRAILER

J1 = J1Segment(surname="DOE", first_name="JOHN", ecoa_code="Z", social_security_number=0)
J2 = J2Segment(
    surname="ROE",
    first_name="ANN",
    ecoa_code="2",
    social_security_number=987654321,
    first_line_of_address="2 ELM ST",
    city="AUSTIN",
    state="TX",
    postal_zip_code="78702",
)


def _accounts(base: Callable[..., Any]) -> list[AccountRecord]:
    return [
        AccountRecord(
            base=base(),
            j1=(J1,),
            j2=(J2,),
            k1=K1Segment(original_creditor_name="BANK", creditor_classification="08"),
            k2=K2Segment(purchased_sold_indicator="1", purchased_sold_name="SELLER"),
            k3=K3Segment(agency_identifier="01"),
            k4=K4Segment(specialized_payment_indicator="01"),
            l1=L1Segment(change_indicator="1", new_consumer_account_number="LN9"),
            n1=N1Segment(employer_name="ACME"),
        ),
        AccountRecord(
            base=base(
                consumer_account_number="LN0002",
                account_status="97",
                amount_past_due=8_000,
                original_charge_off_amount=9_000,
                date_of_first_delinquency=base().date_opened,
                social_security_number=999_999_999,
                telephone_number=0,
                ecoa_code="Z",
            )
        ),
        AccountRecord(
            base=base(consumer_account_number="LN0003", account_status="DA", date_of_birth=None)
        ),
    ]


def test_written_trailer_totals(base: Callable[..., Any], build_file: Callable[..., bytes]) -> None:
    """Bases, statuses, segments, ECOA Z in base and J1, and SSNs/DOBs/phones not zero- or
    nine-filled are counted; the file then validates cleanly."""
    data = build_file(_accounts(base), framing=Framing(blocked=True))
    trailer = read_file(data).trailer
    assert trailer is not None
    counts = {
        name: getattr(trailer, name)
        for name in (
            "total_base_records",
            "total_status_11",
            "total_status_97",
            "total_status_da",
            "total_j1_segments",
            "total_j2_segments",
            "total_original_creditor_segments",
            "total_purchased_sold_segments",
            "total_mortgage_information_segments",
            "total_specialized_payment_segments",
            "total_change_segments",
            "total_employment_segments",
            "total_ecoa_code_z",
            "total_ssn_base_segments",
            "total_ssn_j1_segments",
            "total_ssn_j2_segments",
            "total_ssn_all_segments",
            "total_dob_base_segments",
            "total_dob_all_segments",
            "total_telephone_all_segments",
            "block_count",
        )
    }
    assert counts == {
        "total_base_records": 3,
        "total_status_11": 1,
        "total_status_97": 1,
        "total_status_da": 1,
        "total_j1_segments": 1,
        "total_j2_segments": 1,
        "total_original_creditor_segments": 1,
        "total_purchased_sold_segments": 1,
        "total_mortgage_information_segments": 1,
        "total_specialized_payment_segments": 1,
        "total_change_segments": 1,
        "total_employment_segments": 1,
        "total_ecoa_code_z": 2,
        "total_ssn_base_segments": 2,
        "total_ssn_j1_segments": 0,
        "total_ssn_j2_segments": 1,
        "total_ssn_all_segments": 3,
        "total_dob_base_segments": 2,
        "total_dob_all_segments": 2,
        "total_telephone_all_segments": 2,
        "block_count": 5,
    }
    assert [p.rule for p in validate_bytes(data).problems] == []


def test_a_wrong_total_is_reported_at_its_slot(
    build_file: Callable[..., bytes], patched: Callable[[bytes, int, bytes], bytes]
) -> None:
    """A trailer saying 2 base records for 1 is reported at byte 852 + 11 (Total Base Records)."""
    data = build_file()
    data = patched(data, 852 + TRAILER.field("total_base_records").offset, b"000000002")
    problems = validate_bytes(data).problems
    assert [(p.rule, p.field, p.position, p.record) for p in problems] == [
        ("trailer.total", "total_base_records", 863, 3)
    ]
    assert "the file has 1, the trailer says 2" in problems[0].message


def test_a_given_trailer_is_never_trusted(base: Callable[..., Any], header: Any) -> None:
    """write_file ignores the trailer it is given and computes the totals."""
    lying = TrailerRecord(total_base_records=99, total_status_11=42)
    file = Metro2File(header=header, accounts=(AccountRecord(base=base()),), trailer=lying)
    trailer = read_file(write_file(file)).trailer
    assert trailer is not None
    assert (trailer.total_base_records, trailer.total_status_11) == (1, 1)


def test_missing_header_and_trailer_are_reported(build_file: Callable[..., bytes]) -> None:
    """§5.2 and §5.11: a file of base segments only is missing both records."""
    data = build_file()[426:852]
    rules = [p.rule for p in validate_bytes(data).problems]
    assert rules == ["header.missing", "trailer.missing"]


def test_status_counters_cover_every_status(base: Callable[..., Any]) -> None:
    """§5.4: each of the 23 statuses has its own counter."""
    from arrears.formats.metro2.spec.codes import ACCOUNT_STATUS

    fields = {field.name for field in dataclasses.fields(TrailerRecord)}
    assert {f"total_status_{code.lower()}" for code in ACCOUNT_STATUS.codes} <= fields
