"""Borrowers and co-borrowers as Metro 2 spells them, and a furnished partition as a file:
written through the validating writer, read back, every problem-free."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import polars as pl
import pytest

from arrears.batch.furnishing.contact import furnishable_from
from arrears.batch.furnishing.people import ascii_upper, generation_code
from arrears.compliance.furnishing import contacted_for_furnishing
from arrears.domain.contact_log import Channel, ContactRecord, Direction, Outcome
from arrears.formats.metro2 import HeaderRecord, Metro2Writer, read_file, validate_bytes
from unit.metro2_furnishing.builders import AS_OF, Book, person, record


def test_names_are_transliterated_upper_case_ascii_fitted_to_the_field() -> None:
    frame = pl.DataFrame({"name": ["García-Núñez  Ørsted", "Strauß", None, "x" * 30]})
    cleaned = frame.select(ascii_upper(pl.col("name"), 25)).to_series().to_list()
    assert cleaned == ["GARCIA-NUNEZ ORSTED", "STRAUSS", "", "X" * 25]
    suffixes = pl.DataFrame({"s": ["Jr.", "III", "sr", "", "Esq"]})
    assert suffixes.select(generation_code(pl.col("s"))).to_series().to_list() == [
        "J", "3", "S", "", "",
    ]  # fmt: skip


def test_a_co_borrower_at_the_same_address_is_a_j1_elsewhere_a_j2() -> None:
    """Both borrowers report ECOA 2; a deceased co-borrower reports X."""
    book = Book()
    book.loan(1, co_borrower_id=101)
    book.people.append(person(101, first_name="Luis", ssn="987-65-4321"))
    book.loan(2, co_borrower_id=102)
    book.people.append(person(102, first_name="Eva", address_line1="9 Pine Ave", city="Austin",
                              state="TX", zip="78701-1234"))  # fmt: skip
    book.hold(2, "deceased", date(2026, 5, 1), borrower_id=102)
    for loan in (1, 2):
        book.pay_schedule(loan, until=AS_OF)
    result = book.furnish()
    same = record(result, "LN0001")
    assert same["ecoa_code"] == "2"
    assert same["j2"] == []
    (j1,) = same["j1"]
    assert (j1["first_name"], j1["ecoa_code"], j1["social_security_number"]) == (
        "LUIS", "2", 987654321,
    )  # fmt: skip
    other = record(result, "LN0002")
    (j2,) = other["j2"]
    assert (j2["city"], j2["postal_zip_code"], j2["ecoa_code"]) == ("AUSTIN", "787011234", "X")
    assert other["ecoa_code"] == "2"


def test_a_deceased_borrower_reports_ecoa_x_and_a_missing_ssn_is_zero() -> None:
    book = Book()
    book.loan(1)
    book.people[0].update(ssn=None, phone="555-0101", suffix="Jr")
    book.hold(1, "deceased", date(2026, 6, 2))
    row = record(book.furnish(), "LN0001")
    assert row["ecoa_code"] == "X"
    assert row["social_security_number"] is None
    assert row["telephone_number"] is None
    assert row["generation_code"] == "J"


def _every_status() -> Book:
    """One account in each state furnishing knows, for writing a whole file."""
    book = Book()
    book.loan(1)  # current
    book.pay_schedule(1, until=AS_OF)
    book.loan(2)  # 78
    book.pay_schedule(2, until=date(2026, 3, 15))
    book.loan(3, charge_off_date=date(2026, 1, 20), charge_off_amount_minor=2_400_00)  # 97
    book.pay_schedule(3, until=date(2025, 9, 15))
    book.loan(4, charge_off_date=date(2026, 1, 20), charge_off_amount_minor=2_400_00)  # 64 AU
    book.pay_schedule(4, until=date(2025, 9, 15))
    book.pay(4, date(2026, 6, 1), 1_400_00)
    book.pay(4, date(2026, 6, 1), 1_400_00, kind="waiver")
    book.loan(5, product="auto", principal=12_000_00, term=48, co_borrower_id=105)  # 96, J1
    book.people.append(person(105, first_name="Luis"))
    book.pay_schedule(5, until=date(2025, 12, 15), amount=250_00)
    book.pay(5, date(2026, 5, 20), 6_000_00, kind="sale_proceeds")
    book.loan(6, product="card", credit_limit_minor=5_000_00, original_creditor="Shop Co")
    book.pay_schedule(6, until=AS_OF)  # 11 with a K1
    book.hold(6, "dispute", date(2026, 6, 20))
    book.loan(7)  # never paid (84), bankruptcy petition
    book.hold(7, "bankruptcy", date(2026, 6, 1), chapter="7")
    book.loan(8, contacted=None)  # not furnished
    return book


def test_a_partition_is_a_valid_file_that_reads_back_as_its_facts() -> None:
    """Written through ``Metro2Writer`` (validating) and read back: no problems, the trailer
    counts every status and segment, and each account reads back as furnished."""
    result = _every_status().furnish()
    header = HeaderRecord(activity_date=AS_OF, date_created=AS_OF, reporter_name="LENDER",
                          reporter_address="1 MAIN ST")  # fmt: skip
    out = io.BytesIO()
    with Metro2Writer(out, header=header) as writer:
        writer.write_frame(result.records)
    report = validate_bytes(out.getvalue())
    assert report.ok, report.problems
    trailer = read_file(out.getvalue()).trailer
    assert trailer is not None
    assert trailer.total_base_records == 7
    assert (trailer.total_status_11, trailer.total_status_78, trailer.total_status_97) == (2, 1, 1)
    assert trailer.total_status_84 == 1  # the bankrupt borrower never paid
    assert (trailer.total_status_64, trailer.total_status_96) == (1, 1)
    assert (trailer.total_j1_segments, trailer.total_original_creditor_segments) == (1, 1)
    accounts = {a.base.consumer_account_number: a for a in read_file(out.getvalue()).accounts}
    assert accounts["LN0004"].base.special_comment == "AU"
    assert accounts["LN0006"].base.compliance_condition_code == "XB"
    assert accounts["LN0007"].base.consumer_information_indicator == "A"
    assert "LN0008" not in accounts
    for row in result.records.iter_rows(named=True):
        base = accounts[row["consumer_account_number"]].base
        for name in ("account_status", "current_balance", "payment_history_profile",
                     "date_of_first_delinquency", "social_security_number"):  # fmt: skip
            assert getattr(base, name) == (row[name] or 0 if name.endswith("number") else row[name])


def test_digests_change_only_when_what_is_reported_changes() -> None:
    """Same facts, same digests; a different phone changes only that account's digest; SSN
    and date of birth are not in the digest (their blind indexes are)."""
    book = _every_status()
    first = book.furnish().reported
    assert first.equals(book.furnish().reported)
    book.people[0]["phone"] = "+16175550199"
    book.people[1]["ssn"] = "000000001"
    second = book.furnish().reported
    changed = first.join(second, on="loan_id").filter(pl.col("digest") != pl.col("digest_right"))
    assert changed.get_column("loan_id").to_list() == [1]


@pytest.mark.parametrize(
    "log",
    [
        [("call", "inbound", 3, "right_party_contact", None)],
        [("call", "outbound", 3, "no_answer", None)],
        [("letter", "outbound", 20, "sent", "a")],
        [("letter", "outbound", 10, "sent", "a")],
        [("email", "outbound", 20, "sent", "a"), ("email", "outbound", 15, "bounced", "a")],
        [("email", "outbound", 20, "sent", "a"), ("sms", "outbound", 18, "bounced", "b")],
        [("email", "outbound", 30, "delivered", None), ("letter", "outbound", 2, "bounced", None)],
    ],
)
def test_the_vectorised_rule_agrees_with_the_compliance_engine(
    log: list[tuple[str, str, int, str, str | None]],
) -> None:
    """``furnishable_from`` says what ``compliance.furnishing.contacted_for_furnishing``
    says, contact log by contact log (12 CFR 1006.30(a))."""
    records = [
        ContactRecord(loan_id=1, borrower_id=1, channel=Channel(channel),
                      direction=Direction(direction),
                      at=datetime.combine(AS_OF - timedelta(days=ago), datetime.min.time(),
                                          tzinfo=UTC).replace(hour=16),
                      actor="t", outcome=Outcome(outcome), reference=reference)
        for channel, direction, ago, outcome, reference in log
    ]  # fmt: skip
    expected = contacted_for_furnishing(records, as_of=AS_OF, zone="America/New_York", wait_days=14)
    frame = pl.DataFrame(
        [{"loan_id": 1, "channel": r.channel.value, "direction": r.direction.value, "at": r.at,
          "outcome": r.outcome.value, "reference": r.reference} for r in records],
        schema={"loan_id": pl.Int64, "channel": pl.String, "direction": pl.String,
                "at": pl.Datetime("us", "UTC"), "outcome": pl.String, "reference": pl.String},
    )  # fmt: skip
    found = furnishable_from(frame, as_of=AS_OF, zone="America/New_York", wait_days=14)
    assert (found.height == 1) is expected
