"""Random loan histories as frames, and the scalar reference run over them loan by loan.

Shared by the batch equivalence and invariant properties: a hypothesis strategy for small
portfolios (schedules with fees, charges, good, returned, backdated and over-payments,
charge-offs) and helpers that run ``arrears.domain`` / ``arrears.ledger`` per loan and shape
the answers like the batch frames, so tests compare frames with ``equals``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import polars as pl
from hypothesis import strategies as st

from arrears.batch.frames import CHARGES, DELINQUENCY, ENTRIES, INSTALLMENTS, LINES, LOANS, PAYMENTS
from arrears.domain.allocation import DueItem, WaterfallPolicy
from arrears.domain.charges import Charge
from arrears.domain.components import Component
from arrears.domain.delinquency import DEFAULT_BUCKETS, BucketScheme, delinquency_as_of
from arrears.domain.money import Money
from arrears.domain.rates import Rate
from arrears.domain.schedules import Installment
from arrears.ledger.accounts import Account
from arrears.ledger.entries import Entry, EntryKind, Line
from arrears.ledger.postings import PaymentFact, desired_postings, reconcile

START = date(2023, 1, 1)
CHARGEABLE = [c.value for c in Component if c is not Component.PRINCIPAL]


def day(offset: int) -> date:
    return START + timedelta(days=offset)


def rate_of(micros: int) -> Rate:
    """The rate a micros value stands for, spelled as text (independent of the batch helper)."""
    return Rate(f"{micros // 1_000_000}.{micros % 1_000_000:06d}")


@dataclass(frozen=True)
class History:
    """A small portfolio's loans and events, as the batch frames."""

    loans: pl.DataFrame
    installments: pl.DataFrame
    charges: pl.DataFrame
    payments: pl.DataFrame

    @property
    def loan_ids(self) -> list[int]:
        return self.loans["loan_id"].to_list()


@st.composite
def loan_rows(draw: st.DrawFn, loan_id: int) -> dict[str, object]:
    origination = draw(st.integers(0, 200))
    return {
        "loan_id": loan_id,
        "currency": draw(st.sampled_from(["USD", "USD", "JPY", "BHD"])),
        "principal_minor": draw(st.one_of(st.just(0), st.integers(1, 5_000_000))),
        "annual_rate_micros": draw(st.sampled_from([0, 1, 59_900, 129_900, 999_999, 4_000_000])),
        "term_months": draw(st.integers(1, 14)),
        "origination_date": day(origination),
        "first_due_date": day(origination + draw(st.integers(1, 45))),
        "charge_off_date": draw(st.none() | st.integers(30, 500).map(day)),
    }


@st.composite
def installment_rows(draw: st.DrawFn, loan_id: int) -> list[dict[str, object]]:
    """A made-up schedule: rising or repeated due dates, zero parts, fees, any seq order."""
    count = draw(st.integers(0, 7))
    offset = draw(st.integers(0, 60))
    rows = []
    for seq in range(1, count + 1):
        rows.append(
            {
                "loan_id": loan_id,
                "seq": seq,
                "due_date": day(offset),
                "principal_minor": draw(st.integers(0, 40_000)),
                "interest_minor": draw(st.integers(0, 3_000)),
                "fees_minor": draw(st.sampled_from([0, 0, 0, 500])),
            }
        )
        offset += draw(st.sampled_from([0, 1, 28, 30, 31, 31]))
    if draw(st.booleans()):
        rows = draw(st.permutations(rows))
    return rows


@st.composite
def charge_rows(draw: st.DrawFn, loan_id: int) -> list[dict[str, object]]:
    keys = draw(st.lists(st.sampled_from(["late-1", "late-2", "legal", "b", "z9"]), max_size=3))
    return [
        {
            "loan_id": loan_id,
            "key": key,
            "component": draw(st.sampled_from(CHARGEABLE)),
            "amount_minor": draw(st.integers(1, 5_000)),
            "assessed_on": day(draw(st.integers(0, 300))),
        }
        for key in dict.fromkeys(keys)
    ]


@st.composite
def payment_rows(draw: st.DrawFn, loan_id: int, first_id: int) -> list[dict[str, object]]:
    """Good, returned, same-day, backdated and over-payments (ids not in date order)."""
    rows = []
    for n in range(draw(st.integers(0, 8))):
        good = draw(st.booleans() | st.just(True))
        rows.append(
            {
                "loan_id": loan_id,
                "payment_id": first_id + draw(st.sampled_from([n, 10 * n + 3, 997 - n])),
                "effective_date": day(draw(st.integers(0, 420))),
                "amount_minor": draw(
                    st.one_of(st.integers(1, 20_000), st.integers(20_000, 400_000))
                ),
                "good": good,
                "note": None if good else draw(st.sampled_from(["returned: NSF", ""])),
            }
        )
    return list({row["payment_id"]: row for row in rows}.values())


@st.composite
def histories(draw: st.DrawFn, *, max_loans: int = 5) -> History:
    """Several loans with made-up schedules, charges and payments (ids not in input order)."""
    ids = draw(st.lists(st.integers(1, 10**12), min_size=1, max_size=max_loans, unique=True))
    loans, installments, charges, payments = [], [], [], []
    for n, loan_id in enumerate(ids):
        loans.append(draw(loan_rows(loan_id)))
        installments += draw(installment_rows(loan_id))
        charges += draw(charge_rows(loan_id))
        payments += draw(payment_rows(loan_id, first_id=1_000 * n))
    return History(
        loans=pl.DataFrame(loans, schema=LOANS),
        installments=pl.DataFrame(installments, schema=INSTALLMENTS),
        charges=pl.DataFrame(charges, schema=CHARGES),
        payments=pl.DataFrame(payments, schema=PAYMENTS),
    )


def with_payments(history: History, payments: pl.DataFrame) -> History:
    return replace(history, payments=payments)


# -- the scalar reference, loan by loan ------------------------------------------------------------


def reference_installments(history: History, loan_id: int) -> list[Installment]:
    frame = history.installments.filter(pl.col("loan_id") == loan_id)
    return [
        Installment(r["seq"], r["due_date"], Money(r["principal_minor"]), Money(
            r["interest_minor"]), Money(r["fees_minor"]))
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def reference_charges(history: History, loan_id: int) -> list[Charge]:
    frame = history.charges.filter(pl.col("loan_id") == loan_id)
    return [
        Charge(loan_id, Component(r["component"]), Money(r["amount_minor"]), r["assessed_on"],
               "charge", r["key"])
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def items_of(items: pl.DataFrame, loan_id: int) -> list[DueItem]:
    """A loan's rows of an ITEMS frame as the reference's due items."""
    frame = items.filter(pl.col("loan_id") == loan_id)
    return [
        DueItem(r["due_date"], Component(r["component"]), r["amount_minor"], r["source"],
                r["installment_seq"])
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def item_rows(items: list[DueItem], loan_id: int) -> list[tuple[object, ...]]:
    return [
        (loan_id, i.due_date, i.component.value, i.amount_minor, i.source, i.installment_seq)
        for i in items
    ]


def reference_delinquency(
    history: History,
    items: pl.DataFrame,
    *,
    as_of: date,
    policy: WaterfallPolicy,
    buckets: BucketScheme = DEFAULT_BUCKETS,
) -> pl.DataFrame:
    """``delinquency_as_of`` of every loan (good payments only), as a DELINQUENCY frame."""
    rows = []
    for loan in history.loans.iter_rows(named=True):
        loan_id = loan["loan_id"]
        good = history.payments.filter((pl.col("loan_id") == loan_id) & pl.col("good"))
        state = delinquency_as_of(
            items_of(items, loan_id),
            [(r["effective_date"], r["amount_minor"]) for r in good.iter_rows(named=True)],
            as_of,
            policy=policy,
            buckets=buckets,
            charge_off_date=loan["charge_off_date"],
        )
        rows.append(
            {
                "loan_id": loan_id,
                "dpd": state.dpd,
                "bucket": state.bucket,
                "amount_past_due_minor": state.amount_past_due_minor,
                "oldest_unpaid_due_date": state.oldest_unpaid_due_date,
                "dofd": state.dofd,
                "cured_on": state.cured_on,
                "due_to_date_minor": state.due_to_date_minor,
                "paid_to_date_minor": state.paid_to_date_minor,
            }
        )
    return pl.DataFrame(rows, schema=DELINQUENCY)


def payment_facts(history: History, loan_id: int) -> list[PaymentFact]:
    frame = history.payments.filter(pl.col("loan_id") == loan_id)
    return [
        PaymentFact(r["payment_id"], r["effective_date"], r["amount_minor"], r["good"],
                    r["note"] or "")
        for r in frame.iter_rows(named=True)
    ]  # fmt: skip


def reference_postings(
    history: History, items: pl.DataFrame, existing: list[Entry], *, as_of: date
) -> list[Entry]:
    """``reconcile(desired_postings(...))`` of every loan, in loan order."""
    appended: list[Entry] = []
    for loan in history.loans.sort("loan_id").iter_rows(named=True):
        loan_id = loan["loan_id"]
        facts = payment_facts(history, loan_id)
        desired = desired_postings(
            principal_minor=loan["principal_minor"],
            origination_date=loan["origination_date"],
            items=items_of(items, loan_id),
            payments=facts,
            as_of=as_of,
        )
        appended += reconcile(
            loan_id=loan_id,
            currency=loan["currency"],
            desired=desired,
            existing=[e for e in existing if e.loan_id == loan_id],
            notes={f"payment:{f.payment_id}": f.note for f in facts if f.note},
        )
    return appended


def entry_frames(entries: list[Entry]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Scalar entries as (ENTRIES, LINES) frames, in the order given."""
    rows, lines = [], []
    for entry in entries:
        version = int(entry.key.rsplit(":", 1)[1])
        reverses = int(entry.reverses.rsplit(":", 1)[1]) if entry.reverses else None
        rows.append(
            {
                "loan_id": entry.loan_id,
                "source": entry.source,
                "version": version,
                "kind": entry.kind.value,
                "effective_date": entry.effective_date,
                "currency": entry.currency,
                "reverses_version": reverses,
                "memo": entry.memo,
            }
        )
        lines += [
            {
                "loan_id": entry.loan_id,
                "source": entry.source,
                "version": version,
                "account": line.account.value,
                "amount_minor": line.amount_minor,
            }
            for line in entry.lines
        ]
    return pl.DataFrame(rows, schema=ENTRIES), pl.DataFrame(lines, schema=LINES)


def scalar_entries(entries: pl.DataFrame, lines: pl.DataFrame) -> list[Entry]:
    """(ENTRIES, LINES) frames back to scalar entries (lines in frame order)."""
    grouped: dict[tuple[int, str, int], list[Line]] = {}
    for row in lines.iter_rows(named=True):
        key = (row["loan_id"], row["source"], row["version"])
        grouped.setdefault(key, []).append(Line(Account(row["account"]), row["amount_minor"]))
    result = []
    for row in entries.iter_rows(named=True):
        key = (row["loan_id"], row["source"], row["version"])
        reverses = row["reverses_version"]
        result.append(
            Entry(
                key=f"{row['loan_id']}:{row['source']}:{row['version']}",
                loan_id=row["loan_id"],
                kind=EntryKind(row["kind"]),
                effective_date=row["effective_date"],
                currency=row["currency"],
                lines=tuple(grouped.get(key, [])),
                source=row["source"],
                reverses=None
                if reverses is None
                else f"{row['loan_id']}:{row['source']}:{reverses}",
                memo=row["memo"],
            )
        )
    return result


def in_journal_order(
    entries: pl.DataFrame, lines: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Frames sorted by (loan_id, source, version), lines keeping their order inside an entry."""
    key = ["loan_id", "source", "version"]
    return entries.sort(key), lines.sort(key, maintain_order=True)
