"""Letters: HTML rendered to PDF with WeasyPrint into the day's print batch folder.

"Delivering" a letter puts its PDF in ``<print dir>/<YYYY-MM-DD>/letters/<id>-<template>.pdf``
(the business day it is mailed); the batch's manifest is written by
``arrears.adapters.channels.print_batch``. The file name depends only on the message, and the
file is written to a temporary name and renamed, so handing the same letter over again after a
crash replaces the same file: a letter is never printed twice (``idempotent``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from arrears.services.ports import ClearedMessage, DeliveryFailed, DeliveryReceipt


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


FONT_TIMESTAMP = "1767225600"  # 2026-01-01T00:00:00Z
"""The time written into the fonts a PDF embeds, where the system lacks HarfBuzz's subsetter
and WeasyPrint subsets them with fontTools, which stamps each font with the current second
unless ``SOURCE_DATE_EPOCH`` (reproducible-builds.org) says otherwise: the same letter must
render to the same bytes (its SHA-256 is recorded, and a letter handed over again after a crash
must be the one recorded)."""


def render_pdf(html: str) -> RenderedPdf:
    """A PDF of ``html`` (WeasyPrint; fonts and styles are inline, nothing is fetched); the
    same ``html`` always gives the same bytes."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_refuse_fetch).render()
    return RenderedPdf(document.write_pdf() or b"", len(document.pages))


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: object = None) -> dict[str, object]:
    """Letters never load anything from outside (a borrower-supplied URL could otherwise be
    fetched while rendering)."""
    raise ValueError(f"letters may not load external resources ({url[:40]})")


def letter_file(root: Path, message_id: int, template: str, day: str) -> Path:
    return root / day / "letters" / f"{message_id:09d}-{template}.pdf"


class PrintBatchChannel:
    """Implements ``MessageChannel`` for letters."""

    name = "letter"
    idempotent = True

    def __init__(self, root: Path) -> None:
        self.root = root

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt:
        message = cleared.require()
        if message.print_date is None:
            raise DeliveryFailed("a letter needs the date of its print batch", permanent=True)
        if not message.html:
            raise DeliveryFailed("the letter has no rendered content", permanent=True)
        day = message.print_date.isoformat()
        try:
            pdf = render_pdf(message.html)
        except Exception as error:  # WeasyPrint raises many kinds; none is worth a retry
            raise DeliveryFailed(
                f"PDF rendering failed: {type(error).__name__}", permanent=True
            ) from None
        path = letter_file(self.root, message.id, message.template, day)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".pdf.part")
            temporary.write_bytes(pdf.data)
            os.replace(temporary, path)
        except OSError as error:
            raise DeliveryFailed(
                f"print folder not writable: {error.strerror}", permanent=False
            ) from None
        relative = path.relative_to(self.root).as_posix()
        return DeliveryReceipt(
            f"print:{relative}",
            {"pdf_path": relative, "pages": pdf.pages, "pdf_sha256": pdf.sha256,
             "print_date": message.print_date},
        )  # fmt: skip
