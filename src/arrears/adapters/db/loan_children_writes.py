"""Writing the rows that belong to a loan: schedules, collateral, valuations and payments.

Part of ``SqlPortfolioStore`` (a mixin sharing its connection, clock and run): schedules are
replaced whole when they differ; collateral is matched by its content hash; valuations are
added once per (collateral, date, source); payments are immutable once known.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import polars as pl
from sqlalchemy import Connection, Table, bindparam, delete, update

from arrears.adapters.db import schema
from arrears.adapters.db.bulk import insert_frame, lookup
from arrears.adapters.db.portfolio_reads import INSTALLMENT_COLUMNS
from arrears.adapters.db.write_result import WriteResult, content_hash

_COLLATERAL_FIELDS = [
    "loan_ref_id", "kind", "vin", "model_year", "make", "model", "odometer", "condition",
    "address_line1", "address_line2", "city", "state", "zip", "property_type", "lien",
    "occupancy",
]  # fmt: skip


class LoanChildrenWrites:
    connection: Connection
    now: datetime
    run_id: int
    _empty_before: set[str]  # the tables empty when the import began

    def collateral_refs(self, keys: list[str]) -> pl.DataFrame:
        raise NotImplementedError

    def _new_and_changed(
        self, table: Table, frame: pl.DataFrame, *, compared: tuple[str, ...] = ("content_hash",)
    ) -> tuple[pl.DataFrame, pl.DataFrame, int]:
        raise NotImplementedError

    def _update_by_id(self, table: Table, rows: pl.DataFrame, ids: pl.Series) -> None:
        raise NotImplementedError

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
            columns=INSTALLMENT_COLUMNS,
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
        new, changed, unchanged = self._new_and_changed(schema.collateral, frame)
        result = WriteResult(unchanged=unchanged)
        if new.height:
            insert_frame(self.connection, schema.collateral, self._collateral_rows(new))
            result.inserted = new.height
        if changed.height:
            rows = self._collateral_rows(changed).drop("external_id", "created_at")
            self._update_by_id(schema.collateral, rows, changed.get_column("id"))
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
        if schema.payments.name in self._empty_before:
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
