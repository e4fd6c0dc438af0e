"""Account Status, Payment Rating, profile, DOFD and amounts from hand-built account histories.

Every loan below is a 36-month, interest-free loan of $3,600.00 (100.00 a month due on the
15th from 2025-02-15) unless it says otherwise; the reporting month is June 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from arrears.batch.furnishing import FurnisherKind, FurnishingSettings
from unit.metro2_furnishing.builders import AS_OF, Book, reason, record


def test_a_current_account_reports_11_with_a_clean_profile() -> None:
    """Paid on every due date: 11, no rating, no amount past due, no DOFD, B before opening."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=AS_OF)
    row = record(book.furnish(), "LN0001")
    assert row["account_status"] == "11"
    assert row["payment_rating"] == ""
    assert row["amount_past_due"] == 0
    assert row["date_of_first_delinquency"] is None
    assert row["current_balance"] == 1_900  # 17 of 36 installments paid
    assert row["payment_history_profile"] == "0" * 17 + "B" * 7
    assert row["scheduled_monthly_payment"] == 100
    assert row["actual_payment"] == 100
    assert row["date_of_last_payment"] == date(2026, 6, 15)
    assert (row["portfolio_type"], row["account_type"], row["terms_duration"]) == ("I", "01", "036")


@pytest.mark.parametrize(
    ("paid_until", "status", "past_due", "dofd", "profile_start"),
    [
        (date(2026, 5, 15), "11", 0, None, "0"),  # June 15 missed: 15 days, still current
        (date(2026, 4, 15), "71", 200, date(2026, 5, 15), "0"),  # May 15 missed: 46 DPD
        (date(2026, 3, 15), "78", 300, date(2026, 4, 15), "10"),  # April 15 missed: 76 DPD
        (date(2026, 2, 15), "80", 400, date(2026, 3, 15), "210"),  # March 15 missed: 107 DPD
    ],
)
def test_late_accounts_report_their_days_past_due(
    paid_until: date, status: str, past_due: int, dofd: date | None, profile_start: str
) -> None:
    """Less than 30 days late is 11 (no amount past due); 30-59 days is 71, 60-89 is 78,
    90-119 is 80; the DOFD is the first missed due date; the profile starts with May 2026."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=paid_until)
    row = record(book.furnish(), "LN0001")
    assert row["account_status"] == status
    assert row["amount_past_due"] == past_due
    assert row["date_of_first_delinquency"] == dofd
    assert row["payment_history_profile"].startswith(profile_start)


def test_a_backdated_payment_rewrites_the_profile_and_is_marked_corrected() -> None:
    """March and April paid together on May 5: April's month end is 46 days late (1). The
    same payment recorded as made on April 10 (backdated) reads 0, and against the digest
    first reported for the month the record carries the Correction Indicator."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 2, 15))
    book.pay(1, date(2026, 5, 5), 200_00)
    book.pay(1, date(2026, 5, 15), 100_00)
    book.pay(1, date(2026, 6, 15), 100_00)
    first = book.furnish()
    assert record(first, "LN0001")["payment_history_profile"][:3] == "010"
    assert record(first, "LN0001")["correction_indicator"] == 0
    book.first_reports.append({"loan_id": 1, "digest": first.reported["digest"][0]})
    book.credits[-3]["effective_date"] = date(2026, 4, 10)
    again = book.furnish()
    assert record(again, "LN0001")["payment_history_profile"][:3] == "000"
    assert record(again, "LN0001")["correction_indicator"] == 1
    unchanged = Book(**{**book.__dict__})
    unchanged.first_reports = [{"loan_id": 1, "digest": again.reported["digest"][0]}]
    assert record(unchanged.furnish(), "LN0001")["correction_indicator"] == 0


def test_a_settled_account_reports_paid_with_au() -> None:
    """Paid for less than the balance (a waiver on the payoff day): 13, AU, zero balance,
    Date Closed and Date of Account Information on the payoff day, rating from May."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 3, 15))
    book.pay(1, date(2026, 6, 10), 1_000_00)
    book.pay(1, date(2026, 6, 10), 1_300_00, kind="waiver")
    result = book.furnish()
    row = record(result, "LN0001")
    assert (row["account_status"], row["special_comment"]) == ("13", "AU")
    assert row["current_balance"] == 0
    assert row["amount_past_due"] == 0
    assert row["date_closed"] == row["date_of_account_information"] == date(2026, 6, 10)
    assert row["payment_rating"] == "1"  # 46 days past due at the end of May
    assert row["date_of_first_delinquency"] == date(2026, 4, 15)
    assert row["actual_payment"] == 1_000


def test_a_settlement_fact_gives_the_status() -> None:
    """The settlements workflow's status (64 after a charge-off) and AU are reported."""
    book = Book()
    book.loan(1, charge_off_date=date(2026, 1, 20), charge_off_amount_minor=2_400_00)
    book.pay_schedule(1, until=date(2025, 9, 15))
    book.pay(1, date(2026, 6, 5), 2_800_00, kind="waiver")
    book.settlements.append(
        {"loan_id": 1, "settled_on": date(2026, 6, 5), "metro2_status": "64",
         "special_comment": "AU"}
    )  # fmt: skip
    row = record(book.furnish(), "LN0001")
    assert (row["account_status"], row["special_comment"]) == ("64", "AU")
    assert row["original_charge_off_amount"] == 2_400


def test_a_charge_off_reports_97_then_64_when_paid() -> None:
    """Charged off in January with 2,400.00 due: 97 with the whole balance past due, L in the
    profile from January; paid in full in June: 64, balance zero, the charge-off amount and
    the DOFD unchanged."""
    book = Book()
    book.loan(1, charge_off_date=date(2026, 1, 20), charge_off_amount_minor=2_400_00)
    book.pay_schedule(1, until=date(2025, 9, 15))
    open_row = record(book.furnish(date(2026, 5, 31)), "LN0001")
    assert open_row["account_status"] == "97"
    assert open_row["amount_past_due"] == open_row["current_balance"] == 2_800
    assert open_row["original_charge_off_amount"] == 2_400
    assert open_row["payment_history_profile"][:6] == "LLLL21"  # Apr-Jan charged off; Dec, Nov
    assert open_row["date_closed"] == date(2026, 1, 20)
    book.pay(1, date(2026, 6, 12), 2_800_00)
    paid = record(book.furnish(), "LN0001")
    assert paid["account_status"] == "64"
    assert paid["current_balance"] == 0
    assert paid["original_charge_off_amount"] == 2_400
    assert paid["date_of_first_delinquency"] == open_row["date_of_first_delinquency"]
    assert paid["special_comment"] == ""


def test_a_repossession_with_a_deficiency_reports_96() -> None:
    """Repossessed in April and sold in May for less than owed: 96 with the deficiency as
    balance and past due; K in the profile from April."""
    book = Book()
    book.loan(1, product="auto", principal=12_000_00, term=48)
    book.pay_schedule(1, until=date(2025, 12, 15), amount=250_00)
    book.collateral.append({"loan_id": 1, "event": "repossession", "on": date(2026, 4, 2)})
    book.pay(1, date(2026, 5, 20), 6_000_00, kind="sale_proceeds")
    row = record(book.furnish(), "LN0001")
    assert row["account_status"] == "96"
    assert row["current_balance"] == row["amount_past_due"] == 12_000 - 11 * 250 - 6_000
    assert row["payment_history_profile"][:2] == "KK"
    assert row["account_type"] == "00"
    assert row["date_of_first_delinquency"] == date(2026, 1, 15)


def test_sale_proceeds_alone_say_repossession_or_surrender() -> None:
    """Without the collateral workflow, sale proceeds imply a repossession (a surrender when
    the credit's reason says so); paid in full afterwards it is 63 (61)."""
    book = Book()
    book.loan(1, product="auto", principal=12_000_00, term=48)
    book.pay_schedule(1, until=date(2025, 12, 15), amount=250_00)
    book.pay(1, date(2026, 5, 20), 6_000_00, kind="sale_proceeds", reason="voluntary surrender")
    assert record(book.furnish(), "LN0001")["account_status"] == "95"
    book.pay(1, date(2026, 6, 20), 3_250_00)
    row = record(book.furnish(), "LN0001")
    assert row["account_status"] == "61"
    assert row["payment_rating"] == ""


def test_a_dispute_sets_xb_the_month_it_opens_and_xh_when_it_ends() -> None:
    """A dispute hold from June 28 reports XB in June; ended in July, XH in July; closed
    with the consumer disagreeing, XC."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=AS_OF)
    book.hold(1, "dispute", date(2026, 6, 28))
    assert record(book.furnish(), "LN0001")["compliance_condition_code"] == "XB"
    book.holds[0]["ends_on"] = date(2026, 7, 10)
    july = record(book.furnish(date(2026, 7, 31)), "LN0001")
    assert july["compliance_condition_code"] == "XH"
    august = record(book.furnish(date(2026, 8, 31)), "LN0001")
    assert august["compliance_condition_code"] == ""
    book.prior.append(
        {"loan_id": 1, "account_status": "11", "compliance_condition_code": "XB",
         "consumer_information_indicator": ""}
    )  # fmt: skip
    late = record(book.furnish(date(2026, 8, 31)), "LN0001")
    assert late["compliance_condition_code"] == "XH"  # XB was the last code sent
    book.holds[0]["outcome"] = "consumer_disagrees"
    assert record(book.furnish(date(2026, 8, 31)), "LN0001")["compliance_condition_code"] == "XC"


def test_a_bankruptcy_sets_the_consumer_information_indicator() -> None:
    """Chapter 13 petition: D; discharged: H with nothing owed; dismissed after D was sent:
    Q once; an unknown chapter: Z."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 3, 15))
    book.hold(1, "bankruptcy", date(2026, 5, 2), chapter="13")
    assert record(book.furnish(), "LN0001")["consumer_information_indicator"] == "D"
    book.holds[0].update(ends_on=date(2026, 6, 20), outcome="discharged")
    discharged = record(book.furnish(), "LN0001")
    assert discharged["consumer_information_indicator"] == "H"
    assert discharged["current_balance"] == discharged["amount_past_due"] == 0
    assert discharged["scheduled_monthly_payment"] == 0
    book.holds[0]["outcome"] = "dismissed"
    assert record(book.furnish(), "LN0001")["consumer_information_indicator"] == ""
    book.prior.append(
        {"loan_id": 1, "account_status": "80", "compliance_condition_code": "",
         "consumer_information_indicator": "D"}
    )  # fmt: skip
    assert record(book.furnish(), "LN0001")["consumer_information_indicator"] == "Q"
    book.holds[0].update(ends_on=None, chapter=None)
    assert record(book.furnish(), "LN0001")["consumer_information_indicator"] == "Z"


def test_an_account_not_yet_contacted_is_not_furnished() -> None:
    """No conversation and no notice: left out (12 CFR 1006.30(a)). A letter sent 14 days
    before the as-of date is enough; one that bounced is not; a creditor reporting its own
    loans is not bound by the rule."""
    book = Book()
    book.loan(1, contacted=None)
    book.pay_schedule(1, until=AS_OF)
    result = book.furnish()
    assert result.records.height == 0
    assert reason(result, 1) == "not_contacted"
    book.contact(1, day=date(2026, 6, 17), channel="letter", outcome="sent", reference="r1")
    assert reason(book.furnish(), 1) == "not_contacted"  # 13 days
    book.contact(1, day=date(2026, 6, 16), channel="letter", outcome="sent", reference="r2")
    assert reason(book.furnish(), 1) is None  # 14 days
    book.contact(1, day=date(2026, 6, 20), channel="letter", outcome="bounced", reference="r2")
    assert reason(book.furnish(), 1) == "not_contacted"
    creditor = FurnishingSettings(identification_number="ARREARS01", contact_first=False)
    assert reason(book.furnish(settings=creditor), 1) is None


def test_an_obsolete_account_is_not_furnished() -> None:
    """A charge-off whose DOFD is more than 7 years and 180 days old is left out (FCRA §605)."""
    book = Book()
    book.loan(1, originated=date(2017, 1, 15), charge_off_date=date(2018, 1, 20),
              charge_off_amount_minor=3_000_00, contacted=date(2017, 8, 1))  # fmt: skip
    book.pay_schedule(1, until=date(2017, 5, 15))
    dofd = date(2017, 6, 15)
    result = book.furnish(date(2025, 1, 31))  # DOFD + 180 days + 7 years = 2024-12-12
    assert reason(result, 1) == "obsolete"
    still = book.furnish(date(2024, 11, 30))
    assert record(still, "LN0001")["date_of_first_delinquency"] == dofd


def test_a_fraud_hold_keeps_the_account_out() -> None:
    book = Book()
    book.loan(1)
    book.hold(1, "fraud", date(2026, 6, 1))
    assert reason(book.furnish(), 1) == "hold"


def test_a_paid_account_is_reported_once() -> None:
    """Paid in May and reported paid in May's file: June leaves it out; never reported while
    open, it is left out too; last reported open, June reports it paid."""
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 4, 15))
    book.pay(1, date(2026, 5, 2), 2_100_00)
    assert record(book.furnish(date(2026, 5, 31)), "LN0001")["account_status"] == "13"
    assert reason(book.furnish(), 1) == "paid_earlier"
    book.prior.append(
        {"loan_id": 1, "account_status": "11", "compliance_condition_code": "",
         "consumer_information_indicator": ""}
    )  # fmt: skip
    assert record(book.furnish(), "LN0001")["date_of_account_information"] == date(2026, 5, 2)


def test_a_collector_reports_93_then_62_with_the_original_creditor() -> None:
    """A third-party collector: portfolio O, account type 48, terms 001, status 93, K1 with
    the original creditor; paid: 62."""
    collector = FurnishingSettings(
        identification_number="ARREARS01", furnisher=FurnisherKind.COLLECTOR
    )
    book = Book()
    book.loan(1, product="card", original_creditor="First Bank", credit_limit_minor=5_000_00)
    book.pay_schedule(1, until=date(2026, 1, 15))
    row = record(book.furnish(settings=collector), "LN0001")
    assert (row["portfolio_type"], row["account_type"], row["terms_duration"]) == ("O", "48", "001")
    assert row["account_status"] == "93"
    assert row["k1"] == {"original_creditor_name": "FIRST BANK", "creditor_classification": "08"}
    assert row["scheduled_monthly_payment"] == 0
    book.pay(1, date(2026, 6, 3), 2_400_00)
    assert record(book.furnish(settings=collector), "LN0001")["account_status"] == "62"


def test_a_creditors_placed_account_is_93_and_62_when_paid() -> None:
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 1, 15))
    book.placements.append({"loan_id": 1, "placed_on": date(2026, 5, 1), "recalled_on": None})
    row = record(book.furnish(), "LN0001")
    assert row["account_status"] == "93"
    assert row["payment_history_profile"][0] == "G"
    book.pay(1, date(2026, 6, 9), 2_400_00)
    assert record(book.furnish(), "LN0001")["account_status"] == "62"


def test_plans_and_forbearance_set_special_comments() -> None:
    book = Book()
    book.loan(1)
    book.pay_schedule(1, until=date(2026, 4, 15))
    book.plans.append({"loan_id": 1, "starts_on": date(2026, 6, 1), "ends_on": None})
    assert record(book.furnish(), "LN0001")["special_comment"] == "AC"
    book.plans.clear()
    book.hold(1, "hardship", date(2026, 6, 1))
    assert record(book.furnish(), "LN0001")["special_comment"] == "CP"
