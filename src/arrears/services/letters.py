"""The daily print batch: the day's letters as PDFs in one folder, with a manifest.

``build_print_batch`` first sends the letters that are due, when ``day`` is the day letters
sent now are mailed (the next business day from today, or today) — through the same claim,
gate re-check and record steps as every other message — then writes the manifest of every
letter printed for ``day`` from what the outbox recorded. Building the same day again sends
nothing twice and writes the same manifest; a past day's batch is only re-listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from arrears.services.outbox import ACTOR
from arrears.services.ports import BatchFiles, ManifestRow, OutboxRecord, PrintBatches
from arrears.services.sending import Sender, send_due


@dataclass(frozen=True)
class PrintBatchReport:
    day: date
    sent: Counter[str]
    files: BatchFiles


def build_print_batch(sender: Sender, *, day: date, batches: PrintBatches) -> PrintBatchReport:
    """Print the letters due for ``day`` and write its manifest (idempotent)."""
    outcomes: Counter[str] = Counter()
    calendar = sender.messaging.identity.calendar
    if "letter" in sender.channels and day == calendar.next_business_day(sender.clock.today()):
        outcomes = send_due(replace(sender, channels={"letter": sender.channels["letter"]}))
    with sender.uow_factory() as uow:
        rows = [manifest_row(record) for record in uow.outbox.letters_printed(day)]
        files = batches.write_manifest(day, rows, return_name=sender.messaging.identity.return_name)
        uow.audit.record(
            at=sender.clock.now(), actor=ACTOR, action="letters.batch", entity_type="print_batch",
            entity_id=day.isoformat(),
            details={"letters": files.letters, "pages": files.pages, "sent": dict(outcomes)},
        )  # fmt: skip
        uow.commit()
    return PrintBatchReport(day, outcomes, files)


def manifest_row(record: OutboxRecord) -> ManifestRow:
    """A printed letter as the manifest lists it (name and address lines as on the envelope)."""
    lines = record.recipient.splitlines()
    account = record.context.get("account", {})
    return ManifestRow(
        letter_id=record.id,
        account=str(account.get("loan_ref", record.loan_id)),
        recipient_name=lines[0] if lines else "",
        address_lines=tuple(lines[1:]),
        template=record.template,
        template_version=record.template_version or 0,
        language=record.language,
        pages=record.pages or 0,
        sha256=record.pdf_sha256 or "",
        file=record.pdf_path or "",
    )
