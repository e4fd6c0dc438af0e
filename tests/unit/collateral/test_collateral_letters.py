"""The repossession and foreclosure letters render in English and Spanish with the content the
law asks for (UCC 9-614's form, 9-616's order) and every figure they are given."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from arrears.adapters.channels.templates import JinjaTemplates, visible_text
from arrears.services.ports import TemplateFailure

LIBRARY = JinjaTemplates()
LETTERS = [
    "right_to_cure_notice", "notice_of_disposition", "surplus_deficiency_explanation",
    "deficiency_letter", "foreclosure_referral_notice",
]  # fmt: skip
VEHICLE = {"year": 2023, "make": "Honda", "model": "Accord", "vin": "1HGCM82633A004352",
           "description": "2023 Honda Accord"}  # fmt: skip
EXPLANATION = {
    "calculated_on": "2027-01-27",
    "rebate_note": "no rebate of unearned interest: interest is charged only as it falls due",
    "lines": [
        {"step": 1, "key": "obligation", "amount_minor": 1_180_000},
        {"step": 2, "key": "proceeds", "amount_minor": 900_000},
        {"step": 3, "key": "balance", "amount_minor": 280_000},
        {"step": 4, "key": "expense:retaking", "amount_minor": 40_000},
        {"step": 4, "key": "later_charges", "amount_minor": 20_000},
        {"step": 5, "key": "credit:payments and credits received after the calculation date",
         "amount_minor": 10_000},
        {"step": 6, "key": "deficiency", "amount_minor": 330_000},
    ],
    "result": "deficiency",
    "amount_minor": 330_000,
}  # fmt: skip
DETAILS: dict[str, dict[str, Any]] = {
    "right_to_cure_notice": {
        "cure": {"amount_minor": 71_268, "last_day": "2026-12-24", "cure_days": 20,
                 "statute": "K.S.A. 16a-5-111", "balance_minor": 1_234_567, "days_past_due": 40},
        "vehicle": VEHICLE,
    },
    "notice_of_disposition": {
        "sale": {"method": "private", "sale_on": "2027-02-20", "place": "", "time": ""},
        "vehicle": VEHICLE, "redeem": {"amount_minor": 1_287_654, "as_of": "2027-02-05"},
        "obligors": ["Ana García", "Sam Ortiz"], "accounting_charge_minor": 0,
    },
    "surplus_deficiency_explanation": {
        "explanation": EXPLANATION, "sale": {"on": "2027-02-20", "price_minor": 900_000},
        "vehicle": VEHICLE, "to_subordinates": [], "surplus_to_you_minor": 0,
        "owed_today_minor": 331_234,
    },
    "deficiency_letter": {
        "explanation": EXPLANATION, "sale": {"on": "2027-02-20", "price_minor": 900_000},
        "vehicle": VEHICLE, "demand": {"amount_minor": 331_234, "respond_by": "2027-03-22"},
    },
    "foreclosure_referral_notice": {
        "foreclosure": {"referred_on": "2027-01-10", "days_delinquent": 125,
                        "method": "non_judicial", "balance_minor": 25_000_000,
                        "property_address": ["1 Main St", "Austin", "TX", "78701"]},
    },
}  # fmt: skip
BASE: dict[str, Any] = {
    "today": "2027-02-05",
    "currency": "USD",
    "borrower": {"first_name": "Ana", "last_name": "García", "full_name": "Ana García",
                 "address_lines": ["12 Oak St", "Boston, MA 02139"]},
    "account": {"reference": "****0002", "product": "auto", "creditor": "Example Lending",
                "original_creditor": "Example Lending"},
    "amounts": {"balance": 1, "past_due": 1, "days_past_due": 1},
    "collector": {"name": "Example Lending", "address_lines": ["PO Box 1000", "Springfield"],
                  "phone": "1-800-555-0100", "hours": "9 to 5", "email": "help@example.com",
                  "website": "www.example.com", "payment_url": "https://example.com/pay",
                  "electronic_disputes": ""},
    "return_address": {"name": "Example Lending", "lines": ["PO Box 1000", "Springfield"]},
    "opt_out": {"mailto": "u@example.com"},
    "disclosures": [],
}  # fmt: skip


def render(template: str, language: str, **details: Any) -> str:
    context = copy.deepcopy(BASE)
    context["details"] = {**copy.deepcopy(DETAILS[template]), **details}
    rendered = LIBRARY.render(template=template, channel="letter", language=language,
                              context=context)  # fmt: skip
    return visible_text(rendered.html)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("template", LETTERS)
def test_every_letter_renders_in_both_languages_with_the_disclosure(
    template: str, language: str
) -> None:
    text = render(template, language)
    assert "debt collector" in text or "cobrador de deudas" in text


def test_the_cure_notice_shows_the_amount_the_day_and_the_statute() -> None:
    text = render("right_to_cure_notice", "en")
    for expected in ("$712.68", "December 24, 2026", "K.S.A. 16a-5-111", "$12,345.67",
                     "1HGCM82633A004352"):  # fmt: skip
        assert expected in text


def test_the_disposition_notice_has_the_9_614_form_content() -> None:
    """Title, the private-sale date, deficiency liability, the phone number for the amount to
    redeem, the right to an explanation, and the other obligors (9-614(1), (3))."""
    text = render("notice_of_disposition", "en")
    for expected in (
        "NOTICE OF OUR PLAN TO SELL PROPERTY",
        "We will sell 2023 Honda Accord at private sale sometime after February 20, 2027",
        "you will still owe us the difference",
        "paying us the full amount you owe (not just the past due payments)",
        "To learn the exact amount you must pay, call us at 1-800-555-0100",
        "$12,876.54",
        "request a written explanation",
        "owe money under your agreement: Sam Ortiz",
    ):
        assert expected in text
    spanish = render("notice_of_disposition", "es")
    assert "AVISO DE NUESTRO PLAN DE VENDER LA PROPIEDAD" in spanish


def test_a_public_sale_notice_states_date_time_and_place() -> None:
    sale = {"method": "public", "sale_on": "2027-02-20", "place": "Metro Auto Auction",
            "time": "10:00 a.m."}  # fmt: skip
    text = render("notice_of_disposition", "en", sale=sale)
    assert "at public sale" in text
    assert "Metro Auto Auction" in text
    assert "10:00 a.m." in text
    assert "bring bidders" in text


def test_the_explanation_lists_its_figures_in_the_statutes_order() -> None:
    """9-616(c): obligation, proceeds, balance, expenses, credits, deficiency — in order."""
    text = render("surplus_deficiency_explanation", "en").split("how we calculated")[1]
    figures = ["$11,800.00", "$9,000.00", "$2,800.00", "$400.00", "$200.00", "$100.00",
               "$3,300.00"]  # fmt: skip
    positions = [text.index(figure) for figure in figures]
    assert positions == sorted(positions)
    assert "Future debits, credits, charges" in text


def test_a_surplus_explanation_names_the_junior_and_the_payment() -> None:
    explanation = {**EXPLANATION, "result": "surplus", "amount_minor": 155_000}
    explanation["lines"] = [*EXPLANATION["lines"][:-1],
                            {"step": 6, "key": "surplus", "amount_minor": 155_000}]  # fmt: skip
    text = render("surplus_deficiency_explanation", "en", explanation=explanation,
                  to_subordinates=[{"holder": "Valley CU", "amount_minor": 100_000}],
                  surplus_to_you_minor=55_000)  # fmt: skip
    assert "$1,000.00 was paid to Valley CU" in text
    assert "surplus of $550.00" in text


def test_a_letter_without_its_figures_is_refused() -> None:
    context = copy.deepcopy(BASE)
    context["details"] = {}
    with pytest.raises(TemplateFailure):
        LIBRARY.render(template="notice_of_disposition", channel="letter", language="en",
                       context=context)  # fmt: skip
