"""The SMS provider's webhook ``POST /webhooks/sms`` and the one-click email unsubscribe
``POST /unsubscribe/{token}`` (both under the API prefix, neither needs a sign-in).

Replies and delivery receipts arrive here signed with the shared secret (``X-Signature``,
see ``arrears.adapters.channels.webhook_signature``). A bad or missing signature is refused with
401 and changes nothing; a good one is handled by ``arrears.services.sms_inbound``. The web app
includes ``router`` (``arrears.entrypoints.api.webhook_router``); the container comes from the
app's state.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from arrears import bootstrap
from arrears.adapters.channels.webhook_signature import SIGNATURE_HEADER
from arrears.bootstrap import Container
from arrears.entrypoints.api.problems import problem
from arrears.errors import ArrearsError
from arrears.services.email_opt_out import opt_out_email
from arrears.services.sms_inbound import BadSignature, receive_webhook

router = APIRouter(tags=["webhooks"])


def container_of(request: Request) -> Container:
    """The app's container (``app.state.web.container`` or ``app.state.container``)."""
    state = request.app.state
    web = getattr(state, "web", None)
    found: Any = getattr(web, "container", None) or getattr(state, "container", None)
    if not isinstance(found, Container):
        raise RuntimeError("the app has no container in its state")
    return found


@router.post("/webhooks/sms", status_code=200, response_model=None)
async def sms_webhook(request: Request) -> Response:
    """Receive one provider event (a reply or a delivery receipt)."""
    body = await request.body()
    container = container_of(request)
    try:  # the database work runs in a worker thread, not on the event loop
        result = await run_in_threadpool(
            receive_webhook,
            body,
            request.headers.get(SIGNATURE_HEADER),
            verifier=bootstrap.sms_webhook_verifier(container),
            uow_factory=container.uow,
            messaging=bootstrap.messaging(container),
            clock=container.clock,
        )
    except BadSignature as refused:
        return problem(401, "bad-signature", str(refused))
    except ArrearsError as error:
        return problem(400, "bad-webhook", str(error))
    return JSONResponse({"received": result.kind, "opted_out": result.opted_out})


@router.post("/unsubscribe/{token}", status_code=200, response_model=None)
def email_unsubscribe(token: str, request: Request) -> Response:
    """One-click unsubscribe (RFC 8058; the ``List-Unsubscribe`` page): the token in the link
    is the only credential, and the borrower is asked for nothing else (12 CFR 1006.6(e))."""
    container = container_of(request)
    with container.uow() as uow:
        done = opt_out_email(uow, token=token, at=container.clock.now(), clock=container.clock)
        uow.commit()
    if not done:
        return problem(404, "unknown-token", "no email of ours has this unsubscribe link")
    return JSONResponse({"unsubscribed": True})
