"""Every generated value passes the domain's own validators and the import format's rules."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import phonenumbers
import polars as pl
import pytest
from phonenumbers import geocoder

from arrears.domain import geo
from arrears.domain.contacts import is_email
from arrears.domain.money import Money
from arrears.domain.vin import vin_problem

AMOUNTS = {
    "loans": ["principal", "credit_limit", "charge_off_amount"],
    "schedules": ["principal", "interest", "fees"],
    "payments": ["amount"],
    "collateral": ["value"],
    "valuations": ["amount"],
}
MAY_BE_ZERO = {("schedules", "principal"), ("schedules", "interest"), ("schedules", "fees")}
ID_PATTERN = re.compile(r"^[A-Za-z0-9._:/-]{1,64}$")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def _values(frame: pl.DataFrame, column: str) -> list[Any]:
    return frame[column].drop_nulls().to_list()


@pytest.mark.parametrize(("kind", "column"), [(k, c) for k, cs in AMOUNTS.items() for c in cs])
def test_amounts_are_exact_cents_and_positive(book: Any, kind: str, column: str) -> None:
    """Amounts parse as USD with at most 2 decimals and are > 0 (schedule parts may be 0)."""
    amounts = [Money.parse(text) for text in _values(book.frames[kind], column)]
    assert amounts or column in {"credit_limit", "charge_off_amount", "fees"}
    floor = 0 if (kind, column) in MAY_BE_ZERO else 1
    assert all(amount.minor >= floor for amount in amounts)


def test_no_date_is_after_as_of(book: Any) -> None:
    """Nothing originates, is paid, returned, valued or charged off after as_of (due dates may
    lie ahead), and every loan falls due after it was booked."""
    future_allowed = {("schedules", "due_date"), ("loans", "first_due_date")}
    for kind, frame in book.frames.items():
        for name, dtype in frame.schema.items():
            if dtype == pl.Date and (kind, name) not in future_allowed:
                latest = frame[name].max()
                assert latest is None or latest <= book.as_of, (kind, name)
    loans = book.frames["loans"]
    assert (loans["first_due_date"] > loans["origination_date"]).all()


def test_ids_follow_the_id_format(book: Any) -> None:
    """Every *_id is 1–64 characters of letters, digits and . _ - : /."""
    for frame in book.frames.values():
        for name in frame.columns:
            if name.endswith("_id"):
                assert all(ID_PATTERN.match(v) for v in _values(frame, name)), name


def test_zips_exist_and_lie_in_their_state(book: Any) -> None:
    """Borrower and property ZIPs are real and their city and state are the directory's."""
    directory = geo.zip_directory()
    for kind in ("borrowers", "collateral"):
        rows = book.frames[kind].filter(pl.col("zip").is_not_null())
        assert rows.height
        for zip_code, city, state in rows.select("zip", "city", "state").iter_rows():
            info = directory[zip_code]
            assert (info.state, info.city) == (state, city)
            assert state in geo.STATES_AND_DC


def test_phones_are_fictional_lines_of_the_borrowers_state(book: Any) -> None:
    """Phones are valid US numbers in 555-01XX under an area code of the borrower's state."""
    names = {name: code for code, name in geo.STATES.items()} | {"Washington State": "WA"}
    checked = 0
    for row in book.frames["borrowers"].iter_rows(named=True):
        for kind in ("mobile_phone", "home_phone", "work_phone"):
            phone = row[kind]
            if phone is None:
                continue
            assert geo.is_us_phone(phone)
            assert re.fullmatch(r"[2-9]\d\d-555-01\d\d", phone)
            place = geocoder.description_for_number(phonenumbers.parse("+1" + phone), "en")
            state = place[-2:] if place[-4:-2] == ", " else names.get(place, "DC")
            assert state == row["state"], (phone, place, row["state"])
            checked += 1
    assert checked > 5_000


def test_emails_are_valid_and_at_reserved_domains(book: Any) -> None:
    """Emails pass ``is_email`` and use example.com/.net/.org only (RFC 2606)."""
    borrowers = book.frames["borrowers"]
    emails = _values(borrowers, "email") + _values(borrowers, "work_email")
    assert emails
    assert all(is_email(e) and e.endswith(RESERVED_DOMAINS) for e in emails)
    assert all(e.endswith("@example.org") for e in _values(borrowers, "work_email"))


def test_consent_and_opt_out_flags_go_with_their_channel(book: Any) -> None:
    """SMS consent is given only with a mobile, email opt-out only with an email."""
    borrowers = book.frames["borrowers"]
    consent = borrowers.filter(pl.col("sms_consent").is_not_null())
    assert consent["mobile_phone"].null_count() == 0
    assert set(consent["sms_consent"]) == {"true", "false"}
    opted = borrowers.filter(pl.col("email_opt_out").is_not_null())
    assert opted["email"].null_count() == 0
    assert set(opted["email_opt_out"]) == {"true", "false"}


def test_ssns_and_birth_dates_are_valid(book: Any) -> None:
    """SSNs avoid area 000/666/900+, group 00 and serial 0000; ages on as_of are 21–85."""
    borrowers = book.frames["borrowers"]
    for ssn in _values(borrowers, "ssn"):
        area, group, serial = ssn.split("-")
        assert 1 <= int(area) <= 899
        assert int(area) != 666
        assert int(group) != 0
        assert int(serial) != 0
    as_of: date = book.as_of
    for born in _values(borrowers, "date_of_birth"):
        age = as_of.year - born.year - ((as_of.month, as_of.day) < (born.month, born.day))
        assert 21 <= age <= 85


def test_vehicles_have_valid_vins_and_model_years(book: Any) -> None:
    """Every VIN passes the check digit and encodes its model year; years are at most next year."""
    vehicles = book.frames["collateral"].filter(pl.col("kind") == "vehicle")
    year_codes = "ABCDEFGHJKLMNPRSTVWXY123456789"
    for vin, year in vehicles.select("vin", "year").iter_rows():
        assert vin_problem(vin) is None
        assert vin[9] == year_codes[(year - 2010) % 30]
        assert 1950 <= year <= book.as_of.year + 1


def test_rates_terms_and_enumerations_are_in_range(book: Any) -> None:
    """Rates have ≤ 6 decimals in [0, 1), terms are 1–480, enumerations use documented values."""
    loans = book.frames["loans"]
    for rate in loans["annual_rate"]:
        assert re.fullmatch(r"0(\.\d{1,6})?", rate)
    assert loans["term_months"].is_between(1, 480).all()
    assert set(loans["status"]) <= {"active", "paid_off", "charged_off"}
    payments = book.frames["payments"]
    assert set(payments["method"]) <= {"ach", "card", "check", "cash", "wire", "agency", "other"}
    returned = payments.filter(pl.col("status") == "returned")
    assert (returned["returned_date"] >= returned["effective_date"]).all()
    assert returned["return_reason"].str.starts_with("R").all()
    collateral = book.frames["collateral"]
    assert set(collateral["condition"].drop_nulls()) <= {"excellent", "good", "fair", "poor"}
    assert collateral["lien_position"].drop_nulls().is_between(1, 9).all()


def test_payments_fall_between_origination_and_as_of(book: Any) -> None:
    """No payment is effective before its loan was booked."""
    joined = book.frames["payments"].join(
        book.frames["loans"].select("loan_id", "origination_date"), on="loan_id"
    )
    assert joined.height == book.frames["payments"].height
    assert (joined["effective_date"] >= joined["origination_date"]).all()


def test_references_resolve(book: Any) -> None:
    """Loans name known borrowers; payments, schedules and collateral name known loans."""
    borrowers = set(book.frames["borrowers"]["borrower_id"])
    loans = book.frames["loans"]
    assert set(loans["borrower_id"]) <= borrowers
    assert set(loans["co_borrower_id"].drop_nulls()) <= borrowers
    loan_ids = set(loans["loan_id"])
    for kind in ("schedules", "payments", "collateral"):
        assert set(book.frames[kind]["loan_id"]) <= loan_ids
    assert set(book.frames["valuations"]["collateral_id"]) <= set(
        book.frames["collateral"]["collateral_id"]
    )
    assert book.frames["payments"]["payment_id"].is_unique().all()


def test_explicit_schedules_repay_the_principal(book: Any) -> None:
    """Each explicit schedule is numbered 1..n without gaps and its principal adds up."""
    schedules = book.frames["schedules"].with_columns(
        pl.col("principal").map_elements(lambda t: Money.parse(t).minor, pl.Int64).alias("minor")
    )
    sums = schedules.group_by("loan_id").agg(
        pl.col("minor").sum(), pl.len(), pl.col("installment_number").max().alias("last")
    )
    principal = book.frames["loans"].select(
        "loan_id",
        "term_months",
        pl.col("principal").map_elements(lambda t: Money.parse(t).minor, pl.Int64),
    )
    joined = sums.join(principal, on="loan_id")
    assert joined.height > 10
    assert (joined["minor"] == joined["principal"]).all()
    assert (joined["len"] == joined["last"]).all()
    assert (joined["len"] == joined["term_months"]).all()
