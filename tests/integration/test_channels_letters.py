"""The daily print batch from the cycle's letters: real PDFs, a manifest that matches them, a
second run that changes nothing, and a validation notice whose figures tie to the ledger."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from arrears import bootstrap
from arrears.bootstrap import Container
from arrears.services.cycle import run_cycle
from arrears.services.letters import build_print_batch
from arrears.services.outbox import enqueue_day
from support.channels import pdf_pages
from support.db import run_import
from support.outbox import outbox_rows, sender
from support.portfolio import TODAY


@pytest.fixture
def queued(container: Container, portfolio_files: list[Path]) -> Container:
    run_import(container, portfolio_files)
    run_cycle(as_of=TODAY, uow_factory=container.uow, clock=container.clock,
              settings=container.cycle_settings)  # fmt: skip
    enqueue_day(as_of=TODAY, uow_factory=container.uow,
                messaging=bootstrap.messaging(container), clock=container.clock)  # fmt: skip
    return container


def batch(container: Container, day: date = TODAY):
    return build_print_batch(sender(container, {}), day=day,
                             batches=bootstrap.print_batches(container))  # fmt: skip


def test_the_days_letters_are_printed_with_a_manifest_that_matches(queued: Container) -> None:
    letters = [row for row in outbox_rows(queued) if row["status"] == "queued"]
    assert letters, "the cycle queued letters"
    report = batch(queued)
    assert report.sent == {"sent": len(letters)}
    folder = bootstrap.print_dir(queued) / TODAY.isoformat()
    document = json.loads((folder / "manifest.json").read_text())
    assert document["letters"] == len(letters) == len(document["items"])
    with (folder / "manifest.csv").open(newline="", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == len(letters)
    accounts = {"L1", "L2", "L3"}
    for item in document["items"]:
        data = (bootstrap.print_dir(queued) / item["file"]).read_bytes()
        assert data.startswith(b"%PDF-")
        assert pdf_pages(data) == item["pages"] >= 1
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert item["account"] in accounts
        assert item["address_lines"]
        assert item["template_version"] == 1
    assert {row["status"] for row in outbox_rows(queued) if row["channel"] == "letter"} == {"sent"}


def test_building_the_batch_again_prints_nothing_twice(queued: Container) -> None:
    batch(queued)
    folder = bootstrap.print_dir(queued) / TODAY.isoformat()
    before = {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    rows_before = outbox_rows(queued)
    again = batch(queued)
    assert again.sent == {}
    after = {p.name: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    assert after == before
    assert outbox_rows(queued) == rows_before


def test_the_validation_notice_itemization_ties_to_the_ledger(queued: Container) -> None:
    """L1's notice: the amount on the itemization date and the current amount are the
    ledger's balances on those dates; the movements in between add up."""
    (notice,) = [
        json.loads(row["context"])
        for row in outbox_rows(queued)
        if row["template"] == "validation_notice"
        and json.loads(row["context"])["account"]["loan_ref"] == "L1"
    ]
    itemization = notice["itemization"]
    assert itemization["basis"] == "last_payment"
    assert itemization["date"] == "2026-07-15"  # L1's last payment
    with queued.uow() as uow:
        loan = uow.accounts.loan_id("L1")
        assert loan is not None
        then = uow.reads.balances([loan], as_of=date(2026, 7, 15))["balance_minor"][0]
        now = uow.reads.balances([loan], as_of=TODAY)["balance_minor"][0]
    assert itemization["amount_then"] == then
    assert itemization["current"] == now
    assert now == (
        then + itemization["interest"] + itemization["fees"] - itemization["payments_credits"]
    )
    assert itemization["interest"] > 0, "interest fell due after the last payment"
    assert notice["validation"]["end_date"] == "2027-01-03"  # receipt Fri 12-04, + 30 days


def test_a_letter_mailed_later_than_planned_is_dated_and_its_period_counted_from_then(
    queued: Container,
) -> None:
    """Queued for Friday's batch but printed on Tuesday: the letter is rendered again with
    Tuesday's date and a validation period counted from Tuesday (1006.34(b)(5))."""
    queued.clock.advance(timedelta(days=4))  # type: ignore[attr-defined]
    tuesday = date(2026, 12, 1)
    report = batch(queued, tuesday)
    assert report.sent["sent"] >= 1
    notices = [
        json.loads(row["context"]) for row in outbox_rows(queued)
        if row["template"] == "validation_notice"
    ]  # fmt: skip
    assert {n["validation"]["provided_on"] for n in notices} == {"2026-12-01"}
    assert {n["validation"]["end_date"] for n in notices} == {"2027-01-07"}
    with queued.engine.connect() as connection:
        dates = (
            connection.execute(
                text("SELECT DISTINCT print_date FROM outbox_messages WHERE channel = 'letter'")
            )
            .scalars()
            .all()
        )
    assert [str(d)[:10] for d in dates] == ["2026-12-01"]
