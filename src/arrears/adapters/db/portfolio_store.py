"""Writing validated import batches: insert what is new, update what changed, skip the rest.

Every kind is keyed by the lender's external id. Borrowers, loans and collateral carry a
content hash of their fields (and blind indexes of their sensitive ones), so re-importing the
same file finds every row unchanged and writes nothing. Payments are immutable once known: a
known payment id may only change status (e.g. returned); anything else is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

import numpy as np
import polars as pl
from sqlalchemy import Connection, Table, bindparam, update

from arrears.adapters.db import deferred_indexes, schema
from arrears.adapters.db.bulk import BackgroundWrites, insert_frame, lookup
from arrears.adapters.db.inserted_refs import InsertedRefs
from arrears.adapters.db.loan_children_writes import LoanChildrenWrites
from arrears.adapters.db.statistics import refresh_statistics
from arrears.adapters.db.write_result import WriteResult, content_hash
from arrears.adapters.field_crypto import FieldCipher
from arrears.domain import geo

_BORROWER_FIELDS = [
        "first_name", "middle_name", "last_name", "suffix", "language_code", "address_line1",
        "address_line2", "city", "state", "zip", "mobile_e164", "home_e164", "work_e164",
        "sms_consent_flag", "email_address", "work_email_address", "email_opt_out_flag",
    ]  # fmt: skip

_LOAN_FIELDS = [
        "borrower_id", "co_borrower_ref_id", "product", "currency_code", "principal_minor",
        "annual_rate_micros", "term", "origination", "first_due", "contract_state",
        "contract_kind", "credit_limit_minor", "loan_status", "charge_off",
        "charge_off_amount_minor", "original_creditor",
    ]  # fmt: skip

BOOK = (schema.borrowers, schema.loans)
"""A book with rows in either is live: its bulk tables keep their indexes."""

_IMPORT_TABLES = [
        "borrowers", "contact_points", "loans", "installments", "collateral", "valuations",
        "payments", "ledger_entries",
    ]  # fmt: skip

DEFERRED_INDEXES = {
    "portfolio": (
        schema.borrowers, schema.contact_points, schema.loans, schema.collateral,
        schema.valuations, schema.payments,
    ),
    "journal": (schema.ledger_entries,),
}  # fmt: skip
"""The tables whose indexes (and foreign keys) a book's first import builds once
(docs/adr/0013), by when they are built: the portfolio's before the posting reads the payments
back by loan, the journal's after the posting."""

LOOKED_UP = frozenset(
    {
        "uq_borrowers_external_id",
        "uq_loans_external_id",
        "uq_collateral_external_id",
        "uq_valuations_collateral_id",
    }
)
"""What the load itself reads through, so it stays while the files are loaded: borrowers,
loans and collateral are found by external id (their references, their ids read back), a
collateral's known valuations by collateral."""


class SqlPortfolioStore(LoanChildrenWrites):
    def __init__(self, connection: Connection, *, cipher: FieldCipher, now: datetime, run_id: int):
        self.connection = connection
        self.cipher = cipher
        self.now = now
        self.run_id = run_id
        # A table empty when the import began can hold none of its rows from an earlier one
        # (repeats inside this import are caught in memory): every row is new, and none is
        # looked up before it is written. (The payments' lookup would also find no index: the
        # first import of a book builds it after the load.)
        self._empty_before = {
            table.name
            for table in (schema.borrowers, schema.loans, schema.collateral, schema.payments)
            if deferred_indexes.is_empty(connection, table)
        }
        self.new_loans: list[np.ndarray] = []
        self._writes = BackgroundWrites()
        self._borrowers = InsertedRefs(self._stored_borrower_refs)
        self._loans = InsertedRefs(self._stored_loan_refs)

    def submit(self, kind: str, valid: pl.DataFrame, *, file: str) -> Callable[[], WriteResult]:
        """``write`` on a worker thread (the caller checks the next batch meanwhile)."""
        results: list[WriteResult] = []
        self._writes.start(lambda: results.append(self.write(kind, valid, file=file)))

        def result() -> WriteResult:
            self._writes.wait()
            return results[0]

        return result

    def defer_indexes(self) -> list[str]:
        """On the first import of a book (no borrowers or loans yet), drop the secondary
        indexes and foreign keys of the bulk tables (``DEFERRED_INDEXES``) that are empty, but
        what the load reads through (``LOOKED_UP``), to be built once each by
        ``build_indexes``; returns those tables. A book that has rows keeps its indexes: the
        drop would lock out its readers until the import commits."""
        if not all(deferred_indexes.is_empty(self.connection, t) for t in BOOK):
            return []
        tables = [table for stage in DEFERRED_INDEXES.values() for table in stage]
        return deferred_indexes.defer(self.connection, tables, keep=LOOKED_UP)

    def build_indexes(self, stage: Literal["portfolio", "journal"]) -> list[str]:
        """Build the indexes ``defer_indexes`` dropped on the tables of ``stage``; their names
        (none when nothing was deferred). A unique one finding a duplicate raises."""
        return deferred_indexes.build(self.connection, DEFERRED_INDEXES[stage])

    def refresh_statistics(self) -> list[str]:
        """Planner statistics for the tables an import grows (``adapters.db.statistics``)."""
        return refresh_statistics(self.connection, _IMPORT_TABLES)

    def new_loan_ids(self) -> np.ndarray:
        """Loans this store inserted: nothing about them can be in the journal yet."""
        if not self.new_loans:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(self.new_loans))

    # -- dispatch by kind ----------------------------------------------------------------------

    def references(self, kind: str, keys: list[str]) -> pl.DataFrame:
        if kind == "loans":
            return self.borrower_refs(keys)
        if kind in {"schedules", "collateral", "payments"}:
            return self.loan_refs(keys)
        if kind == "valuations":
            return self.collateral_refs(keys)
        return pl.DataFrame()

    def write(self, kind: str, valid: pl.DataFrame, *, file: str) -> WriteResult:
        if valid.height == 0:
            return WriteResult()
        writers = {
            "borrowers": self.write_borrowers,
            "loans": self.write_loans,
            "schedules": self.write_schedules,
            "collateral": self.write_collateral,
            "valuations": self.write_valuations,
        }
        if kind == "payments":
            return self.write_payments(valid, file=file)
        return writers[kind](valid)

    # -- references ---------------------------------------------------------------------------

    def borrower_refs(self, keys: list[str]) -> pl.DataFrame:
        """The borrowers of ``keys`` (external ids): those this import inserted from memory,
        the rest from the database (``inserted_refs``)."""
        return self._borrowers.find(keys)

    def loan_refs(self, keys: list[str]) -> pl.DataFrame:
        """The loans of ``keys``, as ``borrower_refs``."""
        return self._loans.find(keys)

    def forget_references(self) -> None:
        """The files are loaded: what was kept to find their references is let go."""
        self._borrowers.forget()
        self._loans.forget()

    def _stored_borrower_refs(self, keys: list[str]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="borrowers",
            key="external_id",
            keys=keys,
            columns={"borrowers.external_id": pl.Utf8, "borrowers.id": pl.Int64},
        )

    def _stored_loan_refs(self, keys: list[str]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="loans",
            key="external_id",
            keys=keys,
            columns={
                "loans.external_id": pl.Utf8,
                "loans.id": pl.Int64,
                "loans.currency": pl.Utf8,
                "loans.principal_minor": pl.Int64,
                "loans.origination_date": pl.Date,
            },
        )

    def collateral_refs(self, keys: list[str]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="collateral",
            key="external_id",
            keys=keys,
            columns={
                "collateral.external_id": pl.Utf8,
                "collateral.id": pl.Int64,
                "loans.currency": pl.Utf8,
            },
            extra_sql="JOIN loans ON loans.id = collateral.loan_id",
        )

    # -- shared by the keyed kinds -------------------------------------------------------------

    def _new_and_changed(
        self, table: Table, frame: pl.DataFrame, *, compared: tuple[str, ...] = ("content_hash",)
    ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
        """Rows not on file yet, rows on file whose ``compared`` columns differ (with the
        stored ``id``), and how many are unchanged — matched by external id (every row is new
        in a table that was empty when the import began: repeats are caught in memory)."""
        if table.name in self._empty_before:
            return frame, frame.clear().with_columns(pl.lit(None, pl.Int64).alias("id")), 0
        columns: dict[str, pl.DataType | type[pl.DataType]] = {
            f"{table.name}.external_id": pl.Utf8,
            f"{table.name}.id": pl.Int64,
            **{f"{table.name}.{column}": pl.Utf8 for column in compared},
        }
        existing = lookup(
            self.connection,
            table=table.name,
            key="external_id",
            keys=frame.get_column("external_id").to_list(),
            columns=columns,
        )
        joined = frame.join(existing, on="external_id", how="left", suffix="_old")
        new = joined.filter(pl.col("id").is_null())
        same = pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_old")) for c in compared)
        changed = joined.filter(pl.col("id").is_not_null() & ~same)
        return new, changed, joined.height - new.height - changed.height

    def _update_by_id(self, table: Table, rows: pl.DataFrame, ids: pl.Series) -> None:
        """Update each row of ``table`` whose id is in ``ids`` with the matching row's values."""
        rows = rows.with_columns(ids.alias("row_id"))
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({c: bindparam(c) for c in rows.columns if c != "row_id"})
        )
        self.connection.execute(statement, rows.to_dicts())

    # -- borrowers ----------------------------------------------------------------------------

    def prepare(self, kind: str, valid: pl.DataFrame) -> pl.DataFrame:
        """What ``write`` computes of a batch without the database, done now, on the caller's
        thread, while the batch before is still being written: a borrower's content hash and
        blind indexes, and, into an empty table (where every row is new and gets sealed),
        its sealed date of birth and SSN. ``write`` takes the batch with these columns."""
        if kind != "borrowers" or valid.height == 0:
            return valid
        frame = self._borrower_keys(valid)
        if schema.borrowers.name not in self._empty_before:
            return frame
        return frame.with_columns(self._sealed_borrower_fields(frame))

    def write_borrowers(self, valid: pl.DataFrame) -> WriteResult:
        frame = valid if "content_hash" in valid.columns else self._borrower_keys(valid)
        new, changed, unchanged = self._new_and_changed(
            schema.borrowers, frame, compared=("content_hash", "ssn_index", "dob_index")
        )
        result = WriteResult(unchanged=unchanged)
        if new.height:
            insert_frame(self.connection, schema.borrowers, self._borrower_rows(new))
            result.inserted = new.height
        if changed.height:
            rows = self._borrower_rows(changed).drop("external_id", "created_at")
            self._update_by_id(schema.borrowers, rows, changed.get_column("id"))
            result.updated = changed.height
        # a changed borrower's id came with it; only the new ones are read back
        ids = [changed.select("external_id", "id")]
        if new.height:
            inserted = self._stored_borrower_refs(new.get_column("external_id").to_list())
            self._borrowers.add(inserted)
            ids.append(inserted)
        touched = pl.concat(ids)
        if touched.height:
            points = frame.join(touched, on="external_id")
            self._write_contact_points(points, replace=changed.height)
        return result

    def _borrower_keys(self, valid: pl.DataFrame) -> pl.DataFrame:
        """The batch with the content hash and blind indexes a borrower is compared by."""
        return valid.with_columns(
            content_hash(valid, _BORROWER_FIELDS),
            self._indexed(valid.get_column("ssn_digits")).alias("ssn_index"),
            self._indexed(valid.get_column("dob").cast(pl.Utf8)).alias("dob_index"),
        )

    def _sealed_borrower_fields(self, frame: pl.DataFrame) -> list[pl.Series]:
        """Date of birth and SSN sealed (AES-256-GCM, ``adapters/field_crypto.py``)."""
        return [
            self._sealed(frame.get_column("dob").cast(pl.Utf8)).alias("dob_sealed"),
            self._sealed(frame.get_column("ssn_digits")).alias("ssn_sealed"),
        ]

    def _sealed(self, values: pl.Series) -> pl.Series:
        return pl.Series(values.name, self.cipher.encrypt_all(values.to_list()), dtype=pl.Utf8)

    def _indexed(self, values: pl.Series) -> pl.Series:
        return pl.Series(values.name, self.cipher.blind_indexes(values.to_list()), dtype=pl.Utf8)

    def _borrower_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        if "dob_sealed" not in frame.columns:  # sealed now unless ``prepare`` did
            frame = frame.with_columns(self._sealed_borrower_fields(frame))
        return frame.select(
            pl.col("external_id"),
            pl.col("first_name"),
            pl.col("middle_name"),
            pl.col("last_name"),
            pl.col("suffix"),
            pl.col("dob_sealed"),
            pl.col("dob_index"),
            pl.col("ssn_sealed"),
            pl.col("ssn_index"),
            pl.col("ssn_digits").str.slice(5, 4).fill_null("").alias("ssn_last4"),
            pl.col("language_code").alias("language"),
            pl.col("address_line1"),
            pl.col("address_line2"),
            pl.col("city"),
            pl.col("state"),
            pl.col("zip"),
            pl.col("address_time_zone"),
            pl.col("content_hash"),
            pl.lit(self.now).alias("created_at"),
            pl.lit(self.now).alias("updated_at"),
        )

    def _write_contact_points(self, frame: pl.DataFrame, *, replace: int) -> None:
        """One row per phone/email; consent and opt-out as recorded now (TCPA, Reg F 1006.6)."""
        kinds = {
            "mobile_e164": "mobile_phone",
            "home_e164": "home_phone",
            "work_e164": "work_phone",
            "email_address": "personal_email",
            "work_email_address": "work_email",
        }
        parts = [
            frame.filter(pl.col(column).is_not_null()).select(
                pl.col("id").alias("borrower_id"),
                pl.lit(kind).alias("kind"),
                pl.col(column).alias("value"),
                (pl.col("sms_consent_flag") & (pl.lit(kind) == "mobile_phone")).alias("consent"),
                (pl.col("email_opt_out_flag") & (pl.lit(kind) == "personal_email")).alias("out"),
            )
            for column, kind in kinds.items()
        ]
        points = pl.concat(parts)
        zones = {npa: ",".join(z) for npa, (_, z) in geo.area_code_directory().items()}
        now = pl.lit(self.now)
        rows = points.select(
            pl.col("borrower_id"),
            pl.col("kind"),
            pl.col("value"),
            pl.lit("active").alias("status"),
            pl.when(pl.col("kind").str.ends_with("_phone"))
            .then(pl.col("value").str.slice(2, 3).replace_strict(zones, default=""))
            .otherwise(pl.lit(""))
            .alias("time_zones"),
            pl.when(pl.col("consent")).then(now).otherwise(None).alias("sms_consent_at"),
            pl.when(pl.col("out")).then(now).otherwise(None).alias("email_opted_out_at"),
            pl.lit("import").alias("source"),
            now.alias("created_at"),
        )
        if not replace:  # always so in a book's first import: a borrower comes once
            insert_frame(self.connection, schema.contact_points, rows)
            return
        known = lookup(
            self.connection,
            table="contact_points",
            key="borrower_id",
            keys=rows.get_column("borrower_id").unique().to_list(),
            columns={
                "contact_points.borrower_id": pl.Int64,
                "contact_points.kind": pl.Utf8,
                "contact_points.value": pl.Utf8,
            },
        )
        fresh = rows.join(known, on=["borrower_id", "kind", "value"], how="anti")
        insert_frame(self.connection, schema.contact_points, fresh)

    # -- loans --------------------------------------------------------------------------------

    def write_loans(self, valid: pl.DataFrame) -> WriteResult:
        frame = valid.with_columns(content_hash(valid, _LOAN_FIELDS))
        new, changed, unchanged = self._new_and_changed(schema.loans, frame)
        result = WriteResult(unchanged=unchanged)
        created = np.empty(0, dtype=np.int64)
        if new.height:
            insert_frame(self.connection, schema.loans, self._loan_rows(new))
            result.inserted = new.height
            refs = self._stored_loan_refs(new.get_column("external_id").to_list())
            created = refs.get_column("id").to_numpy().astype(np.int64)
            self.new_loans.append(created)
            self._loans.add(refs)
        if changed.height:
            rows = self._loan_rows(changed).drop("external_id", "created_at", "schedule_source")
            self._update_by_id(schema.loans, rows, changed.get_column("id"))
            result.updated = changed.height
        # a changed loan's id came with it; only the new ones are read back
        changed_ids = changed.get_column("id").to_numpy().astype(np.int64)
        result.touched_loans = np.concatenate([changed_ids, created])
        return result

    def _loan_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("external_id"),
            pl.col("borrower_id"),
            pl.col("co_borrower_ref_id").alias("co_borrower_id"),
            pl.col("product"),
            pl.col("currency_code").alias("currency"),
            pl.col("principal_minor"),
            pl.col("annual_rate_micros"),
            pl.col("term").alias("term_months"),
            pl.col("origination").alias("origination_date"),
            pl.col("first_due").alias("first_due_date"),
            pl.col("contract_state"),
            pl.col("contract_kind").alias("contract_type"),
            pl.col("credit_limit_minor"),
            pl.col("loan_status").alias("status"),
            pl.col("charge_off").alias("charge_off_date"),
            pl.col("charge_off_amount_minor"),
            pl.col("original_creditor"),
            pl.lit("generated").alias("schedule_source"),
            pl.col("content_hash"),
            pl.lit(self.now).alias("created_at"),
            pl.lit(self.now).alias("updated_at"),
        )

    # -- schedules ----------------------------------------------------------------------------
