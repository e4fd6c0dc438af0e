"""The built-in test gateway: approves or declines by card number, like providers' test modes.

| card number          | result                      |
|----------------------|-----------------------------|
| 4000 0000 0000 0002  | declined: card declined     |
| 4000 0000 0000 9995  | declined: insufficient funds|
| 4000 0000 0000 0069  | declined: card expired      |
| fails the Luhn check | declined: number not valid  |
| any other number     | approved                    |

A real provider is another adapter with the same ``charge`` method. Charges are remembered by
idempotency key, so asking again with the same key returns the first result.
"""

from __future__ import annotations

import hashlib
import threading

from arrears.services.ports import CardDetails, GatewayResult

DECLINES = {
    "4000000000000002": "card declined",
    "4000000000009995": "insufficient funds",
    "4000000000000069": "card expired",
}


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return bool(digits) and total % 10 == 0


class SandboxGateway:
    name = "sandbox"

    def __init__(self) -> None:
        self._seen: dict[str, GatewayResult] = {}
        self._lock = threading.Lock()

    def charge(
        self,
        *,
        amount_minor: int,
        currency: str,
        card: CardDetails,
        idempotency_key: str,
        description: str,
    ) -> GatewayResult:
        with self._lock:
            if idempotency_key in self._seen:
                return self._seen[idempotency_key]
            reference = "sbx_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]
            digits = "".join(ch for ch in card.number if ch.isdigit())
            if not luhn_ok(digits):
                result = GatewayResult(False, reference, "the card number is not valid")
            elif digits in DECLINES:
                result = GatewayResult(False, reference, DECLINES[digits])
            else:
                result = GatewayResult(True, reference)
            self._seen[idempotency_key] = result
            return result
