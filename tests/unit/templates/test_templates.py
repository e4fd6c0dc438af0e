"""The message template library: every template, channel and language renders, carries the
statements the law requires, fails loudly on a missing variable and prints borrower data as
data (12 CFR 1006.18(e), 1006.6(e), 1006.2(j); 15 U.S.C. 1692f(8))."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from arrears.adapters.channels.templates import (
    COLLECTION_WORDS,
    DEFAULT_ROOT,
    LIMITED_CONTENT_VARIABLES,
    JinjaTemplates,
    visible_text,
)
from arrears.services.ports import TemplateFailure
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
REQUIRED = {
    "payment_reminder", "missed_payment", "validation_notice", "promise_confirmation",
    "plan_confirmation", "settlement_offer", "demand_letter", "collection_call",
    "limited_content_message",
}  # fmt: skip
#: The templates this module renders with hand-made contexts (later workflows' notices have
#: their own tests; every template's files are checked below).
COVERED = sorted(
    REQUIRED
    | {
        "sms_opt_out_confirmation", "promise_reminder", "plan_installment_reminder",
        "payment_plan_offer", "early_intervention_notice",
    }
)  # fmt: skip
CASES = [
    (name, channel, language)
    for name in COVERED
    for channel in LIBRARY.info(name).channels  # type: ignore[union-attr]
    for language in ("en", "es")
]
DISCLOSURE = {
    "en": "This communication is from a debt collector.",
    "es": "Esta comunicación proviene de un cobrador de deudas.",
}
OPT_OUT = {
    ("en", "sms"): "Reply STOP",
    ("es", "sms"): "Responda PARA o STOP",
    ("en", "email"): "To stop receiving emails from us at this address",
    ("es", "email"): "Para dejar de recibir correos electrónicos nuestros",
}


def render(name: str, channel: str, language: str, **changes: object):
    return LIBRARY.render(
        template=name, channel=channel, language=language, context=context_for(name, **changes)
    )


def shown(rendered) -> str:
    return rendered.text or visible_text(rendered.html)


def test_the_library_has_every_template_the_issue_names_with_a_version() -> None:
    """Each template named in issue 4 exists, with an integer version in its metadata."""
    assert set(LIBRARY.names()) >= REQUIRED
    for name in LIBRARY.names():
        info = LIBRARY.info(name)
        assert info is not None, name
        assert info.version >= 1, name
        assert info.channels, name


FILES = {"email": ("subject.txt", "email.txt"), "sms": ("sms.txt",), "letter": ("letter.html",),
         "call": ("script.txt",)}  # fmt: skip


@pytest.mark.parametrize("name", LIBRARY.names())
def test_every_template_has_its_files_in_both_languages(name: str) -> None:
    """A template lists its channels; each has its files in English and Spanish."""
    info = LIBRARY.info(name)
    assert info is not None
    for channel in info.channels:
        for language in ("en", "es"):
            for file in FILES[channel]:
                assert (DEFAULT_ROOT / name / language / file).is_file(), (language, file)


@pytest.mark.parametrize(("name", "channel", "language"), CASES)
def test_every_template_renders_in_english_and_spanish(
    name: str, channel: str, language: str
) -> None:
    """Each channel version of each template renders in both languages, recording its version."""
    rendered = render(name, channel, language)
    assert rendered.language == language
    assert rendered.version == LIBRARY.info(name).version  # type: ignore[union-attr]
    assert shown(rendered).strip()
    if channel == "email":
        assert rendered.subject
        assert rendered.html.startswith("<!DOCTYPE html>")
    if channel == "letter":
        assert rendered.html.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("name", "channel", "language"), CASES)
def test_collection_messages_carry_the_disclosure_and_electronic_ones_the_opt_out(
    name: str, channel: str, language: str
) -> None:
    """1006.18(e): every collection communication says it is from a debt collector;
    1006.6(e): every email and text says how to opt out (a limited-content voicemail is an
    attempt, not a communication, and must not carry it)."""
    info = LIBRARY.info(name)
    assert info is not None
    text = shown(render(name, channel, language))
    if info.collection:
        assert DISCLOSURE[language] in text
    else:
        assert DISCLOSURE[language] not in text
    if channel in {"email", "sms"} and info.opt_out_notice:
        assert OPT_OUT[(language, channel)] in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_html_part_of_an_email_says_what_the_text_part_says(language: str) -> None:
    """The HTML alternative is the text part's paragraphs, so both carry the statements."""
    rendered = render("payment_reminder", "email", language)
    html_text = visible_text(rendered.html)
    assert DISCLOSURE[language] in html_text
    assert OPT_OUT[(language, "email")] in html_text


def test_a_missing_variable_blocks_with_a_clear_reason() -> None:
    """StrictUndefined: a context without ``details`` names the variable, never renders blank."""
    context = context_for("promise_confirmation")
    del context["details"]
    with pytest.raises(TemplateFailure, match="details"):
        LIBRARY.render(template="promise_confirmation", channel="email", language="en",
                       context=context)  # fmt: skip


def test_an_unknown_template_or_channel_is_a_clear_failure() -> None:
    with pytest.raises(TemplateFailure, match="no message template 'no_such_notice'"):
        LIBRARY.render(template="no_such_notice", channel="letter", language="en",
                       context=context_for("payment_reminder"))  # fmt: skip
    with pytest.raises(TemplateFailure, match="has no sms version"):
        LIBRARY.render(template="validation_notice", channel="sms", language="en",
                       context=context_for("validation_notice"))  # fmt: skip


def test_an_unknown_language_falls_back_to_english() -> None:
    assert render("payment_reminder", "sms", "fr").language == "en"


HOSTILE = {
    "first_name": "{{ collector.name }}<script>alert(1)</script>",
    "last_name": "{% raw %}x{% endraw %}",
    "full_name": '{{ 7*7 }} <b>Bold</b> & "quotes"',
    "address_lines": ["<img src=x onerror=alert(1)>", "{{ ''.__class__.__mro__ }}"],
}


@pytest.mark.parametrize("channel", ["email", "letter", "sms"])
def test_template_injection_through_borrower_fields_is_inert(channel: str) -> None:
    """Names and addresses are data: Jinja syntax in them is printed as typed, never
    evaluated, and HTML in them is escaped in every HTML part."""
    rendered = render("payment_reminder", channel, "en", borrower=HOSTILE)
    text = shown(rendered)
    if channel == "letter":
        assert '{{ 7*7 }} <b>Bold</b> & "quotes"' in text  # the full name, as typed
        assert "&lt;img src=x onerror=alert(1)&gt;" in rendered.html
        assert "{{ ''.__class__.__mro__ }}" in text
    else:
        assert "{{ collector.name }}<script>alert(1)</script>" in text  # the first name
    if rendered.html:
        assert "<script>" not in rendered.html
        assert "<img" not in rendered.html
        assert "<b>Bold" not in rendered.html
    if channel == "email":
        assert "{{ collector.name }}&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html


def test_the_limited_content_voicemail_uses_only_the_allowed_fields() -> None:
    """1006.2(j): business name, request to reply, names, callback numbers, and optional
    salutation, time, reply times, any-representative statement — nothing else."""
    for language in ("en", "es"):
        used = LIBRARY.variables("limited_content_message", language, "script.txt")
        assert used <= LIMITED_CONTENT_VARIABLES, used - LIMITED_CONTENT_VARIABLES
        text = LIBRARY.render_script(template="limited_content_message", language=language,
                                     context=context_for("limited_content_message"))  # fmt: skip
        assert not [w for w in COLLECTION_WORDS if w in text.lower()]
        assert "1-800-555-0100" in text
        assert "Jordan" in text


def test_a_voicemail_naming_a_collection_business_is_refused() -> None:
    with pytest.raises(TemplateFailure, match=r"1006\.2\(j\)"):
        LIBRARY.render_script(
            template="limited_content_message", language="en",
            context=context_for("limited_content_message", business_name="Debt Recovery Inc"),
        )  # fmt: skip


@pytest.mark.parametrize("name", ["payment_reminder", "validation_notice", "demand_letter"])
def test_the_envelope_window_shows_nothing_about_debt_collection(name: str) -> None:
    """15 U.S.C. 1692f(8): only the return address and the recipient show through."""
    rendered = render(name, "letter", "en")
    window = re.search(r'<div class="window return-window">(.*?)</div>', rendered.html, re.S)
    assert window is not None
    assert not [w for w in COLLECTION_WORDS if w in visible_text(window.group(1)).lower()]


def test_a_return_name_that_suggests_collection_blocks_the_letter() -> None:
    context = context_for("payment_reminder")
    context["return_address"] = {"name": "Acme Debt Collection", "lines": ["PO Box 1"]}
    with pytest.raises(TemplateFailure, match="1692f"):
        LIBRARY.render(template="payment_reminder", channel="letter", language="en",
                       context=context)  # fmt: skip


def test_a_template_that_drops_the_opt_out_line_is_refused(tmp_path: Path) -> None:
    """The renderer checks the statements in the output, so an edited template cannot ship
    an email without the opt-out notice."""
    root = tmp_path / "messages"
    shutil.copytree(DEFAULT_ROOT, root)
    text = root / "payment_reminder" / "en" / "sms.txt"
    text.write_text(text.read_text().replace('{% include "_shared/en/opt_out_sms.txt" +%}', ""))
    library = JinjaTemplates(root)
    with pytest.raises(TemplateFailure, match="opt_out_sms"):
        library.render(template="payment_reminder", channel="sms", language="en",
                       context=context_for("payment_reminder"))  # fmt: skip


def test_money_and_dates_are_spelled_per_language() -> None:
    english = render("promise_confirmation", "sms", "en").text
    spanish = render("promise_confirmation", "sms", "es").text
    assert "$200.00 by December 4, 2026" in english
    assert "$200.00 a más tardar el 4 de diciembre de 2026" in spanish
