"""The REST API, versioned under ``/api/v1`` and described by OpenAPI (``/api/v1/openapi.json``).

Systems authenticate with a bearer token (``Authorization: Bearer arr_…``); people use their
signed-in session. Errors are problem+json (RFC 9457); every POST takes an ``Idempotency-Key``.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter, Depends

from arrears.entrypoints.api import loans, meta, negotiation, offers, payments, work
from arrears.entrypoints.web.access import Access

PREFIX = "/api/v1"


def api_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    for part in (meta, loans, work, negotiation, offers, payments):
        router.include_router(part.router)
    webhooks = webhook_router()
    if webhooks is not None:
        # Providers cannot sign in: each webhook checks the provider's signature itself.
        router.include_router(webhooks, dependencies=[Depends(Access.public_route(csrf=False))])
    return router


def webhook_router() -> APIRouter | None:
    """The SMS provider's webhooks, once that module exists."""
    name = "arrears.entrypoints.api.sms_webhooks"
    if importlib.util.find_spec(name) is None:
        return None
    found = getattr(importlib.import_module(name), "router", None)
    return found if isinstance(found, APIRouter) else None
