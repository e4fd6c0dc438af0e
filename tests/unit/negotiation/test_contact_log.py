"""The contact log's own rules: what counts as a call, a conversation, a communication."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from arrears.domain.contact_log import (
    OUTCOME_EFFECTS,
    Channel,
    ContactRecord,
    Direction,
    Outcome,
    channels_opted_out,
    first_communication_on,
    validation_sent_on,
)
from arrears.domain.holds import HoldKind

ZONE = "America/New_York"


def record(channel: str, outcome: str, *, direction: str = "outbound", day: int = 10,
           template: str = "", reference: str | None = None) -> ContactRecord:  # fmt: skip
    return ContactRecord(
        loan_id=1, borrower_id=1, channel=Channel(channel), direction=Direction(direction),
        at=datetime(2026, 11, day, 16, tzinfo=UTC), actor="a", outcome=Outcome(outcome),
        template=template, reference=reference,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("channel", "outcome", "direction", "call", "conversation"),
    [
        ("call", "no_answer", "outbound", True, False),  # unanswered calls count
        ("call", "voicemail", "outbound", True, False),
        ("call", "not_connected", "outbound", False, False),  # 1006.14(b)(3)(ii)
        ("call", "right_party_contact", "inbound", False, True),  # inbound conversation locks
        ("call", "promise_made", "outbound", True, True),
        ("sms", "sent", "outbound", False, False),  # texts are not calls
        ("call", "wrong_party", "outbound", True, False),
    ],
)
def test_what_reg_f_counts(
    channel: str, outcome: str, direction: str, call: bool, conversation: bool
) -> None:
    """12 CFR 1006.14(b)(2)-(3); CFPB FAQ on inbound conversations."""
    found = record(channel, outcome, direction=direction)
    assert found.is_call_attempt is call
    assert found.is_telephone_conversation is conversation


def test_the_first_communication_and_the_validation_notice() -> None:
    """1006.34(b)(2): an attempt that reached nobody is not a communication."""
    history = [
        record("call", "no_answer", day=3),
        record("letter", "sent", day=5, template="validation_notice", reference="v1"),
        record("letter", "bounced", day=9, template="validation_notice", reference="v1"),
        record("email", "delivered", day=12, template="validation_notice", reference="v2"),
    ]
    assert first_communication_on(history, zone=ZONE) == date(2026, 11, 5)
    assert validation_sent_on(history, zone=ZONE) == date(2026, 11, 12)


def test_opt_outs_by_medium() -> None:
    history = [record("voicemail", "opted_out"), record("sms", "opted_out")]
    assert channels_opted_out(history) == {Channel.CALL, Channel.VOICEMAIL, Channel.SMS}


def test_outcome_effects_cite_their_source() -> None:
    assert OUTCOME_EFFECTS[Outcome.DISPUTE_RAISED].hold is HoldKind.DISPUTE
    assert OUTCOME_EFFECTS[Outcome.DECEASED_REPORTED].hold_on_borrower
    assert all(effect.source for effect in OUTCOME_EFFECTS.values())


def test_a_contact_time_must_be_aware() -> None:
    with pytest.raises(ValueError, match="timezone"):
        ContactRecord(loan_id=1, borrower_id=1, channel=Channel.CALL,
                      direction=Direction.OUTBOUND, at=datetime(2026, 1, 1),  # noqa: DTZ001
                      actor="a", outcome=Outcome.NO_ANSWER)  # fmt: skip
