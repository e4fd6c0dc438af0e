"""Helpers for outbox tests on a real database: a book of reachable borrowers, enqueueing,
and a sender wired to real local servers."""

from __future__ import annotations

import csv
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import text

from arrears import bootstrap
from arrears.adapters.channels.letters import PrintBatchChannel
from arrears.adapters.channels.sms_http import HttpSmsChannel, SmsSettings
from arrears.adapters.channels.smtp import SmtpEmailChannel, SmtpSettings
from arrears.bootstrap import Container
from arrears.services.outbox import Enqueued, MessageRequest, enqueue_message
from arrears.services.ports import MessageChannel
from arrears.services.sending import Sender, SenderSettings
from support.db import run_import
from support.portfolio import TODAY


def texas_book(tmp_path: Path, count: int) -> list[Path]:
    """``count`` borrowers in Austin, TX (no state cap on texts), each with a consented mobile
    and a personal email, each with a personal loan that was never paid."""
    borrowers, loans = [], []
    for n in range(1, count + 1):
        borrowers.append({
            "borrower_id": f"T{n}", "first_name": f"Pat{n}", "last_name": "Rivera",
            "address_line1": f"{n} Congress Ave", "city": "Austin", "state": "TX",
            "zip": "78701", "mobile_phone": f"512-555-{n:04d}", "sms_consent": "true",
            "email": f"pat{n}@example.com",
        })  # fmt: skip
        loans.append({
            "loan_id": f"TL{n}", "borrower_id": f"T{n}", "product": "personal",
            "principal": "1000.00", "annual_rate": "0.10", "term_months": "12",
            "origination_date": "2026-06-01", "first_due_date": "2026-07-01",
            "contract_state": "TX",
        })  # fmt: skip
    folder = tmp_path / "texas"
    folder.mkdir(exist_ok=True)
    paths = []
    for name, rows in (("borrowers.csv", borrowers), ("loans.csv", loans)):
        path = folder / name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        paths.append(path)
    return paths


def import_texas(container: Container, tmp_path: Path, count: int) -> None:
    run_import(container, texas_book(tmp_path, count))


def ids(container: Container, loan: str) -> tuple[int, int]:
    with container.uow() as uow:
        loan_id = uow.accounts.loan_id(loan)
        assert loan_id is not None
        borrower = uow.cycle.accounts(loan_id, loan_id).get_column("borrower_id")[0]
    return loan_id, int(borrower)


def enqueue(
    container: Container, loan: str, channel: str, *, template: str = "payment_reminder",
    key: str | None = None, details: dict[str, Any] | None = None, category: str = "contact",
) -> Enqueued:  # fmt: skip
    """Enqueue one message about ``loan`` as the web app would, and commit."""
    loan_id, borrower_id = ids(container, loan)
    request = MessageRequest(
        loan_id=loan_id, borrower_id=borrower_id, channel=channel, template=template,
        category=category, as_of=TODAY, idempotency_key=key or f"test:{loan}:{channel}:{template}",
        details=details or {},
    )  # fmt: skip
    with container.uow() as uow:
        done = enqueue_message(
            uow, request, at=container.clock.now(), messaging=bootstrap.messaging(container)
        )
        uow.commit()
    return done


def email_channel(container: Container, port: int, **changes: Any) -> SmtpEmailChannel:
    settings = SmtpSettings(
        host="127.0.0.1", port=port, sender="Example Lending <help@example.com>",
        timeout_seconds=5, unsubscribe_mailto="unsubscribe@example.com",
    )  # fmt: skip
    return SmtpEmailChannel(replace(settings, **changes), clock=container.clock)


def sms_channel(endpoint: str, *, api_key: str = "test-key") -> HttpSmsChannel:
    return HttpSmsChannel(
        SmsSettings(endpoint=endpoint, api_key=api_key, sender="+18005550100", timeout_seconds=5)
    )


def sender(
    container: Container, channels: dict[str, MessageChannel], *, seed: int = 1, **settings: Any
) -> Sender:
    """The real sender with ``channels`` (a letters channel is added when missing)."""
    channels = {"letter": PrintBatchChannel(bootstrap.print_dir(container)), **channels}
    built = bootstrap.outbox_sender(container, channels=channels, rng=random.Random(seed))
    return replace(built, settings=replace(SenderSettings(), **settings))


def outbox_rows(container: Container) -> list[dict[str, Any]]:
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM outbox_messages ORDER BY id")).all()
    return [row._asdict() for row in rows]


def gate_rows(container: Container) -> list[dict[str, Any]]:
    with container.engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM gate_decisions ORDER BY id")).all()
    return [row._asdict() for row in rows]
