"""The sender loop ``arrears serve`` runs in a thread: it delivers what is due, keeps going
after an error, and stops when asked."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.services.sending import run_sender
from support.channels import SmtpSink
from support.outbox import email_channel, enqueue, import_texas, outbox_rows, sender


@pytest.fixture
def book(container: Container, tmp_path: Path) -> Container:
    import_texas(container, tmp_path, 2)
    return container


def test_the_loop_delivers_due_messages_and_stops_when_asked(book: Container) -> None:
    enqueue(book, "TL1", "email")
    enqueue(book, "TL2", "email")
    stop = threading.Event()
    rounds: list[float] = []

    def wait(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) >= 3:
            stop.set()

    with SmtpSink() as sink:
        loop = threading.Thread(
            target=run_sender,
            args=(sender(book, {"email": email_channel(book, sink.port)}),),
            kwargs={"stop": stop, "poll_seconds": 0.01, "wait": wait},
        )
        loop.start()
        loop.join(timeout=60)
        assert not loop.is_alive()
    assert len(sink.received) == 2
    assert [row["status"] for row in outbox_rows(book)] == ["sent", "sent"]
    assert rounds == [0.01, 0.01, 0.01], "it waits only in rounds that found nothing to do"
