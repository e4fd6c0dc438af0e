"""The phases the kill tests interrupt, by name, so that a separate process can run one: the
import of the small portfolio and a Texas book, the daily cycle (several partitions) with the
outbox enqueue of its letters, and one round of the outbox sender (texts and letters)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.services.cycle import run_cycle
from arrears.services.outbox import enqueue_day
from arrears.services.sending import send_due
from support.db import run_import
from support.outbox import sender, sms_channel
from support.portfolio import TODAY


def do_import(book: Container, files: list[list[Path]]) -> None:
    for group in files:
        run_import(book, group)


def do_cycle(book: Container) -> None:
    settings = replace(book.cycle_settings, partition_loans=2)  # several partitions
    run_cycle(as_of=TODAY, uow_factory=book.uow, clock=book.clock, settings=settings)
    enqueue_day(as_of=TODAY, uow_factory=book.uow, messaging=bootstrap.messaging(book),
                clock=book.clock)  # fmt: skip


def do_send(book: Container, sms_endpoint: str) -> None:
    send_due(sender(book, {"sms": sms_channel(sms_endpoint)}))


def run_phase(book: Container, name: str, *, files: list[list[Path]], sms_endpoint: str) -> None:
    if name == "import":
        do_import(book, files)
    elif name == "cycle":
        do_cycle(book)
    elif name == "send":
        do_send(book, sms_endpoint)
    else:
        raise ValueError(f"no phase {name!r}")
