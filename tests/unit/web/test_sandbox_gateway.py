"""The built-in test gateway approves and declines by card number, and a retried charge with
the same key returns the first result."""

from __future__ import annotations

import pytest

from arrears.adapters.payments.sandbox import SandboxGateway, luhn_ok
from arrears.services.ports import CardDetails


def card(number: str) -> CardDetails:
    return CardDetails(number=number, expiry_month=12, expiry_year=2030, cvc="123")


@pytest.mark.parametrize(
    ("number", "approved", "reason"),
    [
        ("4242424242424242", True, ""),
        ("5555555555554444", True, ""),
        ("4000000000000002", False, "card declined"),
        ("4000000000009995", False, "insufficient funds"),
        ("4000000000000069", False, "card expired"),
        ("4242424242424241", False, "the card number is not valid"),
    ],
)
def test_cards_are_approved_or_declined_by_number(number: str, approved: bool, reason: str) -> None:
    result = SandboxGateway().charge(
        amount_minor=100, currency="USD", card=card(number), idempotency_key=number,
        description="test",
    )  # fmt: skip
    assert (result.approved, result.decline_reason) == (approved, reason)


def test_the_same_key_returns_the_first_result() -> None:
    gateway = SandboxGateway()
    first = gateway.charge(
        amount_minor=100, currency="USD", card=card("4242424242424242"), idempotency_key="k1",
        description="x",
    )  # fmt: skip
    again = gateway.charge(
        amount_minor=999, currency="USD", card=card("4000000000000002"), idempotency_key="k1",
        description="x",
    )  # fmt: skip
    assert again == first
    assert first.approved


def test_luhn() -> None:
    assert luhn_ok("79927398713")
    assert not luhn_ok("79927398710")
    assert not luhn_ok("")


def test_a_card_never_shows_its_number() -> None:
    """Only the last four digits leave a CardDetails (repr and last4)."""
    details = card("4242424242424242")
    assert "4242424242424242" not in repr(details)
    assert details.last4 == "4242"
