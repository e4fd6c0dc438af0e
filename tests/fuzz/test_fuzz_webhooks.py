"""Hostile webhook calls (issue 12): the SMS provider's webhook (``POST /webhooks/sms``) and the
one-click unsubscribe (``POST /unsubscribe/{token}``) through the FastAPI TestClient, with
random bodies, random or forged ``X-Signature`` headers (garbled, non-ASCII, huge or negative
timestamps, many ``v1`` digests), correctly signed random bodies and events, and random tokens.
Never a 500; a bad signature is refused (401); a refused call writes nothing (every table
counted before and after).

One database per module (SQLite, and PostgreSQL when configured) with a small Texas book;
seeded, a few dozen calls per test in CI, many more under ``-m slow``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import SecretStr

from arrears.adapters.channels.webhook_signature import sign
from arrears.bootstrap import Container
from arrears.entrypoints.api.sms_webhooks import router
from fuzz.conftest import examples
from support.db import table_counts
from support.outbox import import_texas

SECRET = "webhook-secret"


@pytest.fixture(scope="module")
def book(module_container: Container, tmp_path_factory: pytest.TempPathFactory) -> Container:
    import_texas(module_container, tmp_path_factory.mktemp("texas"), 3)
    module_container.settings = module_container.settings.model_copy(
        update={"sms_webhook_secret": SecretStr(SECRET)}
    )
    return module_container


@pytest.fixture(scope="module")
def client(book: Container) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.container = book
    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def _now(book: Container) -> int:
    return int(book.clock.now().timestamp())


def _call(client: TestClient, book: Container, body: bytes, headers: dict[str, Any]) -> int:
    """POST the webhook; no 500, and a refused call (4xx) changes nothing."""
    before = table_counts(book)
    response = client.post("/webhooks/sms", content=body, headers=headers)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        assert table_counts(book) == before, "a refused webhook must change nothing"
    return response.status_code


header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=200)
timestamps = st.integers(-(2**80), 2**80) | st.integers(-(10**400), 10**400).map(str)
signatures = (
    header_text
    | st.builds(lambda t, v: f"t={t},v1={v}", timestamps, header_text)
    | st.builds(lambda t, n: f"t={t}," + ",".join(["v1=00"] * n), timestamps, st.integers(0, 50))
)


@given(body=st.binary(max_size=500), signature=signatures | st.none())
@example(body=b"{}", signature="t=1" + "0" * 400 + ",v1=00")
@example(body=b"{}", signature="t=1764255600,v1=\u00e9\u00e9")
@examples(ci=60, slow=2000)
def test_a_bad_or_missing_signature_is_refused(
    client: TestClient, book: Container, body: bytes, signature: str | None
) -> None:
    """Random bodies with random, garbled or missing signatures: 401, nothing written."""
    headers = {} if signature is None else {"X-Signature": signature.encode("latin-1")}
    assert _call(client, book, body, headers) == 401


@given(body=st.binary(max_size=200), shift=st.integers(-(2**40), 2**40))
@examples(ci=30, slow=1000)
def test_a_signature_from_another_time_is_refused(
    client: TestClient, book: Container, body: bytes, shift: int
) -> None:
    """Correctly signed with the secret, but at a time more than 5 minutes away: a replay."""
    if abs(shift) <= 300:
        shift += 301 if shift >= 0 else -301
    header = sign(body, secret=SECRET, timestamp=_now(book) + shift)
    assert _call(client, book, body, {"X-Signature": header}) == 401


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=8,
)
events = st.fixed_dictionaries(
    {
        "event_id": st.text(max_size=300) | st.integers() | json_values,
        "type": st.sampled_from(["message.inbound", "message.status", "other"]) | json_values,
    },
    optional={
        "from": st.sampled_from(["+15125550001", "+15125550003", ""]) | st.text(max_size=40)
        | json_values,
        "text": st.sampled_from(["STOP", "ALTO", "HELP", "stop all", ""]) | st.text(max_size=200)
        | json_values,
        "status": st.sampled_from(["delivered", "failed", "undelivered", "sent"]) | json_values,
        "message_id": st.text(max_size=300) | json_values,
        "error": st.text(max_size=500) | json_values,
    },
)  # fmt: skip


@given(body=events.map(lambda e: json.dumps(e).encode()) | st.binary(max_size=300))
@example(body=b"[" * 100_000)
@example(body=json.dumps({"event_id": "x" * 10_000, "type": "message.status"}).encode())
@example(body=json.dumps({"event_id": "e\u0000", "type": "message.inbound", "from": "\u0000",
                          "text": "STOP\u0000"}).encode())  # fmt: skip
@examples(ci=60, slow=2000)
def test_correctly_signed_hostile_events_never_give_a_500(
    client: TestClient, book: Container, body: bytes
) -> None:
    """Signed with the secret: random bytes, deep nesting, events with fields of any type,
    huge ids, NUL characters. Handled (200) or refused as a bad webhook (400)."""
    header = sign(body, secret=SECRET, timestamp=_now(book))
    assert _call(client, book, body, {"X-Signature": header}) in (200, 400)


@given(token=st.text(min_size=1, max_size=300))
@example(token="\u0000")
@example(token="x" * 5000)
@examples(ci=40, slow=1000)
def test_an_unknown_unsubscribe_token_is_a_404_that_changes_nothing(
    client: TestClient, book: Container, token: str
) -> None:
    """Random tokens in the one-click unsubscribe link: 404 (no such email), never a 500,
    nothing written."""
    before = table_counts(book)
    response = client.post(f"/unsubscribe/{quote(token, safe='')}")
    assert response.status_code < 500, response.text
    assert response.status_code in (404, 405, 422), response.text
    assert table_counts(book) == before


def test_the_fuzzed_client_really_reaches_the_handler(client: TestClient, book: Container) -> None:
    """A good signature over a good event is accepted (200), so the 401s above are the
    signature check's doing, not a route that is never reached."""
    body = json.dumps({"event_id": "fuzz-ok", "type": "other"}).encode()
    header = sign(body, secret=SECRET, timestamp=_now(book))
    assert _call(client, book, body, {"X-Signature": header}) == 200
