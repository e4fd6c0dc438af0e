"""Choosing where a message goes: usable, well-formed points of the right kind only."""

from __future__ import annotations

from datetime import UTC, datetime

from arrears.domain.contacts import ContactKind, ContactPoint, ContactStatus
from arrears.services.recipients import NoRecipient, Recipient, choose_recipient

AT = datetime(2026, 1, 1, tzinfo=UTC)
POSTAL = ["Ana García", "12 Oak St", "Boston, MA 02139"]


def point(pid: int, kind: ContactKind, value: str, **kwargs: object) -> ContactPoint:
    return ContactPoint(kind=kind, value=value, id=pid, **kwargs)  # type: ignore[arg-type]


def test_a_letter_goes_to_the_postal_address() -> None:
    assert choose_recipient("letter", [], postal=POSTAL) == Recipient("\n".join(POSTAL))
    assert isinstance(choose_recipient("letter", [], postal=[""]), NoRecipient)


def test_an_employer_email_is_never_chosen() -> None:
    """12 CFR 1006.22(f)(3)."""
    work = point(1, ContactKind.WORK_EMAIL, "tlee@acme.example")
    chosen = choose_recipient("email", [work], postal=POSTAL)
    assert isinstance(chosen, NoRecipient)
    assert "employer" in chosen.reason


def test_invalid_and_revoked_points_are_skipped_and_malformed_ones_reported() -> None:
    revoked = point(1, ContactKind.MOBILE_PHONE, "+16175550101", status=ContactStatus.REVOKED)
    malformed = point(2, ContactKind.MOBILE_PHONE, "+10005550101")
    good = point(3, ContactKind.MOBILE_PHONE, "+16175550199", sms_consent_at=AT)
    assert choose_recipient("sms", [revoked, malformed, good], postal=POSTAL) == Recipient(
        "+16175550199", 3
    )
    nothing = choose_recipient("sms", [revoked, malformed], postal=POSTAL)
    assert isinstance(nothing, NoRecipient)
    assert nothing.invalid_points == (2,)


def test_a_point_that_opted_out_is_chosen_last_so_the_gate_can_say_why() -> None:
    out = point(1, ContactKind.PERSONAL_EMAIL, "a@example.com", email_opted_out_at=AT)
    fine = point(2, ContactKind.PERSONAL_EMAIL, "b@example.com")
    assert choose_recipient("email", [out, fine], postal=POSTAL) == Recipient("b@example.com", 2)
    assert choose_recipient("email", [out], postal=POSTAL) == Recipient("a@example.com", 1)


def test_a_requested_point_is_the_only_candidate() -> None:
    first = point(1, ContactKind.MOBILE_PHONE, "+16175550101", sms_consent_at=AT)
    second = point(2, ContactKind.MOBILE_PHONE, "+16175550102", sms_consent_at=AT)
    assert choose_recipient("sms", [first, second], postal=POSTAL, point_id=2) == Recipient(
        "+16175550102", 2
    )
