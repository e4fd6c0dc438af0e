"""A time-barred Texas debt: the state's notice (Tex. Fin. Code 392.307) is added by the gate
and printed in the borrower's language, in letters, emails and the texts that print gate
disclosures; a text version that would go out without it is blocked with the reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from arrears.bootstrap import Container
from arrears.compliance.packs import default_packs
from arrears.services.sending import send_due
from support.channels import SmsProvider
from support.db import run_import
from support.outbox import enqueue, outbox_rows, sender, sms_channel

NOTICE = next(
    rule.notice for pack in default_packs() for rule in pack.rules
    if rule.id == "tx.time_barred_disclosure"
)  # fmt: skip


def write(folder: Path, name: str, rows: list[dict[str, str]]) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def barred(container: Container, tmp_path: Path) -> Container:
    """Two Austin borrowers, one reading Spanish, each with a personal loan never paid since
    2015: the Texas four years (CPRC 16.004) ran out long ago."""
    borrowers = [
        {"borrower_id": f"X{n}", "first_name": name, "last_name": "Rivera", "language": lang,
         "address_line1": f"{n} Congress Ave", "city": "Austin", "state": "TX", "zip": "78701",
         "mobile_phone": f"512-555-01{n:02d}", "sms_consent": "true",
         "email": f"x{n}@example.com"}
        for n, name, lang in ((1, "Lucía", "es"), (2, "Pat", "en"))
    ]  # fmt: skip
    loans = [
        {"loan_id": f"XL{n}", "borrower_id": f"X{n}", "product": "personal",
         "principal": "1000.00", "annual_rate": "0.10", "term_months": "12",
         "origination_date": "2015-01-05", "first_due_date": "2015-02-05",
         "contract_state": "TX"}
        for n in (1, 2)
    ]  # fmt: skip
    run_import(container, [write(tmp_path, "borrowers.csv", borrowers),
                           write(tmp_path, "loans.csv", loans)])  # fmt: skip
    return container


def row_of(container: Container, message_id: int) -> dict:
    return next(row for row in outbox_rows(container) if row["id"] == message_id)


@pytest.mark.parametrize(("loan", "language"), [("XL1", "es"), ("XL2", "en")])
def test_a_letter_carries_the_notice_in_the_borrowers_language(
    barred: Container, loan: str, language: str
) -> None:
    """The stored context and the letter carry the notice in the borrower's language only."""
    assert NOTICE is not None
    queued = enqueue(barred, loan, "letter")
    assert queued.status == "queued", queued.reasons
    row = row_of(barred, queued.message_id)
    assert row["language"] == language
    other = "en" if language == "es" else "es"
    context = json.loads(row["context"])
    assert context["disclosures"] == [NOTICE.text(language)]
    body = " ".join(row["body_html"].split())
    assert NOTICE.text(language) in body
    assert NOTICE.text(other) not in body


def test_an_email_in_spanish_carries_the_spanish_notice(barred: Container) -> None:
    """The email's text part (and so its HTML part) carries the Spanish notice."""
    assert NOTICE is not None
    queued = enqueue(barred, "XL1", "email")
    assert queued.status == "queued", queued.reasons
    assert NOTICE.text("es") in " ".join(row_of(barred, queued.message_id)["body_text"].split())


def test_a_promise_reminder_text_carries_it_and_goes_out(barred: Container) -> None:
    """The new text templates print the gate's disclosures, so the text is sent with them."""
    assert NOTICE is not None
    details = {"promise": {"date": "2026-12-04", "amount_minor": 5_000}}
    queued = enqueue(barred, "XL1", "sms", template="promise_reminder", details=details)
    assert queued.status == "queued", queued.reasons
    with SmsProvider() as provider:
        assert send_due(sender(barred, {"sms": sms_channel(provider.endpoint)})) == {"sent": 1}
        (sent,) = provider.state.accepted.values()
    assert NOTICE.text("es") in sent["body"]


def test_a_text_version_without_the_notice_is_blocked_with_the_reason(barred: Container) -> None:
    """payment_reminder's text prints no gate disclosures: blocked, never sent without it."""
    queued = enqueue(barred, "XL2", "sms")
    assert queued.status == "blocked"
    row = row_of(barred, queued.message_id)
    assert json.loads(row["blocked_rules"]) == ["template.render"]
    assert "disclosure the compliance gate requires" in row["blocked_reasons"]
