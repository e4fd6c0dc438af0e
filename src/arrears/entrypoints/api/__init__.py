"""The REST API, versioned under ``/api/v1`` and described by OpenAPI (``/api/v1/openapi.json``).

Systems authenticate with a bearer token (``Authorization: Bearer arr_…``); people use their
signed-in session. Errors are problem+json (RFC 9457); every POST takes an ``Idempotency-Key``.
"""

from __future__ import annotations

import importlib
import importlib.util

from fastapi import APIRouter, Depends, FastAPI

from arrears.entrypoints.api import loans, meta, negotiation, offers, payments, work
from arrears.entrypoints.web.access import Access

PREFIX = "/api/v1"


def include_api(app: FastAPI) -> None:
    """The API's routers, each included in the app under ``PREFIX``. Not through one router
    of their own: FastAPI builds a nested router's routes again per request (a twentieth of an
    API account view's CPU)."""
    for part in (meta, loans, work, negotiation, offers, payments):
        app.include_router(part.router, prefix=PREFIX)
    webhooks = webhook_router()
    if webhooks is not None:
        # Providers cannot sign in: each webhook checks the provider's signature itself.
        public = [Depends(Access.public_route(csrf=False))]
        app.include_router(webhooks, prefix=PREFIX, dependencies=public)


def webhook_router() -> APIRouter | None:
    """The SMS provider's webhooks, once that module exists."""
    name = "arrears.entrypoints.api.sms_webhooks"
    if importlib.util.find_spec(name) is None:
        return None
    found = getattr(importlib.import_module(name), "router", None)
    return found if isinstance(found, APIRouter) else None
