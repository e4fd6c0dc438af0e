"""Email over SMTP: a MIME message (text and HTML alternatives) handed to a mail server.

The message carries a ``Message-ID`` made from the outbox message's token (so a bounce or a
reply finds its message), and ``List-Unsubscribe`` headers (RFC 2369; one-click per RFC 8058
when an unsubscribe page is configured) next to the opt-out line in the body (12 CFR
1006.6(e)).

Failures are sorted by what a retry can achieve: a server that cannot be reached, a 4xx reply
or refused credentials leave the message queued for a later try; a 5xx refusal of the
recipient is a bounce (the address is flagged, 1006.30(a) comment 30(a)-2); any other 5xx is a
permanent failure. A connection lost after the message body was sent is **in doubt** — the
server may have accepted it — so it is not retried automatically (never twice, DESIGN).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path
from urllib.parse import quote

from arrears.domain.clock import Clock
from arrears.services.ports import ClearedMessage, DeliveryFailed, DeliveryReceipt, OutboundMessage

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # "Name <address>"
    security: str = "none"  # none | starttls | tls
    username: str | None = None
    password: str | None = None
    ca_file: Path | None = None
    timeout_seconds: float = 30.0
    unsubscribe_mailto: str = ""
    unsubscribe_url: str | None = None

    @property
    def domain(self) -> str:
        address = parseaddr(self.sender)[1]
        return address.rpartition("@")[2] or "localhost"


def build_email(message: OutboundMessage, *, settings: SmtpSettings, clock: Clock) -> EmailMessage:
    """The MIME message for ``message``: text first, HTML as the preferred alternative."""
    email = EmailMessage(policy=SMTP)  # CRLF line ends, as the SMTP DATA command needs
    email["From"] = settings.sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message_id(message, settings=settings)
    unsubscribe = []
    if settings.unsubscribe_mailto:
        subject = quote(f"unsubscribe {message.token}")
        unsubscribe.append(f"<mailto:{settings.unsubscribe_mailto}?subject={subject}>")
    if settings.unsubscribe_url:
        unsubscribe.append(f"<{settings.unsubscribe_url.rstrip('/')}/{message.token}>")
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if unsubscribe:
        email["List-Unsubscribe"] = ", ".join(unsubscribe)
    email.set_content(message.text, cte="quoted-printable")
    if message.html:
        email.add_alternative(message.html, subtype="html", cte="quoted-printable")
    email["Content-Language"] = message.language  # after the body: set_content drops Content-*
    return email


def message_id(message: OutboundMessage, *, settings: SmtpSettings) -> str:
    return f"<{message.token}@{settings.domain}>"


class SmtpEmailChannel:
    """Implements ``MessageChannel`` for email."""

    name = "email"
    idempotent = False  # an SMTP server has no idempotency key: an in-doubt send is not redone

    def __init__(self, settings: SmtpSettings, *, clock: Clock) -> None:
        if settings.security not in SECURITY_MODES:
            raise ValueError(f"smtp_security must be one of {SECURITY_MODES}")
        self.settings = settings
        self.clock = clock

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt:
        message = cleared.require()
        email = build_email(message, settings=self.settings, clock=self.clock)
        sender = parseaddr(self.settings.sender)[1]
        try:
            with self._connect() as connection:
                self._envelope(connection, sender, message.recipient)
                try:
                    code, reply = connection.data(email.as_bytes())
                except (smtplib.SMTPServerDisconnected, OSError) as lost:
                    raise DeliveryFailed(
                        f"in doubt: the connection was lost after the message was sent ({lost}); "
                        "not resent automatically",
                        permanent=True,
                    ) from None
                if code != 250:
                    raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPRecipientsRefused as refused:
            code, reply = next(iter(refused.recipients.values()))
            raise _failure(code, reply, recipient=True) from None
        except smtplib.SMTPResponseException as error:
            raise _failure(error.smtp_code, error.smtp_error, recipient=False) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(
                f"mail server unreachable: {type(error).__name__}: {error}", permanent=False
            ) from None
        details = {"smtp_reply": reply.decode(errors="replace")}
        return DeliveryReceipt(str(email["Message-ID"]), details)

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        ca_file = str(settings.ca_file) if settings.ca_file else None
        context = ssl.create_default_context(cafile=ca_file)
        connection: smtplib.SMTP
        if settings.security == "tls":
            connection = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            connection = smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout_seconds
            )
        try:
            connection.ehlo()
            if settings.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if settings.username:
                connection.login(settings.username, settings.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    @staticmethod
    def _envelope(connection: smtplib.SMTP, sender: str, recipient: str) -> None:
        code, reply = connection.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        code, reply = connection.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})


def _failure(code: int, reply: bytes | str, *, recipient: bool) -> DeliveryFailed:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    if 500 <= code < 600 and recipient:
        return DeliveryFailed(f"recipient refused: {code} {text}", permanent=True, bounced=True)
    if 500 <= code < 600 and code != 535:
        return DeliveryFailed(f"refused by the mail server: {code} {text}", permanent=True)
    return DeliveryFailed(f"mail server said try later: {code} {text}", permanent=False)
