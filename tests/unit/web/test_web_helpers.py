"""Small pieces of the web layer: safe redirects, problem types, log redaction, filters, card
checks and how principals are named in the audit trail."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from arrears.domain.contacts import ContactKind, ContactPoint
from arrears.entrypoints.api.problems import classify
from arrears.entrypoints.cli.serve import RedactSecrets
from arrears.entrypoints.web.access import CsrfFailed, Forbidden, NotSignedIn
from arrears.entrypoints.web.cookies import safe_next
from arrears.entrypoints.web.templating import contact_value, day, money
from arrears.errors import ConflictError, NotFoundError, RuleViolation, ValidationFailed
from arrears.services.auth import (
    AuthenticationFailed,
    Principal,
    Role,
    TooManyAttempts,
    digest,
    hash_password,
    verify_password,
)
from arrears.services.payments import check_card
from arrears.services.ports import CardDetails


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/agent/queue", "/agent/queue"),
        ("//evil.example/x", "/home"),
        ("https://evil.example", "/home"),
        ("/\\evil.example", "/home"),
        ("", "/home"),
        (None, "/home"),
    ],
)
def test_only_same_site_paths_are_followed_after_sign_in(target: str | None, expected: str) -> None:
    assert safe_next(target, "/home") == expected


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotSignedIn(), 401),
        (AuthenticationFailed("x"), 401),
        (Forbidden("x"), 403),
        (CsrfFailed("x"), 403),
        (NotFoundError("x"), 404),
        (ConflictError("x"), 409),
        (RuleViolation("x", rule="r"), 422),
        (ValidationFailed([]), 422),
        (TooManyAttempts("x", retry_after=60), 429),
        (RuntimeError("boom"), 500),
    ],
)
def test_every_error_has_its_status(error: Exception, status: int) -> None:
    assert classify(error)[0] == status


def test_an_unexpected_error_says_nothing_of_itself() -> None:
    """A 500 problem never carries the exception's text (it may hold personal data)."""
    _, _, detail, extra, _ = classify(RuntimeError("SSN 123-45-6789"))
    assert "123-45-6789" not in detail
    assert not extra


def test_the_access_log_never_shows_a_sign_in_link() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, "", 0, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5", "GET", "/portal/link/SECRET-TOKEN?x=1", "1.1", 200), None,
    )  # fmt: skip
    RedactSecrets().filter(record)
    assert "SECRET-TOKEN" not in record.getMessage()
    assert "/portal/link/[redacted]" in record.getMessage()


def test_money_and_dates_are_formatted_for_people() -> None:
    assert money(123456) == "$1,234.56"
    assert money(None) == "—"
    assert day(date(2026, 11, 27)) == "27 Nov 2026"
    assert day(date(2026, 11, 27), "es") == "27 nov 2026"
    assert contact_value(ContactPoint(ContactKind.MOBILE_PHONE, "+16175550101")) == "(617) 555-0101"
    assert (
        contact_value(ContactPoint(ContactKind.PERSONAL_EMAIL, "a@example.com")) == "a@example.com"
    )


def test_passwords_are_argon2_and_tokens_are_digests() -> None:
    stored = hash_password("a long passphrase")
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, "a long passphrase")
    assert not verify_password(stored, "wrong")
    assert not verify_password("not a hash", "x")
    assert digest("abc") != "abc"
    assert len(digest("abc")) == 64


def test_principals_are_named_in_the_audit_trail_without_personal_data() -> None:
    staff = Principal(kind="staff", role=Role.AGENT, name="alice", display_name="Alice")
    borrower = Principal(
        kind="borrower", role=Role.BORROWER, name="b", display_name="", borrower_id=7
    )
    system = Principal(kind="token", role=Role.SUPERVISOR, name="servicing", display_name="s")
    assert (staff.actor, borrower.actor, system.actor) == (
        "user:alice", "borrower:7", "token:servicing",
    )  # fmt: skip


def test_card_checks_report_every_problem() -> None:
    bad = CardDetails(number="12ab", expiry_month=13, expiry_year=2020, cvc="1")
    with pytest.raises(RuleViolation) as refused:
        check_card(bad, today=date(2026, 11, 27))
    message = str(refused.value)
    assert "12 to 19 digits" in message
    assert "month" in message
    assert "security code" in message
    expired = CardDetails(number="4242424242424242", expiry_month=10, expiry_year=2026, cvc="123")
    with pytest.raises(RuleViolation, match="expired"):
        check_card(expired, today=date(2026, 11, 27))
