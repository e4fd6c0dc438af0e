"""SMS through a provider's HTTP API (JSON over HTTPS, Bearer key, idempotency key).

``POST {endpoint}`` with ``{"to", "from", "body", "reference"}`` and the headers
``Authorization: Bearer <key>`` and ``Idempotency-Key: <outbox key>``; the provider answers
``2xx {"id": "<provider message id>"}`` and later posts delivery receipts and replies to our
webhook (``arrears.entrypoints.api.sms_webhooks``). Because the provider de-duplicates on the
idempotency key, handing the same message over again after a crash cannot text the borrower
twice — this channel is ``idempotent``.

Failures: no connection, a timeout, 408, 429, 401/403 (credentials the operator can fix) and
5xx leave the message queued for a retry; 400/404/422 are permanent, and a refusal of the
number itself (``invalid_number``, ``unreachable``, ``landline``) is a bounce that flags it.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from arrears.services.ports import ClearedMessage, DeliveryFailed, DeliveryReceipt

_RETRY_STATUSES = frozenset({401, 403, 408, 409, 425, 429})
_BAD_NUMBER_CODES = frozenset({"invalid_number", "unreachable", "landline", "blocked_number"})


@dataclass(frozen=True)
class SmsSettings:
    endpoint: str
    api_key: str
    sender: str
    timeout_seconds: float = 10.0


class HttpSmsChannel:
    """Implements ``MessageChannel`` for SMS."""

    name = "sms"
    idempotent = True

    def __init__(self, settings: SmsSettings, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self._client = httpx.Client(
            timeout=settings.timeout_seconds,
            transport=transport,
            headers={"Authorization": f"Bearer {settings.api_key}"},
        )

    def close(self) -> None:
        self._client.close()

    def deliver(self, cleared: ClearedMessage) -> DeliveryReceipt:
        message = cleared.require()
        payload = {
            "to": message.recipient,
            "from": self.settings.sender,
            "body": message.text,
            "reference": message.idempotency_key,
        }
        try:
            response = self._client.post(
                self.settings.endpoint,
                json=payload,
                headers={"Idempotency-Key": message.idempotency_key},
            )
        except httpx.HTTPError as error:
            raise DeliveryFailed(
                f"SMS provider unreachable: {type(error).__name__}", permanent=False
            ) from None
        if response.is_success:
            provider_id = _provider_id(response)
            if not provider_id:
                raise DeliveryFailed("SMS provider accepted without a message id", permanent=False)
            return DeliveryReceipt(provider_id, {"status": response.status_code})
        raise _failure(response)


def _provider_id(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    return str(body.get("id") or body.get("message_id") or body.get("sid") or "")


def _failure(response: httpx.Response) -> DeliveryFailed:
    status = response.status_code
    code = ""
    try:
        body = response.json()
        if isinstance(body, dict):
            code = str(body.get("code") or body.get("error") or "")
    except ValueError:
        pass
    summary = f"SMS provider answered {status}{': ' + code if code else ''}"
    if status >= 500 or status in _RETRY_STATUSES:
        return DeliveryFailed(summary, permanent=False)
    if code in _BAD_NUMBER_CODES:
        return DeliveryFailed(summary, permanent=True, bounced=True)
    return DeliveryFailed(summary, permanent=True)
