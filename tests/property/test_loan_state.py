"""The per-loan path of an account view (``services.loan_state``) answers what the batch path
answers for the same loan: the schedule it derives or keeps, and the delinquency on any date
under any waterfall (random histories with charges, returned, backdated and over-payments,
charge-offs)."""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from arrears.batch.delinquency import delinquency
from arrears.batch.items import due_items
from arrears.batch.schedules import level_schedules
from arrears.domain.allocation import WaterfallPolicy
from arrears.services.loan_state import schedule_of, state_of
from arrears.services.ports import LoanHistory
from property.test_batch_equivalence import SETTINGS, dates, policies
from unit.batch.histories import History, histories, reference_charges, reference_installments


def _one_loan(history: History, loan_id: int, *, imported: bool) -> LoanHistory:
    loan = history.loans.row(by_predicate=pl.col("loan_id") == loan_id, named=True)
    payments = history.payments.filter(pl.col("loan_id") == loan_id).sort("payment_id")
    return LoanHistory(
        loan_id=loan_id,
        currency=loan["currency"],
        principal_minor=loan["principal_minor"],
        annual_rate_micros=loan["annual_rate_micros"],
        term_months=loan["term_months"],
        first_due_date=loan["first_due_date"],
        charge_off_date=loan["charge_off_date"],
        imported_schedule=imported,
        installments=reference_installments(history, loan_id) if imported else [],
        charges=reference_charges(history, loan_id),
        payments=[
            (r["effective_date"], r["amount_minor"], r["good"])
            for r in payments.iter_rows(named=True)
        ],
    )


@SETTINGS
@given(history=histories(), policy=policies, as_of=dates)
def test_one_loan_delinquency_equals_the_batch_row(
    history: History, policy: WaterfallPolicy, as_of: date
) -> None:
    """Every field of each loan's delinquency, and its good payments' dates, match."""
    items = due_items(
        history.installments.filter(pl.col("due_date") <= as_of), history.charges, policy=policy
    )
    batch = delinquency(items, history.payments, history.loans, as_of=as_of, policy=policy)
    for row in batch.iter_rows(named=True):
        one = _one_loan(history, row["loan_id"], imported=True)
        state = state_of(one, as_of=as_of, policy=policy)
        owed = state.delinquency
        got = {
            "loan_id": one.loan_id,
            "dpd": owed.dpd,
            "bucket": owed.bucket,
            "amount_past_due_minor": owed.amount_past_due_minor,
            "oldest_unpaid_due_date": owed.oldest_unpaid_due_date,
            "dofd": owed.dofd,
            "cured_on": owed.cured_on,
            "due_to_date_minor": owed.due_to_date_minor,
            "paid_to_date_minor": owed.paid_to_date_minor,
        }
        assert got == row
        assert state.good_payment_dates == [day for day, _, good in one.payments if good]


@SETTINGS
@given(history=histories(), imported=st.booleans())
def test_one_loan_schedule_is_the_stored_or_the_level_schedule(
    history: History, imported: bool
) -> None:
    """Imported schedules are kept as stored; the others are the batch's level schedule."""
    level = level_schedules(history.loans)
    for loan_id in history.loan_ids:
        one = _one_loan(history, loan_id, imported=imported)
        got = [
            (i.seq, i.due_date, i.principal.minor, i.interest.minor, i.fees.minor)
            for i in schedule_of(one)
        ]
        if imported:
            expected = [
                (i.seq, i.due_date, i.principal.minor, i.interest.minor, i.fees.minor)
                for i in reference_installments(history, loan_id)
            ]
        else:
            expected = [r[1:] for r in level.filter(pl.col("loan_id") == loan_id).rows()]
        assert got == expected


@SETTINGS
@given(history=histories(), imported=st.booleans(), policy=policies, as_of=dates)
def test_a_brief_state_keeps_what_is_due_and_owes_the_same(
    history: History, imported: bool, policy: WaterfallPolicy, as_of: date
) -> None:
    """``brief`` (a view with no schedule) cuts the schedule after ``as_of``: the installments
    it keeps are the whole schedule's due by then, and the delinquency is the same."""
    for loan_id in history.loan_ids:
        one = _one_loan(history, loan_id, imported=imported)
        whole = state_of(one, as_of=as_of, policy=policy)
        brief = state_of(one, as_of=as_of, policy=policy, brief=True)
        assert brief.installments == [i for i in whole.installments if i.due_date <= as_of]
        assert brief.delinquency == whole.delinquency
        assert brief.good_payments == whole.good_payments
