"""Every message treatment of the catalogue can be sent: its template exists, has a version
for the treatment's channel, and renders in English and Spanish with the debt-collector
disclosure (12 CFR 1006.18(e)) and, electronically, the opt-out notice (1006.6(e))."""

from __future__ import annotations

import pytest

from arrears.adapters.channels.templates import JinjaTemplates, visible_text
from arrears.strategy.catalogue import TreatmentKind, default_catalogue
from unit.templates.contexts import context_for

LIBRARY = JinjaTemplates()
MESSAGES = [t for t in default_catalogue().treatments if t.kind is TreatmentKind.MESSAGE]
CASES = [
    pytest.param(t.id, t.template, t.channel.value, language, id=f"{t.id}-{language}")
    for t in MESSAGES
    if t.template is not None and t.channel is not None
    for language in ("en", "es")
]
DISCLOSURE = {
    "en": "This communication is from a debt collector.",
    "es": "Esta comunicación proviene de un cobrador de deudas.",
}
OPT_OUT = {
    ("en", "sms"): "Reply STOP to stop texts.",
    ("es", "sms"): "Responda PARA o STOP para no recibir más textos.",
    ("en", "email"): "To stop receiving emails from us at this address",
    ("es", "email"): "Para dejar de recibir correos electrónicos nuestros",
}


def test_every_message_treatment_names_a_template_and_a_channel() -> None:
    """A message treatment without a template or a channel could never be sent."""
    assert MESSAGES
    assert all(t.template and t.channel for t in MESSAGES)
    assert len(CASES) == 2 * len(MESSAGES)


@pytest.mark.parametrize(("treatment", "template", "channel", "language"), CASES)
def test_the_template_of_every_message_treatment_renders_in_both_languages(
    treatment: str, template: str, channel: str, language: str
) -> None:
    """The treatment's template is in the library with its channel, renders (no undefined
    variable), records its version, and carries the statements the law requires."""
    info = LIBRARY.info(template)
    assert info is not None, f"{treatment}: no template {template!r} in the library"
    assert channel in info.channels, f"{treatment}: {template!r} has no {channel} version"
    rendered = LIBRARY.render(
        template=template, channel=channel, language=language, context=context_for(template)
    )
    assert (rendered.language, rendered.version) == (language, info.version)
    shown = rendered.text or visible_text(rendered.html)
    assert "{{" not in shown
    assert DISCLOSURE[language] in shown
    if channel in {"sms", "email"}:
        assert OPT_OUT[(language, channel)] in shown
