"""The disclosures the compliance gate requires are printed in the message's language, and a
message that would go out without one is refused (Cal. Civ. Code 1788.14(d), Tex. Fin. Code
392.307, 12.2.12.9 NMAC, 6 RCNY 5-77(f))."""

from __future__ import annotations

import pytest

from arrears.adapters.channels.templates import JinjaTemplates, visible_text
from arrears.compliance.packs import default_packs
from arrears.services.ports import TemplateFailure
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
NOTICE = next(
    rule.notice
    for pack in default_packs()
    for rule in pack.rules
    if rule.id == "tx.time_barred_disclosure"
)


def render(template: str, channel: str, language: str):
    assert NOTICE is not None
    context = context_for(template, disclosures=[NOTICE.text(language)])
    return LIBRARY.render(template=template, channel=channel, language=language, context=context)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize(
    ("template", "channel"),
    [
        ("payment_reminder", "letter"),
        ("payment_reminder", "email"),
        ("promise_reminder", "sms"),
        ("plan_installment_reminder", "sms"),
        ("payment_plan_offer", "letter"),
    ],
)
def test_the_notice_is_printed_in_the_messages_language(
    template: str, channel: str, language: str
) -> None:
    """Letters, emails and the new texts print the notice in the message's language, not the other one."""
    assert NOTICE is not None
    rendered = render(template, channel, language)
    shown = rendered.text or visible_text(rendered.html)
    other = "es" if language == "en" else "en"
    assert NOTICE.text(language) in " ".join(shown.split())
    assert NOTICE.text(other) not in " ".join(shown.split())


def test_a_text_that_does_not_print_the_notice_is_refused() -> None:
    """The older SMS versions print no gate disclosures: such a text is blocked with the
    reason rather than sent without the notice the state requires."""
    with pytest.raises(TemplateFailure, match="disclosure the compliance gate requires"):
        render("payment_reminder", "sms", "es")


def test_without_disclosures_nothing_extra_is_printed() -> None:
    """No disclosure required: the text says nothing about suits."""
    context = context_for("promise_reminder")
    rendered = LIBRARY.render(
        template="promise_reminder", channel="sms", language="en", context=context
    )
    assert "sued" not in rendered.text
