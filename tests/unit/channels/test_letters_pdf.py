"""Letters as real PDFs: they open, have the pages WeasyPrint laid out, put the addresses in
the envelope windows, land in the day's folder once, and the manifest matches the files."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import date
from pathlib import Path

import pytest
import weasyprint

from arrears.adapters.channels.letters import PrintBatchChannel, render_pdf
from arrears.adapters.channels.print_batch import PrintBatchFolders
from arrears.adapters.channels.templates import JinjaTemplates
from arrears.errors import ArrearsError
from arrears.services.ports import ClearedMessage, ManifestRow, OutboundMessage
from support.channels import pdf_pages
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
DAY = date(2026, 11, 27)
INCH = 96  # CSS pixels


def letter_html(template: str, language: str = "en") -> str:
    return LIBRARY.render(template=template, channel="letter", language=language,
                          context=context_for(template)).html  # fmt: skip


@pytest.mark.parametrize("template", ["payment_reminder", "validation_notice", "demand_letter"])
def test_a_letter_renders_to_a_pdf_that_opens(template: str) -> None:
    pdf = render_pdf(letter_html(template))
    assert pdf.data.startswith(b"%PDF-")
    assert pdf.data.rstrip().endswith(b"%%EOF")
    assert pdf_pages(pdf.data) == pdf.pages >= 1
    assert pdf.sha256 == hashlib.sha256(pdf.data).hexdigest()


def test_the_same_letter_renders_to_the_same_bytes_an_hour_later(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The recorded SHA-256 of a letter must match the file handed over again after a crash:
    nothing in the PDF may depend on the time it was rendered (without HarfBuzz's subsetter,
    fontTools stamps every embedded font with the current second)."""
    html = letter_html("payment_reminder")
    first = render_pdf(html)
    later = time.time() + 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert render_pdf(html).sha256 == first.sha256


def test_the_validation_notice_has_its_response_form_on_a_second_page() -> None:
    assert render_pdf(letter_html("validation_notice", "es")).pages == 2


def test_the_addresses_sit_in_the_windows_of_a_number_10_envelope() -> None:
    """Return address 0.5 in from the left and top; recipient about 0.875 in from the left and
    2 in from the top (a #10 double-window envelope, the sheet folded in thirds)."""
    page = weasyprint.HTML(string=letter_html("payment_reminder")).render().pages[0]
    boxes = {}
    for box in page._page_box.descendants():
        element = getattr(box, "element", None)
        classes = (element.get("class") or "") if element is not None else ""
        if "window" in classes and type(box).__name__ == "AbsolutePlaceholder":
            boxes[classes] = (box.position_x / INCH, box.position_y / INCH)
    assert boxes["window return-window"] == pytest.approx((0.5, 0.5), abs=0.05)
    assert boxes["window recipient-window"] == pytest.approx((0.875, 2.0), abs=0.05)


def outbound(message_id: int, html: str) -> OutboundMessage:
    return OutboundMessage(
        id=message_id, idempotency_key=f"action:{message_id}", token="t", channel="letter",
        recipient="Ana García\n12 Oak St\nBoston, MA 02139", subject="", text="", html=html,
        template="payment_reminder", language="en", print_date=DAY,
    )  # fmt: skip


def test_printing_the_same_letter_twice_leaves_one_file(tmp_path: Path) -> None:
    channel = PrintBatchChannel(tmp_path)
    message = outbound(7, letter_html("payment_reminder"))
    first = channel.deliver(ClearedMessage(message, "gate_decisions:1", True))
    second = channel.deliver(ClearedMessage(message, "gate_decisions:2", True))
    assert first.provider_message_id == second.provider_message_id
    files = list((tmp_path / "2026-11-27" / "letters").iterdir())
    assert [f.name for f in files] == ["000000007-payment_reminder.pdf"]


def test_the_manifest_lists_every_letter_and_is_the_same_when_written_again(
    tmp_path: Path,
) -> None:
    channel = PrintBatchChannel(tmp_path)
    rows = []
    for number in (3, 1):
        receipt = channel.deliver(ClearedMessage(outbound(number, letter_html("payment_reminder")),
                                                 "gate_decisions:1", True))  # fmt: skip
        details = receipt.details
        rows.append(ManifestRow(
            letter_id=number, account=f"L{number}", recipient_name="Ana García",
            address_lines=("12 Oak St", "Boston, MA 02139"), template="payment_reminder",
            template_version=1, language="en", pages=details["pages"],
            sha256=details["pdf_sha256"], file=details["pdf_path"],
        ))  # fmt: skip
    batches = PrintBatchFolders(tmp_path)
    files = batches.write_manifest(DAY, rows, return_name="Example Lending")
    first = (files.manifest_csv.read_bytes(), files.manifest_json.read_bytes())
    again = batches.write_manifest(DAY, list(reversed(rows)), return_name="Example Lending")
    assert (again.manifest_csv.read_bytes(), again.manifest_json.read_bytes()) == first
    document = json.loads(first[1])
    assert [item["letter_id"] for item in document["items"]] == [1, 3]
    assert document["letters"] == 2
    assert document["return_name"] == "Example Lending"
    header, *lines = first[0].decode().splitlines()
    assert header.startswith("letter_id,account,recipient_name,address_lines")
    assert lines[0].startswith('1,L1,Ana García,"12 Oak St | Boston, MA 02139",payment_reminder')
    for item in document["items"]:
        assert hashlib.sha256((tmp_path / item["file"]).read_bytes()).hexdigest() == item["sha256"]


def test_a_manifest_is_refused_when_a_pdf_changed_after_printing(tmp_path: Path) -> None:
    channel = PrintBatchChannel(tmp_path)
    receipt = channel.deliver(ClearedMessage(outbound(1, letter_html("payment_reminder")),
                                             "gate_decisions:1", True))  # fmt: skip
    (tmp_path / receipt.details["pdf_path"]).write_bytes(b"%PDF-1.7 tampered")
    row = ManifestRow(1, "L1", "Ana", ("x",), "payment_reminder", 1, "en", 1,
                      receipt.details["pdf_sha256"], receipt.details["pdf_path"])  # fmt: skip
    with pytest.raises(ArrearsError, match="changed since it was printed"):
        PrintBatchFolders(tmp_path).write_manifest(DAY, [row], return_name="Example Lending")
