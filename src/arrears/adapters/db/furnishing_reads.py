"""Reading what Metro 2 furnishing needs for a partition of loans (a range of loan ids).

Frames follow ``arrears.batch.furnishing.inputs``. SSN and date of birth are decrypted only when
``reveal`` is asked for (to write the file) and never logged; otherwise they stay null and only
their blind indexes are read. Tables of workflows that may not be installed (settlements,
agency placements) are read only when the database has them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from sqlalchemy import Connection, inspect

from arrears.adapters.db.bulk import lookup, read_frame
from arrears.adapters.db.journal_columns import net_sum
from arrears.adapters.db.portfolio_reads import SqlPortfolioReads
from arrears.adapters.field_crypto import FieldCipher
from arrears.batch.furnishing.inputs import (
    ACCOUNTS,
    COLLATERAL_EVENTS,
    CONTACTS,
    CREDITS,
    HOLDS,
    PEOPLE,
    PLACEMENTS,
    PLANS,
    SETTLEMENTS,
)
from arrears.ledger.accounts import BORROWER_SIDE

_LOAN_COLUMNS = {
    "loans.id AS loan_id": pl.Int64,
    "loans.external_id AS account_number": pl.Utf8,
    "loans.borrower_id": pl.Int64,
    "loans.co_borrower_id": pl.Int64,
    "loans.product": pl.Utf8,
    "loans.currency": pl.Utf8,
    "loans.principal_minor": pl.Int64,
    "loans.term_months": pl.Int32,
    "loans.origination_date": pl.Date,
    "loans.credit_limit_minor": pl.Int64,
    "loans.status AS loan_status": pl.Utf8,
    "loans.charge_off_date": pl.Date,
    "loans.charge_off_amount_minor": pl.Int64,
    "loans.original_creditor": pl.Utf8,
}
_PEOPLE_COLUMNS = {
    "borrowers.id AS borrower_id": pl.Int64,
    "borrowers.first_name": pl.Utf8,
    "borrowers.middle_name": pl.Utf8,
    "borrowers.last_name": pl.Utf8,
    "borrowers.suffix": pl.Utf8,
    "borrowers.ssn_sealed": pl.Utf8,
    "borrowers.dob_sealed": pl.Utf8,
    "borrowers.ssn_index": pl.Utf8,
    "borrowers.dob_index": pl.Utf8,
    "borrowers.address_line1": pl.Utf8,
    "borrowers.address_line2": pl.Utf8,
    "borrowers.city": pl.Utf8,
    "borrowers.state": pl.Utf8,
    "borrowers.zip": pl.Utf8,
}


class SqlFurnishingReads:
    def __init__(self, connection: Connection, *, cipher: FieldCipher) -> None:
        self.connection = connection
        self.cipher = cipher

    def accounts(self, first: int, last: int, *, as_of: date) -> pl.DataFrame:
        """ACCOUNTS for loans ``first``..``last``, with ledger balances on ``as_of`` and on
        each charged-off loan's charge-off day, in loan-id order: the file lists accounts in that
        order whatever order the database returns rows in (the Spark export writes the same)."""
        ids = self._ids(first, last)
        loans = lookup(self.connection, table="loans", key="id", keys=ids, columns=_LOAN_COLUMNS)
        reads = SqlPortfolioReads(self.connection)
        balances = reads.balances(ids, as_of=as_of)
        unknown = loans.filter(
            pl.col("charge_off_date").is_not_null() & pl.col("charge_off_amount_minor").is_null()
        ).get_column("loan_id")
        at_charge_off = self._charge_off_balances(unknown.to_list())
        frame = loans.join(balances, on="loan_id", how="left").join(
            at_charge_off, on="loan_id", how="left"
        )
        return (
            frame.with_columns(pl.col("balance_minor").fill_null(0))
            .select(ACCOUNTS.names())
            .sort("loan_id")
        )

    def people(self, borrower_ids: list[int], *, reveal: bool) -> pl.DataFrame:
        """PEOPLE for the borrowers, with their first usable mobile or home phone."""
        raw = lookup(
            self.connection,
            table="borrowers",
            key="id",
            keys=sorted(set(borrower_ids)),
            columns=_PEOPLE_COLUMNS,
        )
        ssn = raw.get_column("ssn_sealed").to_list()
        dob = raw.get_column("dob_sealed").to_list()
        frame = raw.drop("ssn_sealed", "dob_sealed").with_columns(
            pl.Series("ssn", [self._open(v) for v in ssn] if reveal else [None] * len(ssn),
                      dtype=pl.Utf8),
            pl.Series("dob", [self._open(v) for v in dob] if reveal else [None] * len(dob),
                      dtype=pl.Utf8).str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        )  # fmt: skip
        return frame.join(self._phones(sorted(set(borrower_ids))), on="borrower_id", how="left")[
            PEOPLE.names()
        ]

    def _open(self, sealed: str | None) -> str | None:
        return self.cipher.decrypt(sealed) if sealed else None

    def _phones(self, borrower_ids: list[int]) -> pl.DataFrame:
        points = lookup(
            self.connection,
            table="contact_points",
            key="borrower_id",
            keys=borrower_ids,
            columns={
                "contact_points.borrower_id": pl.Int64,
                "contact_points.kind": pl.Utf8,
                "contact_points.value": pl.Utf8,
                "contact_points.id": pl.Int64,
            },
            condition="contact_points.status = 'active' AND contact_points.kind IN "
            "('mobile_phone', 'home_phone')",
        )
        return (
            points.sort("borrower_id", pl.col("kind") != "mobile_phone", "id")
            .group_by("borrower_id", maintain_order=True)
            .agg(pl.col("value").first().alias("phone"))
        )

    def holds(self, first: int, last: int) -> pl.DataFrame:
        """HOLDS: the loans' own holds and their borrowers' (expanded to each loan)."""
        sql = """
            SELECT h.loan_id, NULL, h.kind, h.starts_on, h.ends_on, h.details FROM holds h
            WHERE h.loan_id BETWEEN :first AND :last
            UNION ALL
            SELECT l.id, h.borrower_id, h.kind, h.starts_on, h.ends_on, h.details FROM holds h
            JOIN loans l ON l.borrower_id = h.borrower_id OR l.co_borrower_id = h.borrower_id
            WHERE h.loan_id IS NULL AND l.id BETWEEN :first AND :last
        """
        schema = {**{k: v for k, v in HOLDS.items() if k not in ("chapter", "outcome")},
                  "details": pl.Utf8}  # fmt: skip
        frame = read_frame(self.connection, sql, {"first": first, "last": last}, schema)
        details = pl.col("details").fill_null("{}")
        return frame.select(
            *[name for name in HOLDS.names() if name not in ("chapter", "outcome")],
            details.str.json_path_match("$.chapter").alias("chapter"),
            details.str.json_path_match("$.outcome").alias("outcome"),
        )[HOLDS.names()]

    def contacts(self, first: int, last: int) -> pl.DataFrame:
        """CONTACTS: calls, letters and messages sent, and bounces (12 CFR 1006.30(a))."""
        sql = """
            SELECT loan_id, channel, direction, at, outcome, reference FROM contacts
            WHERE loan_id BETWEEN :first AND :last
              AND (channel = 'call' OR outcome IN ('sent', 'delivered', 'bounced'))
        """
        return read_frame(self.connection, sql, {"first": first, "last": last}, dict(CONTACTS))

    def credits(self, first: int, last: int) -> pl.DataFrame:
        """CREDITS: every payment, remittance, waiver, write-off and sale-proceeds credit."""
        frame = lookup(
            self.connection,
            table="payments",
            key="loan_id",
            keys=self._ids(first, last),
            columns={
                "payments.loan_id": pl.Int64,
                "payments.id AS payment_id": pl.Int64,
                "payments.effective_date": pl.Date,
                "payments.amount_minor": pl.Int64,
                "payments.status": pl.Utf8,
                "payments.credit_kind": pl.Utf8,
                "payments.reason": pl.Utf8,
            },
        )
        return frame.with_columns((pl.col("status") == "posted").alias("good"))[CREDITS.names()]

    def plans(self, first: int, last: int) -> pl.DataFrame:
        """PLANS: active plans run on; ended ones stop on the day their status last changed."""
        sql = """
            SELECT loan_id, starts_on, status, updated_at FROM plans
            WHERE loan_id BETWEEN :first AND :last
        """
        schema = {"loan_id": pl.Int64, "starts_on": pl.Date, "status": pl.Utf8,
                  "updated_at": pl.Datetime("us", "UTC")}  # fmt: skip
        frame = read_frame(self.connection, sql, {"first": first, "last": last}, schema)
        return frame.select(
            "loan_id",
            "starts_on",
            pl.when(pl.col("status") != "active").then(pl.col("updated_at").dt.date())
            .alias("ends_on"),
        )[PLANS.names()]  # fmt: skip

    def settlements(self, first: int, last: int) -> pl.DataFrame:
        """SETTLEMENTS (the settlements workflow's facts), empty when it is not installed."""
        if not self._has("settlements", {"loan_id", "settled_on", "metro2_status"}):
            return pl.DataFrame(schema=SETTLEMENTS)
        sql = """
            SELECT loan_id, settled_on, metro2_status, special_comment FROM settlements
            WHERE loan_id BETWEEN :first AND :last
        """
        return read_frame(self.connection, sql, {"first": first, "last": last}, dict(SETTLEMENTS))

    def placements(self, first: int, last: int) -> pl.DataFrame:
        """PLACEMENTS with collection agencies, empty when agencies are not installed."""
        if not self._has("placements", {"loan_id", "placed_on", "recalled_on"}):
            return pl.DataFrame(schema=PLACEMENTS)
        sql = """
            SELECT loan_id, placed_on, recalled_on FROM placements
            WHERE loan_id BETWEEN :first AND :last
        """
        return read_frame(self.connection, sql, {"first": first, "last": last}, dict(PLACEMENTS))

    def collateral_events(self, first: int, last: int) -> pl.DataFrame:
        """COLLATERAL_EVENTS from the collateral workflow's cases (when installed): the day the
        vehicle was repossessed or surrendered, the day a foreclosure sale completed. Cases
        that ended redeemed, cured or withdrawn report nothing."""
        if not self._has("collateral_cases", {"id", "kind", "loan_id", "stage"}) or not self._has(
            "collateral_case_steps", {"case_id", "event", "effective_on"}
        ):
            return pl.DataFrame(schema=COLLATERAL_EVENTS)
        sql = """
            SELECT c.loan_id,
                   CASE WHEN c.kind = 'foreclosure' THEN 'foreclosure'
                        WHEN s.event = 'surrender' THEN 'voluntary_surrender'
                        ELSE 'repossession' END,
                   s.effective_on
            FROM collateral_case_steps s JOIN collateral_cases c ON c.id = s.case_id
            WHERE c.loan_id BETWEEN :first AND :last
              AND c.stage NOT IN ('redeemed', 'cured', 'withdrawn')
              AND ((c.kind = 'repossession' AND s.event IN ('repossess', 'surrender'))
                OR (c.kind = 'foreclosure' AND s.event IN ('sell', 'complete', 'foreclose')))
        """
        params = {"first": first, "last": last}
        return read_frame(self.connection, sql, params, dict(COLLATERAL_EVENTS))

    def ledger_accounts(self, loan_id: int, *, as_of: date) -> dict[str, int]:
        """The loan's journal summed per account over entries effective by ``as_of``."""
        sql = """
            SELECT l.account, SUM(l.amount_minor) FROM ledger_lines l
            WHERE l.loan_id = :loan AND l.effective_date <= :as_of
            GROUP BY l.account ORDER BY l.account
        """
        schema = {"account": pl.Utf8, "amount_minor": pl.Int64}
        frame = read_frame(self.connection, sql, {"loan": loan_id, "as_of": as_of}, schema)
        return {str(a): int(m) for a, m in frame.iter_rows()}

    # -- helpers -------------------------------------------------------------------------------

    def _ids(self, first: int, last: int) -> list[int]:
        rows = self.connection.exec_driver_sql(
            "SELECT id FROM loans WHERE id BETWEEN %s AND %s ORDER BY id"
            if self.connection.dialect.name == "postgresql"
            else "SELECT id FROM loans WHERE id BETWEEN ? AND ? ORDER BY id",
            (first, last),
        )
        return [int(row[0]) for row in rows]

    def _charge_off_balances(self, loan_ids: list[int]) -> pl.DataFrame:
        """The ledger balance on each loan's charge-off day (for loans whose charge-off
        amount was not given)."""
        schema: dict[str, Any] = {"loan_id": pl.Int64, "charge_off_balance_minor": pl.Int64}
        if not loan_ids:
            return pl.DataFrame(schema=schema)
        listed = ", ".join(str(int(i)) for i in loan_ids)
        sql = f"""
            SELECT e.loan_id, SUM({net_sum(BORROWER_SIDE)}) FROM ledger_entries e
            JOIN loans o ON o.id = e.loan_id AND e.effective_date <= o.charge_off_date
            WHERE o.id IN ({listed})
            GROUP BY e.loan_id
        """
        return read_frame(self.connection, sql, {}, schema)

    def _has(self, table: str, columns: set[str]) -> bool:
        inspector = inspect(self.connection)
        if not inspector.has_table(table):
            return False
        present = {column["name"] for column in inspector.get_columns(table)}
        return columns <= present


__all__ = ["SqlFurnishingReads"]
