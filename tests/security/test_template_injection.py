"""Template injection into letters, emails, texts, call scripts and court documents: borrower
data is data, never template source (docs/channels.md; issue 12 "Security").

A borrower whose name or address holds Jinja syntax or HTML gets every message printed with
those characters as typed: nothing is evaluated (``{{ 7*7 }}`` never becomes ``49``), and
nothing becomes markup in an HTML part or in the PDF a letter is printed from.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from arrears.adapters.channels.letters import render_pdf
from arrears.adapters.channels.templates import JinjaTemplates, visible_text
from arrears.adapters.documents import JinjaDocuments
from unit.collateral.test_collateral_letters import DETAILS as COLLATERAL_DETAILS
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
NAME = "{{ 7*7 }}<script>alert(1)</script>"
LAST = "{% for x in range(3) %}X{% endfor %}"
ADDRESS = ["<img src=x onerror=alert(1)>", "{{ ''.__class__.__mro__ }}"]
HOSTILE = {
    "first_name": NAME,
    "last_name": LAST,
    "full_name": f"{NAME} {LAST}",
    "address_lines": ADDRESS,
}
FILES = {"email": "email.txt", "sms": "sms.txt", "letter": "letter.html", "call": "script.txt"}
#: What evaluating the hostile fields would have printed.
EVALUATED = ("49", "XXX", "<class", "tuple")


def context(template: str) -> dict[str, Any]:
    """The template's hand-made context with the hostile borrower (the collateral letters
    take their figures from the collateral tests' contexts)."""
    found = context_for(template, borrower=copy.deepcopy(HOSTILE))
    if template in COLLATERAL_DETAILS:
        found["details"] = copy.deepcopy(COLLATERAL_DETAILS[template])
    return found


def cases() -> Iterator[tuple[str, str, str]]:
    for name in LIBRARY.names():
        info = LIBRARY.info(name)
        assert info is not None
        for channel in info.channels:
            for language in ("en", "es"):
                yield name, channel, language


def rendered_texts(template: str, channel: str, language: str) -> tuple[str, str]:
    """(what a reader sees, the HTML part or "") of one message."""
    if channel == "call":
        script = LIBRARY.render_script(
            template=template, language=language, context=context(template)
        )
        return script, ""
    message = LIBRARY.render(
        template=template, channel=channel, language=language, context=context(template)
    )
    return message.text or visible_text(message.html), message.html or ""


@pytest.mark.parametrize(("template", "channel", "language"), list(cases()))
def test_every_template_prints_hostile_borrower_fields_as_typed(
    template: str, channel: str, language: str
) -> None:
    """Every template of the library, on every channel and in both languages: the fields that
    name the borrower reach the reader unevaluated, and never as markup in the HTML."""
    shown, markup = rendered_texts(template, channel, language)
    printed = [part for part in (NAME, LAST, *ADDRESS) if part in shown]
    if "borrower" in LIBRARY.variables(template, language, FILES[channel]):
        assert printed, "the template reads the borrower but shows none of it"
    for evaluated in EVALUATED:
        if evaluated not in context_text(template):
            assert evaluated not in shown.replace(NAME, "").replace(LAST, ""), evaluated
    if markup:
        assert "<script>" not in markup
        assert "<img" not in markup
        assert "onerror=alert(1)>" not in markup.replace("&lt;img src=x onerror=alert(1)&gt;", "")


def context_text(template: str) -> str:
    """Everything the context says besides the borrower (a "49" in an amount is not evaluation)."""
    found = context(template)
    found.pop("borrower", None)
    return repr(found)


@pytest.mark.parametrize("template", ["payment_reminder", "settlement_offer", "demand_letter"])
def test_a_printed_letter_shows_the_hostile_name_as_text(template: str) -> None:
    """The PDF a letter is printed from: WeasyPrint lays the name out as text (no element is
    made from it), so the page shows the characters as typed."""
    message = LIBRARY.render(
        template=template, channel="letter", language="en", context=context(template)
    )
    assert message.html
    pdf = render_pdf(message.html)
    assert pdf.data.startswith(b"%PDF")
    laid_out = laid_out_text(message.html)
    assert NAME in laid_out
    assert ADDRESS[0] in laid_out
    assert "49" not in laid_out.replace(NAME, "") or "49" in context_text(template)


def laid_out_text(markup: str) -> str:
    """The text WeasyPrint puts on the pages (its layout boxes, the source of the PDF text)."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    document = HTML(string=markup).render()
    found: list[str] = []

    def walk(box: Any) -> None:
        if isinstance(box, boxes.TextBox):
            found.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)  # the layout tree is where the text is
    return " ".join(" ".join(found).split())


def test_a_court_document_escapes_what_it_is_given() -> None:
    """The summons cover sheet (rendered for counsel, not sent) is autoescaped and strict like
    the messages: a hostile defendant name and address come out as text."""
    html = JinjaDocuments().render(
        template="summons_cover_sheet", language="en", context=COVER_SHEET
    )
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;" in html
    shown = visible_text(html)
    assert NAME in shown
    assert LAST in shown
    assert "XXX" not in shown


COVER_SHEET: dict[str, Any] = {
    "prepared_on": "2026-11-27",
    "case": {"reference": "LC-1", "court": None, "state": "MA", "number": None,
             "firm": "Example Counsel LLP", "attorney": None},
    "plaintiff": "Example Lending",
    "defendant": {"full_name": f"{NAME} {LAST}", "address_lines": ADDRESS},
    "account": {"reference": "****0001", "product": "personal",
                "original_creditor": "Example Lending"},
    "claim": {"as_of": "2026-11-27", "principal_minor": 100_000, "interest_minor": 1_000,
              "fees_minor": 0, "costs_minor": 0, "total_minor": 101_000},
    "limitation": {"known": False},
    "enclosures": ["Complaint"],
}  # fmt: skip
