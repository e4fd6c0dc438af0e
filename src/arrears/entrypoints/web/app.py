"""The web app and API in one FastAPI application: ``create_app(container)``.

Each workflow plugs in as a router and its templates. Static files (HTMX and the stylesheet)
are served from the package: nothing is fetched from a CDN, so everything works offline.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

import numpy as np
from anyio import to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from arrears import bootstrap
from arrears.batch.arrays import gather_strings
from arrears.bootstrap import Container
from arrears.compliance import localities
from arrears.entrypoints.api import include_api
from arrears.entrypoints.web import errors
from arrears.entrypoints.web.access import WebContext
from arrears.entrypoints.web.routes import (
    admin,
    agent,
    auth,
    negotiation,
    offers,
    portal,
    supervisor,
)
from arrears.entrypoints.web.security_headers import SecurityHeaders
from arrears.entrypoints.web.templating import HERE, build_templates, compile_templates
from arrears.services.portal import LinkSender
from arrears.services.ports import PaymentGateway


def create_app(
    container: Container,
    *,
    gateway: PaymentGateway | None = None,
    link_sender: LinkSender | None = None,
) -> FastAPI:
    app = FastAPI(
        title="arrears",
        version="1",
        summary="Loan recovery: accounts, payments, holds, work queues and reviews.",
        description=(
            "Authenticate with `Authorization: Bearer <token>` (systems) or a signed-in "
            "session (people; unsafe requests then need the `X-CSRF-Token` header). "
            "Every POST takes an `Idempotency-Key`. Errors are RFC 9457 problem+json."
        ),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=_worker_threads(container.settings.web_threads),
    )
    app.state.web = WebContext(
        container=container,
        auth=bootstrap.web_auth(container),
        gateway=gateway or bootstrap.payment_gateway(container),
        link_sender=link_sender or bootstrap.portal_link_sender(container),
        templates=build_templates(),
    )
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    # The API first: routes are tried in order, and most requests are the API's.
    include_api(app)
    for router in (
        auth.router, agent.router, negotiation.router, offers.agent_router, supervisor.router,
        offers.supervisor_router, portal.router, admin.router, admin.agency_router,
    ):  # fmt: skip
        app.include_router(router, include_in_schema=False)  # pages, not the API
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    _warm()
    return app


def _worker_threads(count: int) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Run at most ``count`` requests of this process at once (``web_threads``): synchronous
    routes run in anyio's worker threads, 40 by default, and 40 threads of one interpreter
    mostly wait for each other (the load test answered a third more requests with 6)."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = count
        yield

    return lifespan


SERVING_GC_THRESHOLDS = (5_000, 20, 50)
"""A serving process's garbage-collection thresholds (``gc.set_threshold``): young collections
after 5,000 allocations net (700 by default), the middle one after 20 of them, the full one
after 50 middle ones (10 and 10)."""


def serving_app(container: Container) -> FastAPI:
    """The app as a serving process runs it (``arrears serve``, each of its workers, the load
    test's server): built, then settled before its first request (``settle_heap``)."""
    app = create_app(container)
    settle_heap(app)
    return app


def settle_heap(app: FastAPI | None = None) -> None:
    """For a serving process, once its app is built: compile every page template of ``app``
    (each one's first render compiled it, 5–20 ms with the interpreter locked, in the middle
    of the load test's measured window for the pages the warm-up did not show), collect once,
    then leave what the process holds so far (modules, the app, the ZIP table: about 400,000
    objects) out of later garbage collections. A full collection walked them all: 300 ms with
    the interpreter locked, every request of the process stalled behind it. (Not in
    ``create_app``: tests build many apps in one process, and what each leaves behind must
    stay collectable.)

    With the startup objects frozen, a full collection still came every 3 s or so under load
    (it runs once the objects that reached the oldest generation since the last one are a
    quarter of those there, and frozen ones do not count), 12–50 ms each with the interpreter
    locked and almost nothing found: most of the account view's tail in the load test. Fewer,
    larger young collections promote less, and the full one waits for 50 middle ones
    (``SERVING_GC_THRESHOLDS``; docs/benchmarks.md, "garbage collection")."""
    if app is not None:
        compile_templates(app.state.web.templates)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*SERVING_GC_THRESHOLDS)


def _warm() -> None:
    """Load now, once per process, what the first requests would otherwise load: the ZIP table
    of the locality rules (0.6 s of CPU) and pandas, which pyarrow imports the first time a
    posting builds an Arrow array (1–2 s)."""
    localities.warm()
    gather_strings("warm", ["warm"], np.zeros(1, dtype=np.int64))
