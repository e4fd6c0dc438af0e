"""Writing validated import batches: insert what is new, update what changed, skip the rest.

Every kind is keyed by the lender's external id. Borrowers, loans and collateral carry a
content hash of their fields (and blind indexes of their sensitive ones), so re-importing the
same file finds every row unchanged and writes nothing. Payments are immutable once known: a
known payment id may only change status (e.g. returned); anything else is refused.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import polars as pl
from sqlalchemy import Connection, bindparam, delete, text, update

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import BackgroundWrites, insert_frame, lookup
from arrears.adapters.field_crypto import FieldCipher
from arrears.domain import geo


@dataclass
class WriteResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    touched_loans: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    problems: pl.DataFrame | None = None


def content_hash(frame: pl.DataFrame, columns: list[str]) -> pl.Series:
    """A stable digest of the given columns per row (md5 of their text, unit-separated)."""
    joined = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.Utf8).fill_null("\x00") for c in columns], separator="\x1f"
        )
    ).to_series()
    return pl.Series(
        "content_hash",
        [hashlib.md5(v.encode(), usedforsecurity=False).hexdigest() for v in joined.to_list()],
        dtype=pl.Utf8,
    )


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

_COLLATERAL_FIELDS = [
        "loan_ref_id", "kind", "vin", "model_year", "make", "model", "odometer", "condition",
        "address_line1", "address_line2", "city", "state", "zip", "property_type", "lien",
        "occupancy",
    ]  # fmt: skip


class SqlPortfolioStore:
    def __init__(self, connection: Connection, *, cipher: FieldCipher, now: datetime, run_id: int):
        self.connection = connection
        self.cipher = cipher
        self.now = now
        self.run_id = run_id
        # On a first load no payment can be known from an earlier import (duplicates inside
        # this import are caught in memory), so the per-batch lookup is skipped.
        self._payments_known = (
            connection.execute(text("SELECT 1 FROM payments LIMIT 1")).first() is not None
        )
        self.new_loans: list[np.ndarray] = []
        self._writes = BackgroundWrites()

    def submit(self, kind: str, valid: pl.DataFrame, *, file: str) -> Callable[[], WriteResult]:
        """``write`` on a worker thread (the caller checks the next batch meanwhile)."""
        results: list[WriteResult] = []
        self._writes.start(lambda: results.append(self.write(kind, valid, file=file)))

        def result() -> WriteResult:
            self._writes.wait()
            return results[0]

        return result

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
        return lookup(
            self.connection,
            table="borrowers",
            key="external_id",
            keys=keys,
            columns={"borrowers.external_id": pl.Utf8, "borrowers.id": pl.Int64},
        )

    def loan_refs(self, keys: list[str]) -> pl.DataFrame:
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

    # -- borrowers ----------------------------------------------------------------------------

    def write_borrowers(self, valid: pl.DataFrame) -> WriteResult:
        frame = valid.with_columns(
            content_hash(valid, _BORROWER_FIELDS),
            pl.col("ssn_digits").map_elements(self.cipher.blind_index, return_dtype=pl.Utf8)
            .alias("ssn_index"),
            pl.col("dob").cast(pl.Utf8).map_elements(self.cipher.blind_index, return_dtype=pl.Utf8)
            .alias("dob_index"),
        )  # fmt: skip
        existing = lookup(
            self.connection,
            table="borrowers",
            key="external_id",
            keys=frame.get_column("external_id").to_list(),
            columns={
                "borrowers.external_id": pl.Utf8,
                "borrowers.id": pl.Int64,
                "borrowers.content_hash": pl.Utf8,
                "borrowers.ssn_index": pl.Utf8,
                "borrowers.dob_index": pl.Utf8,
            },
        )
        joined = frame.join(existing, on="external_id", how="left", suffix="_old")
        new = joined.filter(pl.col("id").is_null())
        same = (
            (pl.col("content_hash") == pl.col("content_hash_old"))
            & pl.col("ssn_index").eq_missing(pl.col("ssn_index_old"))
            & pl.col("dob_index").eq_missing(pl.col("dob_index_old"))
        )
        changed = joined.filter(pl.col("id").is_not_null() & ~same)
        result = WriteResult(unchanged=joined.height - new.height - changed.height)
        if new.height:
            insert_frame(self.connection, schema.borrowers, self._borrower_rows(new))
            result.inserted = new.height
        if changed.height:
            self._update_borrowers(changed)
            result.updated = changed.height
        touched = pl.concat([new.select("external_id"), changed.select("external_id")])
        if touched.height:
            ids = self.borrower_refs(touched.get_column("external_id").to_list())
            self._write_contact_points(frame.join(ids, on="external_id"), replace=changed.height)
        return result

    def _sealed(self, values: pl.Series) -> pl.Series:
        return values.map_elements(self.cipher.encrypt, return_dtype=pl.Utf8)

    def _borrower_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            pl.col("external_id"),
            pl.col("first_name"),
            pl.col("middle_name"),
            pl.col("last_name"),
            pl.col("suffix"),
            self._sealed(frame.get_column("dob").cast(pl.Utf8)).alias("dob_sealed"),
            pl.col("dob_index"),
            self._sealed(frame.get_column("ssn_digits")).alias("ssn_sealed"),
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

    def _update_borrowers(self, changed: pl.DataFrame) -> None:
        rows = self._borrower_rows(changed).drop("external_id", "created_at")
        rows = rows.with_columns(changed.get_column("id").alias("b_id"))
        statement = (
            update(schema.borrowers)
            .where(schema.borrowers.c.id == bindparam("b_id"))
            .values({c: bindparam(c) for c in rows.columns if c != "b_id"})
        )
        self.connection.execute(statement, rows.to_dicts())

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
        if not replace:
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
        existing = lookup(
            self.connection,
            table="loans",
            key="external_id",
            keys=frame.get_column("external_id").to_list(),
            columns={
                "loans.external_id": pl.Utf8,
                "loans.id": pl.Int64,
                "loans.content_hash": pl.Utf8,
            },
        )
        joined = frame.join(existing, on="external_id", how="left", suffix="_old")
        new = joined.filter(pl.col("id").is_null())
        changed = joined.filter(
            pl.col("id").is_not_null() & (pl.col("content_hash") != pl.col("content_hash_old"))
        )
        result = WriteResult(unchanged=joined.height - new.height - changed.height)
        if new.height:
            insert_frame(self.connection, schema.loans, self._loan_rows(new))
            result.inserted = new.height
            created = self.loan_refs(new.get_column("external_id").to_list())
            self.new_loans.append(created.get_column("id").to_numpy().astype(np.int64))
        if changed.height:
            rows = self._loan_rows(changed).drop("external_id", "created_at", "schedule_source")
            rows = rows.with_columns(changed.get_column("id").alias("l_id"))
            statement = (
                update(schema.loans)
                .where(schema.loans.c.id == bindparam("l_id"))
                .values({c: bindparam(c) for c in rows.columns if c != "l_id"})
            )
            self.connection.execute(statement, rows.to_dicts())
            result.updated = changed.height
        touched_keys = pl.concat([new.select("external_id"), changed.select("external_id")])
        if touched_keys.height:
            ids = self.loan_refs(touched_keys.get_column("external_id").to_list())
            result.touched_loans = ids.get_column("id").to_numpy()
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

    def write_schedules(self, valid: pl.DataFrame) -> WriteResult:
        """Replace a loan's installments when the imported schedule differs from the stored one."""
        incoming = valid.select(
            pl.col("loan_ref_id").alias("loan_id"),
            pl.col("seq").cast(pl.Int32),
            pl.col("due").alias("due_date"),
            "principal_minor",
            "interest_minor",
            "fees_minor",
        )
        loan_ids = incoming.get_column("loan_id").unique().to_list()
        stored = self.installments_of(loan_ids)
        differing = _loans_whose_rows_differ(incoming, stored, key="loan_id")
        had_schedule = set(stored.get_column("loan_id").to_list())
        result = WriteResult(unchanged=len(loan_ids) - len(differing))
        if differing:
            self.replace_installments(incoming.filter(pl.col("loan_id").is_in(differing)))
            self.connection.execute(
                update(schema.loans)
                .where(schema.loans.c.id.in_(differing))
                .values(schedule_source="imported", updated_at=self.now)
            )
            result.updated = sum(1 for loan in differing if loan in had_schedule)
            result.inserted = len(differing) - result.updated
            result.touched_loans = np.array(differing, dtype=np.int64)
        return result

    def installments_of(self, loan_ids: list[int]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="installments",
            key="loan_id",
            keys=loan_ids,
            columns={
                "installments.loan_id": pl.Int64,
                "installments.seq": pl.Int32,
                "installments.due_date": pl.Date,
                "installments.principal_minor": pl.Int64,
                "installments.interest_minor": pl.Int64,
                "installments.fees_minor": pl.Int64,
            },
        )

    def replace_installments(self, installments: pl.DataFrame) -> None:
        loan_ids = installments.get_column("loan_id").unique().to_list()
        for start in range(0, len(loan_ids), 10_000):
            chunk = loan_ids[start : start + 10_000]
            self.connection.execute(
                delete(schema.installments).where(schema.installments.c.loan_id.in_(chunk))
            )
        insert_frame(self.connection, schema.installments, installments)

    # -- collateral and valuations ------------------------------------------------------------

    def write_collateral(self, valid: pl.DataFrame) -> WriteResult:
        frame = valid.with_columns(content_hash(valid, _COLLATERAL_FIELDS))
        existing = lookup(
            self.connection,
            table="collateral",
            key="external_id",
            keys=frame.get_column("external_id").to_list(),
            columns={
                "collateral.external_id": pl.Utf8,
                "collateral.id": pl.Int64,
                "collateral.content_hash": pl.Utf8,
            },
        )
        joined = frame.join(existing, on="external_id", how="left", suffix="_old")
        new = joined.filter(pl.col("id").is_null())
        changed = joined.filter(
            pl.col("id").is_not_null() & (pl.col("content_hash") != pl.col("content_hash_old"))
        )
        result = WriteResult(unchanged=joined.height - new.height - changed.height)
        if new.height:
            insert_frame(self.connection, schema.collateral, self._collateral_rows(new))
            result.inserted = new.height
        if changed.height:
            rows = self._collateral_rows(changed).drop("external_id", "created_at")
            rows = rows.with_columns(changed.get_column("id").alias("c_id"))
            self.connection.execute(
                update(schema.collateral)
                .where(schema.collateral.c.id == bindparam("c_id"))
                .values({c: bindparam(c) for c in rows.columns if c != "c_id"}),
                rows.to_dicts(),
            )
            result.updated = changed.height
        with_value = frame.filter(pl.col("value_minor").is_not_null())
        if with_value.height:
            ids = self.collateral_refs(with_value.get_column("external_id").to_list())
            valuations = with_value.join(ids.select("external_id", "id"), on="external_id")
            self.write_valuations(
                valuations.select(
                    pl.col("id").alias("collateral_ref_id"),
                    "valued",
                    pl.col("value_minor").alias("amount_minor"),
                    pl.col("valuation_source_code").alias("source_code"),
                )
            )
        return result

    def _insert_new_payments(self, valid: pl.DataFrame) -> WriteResult:
        insert_frame(self.connection, schema.payments, self._payment_rows(valid))
        return WriteResult(
            inserted=valid.height,
            touched_loans=valid.get_column("loan_ref_id").unique().to_numpy().astype(np.int64),
        )

    def _payment_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame.select(
            "external_id",
            pl.col("loan_ref_id").alias("loan_id"),
            "amount_minor",
            pl.col("effective").alias("effective_date"),
            pl.col("method_code").alias("method"),
            pl.col("status_code").alias("status"),
            pl.col("returned").alias("returned_date"),
            "return_reason",
            pl.lit("import").alias("source"),
            pl.lit(self.run_id).alias("import_run_id"),
            pl.lit(self.now).alias("received_at"),
        ).sort("loan_id")

    def _collateral_rows(self, frame: pl.DataFrame) -> pl.DataFrame:
        text = ["address_line1", "address_line2", "city", "state", "zip", "make", "model", "vin"]
        return frame.select(
            pl.col("external_id"),
            pl.col("loan_ref_id").alias("loan_id"),
            pl.col("kind"),
            *(pl.when(pl.col(c) != "").then(pl.col(c)).otherwise(None).alias(c) for c in text),
            pl.col("model_year").alias("year"),
            pl.col("odometer").alias("mileage"),
            pl.when(pl.col("condition") != "").then(pl.col("condition")).alias("condition"),
            pl.when(pl.col("property_type") != "")
            .then(pl.col("property_type"))
            .alias("property_type"),
            pl.col("lien").alias("lien_position"),
            pl.when(pl.col("occupancy") != "").then(pl.col("occupancy")).alias("occupancy"),
            pl.col("content_hash"),
            pl.lit(self.now).alias("created_at"),
            pl.lit(self.now).alias("updated_at"),
        )

    def write_valuations(self, valid: pl.DataFrame) -> WriteResult:
        rows = valid.select(
            pl.col("collateral_ref_id").alias("collateral_id"),
            pl.col("valued").alias("valued_on"),
            "amount_minor",
            pl.col("source_code").alias("source"),
        ).unique(subset=["collateral_id", "valued_on", "source"], keep="first")
        known = lookup(
            self.connection,
            table="valuations",
            key="collateral_id",
            keys=rows.get_column("collateral_id").unique().to_list(),
            columns={
                "valuations.collateral_id": pl.Int64,
                "valuations.valued_on": pl.Date,
                "valuations.source": pl.Utf8,
            },
        )
        fresh = rows.join(known, on=["collateral_id", "valued_on", "source"], how="anti")
        insert_frame(
            self.connection,
            schema.valuations,
            fresh.with_columns(pl.lit(self.now).alias("created_at")),
        )
        return WriteResult(inserted=fresh.height, unchanged=rows.height - fresh.height)

    # -- payments -----------------------------------------------------------------------------

    def write_payments(self, valid: pl.DataFrame, *, file: str) -> WriteResult:
        if not self._payments_known:
            return self._insert_new_payments(valid)
        existing = lookup(
            self.connection,
            table="payments",
            key="external_id",
            keys=valid.get_column("external_id").to_list(),
            columns={
                "payments.external_id": pl.Utf8,
                "payments.id": pl.Int64,
                "payments.loan_id": pl.Int64,
                "payments.amount_minor": pl.Int64,
                "payments.effective_date": pl.Date,
                "payments.status": pl.Utf8,
                "payments.returned_date": pl.Date,
            },
        )
        joined = valid.join(existing, on="external_id", how="left", suffix="_old")
        new = joined.filter(pl.col("id").is_null())
        known = joined.filter(pl.col("id").is_not_null())
        conflict = known.filter(
            (pl.col("loan_ref_id") != pl.col("loan_id"))
            | (pl.col("amount_minor") != pl.col("amount_minor_old"))
            | (pl.col("effective") != pl.col("effective_date"))
        )
        status_change = known.filter(
            ~pl.col("id").is_in(conflict.get_column("id").implode())
            & (
                (pl.col("status_code") != pl.col("status"))
                | ~pl.col("returned").eq_missing(pl.col("returned_date"))
            )
        )
        result = WriteResult(unchanged=known.height - conflict.height - status_change.height)
        if new.height:
            insert_frame(self.connection, schema.payments, self._payment_rows(new))
            result.inserted = new.height
        if status_change.height:
            self.connection.execute(
                update(schema.payments)
                .where(schema.payments.c.id == bindparam("p_id"))
                .values(
                    status=bindparam("p_status"),
                    returned_date=bindparam("p_returned"),
                    return_reason=bindparam("p_reason"),
                ),
                status_change.select(
                    pl.col("id").alias("p_id"),
                    pl.col("status_code").alias("p_status"),
                    pl.col("returned").alias("p_returned"),
                    pl.col("return_reason").alias("p_reason"),
                ).to_dicts(),
            )
            result.updated = status_change.height
        touched = pl.concat(
            [new.get_column("loan_ref_id"), status_change.get_column("loan_ref_id")]
        )
        result.touched_loans = touched.unique().to_numpy().astype(np.int64)
        if conflict.height:
            result.problems = conflict.select(
                pl.lit(file).alias("file"),
                pl.col("row"),
                pl.lit("payment_id").alias("column"),
                pl.col("external_id").alias("value"),
                pl.lit(
                    "this payment is already on file with another loan, amount or date; "
                    "payments cannot be changed — return it and send a new one"
                ).alias("message"),
            )
        return result


def _loans_whose_rows_differ(
    incoming: pl.DataFrame, stored: pl.DataFrame, *, key: str
) -> list[int]:
    """Keys whose set of rows differs between the two frames (same columns)."""
    columns = incoming.columns
    stored = stored.select(columns)
    only_new = incoming.join(stored, on=columns, how="anti").get_column(key)
    only_old = stored.join(incoming, on=columns, how="anti").get_column(key)
    return sorted(set(only_new.to_list()) | set(only_old.to_list()))
