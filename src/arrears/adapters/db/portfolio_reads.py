"""Reading the portfolio as frames (the batch layer's conventions) for whole partitions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

import polars as pl
from sqlalchemy import Connection, bindparam, select, text

from arrears.adapters.db import schema as t
from arrears.adapters.db.alongside import alongside
from arrears.adapters.db.bulk import key_span, lookup, query_frame
from arrears.adapters.db.journal_columns import net_sum
from arrears.adapters.db.prebuilt import Prebuilt, Read
from arrears.domain.charges import Charge
from arrears.domain.components import Component
from arrears.domain.money import Money
from arrears.domain.schedules import Installment
from arrears.ledger.accounts import BORROWER_SIDE
from arrears.services.ports import LoanHistory, PortfolioReads

T = TypeVar("T")

INSTALLMENT_COLUMNS: dict[str, type[pl.DataType]] = {
    "installments.loan_id": pl.Int64,
    "installments.seq": pl.Int32,
    "installments.due_date": pl.Date,
    "installments.principal_minor": pl.Int64,
    "installments.interest_minor": pl.Int64,
    "installments.fees_minor": pl.Int64,
}
"""Stored installments as the batch code reads them (``batch.frames.INSTALLMENTS``)."""

_HISTORY_TERMS = (
    "currency", "principal_minor", "annual_rate_micros", "term_months", "first_due_date",
    "charge_off_date", "schedule_source",
)  # fmt: skip
"""The loan's columns a ``LoanHistory`` is built from."""

LOAN_FRAME_COLUMNS = {
    "loans.id AS loan_id": pl.Int64,
    "loans.currency": pl.Utf8,
    "loans.principal_minor": pl.Int64,
    "loans.annual_rate_micros": pl.Int64,
    "loans.term_months": pl.Int32,
    "loans.origination_date": pl.Date,
    "loans.first_due_date": pl.Date,
    "loans.charge_off_date": pl.Date,
    "loans.status": pl.Utf8,
    "loans.schedule_source": pl.Utf8,
}


# One loan's history, read by every account view: statements built once (``web_store``).
_INSTALLMENTS_OF_LOAN = Prebuilt(
    select(
        t.installments.c.seq, t.installments.c.due_date, t.installments.c.principal_minor,
        t.installments.c.interest_minor, t.installments.c.fees_minor,
    )
    .where(t.installments.c.loan_id == bindparam("loan_id"))
    .order_by(t.installments.c.seq)
)  # fmt: skip
_CHARGES_OF_LOAN = Prebuilt(
    select(
        t.charges.c.component, t.charges.c.amount_minor, t.charges.c.assessed_on,
        t.charges.c.reason, t.charges.c.key, t.charges.c.id,
    )
    .where(t.charges.c.loan_id == bindparam("loan_id"))
    .order_by(t.charges.c.id)
)  # fmt: skip
_PAYMENTS_OF_LOAN = Prebuilt(
    select(t.payments.c.effective_date, t.payments.c.amount_minor, t.payments.c.status)
    .where(t.payments.c.loan_id == bindparam("loan_id"))
    .order_by(t.payments.c.id)
)


def history_reads(loan_id: int, row: Mapping[str, Any], *, payments: bool) -> list[Read]:
    """The reads of ``loan_history`` for a loan whose row is at hand (what an account view
    prefetches): its stored installments when its schedule was imported, its charges, and its
    payments unless the caller has them."""
    wanted: list[Read] = []
    if row["schedule_source"] == "imported":
        wanted.append((_INSTALLMENTS_OF_LOAN, {"loan_id": loan_id}))
    wanted.append((_CHARGES_OF_LOAN, {"loan_id": loan_id}))
    if payments:
        wanted.append((_PAYMENTS_OF_LOAN, {"loan_id": loan_id}))
    return wanted


class SqlPortfolioReads:
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def loan_ids(self) -> list[int]:
        rows = self.connection.execute(text("SELECT id FROM loans ORDER BY id")).scalars()
        return [int(r) for r in rows]

    def loan_history(
        self,
        loan_id: int,
        *,
        row: Mapping[str, Any] | None = None,
        payments: Sequence[Mapping[str, Any]] | None = None,
    ) -> LoanHistory | None:
        """One loan in four small indexed reads (no frames: a single account is a handful of
        rows, where building frames costs more than the query); one fewer for each of the
        loan's ``row`` and its ``payments`` rows (columns by name) the caller read already."""
        if row is None:
            terms = [t.loans.c[name] for name in _HISTORY_TERMS]
            found = self.connection.execute(select(*terms).where(t.loans.c.id == loan_id))
            read = found.one_or_none()
            if read is None:
                return None
            return self.loan_history(loan_id, row=dict(read._mapping), payments=payments)
        currency = str(row["currency"])
        imported = row["schedule_source"] == "imported"
        return LoanHistory(
            loan_id=loan_id,
            currency=currency,
            principal_minor=int(row["principal_minor"]),
            annual_rate_micros=int(row["annual_rate_micros"]),
            term_months=int(row["term_months"]),
            first_due_date=row["first_due_date"],
            charge_off_date=row["charge_off_date"],
            imported_schedule=imported,
            installments=self._installments(loan_id, currency) if imported else [],
            charges=self._charges(loan_id, currency),
            payments=self._payments(loan_id) if payments is None else _received(payments),
        )

    def _installments(self, loan_id: int, currency: str) -> list[Installment]:
        return [
            Installment(
                seq, due_date, Money(principal, currency), Money(interest, currency),
                Money(fees, currency),
            )
            for seq, due_date, principal, interest, fees in _INSTALLMENTS_OF_LOAN.tuples(
                self.connection, {"loan_id": loan_id}
            )
        ]  # fmt: skip

    def _charges(self, loan_id: int, currency: str) -> list[Charge]:
        return [
            Charge(
                loan_id=loan_id,
                component=Component(component),
                amount=Money(amount, currency),
                assessed_on=assessed_on,
                reason=reason,
                key=key,
                id=charge_id,
            )
            for component, amount, assessed_on, reason, key, charge_id in _CHARGES_OF_LOAN.tuples(
                self.connection, {"loan_id": loan_id}
            )
        ]

    def _payments(self, loan_id: int) -> list[tuple[date, int, bool]]:
        rows = _PAYMENTS_OF_LOAN.tuples(self.connection, {"loan_id": loan_id})
        return _good(rows)

    def loans(self, loan_ids: list[int]) -> pl.DataFrame:
        return lookup(
            self.connection, table="loans", key="id", keys=loan_ids, columns=LOAN_FRAME_COLUMNS
        )

    def stored_installments(
        self, loan_ids: list[int], *, due_by: date | None = None
    ) -> pl.DataFrame:
        """Imported installments of the loans (only those due on or before ``due_by`` when
        given: enough for delinquency, which never looks past its date). Schedules derived from
        loan terms are not stored (``batch.installments.installments_for``)."""
        return lookup(
            self.connection,
            table="installments",
            key="loan_id",
            keys=loan_ids,
            columns=INSTALLMENT_COLUMNS,
            condition=f"installments.due_date <= '{due_by.isoformat()}'" if due_by else "",
        )

    def charges(self, loan_ids: list[int]) -> pl.DataFrame:
        return lookup(
            self.connection,
            table="charges",
            key="loan_id",
            keys=loan_ids,
            columns={
                "charges.loan_id": pl.Int64,
                "charges.key": pl.Utf8,
                "charges.component": pl.Utf8,
                "charges.amount_minor": pl.Int64,
                "charges.assessed_on": pl.Date,
            },
        )

    def payments(self, loan_ids: list[int]) -> pl.DataFrame:
        raw = lookup(
            self.connection,
            table="payments",
            key="loan_id",
            keys=loan_ids,
            columns={
                "payments.loan_id": pl.Int64,
                "payments.id AS payment_id": pl.Int64,
                "payments.effective_date": pl.Date,
                "payments.amount_minor": pl.Int64,
                "payments.status": pl.Utf8,
                "payments.return_reason": pl.Utf8,
                "payments.credit_kind": pl.Utf8,
            },
        )
        return raw.select(
            "loan_id",
            "payment_id",
            "effective_date",
            "amount_minor",
            (pl.col("status") == "posted").alias("good"),
            pl.when(pl.col("status") == "posted")
            .then(pl.lit(""))
            .otherwise(
                pl.concat_str(
                    [pl.lit("payment "), pl.col("status"), pl.lit(": "), pl.col("return_reason")]
                ).str.strip_chars(" :")
            )
            .alias("note"),
            "credit_kind",
        )

    def payment_amounts(self, loan_ids: list[int]) -> pl.DataFrame:
        """``payments`` without the notes, ids and kinds (loan_id, effective_date,
        amount_minor, good): what delinquency and promises read, at less than half the text
        for PostgreSQL to build (the cycle reads about 25 payments per loan)."""
        return lookup(
            self.connection,
            table="payments",
            key="loan_id",
            keys=loan_ids,
            columns={
                "payments.loan_id": pl.Int64,
                "payments.effective_date": pl.Date,
                "payments.amount_minor": pl.Int64,
                "payments.status = 'posted' AS good": pl.Boolean,
            },
        )

    def alongside(self, read: Callable[[PortfolioReads], T]) -> Callable[[], T]:
        """Start ``read`` on a second connection in this one's snapshot while the caller goes
        on (``alongside``); a function waiting for its result. SQLite reads at once, here."""
        if self.connection.dialect.name != "postgresql":
            result = read(self)
            return lambda: result
        return alongside(self.connection, lambda side: read(SqlPortfolioReads(side)))

    def balances(self, loan_ids: list[int], *, as_of: date | None = None) -> pl.DataFrame:
        """What each borrower owes per the ledger (receivables less suspense), in minor units,
        counting entries effective on or before ``as_of`` (all when None)."""
        schema = {"loan_id": pl.Int64, "balance_minor": pl.Int64}
        if not loan_ids:
            return pl.DataFrame(schema=schema)
        # An entry's lines are its amount columns (journal_columns): one row per entry.
        dated = "AND e.effective_date <= :as_of" if as_of else ""
        base = (
            f"SELECT e.loan_id, SUM({net_sum(BORROWER_SIDE)}) FROM ledger_entries e "
            f"WHERE e.loan_id IN ({{keys}}) {dated} GROUP BY e.loan_id"
        )
        params: dict[str, object] = {"as_of": as_of} if as_of else {}
        span = key_span(loan_ids) if self.connection.dialect.name == "postgresql" else None
        if span is not None:
            sql = base.replace("IN ({keys})", "BETWEEN :lo AND :hi")
            params.update(lo=span.low, hi=span.high)
        elif self.connection.dialect.name == "postgresql":
            sql = base.replace("IN ({keys})", "= ANY(:keys)")
            params["keys"] = loan_ids
        else:
            sql = base.replace("({keys})", "(SELECT value FROM json_each(:keys))")
            params["keys"] = json.dumps(loan_ids)
        frame = query_frame(self.connection, sql, params, schema)
        return span.exact(frame, "loan_id") if span is not None else frame


def _good(rows: Iterable[Sequence[Any]]) -> list[tuple[date, int, bool]]:
    """(effective date, amount, good) of (effective date, amount, status) rows in the order
    received: good is posted, not returned or reversed."""
    return [(day, int(amount), status == "posted") for day, amount, status in rows]


def _received(rows: Sequence[Mapping[str, Any]]) -> list[tuple[date, int, bool]]:
    """``_good`` of ``payments`` rows read in another order (a screen's history, newest first)."""
    ordered = sorted(rows, key=lambda r: int(r["id"]))
    return _good((r["effective_date"], r["amount_minor"], r["status"]) for r in ordered)
