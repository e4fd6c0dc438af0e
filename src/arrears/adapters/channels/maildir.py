"""Email delivered into a local Maildir instead of a mail server.

For staging and the demo: the messages are the very MIME messages SMTP would carry (built by
``smtp.build_email``: the same headers, ``Message-ID`` and ``List-Unsubscribe``), written one
file per message so any mail reader (``mutt -f DIR``, Thunderbird's Maildir import) opens them.
The file is named after the outbox message's token and written to ``tmp/`` then renamed into
``new/`` (the Maildir delivery protocol), so a message handed over twice is one file, and a
crash mid-write leaves no half message in ``new/``.
"""

from __future__ import annotations

import os
from pathlib import Path

from arrears.adapters.channels.smtp import SmtpSettings, build_email
from arrears.domain.clock import Clock
from arrears.services.ports import ClearedMessage, DeliveryFailed, DeliveryReceipt

MAILDIR_FOLDERS = ("tmp", "new", "cur")


class MaildirEmailChannel:
    """Implements ``MessageChannel`` for email, into a Maildir."""

    name = "email"
    idempotent = True  # one file per outbox token: handing it over again rewrites the same file

    def __init__(self, root: Path, settings: SmtpSettings, *, clock: Clock) -> None:
        self.root = root
        self.settings = settings
        self.clock = clock

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt:
        message = cleared.require()
        email = build_email(message, settings=self.settings, clock=self.clock)
        name = f"{message.token}.arrears"
        try:
            for folder in MAILDIR_FOLDERS:
                (self.root / folder).mkdir(parents=True, exist_ok=True)
            temporary = self.root / "tmp" / name
            temporary.write_bytes(email.as_bytes())
            os.replace(temporary, self.root / "new" / name)
        except OSError as error:
            raise DeliveryFailed(
                f"cannot write to the maildir {self.root}: {error.strerror or error}",
                permanent=False,
            ) from None
        return DeliveryReceipt(str(email["Message-ID"]), {"file": str(self.root / "new" / name)})
