"""Hand-made template contexts: what ``services.messages`` gives a template, by template."""

from __future__ import annotations

import copy
from typing import Any

BASE: dict[str, Any] = {
    "today": "2026-11-27",
    "currency": "USD",
    "borrower": {
        "first_name": "Ana",
        "last_name": "García",
        "full_name": "Ana García",
        "address_lines": ["12 Oak St", "Boston, MA 02139"],
    },
    "account": {
        "reference": "****0001",
        "product": "personal",
        "creditor": "Example Lending",
        "original_creditor": "Example Lending",
    },
    "amounts": {"balance": 74_812, "past_due": 42_648, "days_past_due": 104},
    "collector": {
        "name": "Example Lending",
        "address_lines": ["PO Box 1000", "Springfield, IL 62701"],
        "phone": "1-800-555-0100",
        "hours": "Monday to Friday, 8am to 8pm Eastern",
        "email": "help@example.com",
        "website": "www.example.com",
        "payment_url": "https://www.example.com/pay",
        "electronic_disputes": "www.example.com/dispute",
    },
    "return_address": {
        "name": "Example Lending",
        "lines": ["PO Box 1000", "Springfield, IL 62701"],
    },
    "opt_out": {"mailto": "unsubscribe@example.com"},
    "disclosures": [],
    "details": {},
}

DETAILS: dict[str, dict[str, Any]] = {
    "validation_notice": {
        "itemization": {
            "basis": "last_payment",
            "date": "2026-07-15",
            "amount_then": 76_036,
            "interest": 3_012,
            "fees": 2_500,
            "payments_credits": 6_736,
            "current": 74_812,
        },
        "validation": {"provided_on": "2026-11-27", "end_date": "2027-01-04"},
    },
    "promise_confirmation": {
        "details": {
            "promises": [
                {"date": "2026-12-04", "amount_minor": 20_000},
                {"date": "2026-12-18", "amount_minor": 22_648},
            ],
            "total_minor": 42_648,
        }
    },
    "plan_confirmation": {
        "details": {
            "plan": {
                "installments": [
                    {"date": "2026-12-15", "amount_minor": 25_000},
                    {"date": "2027-01-15", "amount_minor": 25_000},
                    {"date": "2027-02-15", "amount_minor": 24_812},
                ],
                "total_minor": 74_812,
                "interest_frozen": True,
            }
        }
    },
    "settlement_offer": {
        "details": {"offer": {"amount_minor": 52_000, "pay_by": "2026-12-31", "installments": 1}}
    },
    "demand_letter": {"details": {"demand": {"amount_minor": 74_812, "respond_by": "2026-12-28"}}},
    "promise_reminder": {"details": {"promise": {"date": "2026-12-04", "amount_minor": 20_000}}},
    "plan_installment_reminder": {
        "details": {
            "installment": {"number": 2, "of": 3, "date": "2027-01-15", "amount_minor": 25_000}
        }
    },
    "payment_plan_offer": {
        "details": {
            "plan_offer": {
                "installments": [
                    {"date": "2026-12-27", "amount_minor": 14_216},
                    {"date": "2027-01-27", "amount_minor": 14_216},
                    {"date": "2027-02-27", "amount_minor": 14_216},
                ],
                "total_minor": 42_648,
                "respond_by": "2026-12-27",
            }
        }
    },
    "early_intervention_notice": {},
    "right_to_cure_notice": {
        "details": {
            "cure": {
                "amount_minor": 42_648,
                "last_day": "2026-12-24",
                "cure_days": 20,
                "statute": "K.S.A. 16a-5-111",
                "balance_minor": 74_812,
                "days_past_due": 40,
            },
            "vehicle": {"description": "2021 Example Sedan", "vin": "1HGBH41JXMN109186"},
        }
    },
    "collection_call": {"agent_name": "Jordan"},
    "sms_opt_out_confirmation": {},
}

VOICEMAIL: dict[str, Any] = {
    "business_name": "Example Lending",
    "agent_name": "Jordan",
    "callback_number": "1-800-555-0100",
    "salutation": "Hello",
    "left_at": "Friday at 10 a.m.",
    "reply_times": "weekdays between 8 a.m. and 8 p.m.",
}


def context_for(template: str, **changes: Any) -> dict[str, Any]:
    """The base context plus what ``template`` needs, with ``changes`` applied on top."""
    if template == "limited_content_message":
        return {**VOICEMAIL, **changes}
    context = copy.deepcopy(BASE)
    context.update(copy.deepcopy(DETAILS.get(template, {})))
    context.update(changes)
    return context
