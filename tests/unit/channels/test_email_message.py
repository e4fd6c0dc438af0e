"""The email a borrower receives: MIME alternatives, Message-ID and unsubscribe headers."""

from __future__ import annotations

from datetime import UTC, datetime

from arrears.adapters.channels.smtp import SmtpSettings, build_email
from arrears.domain.clock import FixedClock
from arrears.services.ports import OutboundMessage

MESSAGE = OutboundMessage(
    id=5, idempotency_key="action:5", token="Zq3-token", channel="email",
    recipient="ana.garcia@example.com", subject="Un recordatorio de pago",
    text="Hola, Ana:\n\nResponda BAJA.\n", html="<p>Hola, Ana:</p>", template="payment_reminder",
    language="es",
)  # fmt: skip
CLOCK = FixedClock(datetime(2026, 11, 27, 15, tzinfo=UTC))


def test_the_email_has_text_and_html_alternatives_and_its_headers() -> None:
    settings = SmtpSettings(
        host="localhost", port=25, sender="Example Lending <help@example.com>",
        unsubscribe_mailto="unsubscribe@example.com",
        unsubscribe_url="https://www.example.com/unsubscribe",
    )  # fmt: skip
    email = build_email(MESSAGE, settings=settings, clock=CLOCK)
    assert email["Message-ID"] == "<Zq3-token@example.com>"
    assert email["To"] == "ana.garcia@example.com"
    assert email["Content-Language"] == "es"
    assert email["List-Unsubscribe"] == (
        "<mailto:unsubscribe@example.com?subject=unsubscribe%20Zq3-token>, "
        "<https://www.example.com/unsubscribe/Zq3-token>"
    )
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in email.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    assert "Responda BAJA" in email.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_without_an_unsubscribe_page_there_is_no_one_click_header() -> None:
    settings = SmtpSettings(host="localhost", port=25, sender="help@example.com",
                            unsubscribe_mailto="unsubscribe@example.com")  # fmt: skip
    email = build_email(MESSAGE, settings=settings, clock=CLOCK)
    assert "List-Unsubscribe-Post" not in email
    assert email["List-Unsubscribe"].startswith("<mailto:unsubscribe@example.com")
