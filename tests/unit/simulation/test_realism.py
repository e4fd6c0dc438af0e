"""A 5,000-loan portfolio looks like a real lender's collections book when summarised."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import polars as pl
import pytest

from arrears.domain.allocation import due_items
from arrears.domain.delinquency import delinquency_as_of
from arrears.domain.geo import STATES_AND_DC
from arrears.domain.money import Money
from arrears.simulation.chargeoff import balance_owed

#: Target shares of the book by standing on as_of (inclusive ranges).
TARGETS = {
    "current": (0.65, 0.75),
    "1-29": (0.10, 0.15),
    "30-59": (0.04, 0.06),
    "60-89": (0.02, 0.04),
    "90-119": (0.01, 0.03),
    "120-149": (0.01, 0.03),
    "150-179": (0.01, 0.03),
    "charged_off": (0.03, 0.06),
}


def _minor(column: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda t: Money.parse(t).minor, pl.Int64)


@pytest.fixture(scope="module")
def standings(book: Any) -> dict[str, str]:
    """Each loan's bucket by the domain's delinquency (charged-off loans by their status)."""
    result = {}
    for loan in book.frames["loans"].iter_rows(named=True):
        if loan["status"] == "charged_off":
            result[loan["loan_id"]] = "charged_off"
            continue
        items = due_items(i for i in book.schedule(loan) if i.due_date <= book.as_of)
        state = delinquency_as_of(items, book.good_payments(loan["loan_id"]), book.as_of)
        result[loan["loan_id"]] = state.bucket
    return result


def test_bucket_shares_fall_in_the_target_ranges(standings: dict[str, str]) -> None:
    """Current, 1–29 … 150–179 DPD and charged-off shares are those of a collections book."""
    counts = Counter(standings.values())
    assert "180+" not in counts  # a loan 180 days behind is charged off
    shares = {bucket: counts[bucket] / len(standings) for bucket in TARGETS}
    for bucket, (low, high) in TARGETS.items():
        assert low <= shares[bucket] <= high, (bucket, shares)


def test_about_24_installments_due_and_payments_per_loan(book: Any) -> None:
    """Loans have had about two years of installments due and about 24 payments each."""
    loans = book.frames["loans"]
    due = [
        sum(1 for i in book.schedule(loan) if i.due_date < book.as_of)
        for loan in loans.iter_rows(named=True)
    ]
    assert 22 <= sum(due) / len(due) <= 27
    assert 22 <= book.frames["payments"].height / loans.height <= 26


def test_every_state_and_dc_appears(book: Any) -> None:
    """Borrowers live in all 50 states and DC, and loans are governed by each of them."""
    assert set(book.frames["borrowers"]["state"]) == STATES_AND_DC
    assert set(book.frames["loans"]["contract_state"]) == STATES_AND_DC


def test_states_are_weighted_by_population(book: Any) -> None:
    """California and Texas are the largest states of the book, Wyoming among the smallest."""
    counts = book.frames["borrowers"]["state"].value_counts(sort=True)
    assert set(counts["state"][:2]) == {"CA", "TX"}
    assert counts.filter(pl.col("state") == "WY")["count"][0] < 30


def test_product_mix_and_household_shapes(book: Any) -> None:
    """Personal 35%, auto 30%, card 25%, mortgage 10%; co-borrowers and repeat borrowers exist."""
    loans = book.frames["loans"]
    mix = loans["product"].value_counts(normalize=True)
    for product, share in {"personal": 0.35, "auto": 0.30, "card": 0.25, "mortgage": 0.10}.items():
        assert abs(mix.filter(pl.col("product") == product)["proportion"][0] - share) < 0.03
    assert 0.05 < loans["co_borrower_id"].is_not_null().mean() < 0.2
    assert 0.03 < 1 - loans["borrower_id"].n_unique() / loans.height < 0.12
    cards = loans.filter(pl.col("product") == "card")
    assert cards["credit_limit"].null_count() == 0
    assert (cards.select(_minor("credit_limit") >= _minor("principal")).to_series()).all()


def test_about_twelve_percent_prefer_spanish(book: Any) -> None:
    """About 12% of borrowers prefer Spanish, and they are mostly in Hispanic households."""
    borrowers = book.frames["borrowers"]
    assert 0.09 <= (borrowers["language"] == "es").mean() <= 0.15


def test_about_one_percent_of_payments_bounce(book: Any) -> None:
    """About 1% of payments are returned with an ACH return reason."""
    payments = book.frames["payments"]
    assert 0.006 <= (payments["status"] == "returned").mean() <= 0.015


def test_behaviours_leave_their_traces(book: Any) -> None:
    """Catch-up payments, partial payments, paid-off loans and post-charge-off payments occur."""
    payments = book.frames["payments"].filter(pl.col("status") == "posted")
    loans = book.frames["loans"]
    amounts = payments.group_by("loan_id").agg(
        _minor("amount").max().alias("largest"), _minor("amount").min().alias("smallest")
    )
    assert (amounts["largest"] >= 2 * amounts["smallest"]).sum() > 100
    assert (loans["status"] == "paid_off").sum() > 20
    charged = loans.filter(pl.col("status") == "charged_off").select("loan_id", "charge_off_date")
    after = payments.join(charged, on="loan_id").filter(
        pl.col("effective_date") > pl.col("charge_off_date")
    )
    assert after["loan_id"].n_unique() > 20
    assert "agency" in set(after["method"])


def test_charge_offs_happen_at_180_dpd_for_the_balance_then(book: Any) -> None:
    """Charge-off date is the day the loan reached 180 DPD and the amount is the balance then."""
    charged = book.frames["loans"].filter(pl.col("status") == "charged_off")
    assert charged.height > 100
    for loan in charged.iter_rows(named=True):
        schedule = book.schedule(loan)
        items = due_items(schedule)
        payments = book.good_payments(loan["loan_id"])
        day = loan["charge_off_date"]
        assert delinquency_as_of(items, payments, day).dpd == 180
        assert delinquency_as_of(items, payments, day - timedelta(days=1)).dpd == 179
        paid = sum(amount for effective, amount in payments if effective <= day)
        expected = balance_owed(schedule, paid_minor=paid, on=day)
        assert Money.parse(loan["charge_off_amount"]).minor == expected


def test_paid_off_loans_paid_their_whole_schedule(book: Any) -> None:
    """A paid-off loan's good payments add up to everything its schedule asked for."""
    paid_off = book.frames["loans"].filter(pl.col("status") == "paid_off")
    for loan in paid_off.iter_rows(named=True):
        owed = sum(i.amount.minor for i in book.schedule(loan))
        assert sum(amount for _, amount in book.good_payments(loan["loan_id"])) == owed


def test_secured_loans_have_believable_collateral(book: Any) -> None:
    """Every auto loan has one vehicle and every mortgage one property, at believable LTVs."""
    loans = book.frames["loans"].select("loan_id", "product", _minor("principal").alias("p"))
    collateral = book.frames["collateral"].select(
        "loan_id", "kind", "lien_position", "occupancy", _minor("value").alias("v")
    )
    joined = loans.join(collateral, on="loan_id", how="left")
    autos = joined.filter(pl.col("product") == "auto")
    assert (autos["kind"] == "vehicle").all()
    assert (autos["p"] / autos["v"]).is_between(0.6, 1.3).all()
    mortgages = joined.filter((pl.col("product") == "mortgage") & (pl.col("lien_position") == 1))
    assert (mortgages["kind"] == "property").all()
    assert (mortgages["p"] / mortgages["v"]).is_between(0.5, 1.0).all()
    assert (mortgages["occupancy"] == "owner").mean() > 0.8
    unsecured = joined.filter(pl.col("product").is_in(["personal", "card"]))
    assert unsecured["kind"].null_count() == unsecured.height
    assert collateral["loan_id"].is_unique().all()


def test_valuations_follow_the_collateral(book: Any) -> None:
    """Cars are revalued lower and homes mostly higher than at origination."""
    origin = book.frames["collateral"].select("collateral_id", "kind", _minor("value").alias("v0"))
    later = book.frames["valuations"].select("collateral_id", "source", _minor("amount").alias("v"))
    joined = later.join(origin, on="collateral_id")
    cars = joined.filter(pl.col("kind") == "vehicle")
    homes = joined.filter(pl.col("kind") == "property")
    assert cars.height > 200
    assert homes.height > 50
    assert (cars["v"] < cars["v0"]).mean() > 0.95
    assert (homes["v"] > homes["v0"]).mean() > 0.6
