"""The validation notice: itemization from the ledger as of the itemization date, the
validation period end with the federal holiday calendar, and every 1006.34(c) fact on the
page (Reg F model form B-1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from arrears.adapters.channels.templates import JinjaTemplates, visible_text
from arrears.compliance.validation import validation_period_end as gate_period_end
from arrears.domain.itemization import (
    DebtLine,
    ItemizationBasis,
    ItemizationDates,
    choose_itemization_date,
    itemize,
)
from arrears.domain.validation_notice import assumed_receipt, validation_period_end
from arrears.services.messages import Identity, message_context
from arrears.services.ports import MessageFacts, TemplateFailure


def line(day: str, account: str, amount: int, *, charge: bool = False) -> DebtLine:
    return DebtLine(date.fromisoformat(day), account, amount, charge)


#: A hand-built journal of a $1,200 loan (borrower-side lines only; cents).
HISTORY = [
    line("2026-01-15", "principal", 120_000),  # disbursement
    line("2026-02-15", "interest", 1_200, charge=True),  # installment 1 interest
    line("2026-02-15", "interest", -1_200),  # payment 1: $106.62
    line("2026-02-15", "principal", -9_462),
    line("2026-03-15", "interest", 1_105, charge=True),  # installment 2 interest
    line("2026-03-20", "fees", 2_500, charge=True),  # late fee
    line("2026-04-10", "fees", -2_500),  # payment 2: $50.00 (fees, interest, principal)
    line("2026-04-10", "interest", -1_105),
    line("2026-04-10", "principal", -1_395),
    line("2026-04-15", "interest", 1_000, charge=True),  # installment 3 interest
    line("2026-04-20", "penalties", 700, charge=True),  # penalty interest
    line("2026-05-01", "principal", -2_000),  # payment 3: $20.00 …
    line("2026-05-01", "principal", 2_000),  # … returned (reversal)
    line("2026-05-10", "interest", -300),  # waiver of $3.00 interest
    line("2026-05-12", "fees", 1_500, charge=True),  # returned-payment fee
    line("2026-05-12", "fees", -1_500, charge=True),  # … reversed: charged in error
    line("2026-05-20", "suspense", -400),  # $4.00 received, held in suspense
    line("2026-07-01", "interest", 900, charge=True),  # after the notice date: ignored
]


def test_the_itemization_ties_to_a_hand_built_ledger() -> None:
    """As of the last payment (2026-04-10) the borrower owed $1,091.43; since then $10.00
    interest, $7.00 fees and penalties (a fee charged and reversed counts nothing), $7.00
    payments and credits (a returned payment counts nothing): $1,101.43 now."""
    result = itemize(
        HISTORY, basis=ItemizationBasis.LAST_PAYMENT, itemization_date=date(2026, 4, 10),
        as_of=date(2026, 6, 1), currency="USD",
    )  # fmt: skip
    assert result.amount_on_itemization_date_minor == 109_143
    assert result.interest_minor == 1_000
    assert result.fees_minor == 700
    assert result.payments_and_credits_minor == 700  # $3.00 waiver + $4.00 suspense
    assert result.current_amount_minor == 109_143 + 1_000 + 700 - 700
    assert result.ties()
    everything_to_date = sum(
        ln.amount_minor for ln in HISTORY if ln.effective_date <= date(2026, 6, 1)
    )
    assert result.current_amount_minor == everything_to_date


def test_an_itemization_date_after_the_notice_is_refused() -> None:
    with pytest.raises(ValueError, match="after the notice date"):
        itemize(HISTORY, basis=ItemizationBasis.TRANSACTION, itemization_date=date(2026, 7, 1),
                as_of=date(2026, 6, 1), currency="USD")  # fmt: skip


def test_the_itemization_date_keeps_the_basis_used_before() -> None:
    """Comment 34(b)(3)-1: one reference date per debt, in every notice."""
    dates = ItemizationDates(charge_off=date(2025, 3, 10), last_payment=date(2025, 5, 20),
                             transaction=date(2024, 3, 10))  # fmt: skip
    preference = (ItemizationBasis.CHARGE_OFF, ItemizationBasis.LAST_PAYMENT)
    assert choose_itemization_date(dates, preference=preference) == (
        ItemizationBasis.CHARGE_OFF, date(2025, 3, 10),
    )  # fmt: skip
    assert choose_itemization_date(
        dates, preference=preference, previous=ItemizationBasis.LAST_PAYMENT
    ) == (ItemizationBasis.LAST_PAYMENT, date(2025, 5, 20))
    assert choose_itemization_date(
        ItemizationDates(transaction=date(2024, 3, 10)),
        preference=(ItemizationBasis.CHARGE_OFF, ItemizationBasis.TRANSACTION),
    ) == (ItemizationBasis.TRANSACTION, date(2024, 3, 10))


@pytest.mark.parametrize(
    ("provided", "receipt", "end"),
    [
        # Thanksgiving (Thu 26 Nov 2026) is skipped: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3 Dec.
        ("2026-11-25", "2026-12-03", "2027-01-02"),
        # New Year's Day 2027 is a Friday: Mon 4 … Fri 8 January.
        ("2026-12-31", "2027-01-08", "2027-02-07"),
        # A Saturday: five business days from the Monday after.
        ("2026-11-28", "2026-12-04", "2027-01-03"),
        # Juneteenth 2026 is a Friday.
        ("2026-06-16", "2026-06-24", "2026-07-24"),
    ],
)
def test_the_validation_period_ends_30_days_after_assumed_receipt(
    provided: str, receipt: str, end: str
) -> None:
    """1006.34(b)(5): receipt assumed five days after providing it, excluding Saturdays,
    Sundays and federal holidays; the period ends 30 days after that."""
    day = date.fromisoformat(provided)
    assert assumed_receipt(day) == date.fromisoformat(receipt)
    assert validation_period_end(day) == date.fromisoformat(end)


def test_the_notice_and_the_gate_agree_on_the_validation_period_all_year() -> None:
    """The date printed on the notice is the date the compliance rules use."""
    start = date(2026, 1, 1)
    for offset in range(366):
        day = start + timedelta(days=offset)
        assert validation_period_end(day) == gate_period_end(day), day


IDENTITY = Identity(
    collector_name="Example Lending", collector_address=("PO Box 1000", "Springfield, IL 62701"),
    phone="1-800-555-0100", hours="8am-8pm ET", email="help@example.com",
    website="www.example.com", payment_url="https://www.example.com/pay",
    electronic_disputes="www.example.com/dispute", creditor_name="Example Lending",
    return_name="Example Lending", unsubscribe_mailto="unsubscribe@example.com",
    itemization_preference=(ItemizationBasis.LAST_PAYMENT, ItemizationBasis.TRANSACTION),
)  # fmt: skip


def facts(**changes: object) -> MessageFacts:
    values: dict[str, object] = {
        "loan": {
            "external_id": "LN-000123", "product": "personal", "currency": "USD",
            "original_creditor": "First Bank", "charge_off_date": None,
            "origination_date": date(2026, 1, 15),
        },
        "borrower": {
            "first_name": "Ana", "middle_name": "", "last_name": "García", "suffix": "",
            "language": "en", "address_line1": "12 Oak St", "address_line2": "", "city": "Boston",
            "state": "MA", "zip": "02139",
        },
        "contact_points": (),
        "balance_minor": 110_143,
        "past_due_minor": 30_000,
        "days_past_due": 45,
        "last_payment_on": date(2026, 4, 10),
        "debt_lines": tuple(HISTORY),
    }  # fmt: skip
    values.update(changes)
    return MessageFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_rendered_notice_states_every_required_fact(language: str) -> None:
    """Model form B-1 content: who collects for whom, the account, the itemization as of the
    itemization date, the validation period end (three times), the CFPB reference and the
    tear-off response section."""
    context = message_context(
        facts(), identity=IDENTITY, template="validation_notice", today=date(2026, 6, 1),
        disclosures=[], details={},
    )  # fmt: skip
    assert context["itemization"]["current"] == 110_143
    assert context["validation"]["end_date"] == "2026-07-08"
    rendered = JinjaTemplates().render(
        template="validation_notice", channel="letter", language=language, context=context
    )
    text = visible_text(rendered.html)
    expected = {
        "en": ["Example Lending is a debt collector", "First Bank", "****0123",
               "As of April 10, 2026, you owed: $1,091.43", "+ $10.00", "+ $7.00", "– $7.00",
               "Total amount of the debt now: $1,101.43", "by July 8, 2026",
               "www.cfpb.gov/debt-collection", "How do you want to respond?",
               "This is not my debt.", "The amount is wrong.", "I enclosed this amount",
               "original creditor", "www.example.com/dispute", "Quiero este formulario"],
        "es": ["Example Lending es un cobrador de deudas", "First Bank", "****0123",
               "Al 10 de abril de 2026, usted debía: $1,091.43", "+ $10.00", "– $7.00",
               "Monto total de la deuda ahora: $1,101.43", "el 8 de julio de 2026",
               "www.cfpb.gov/cobro-de-deudas", "¿Cómo quiere responder?",
               "Esta deuda no es mía.", "El monto es incorrecto.", "acreedor original"],
    }[language]  # fmt: skip
    missing = [phrase for phrase in expected if phrase not in text]
    assert missing == []
    assert text.count("July 8, 2026" if language == "en" else "8 de julio de 2026") >= 3


def test_a_notice_missing_a_required_fact_is_refused() -> None:
    """A consumer without an address cannot get a valid notice: refused with the paragraph."""
    person = {**facts().borrower, "address_line1": "", "city": "", "state": "", "zip": ""}
    with pytest.raises(TemplateFailure, match=r"1006\.34\(c\)\(2\)\(ii\)"):
        message_context(
            facts(borrower=person), identity=IDENTITY, template="validation_notice",
            today=date(2026, 6, 1), disclosures=[], details={},
        )  # fmt: skip
