"""Real local servers standing in for the outside world of the channels (never mocks).

- ``SmtpSink``: an SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it accepts;
  it can refuse recipients (550) and, seeded, refuse a share of messages for now (451).
- ``SmsProvider``: an HTTP SMS provider (stdlib ``http.server``) that honours idempotency keys
  the way real providers do; seeded, it can fail a share of requests *before* or *after*
  accepting the message (the nasty case: it texted the phone, then answered 500).
- ``pdf_pages``: the page count of a PDF, read from its (possibly compressed) objects.
"""

from __future__ import annotations

import json
import random
import re
import socket
import ssl
import threading
import zlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class _SinkHandler:
    refuse: set[str] = field(default_factory=set)
    fail_rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refused_data: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.fail_rate and self.rng.random() < self.fail_rate:
            self.refused_data += 1
            return "451 4.3.0 try again later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 accepted"


class SmtpSink:
    """An SMTP server on a free local port; use as a context manager. With ``tls`` (a
    certificate and key file) it requires STARTTLS, and with ``login`` also AUTH."""

    def __init__(
        self, *, refuse: set[str] | None = None, fail_rate: float = 0.0, seed: int = 0,
        tls: tuple[Path, Path] | None = None, login: tuple[str, str] | None = None,
    ) -> None:  # fmt: skip
        self.handler = _SinkHandler(refuse=refuse or set(), fail_rate=fail_rate,
                                    rng=random.Random(seed))  # fmt: skip
        self.port = free_port()
        options: dict[str, Any] = {}
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            options.update(tls_context=context, require_starttls=True)
        if login is not None:
            options.update(auth_required=True, auth_require_tls=True,
                           authenticator=_Authenticator(*login))  # fmt: skip
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, server_hostname="127.0.0.1",
            **options,
        )  # fmt: skip

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received


@dataclass
class _Authenticator:
    user: str
    password: str

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        ok = auth.login.decode() == self.user and auth.password.decode() == self.password
        return AuthResult(success=ok)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files in ``folder``)."""
    from datetime import UTC, datetime, timedelta
    from ipaddress import IPv4Address

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime(2020, 1, 1, tzinfo=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + timedelta(days=365 * 30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )  # fmt: skip
    return cert_path, key_path


@dataclass
class _ProviderState:
    api_key: str
    fail_rate: float
    rng: random.Random
    invalid_numbers: set[str]
    modes: tuple[str, ...] = ("before", "after")
    accepted: dict[str, dict[str, Any]] = field(default_factory=dict)  # idempotency key → message
    texts_to_phones: list[str] = field(default_factory=list)  # keys, once per text sent
    requests: int = 0
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _ProviderHandler(BaseHTTPRequestHandler):
    state: _ProviderState

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return None

    def do_POST(self) -> None:
        state = self.state
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if self.headers.get("Authorization") != f"Bearer {state.api_key}":
            self._answer(401, {"code": "unauthorized"})
            return
        key = self.headers.get("Idempotency-Key", "")
        with state.lock:
            state.requests += 1
            if key in state.accepted:  # a replay: the first answer, nothing sent again
                self._answer(200, {"id": state.accepted[key]["id"]})
                return
            if body["to"] in state.invalid_numbers:
                self._answer(400, {"code": "invalid_number"})
                return
            mode = ""
            if state.fail_rate and state.rng.random() < state.fail_rate:
                mode = state.rng.choice(state.modes)
                state.failures += 1
            if mode == "before":
                self._answer(503, {"code": "unavailable"})
                return
            message = {"id": f"SM{len(state.accepted) + 1:06d}", **body}
            state.accepted[key] = message
            state.texts_to_phones.append(key)
        self._answer(500 if mode == "after" else 201, {"id": message["id"]})

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class SmsProvider:
    """A local SMS provider HTTP API on a free port; use as a context manager."""

    def __init__(
        self, *, api_key: str = "test-key", fail_rate: float = 0.0, seed: int = 0,
        invalid_numbers: set[str] | None = None, modes: tuple[str, ...] = ("before", "after"),
    ) -> None:  # fmt: skip
        self.state = _ProviderState(api_key, fail_rate, random.Random(seed),
                                    invalid_numbers or set(), modes)  # fmt: skip
        handler = type("Handler", (_ProviderHandler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}/messages"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> SmsProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every Flate-compressed stream inflated (object streams included)."""
    parts = [data]
    for match in _STREAM.finditer(data):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_pages(data: bytes) -> int:
    """How many pages a PDF has: the ``/Count`` of its page tree root (``/Type /Pages``)."""
    trees = re.findall(rb"<<[^>]*?/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf_objects(data))
    return max((int(n) for n in trees), default=0)
