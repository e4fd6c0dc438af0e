"""A template an exemption names says nothing but what the exemption allows: the opt-out
confirmation only confirms the opt-out — no debt, no amount, no link, no request (47 CFR
64.1200(a)(12): no marketing; 12 CFR 1006.14(h): no other content)."""

from __future__ import annotations

import re

import pytest

from arrears.adapters.channels.templates import COLLECTION_WORDS, JinjaTemplates
from arrears.compliance.packs import default_packs
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
EXEMPTIONS = [exemption for pack in default_packs() for exemption in pack.exemptions]


def test_the_shipped_exemption_is_the_opt_out_confirmation() -> None:
    """One exemption ships, for one template, by text only."""
    assert [(e.id, e.template, sorted(c.value for c in e.channels)) for e in EXEMPTIONS] == [
        ("us.tcpa.opt_out_confirmation", "sms_opt_out_confirmation", ["sms"])
    ]


@pytest.mark.parametrize("exemption", EXEMPTIONS, ids=lambda e: e.id)
def test_the_exempted_template_is_not_a_collection_message(exemption) -> None:
    """Its template exists only on the exemption's channels and carries neither the
    debt-collector disclosure nor an opt-out line (the borrower has just opted out)."""
    info = LIBRARY.info(exemption.template)
    assert info is not None
    assert {c.value for c in exemption.channels} >= set(info.channels)
    assert not info.collection
    assert not info.opt_out_notice


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_confirmation_says_nothing_but_the_confirmation(language: str) -> None:
    """Only the sender, the confirmation and where to get help: no amount, no link, nothing
    about a debt, even when the context has all of these."""
    context = context_for("sms_opt_out_confirmation")
    text = LIBRARY.render(
        template="sms_opt_out_confirmation", channel="sms", language=language, context=context
    ).text
    lowered = text.lower()
    assert not [word for word in COLLECTION_WORDS if word in lowered]
    assert "$" not in text
    assert context["collector"]["payment_url"] not in text
    assert not re.search(r"https?://|www\.", text)
    assert context["account"]["reference"] not in text
    assert len(text) <= 160
