"""A small hand-made portfolio in the import formats (3 borrowers, 3 loans, 25 payments).

L1 (personal, MA) pays Feb–Jul 2026 then stops: 104 days past due on 2026-11-27.
L2 (auto, CA, co-borrower B3) pays monthly; one payment bounced.
L3 (card, TX) paid twice and was charged off on 2025-03-10.
"""

from __future__ import annotations

from datetime import date

TODAY = date(2026, 11, 27)

BORROWERS = [
    {
        "borrower_id": "B1", "first_name": "Ana", "last_name": "García", "date_of_birth": "1985-04-12",
        "ssn": "123-45-6789", "language": "es", "address_line1": "12 Oak St", "city": "Boston",
        "state": "MA", "zip": "02139", "mobile_phone": "(617) 555-0101", "sms_consent": "true",
        "email": "ana.garcia@example.com",
    },
    {
        "borrower_id": "B2", "first_name": "Tom", "last_name": "Lee", "date_of_birth": "1970-09-30",
        "ssn": "234567890", "address_line1": "9 Pine Ave", "city": "Los Angeles", "state": "CA",
        "zip": "90012", "home_phone": "213-555-0102", "work_email": "tlee@acme.example",
    },
    {
        "borrower_id": "B3", "first_name": "Sam", "last_name": "Ortiz", "address_line1": "4 Elm Rd",
        "city": "Austin", "state": "TX", "zip": "78701", "mobile_phone": "+1 512 555 0103",
        "email": "sam@example.org", "email_opt_out": "yes",
    },
]  # fmt: skip

LOANS = [
    {
        "loan_id": "L1", "borrower_id": "B1", "product": "personal", "principal": "1200.00",
        "annual_rate": "0.12", "term_months": "12", "origination_date": "2026-01-15",
        "first_due_date": "2026-02-15", "contract_state": "MA",
    },
    {
        "loan_id": "L2", "borrower_id": "B2", "co_borrower_id": "B3", "product": "auto",
        "principal": "18000", "annual_rate": "0.0699", "term_months": "60",
        "origination_date": "2025-06-01", "first_due_date": "2025-07-01", "contract_state": "CA",
    },
    {
        "loan_id": "L3", "borrower_id": "B3", "product": "card", "principal": "2500.50",
        "annual_rate": "0.2499", "term_months": "36", "origination_date": "2024-03-10",
        "first_due_date": "2024-04-10", "contract_state": "TX", "credit_limit": "5000",
        "status": "charged_off", "charge_off_date": "2025-03-10", "charge_off_amount": "2300.00",
    },
]  # fmt: skip

COLLATERAL = [
    {
        "collateral_id": "C1", "loan_id": "L2", "kind": "vehicle", "vin": "1HGCM82633A004352",
        "year": "2023", "make": "Honda", "model": "Accord", "mileage": "12000",
        "condition": "good", "value": "21000", "valued_on": "2025-06-01",
    },
]  # fmt: skip

VALUATIONS = [{"collateral_id": "C1", "valued_on": "2026-06-01", "amount": "17500.00"}]


def _payments() -> list[dict[str, str]]:
    rows = []
    # L1 pays Feb–Jul on time (6 × 106.62), then stops: 104 days past due on 2026-11-27.
    for month in range(2, 8):
        rows.append(
            {"payment_id": f"P1-{month}", "loan_id": "L1", "amount": "106.62",
             "effective_date": f"2026-{month:02d}-15"}
        )  # fmt: skip
    # L2 pays every month on the 1st from Jul 2025 to Nov 2026: current.
    for n in range(17):
        year, month = (2025, 7 + n) if n < 6 else (2026, n - 5)
        rows.append(
            {"payment_id": f"P2-{n}", "loan_id": "L2", "amount": "356.34",
             "effective_date": f"{year}-{month:02d}-01", "method": "card"}
        )  # fmt: skip
    # One of L2's payments bounced.
    rows[-3].update({"status": "returned", "returned_date": "2026-09-05", "return_reason": "R01"})
    # L3 paid twice then stopped; charged off.
    rows.append(
        {"payment_id": "P3-1", "loan_id": "L3", "amount": "99.41", "effective_date": "2024-04-10"}
    )
    rows.append(
        {"payment_id": "P3-2", "loan_id": "L3", "amount": "50", "effective_date": "2025-05-20"}
    )
    return rows


PAYMENTS = _payments()
