"""The outbox against servers that fail half the time (seeded): nothing is lost, nothing is
sent twice — including the nasty case of a provider that sent the text and then answered 500."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.services.sending import Sender, send_due
from support.channels import SmsProvider, SmtpSink
from support.outbox import email_channel, enqueue, import_texas, outbox_rows, sender, sms_channel

MESSAGES = 12


def drain(book: Container, build: Sender, *, rounds: int = 40) -> Counter[str]:
    """Send until nothing is queued, moving the clock past each backoff."""
    total: Counter[str] = Counter()
    for _ in range(rounds):
        total.update(send_due(build))
        if all(row["status"] != "queued" for row in outbox_rows(book)):
            return total
        book.clock.advance(timedelta(hours=7))  # type: ignore[attr-defined]
    raise AssertionError(f"still queued after {rounds} rounds: {total}")


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, MESSAGES)
    return container


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_provider_failing_half_the_time_texts_each_borrower_exactly_once(
    book: Container, seed: int
) -> None:
    for n in range(1, MESSAGES + 1):
        assert enqueue(book, f"TL{n}", "sms").status == "queued"
    with SmsProvider(fail_rate=0.5, seed=seed) as provider:
        outcomes = drain(book, sender(book, {"sms": sms_channel(provider.endpoint)},
                                      seed=seed, max_attempts=20))  # fmt: skip
    state = provider.state
    assert state.failures > 0, "the provider did fail"
    assert outcomes["retry"] > 0
    rows = outbox_rows(book)
    assert [row["status"] for row in rows] == ["sent"] * MESSAGES, "nothing lost"
    texted = Counter(state.texts_to_phones)
    assert len(texted) == MESSAGES
    assert set(texted.values()) == {1}, "nobody texted twice"
    assert {row["provider_message_id"] for row in rows} == {
        message["id"] for message in state.accepted.values()
    }


@pytest.mark.parametrize("seed", [4, 5])
def test_a_mail_server_deferring_half_the_messages_delivers_each_once(
    book: Container, seed: int
) -> None:
    for n in range(1, MESSAGES + 1):
        enqueue(book, f"TL{n}", "email")
    with SmtpSink(fail_rate=0.5, seed=seed) as sink:
        drain(book, sender(book, {"email": email_channel(book, sink.port)}, seed=seed,
                           max_attempts=20))  # fmt: skip
        assert sink.handler.refused_data > 0
    rows = outbox_rows(book)
    assert [row["status"] for row in rows] == ["sent"] * MESSAGES
    ids = Counter(str(message["Message-ID"]) for message in sink.received)
    assert set(ids.values()) == {1}
    assert set(ids) == {row["provider_message_id"] for row in rows}


def test_after_the_last_try_a_message_is_failed_not_lost(book: Container) -> None:
    """A provider that never recovers: the message ends ``failed`` with its last error,
    visible in the outbox and retryable — never silently dropped."""
    enqueue(book, "TL1", "sms")
    with SmsProvider(fail_rate=1.0, seed=9, modes=("before",)) as provider:
        outcomes = drain(book, sender(book, {"sms": sms_channel(provider.endpoint)},
                                      max_attempts=3))  # fmt: skip
    (row,) = outbox_rows(book)
    assert (outcomes["retry"], outcomes["failed"], outcomes["sent"]) == (2, 1, 0)
    assert (row["status"], row["attempts"]) == ("failed", 3)
    assert "SMS provider answered 5" in row["last_error"]
