"""Hand-built account histories for furnishing tests, turned into ``PartitionFacts``.

A ``Book`` holds loans, people, credits, holds and contacts as plain rows; ``facts(as_of)``
derives the schedules, due items and month-end delinquency with the real batch functions and
the balance the ledger would hold (principal advanced, plus what fell due, less credits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import polars as pl

from arrears.batch.delinquency import delinquency_at
from arrears.batch.frames import PAYMENTS
from arrears.batch.furnishing import FurnishingSettings, PartitionFacts, furnish, history_dates
from arrears.batch.furnishing.assemble import Furnished
from arrears.batch.furnishing.inputs import (
    ACCOUNTS,
    COLLATERAL_EVENTS,
    CONTACTS,
    CREDITS,
    FIRST_REPORTS,
    HOLDS,
    PEOPLE,
    PLACEMENTS,
    PLANS,
    PRIOR,
    SETTLEMENTS,
)
from arrears.batch.items import due_items
from arrears.batch.schedules import level_schedules

AS_OF = date(2026, 6, 30)
SETTINGS = FurnishingSettings(identification_number="ARREARS01")


def person(borrower_id: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "borrower_id": borrower_id, "first_name": "Ana", "middle_name": "", "last_name": "García",
        "suffix": "", "ssn": "123456789", "dob": date(1985, 4, 12), "ssn_index": f"s{borrower_id}",
        "dob_index": f"d{borrower_id}", "address_line1": "12 Oak St", "address_line2": "",
        "city": "Boston", "state": "MA", "zip": "02139", "phone": "+16175550101",
    }  # fmt: skip
    row.update(overrides)
    return row


@dataclass
class Book:
    """Accounts under construction; every loan gets a borrower and a telephone conversation
    (so it may be furnished) unless told otherwise."""

    loans: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    credits: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    settlements: list[dict[str, Any]] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)
    collateral: list[dict[str, Any]] = field(default_factory=list)
    plans: list[dict[str, Any]] = field(default_factory=list)
    prior: list[dict[str, Any]] = field(default_factory=list)
    first_reports: list[dict[str, Any]] = field(default_factory=list)

    def loan(
        self,
        loan_id: int,
        *,
        principal: int = 3_600_00,
        term: int = 36,
        rate_micros: int = 0,
        originated: date = date(2025, 1, 15),
        product: str = "personal",
        contacted: date | None = date(2025, 2, 1),
        **overrides: Any,
    ) -> int:
        first_due = (originated.replace(day=1) + timedelta(days=32)).replace(day=originated.day)
        row: dict[str, Any] = {
            "loan_id": loan_id, "account_number": f"LN{loan_id:04d}", "borrower_id": loan_id,
            "co_borrower_id": None, "product": product, "currency": "USD",
            "principal_minor": principal, "annual_rate_micros": rate_micros, "term_months": term,
            "origination_date": originated, "first_due_date": first_due,
            "credit_limit_minor": None, "loan_status": "active", "charge_off_date": None,
            "charge_off_amount_minor": None, "original_creditor": "",
        }  # fmt: skip
        row.update(overrides)
        self.loans.append(row)
        if not any(p["borrower_id"] == row["borrower_id"] for p in self.people):
            self.people.append(person(row["borrower_id"]))
        if contacted is not None:
            self.contact(loan_id, day=contacted, channel="call", outcome="right_party_contact")
        return loan_id

    def pay(
        self, loan_id: int, day: date, amount: int, kind: str = "payment", **extra: Any
    ) -> None:
        row = {"loan_id": loan_id, "payment_id": len(self.credits) + 1, "effective_date": day,
               "amount_minor": amount, "good": True, "credit_kind": kind, "reason": ""}  # fmt: skip
        row.update(extra)
        self.credits.append(row)

    def pay_schedule(self, loan_id: int, *, until: date, amount: int = 100_00) -> None:
        """Pay every installment of ``loan_id`` on its due date, up to ``until``."""
        for due in self.due_dates(loan_id):
            if due <= until:
                self.pay(loan_id, due, amount)

    def due_dates(self, loan_id: int) -> list[date]:
        loan = next(row for row in self.loans if row["loan_id"] == loan_id)
        schedule = level_schedules(self._loan_frame().filter(pl.col("loan_id") == loan_id))
        assert loan["term_months"] == schedule.height
        return schedule.get_column("due_date").to_list()

    def hold(self, loan_id: int, kind: str, starts_on: date, **extra: Any) -> None:
        row = {"loan_id": loan_id, "borrower_id": None, "kind": kind, "starts_on": starts_on,
               "ends_on": None, "chapter": None, "outcome": None}  # fmt: skip
        row.update(extra)
        self.holds.append(row)

    def contact(self, loan_id: int, *, day: date, channel: str, outcome: str, **extra: Any) -> None:
        at = datetime.combine(day, time(15, 0), tzinfo=UTC)
        row = {"loan_id": loan_id, "channel": channel, "direction": "outbound", "at": at,
               "outcome": outcome, "reference": None}  # fmt: skip
        row.update(extra)
        self.contacts.append(row)

    # -- derived frames ----------------------------------------------------------------------

    def _loan_frame(self) -> pl.DataFrame:
        return pl.DataFrame(self.loans, infer_schema_length=None)

    def facts(self, as_of: date = AS_OF) -> PartitionFacts:
        loans = self._loan_frame()
        installments = level_schedules(loans)
        items = due_items(installments)
        credits = _frame(self.credits, CREDITS)
        payments = credits.select(*PAYMENTS.names()[:5], pl.lit("").alias("note"))
        history = delinquency_at(items, payments, loans, dates=history_dates(as_of))
        accounts = loans.with_columns(
            pl.Series("balance_minor", [self._balance(r, items, credits, as_of) for r in self.loans]),
            pl.Series(
                "charge_off_balance_minor",
                [self._balance(r, items, credits, r["charge_off_date"]) if r["charge_off_date"]
                 else None for r in self.loans],
                dtype=pl.Int64,
            ),
        )  # fmt: skip
        return PartitionFacts(
            accounts=accounts.select(ACCOUNTS.names()),
            people=_frame(self.people, PEOPLE),
            history=history,
            installments=installments,
            credits=credits,
            holds=_frame(self.holds, HOLDS),
            contacts=_frame(self.contacts, CONTACTS),
            settlements=_frame(self.settlements, SETTLEMENTS),
            placements=_frame(self.placements, PLACEMENTS),
            collateral_events=_frame(self.collateral, COLLATERAL_EVENTS),
            plans=_frame(self.plans, PLANS),
            prior=_frame(self.prior, PRIOR),
            first_reports=_frame(self.first_reports, FIRST_REPORTS),
        )

    @staticmethod
    def _balance(loan: dict[str, Any], items: pl.DataFrame, credits: pl.DataFrame, on: date) -> int:
        """What the ledger says the borrower owes on ``on``."""
        loan_id = loan["loan_id"]
        charged = items.filter(
            (pl.col("loan_id") == loan_id)
            & (pl.col("component") != "principal")
            & (pl.col("due_date") <= on)
        )["amount_minor"].sum()
        paid = credits.filter(
            (pl.col("loan_id") == loan_id) & pl.col("good") & (pl.col("effective_date") <= on)
        )["amount_minor"].sum()
        return int(loan["principal_minor"] + charged - paid)

    def furnish(self, as_of: date = AS_OF, settings: FurnishingSettings = SETTINGS) -> Furnished:
        return furnish(self.facts(as_of), as_of=as_of, settings=settings)


def _frame(rows: list[dict[str, Any]], schema: pl.Schema) -> pl.DataFrame:
    if not rows:
        return pl.DataFrame(schema=schema)
    return pl.DataFrame(rows, schema=schema)


def record(result: Furnished, account_number: str) -> dict[str, Any]:
    """The furnished record of one account, as a dict (fails if it was not furnished)."""
    rows = result.records.filter(pl.col("consumer_account_number") == account_number)
    assert rows.height == 1, f"{account_number} not furnished: {result.excluded}"
    return rows.row(0, named=True)


def reason(result: Furnished, loan_id: int) -> str | None:
    rows = result.excluded.filter(pl.col("loan_id") == loan_id)
    return rows.get_column("reason")[0] if rows.height else None
