"""Idempotency keys: every API POST carries an ``Idempotency-Key`` header. The first request with
a key is carried out and its response stored; a replay (same key, same request) returns the
stored response with ``Idempotent-Replayed: true``; the same key with a different request is
refused, and so is a replay while the first request is still running.

Keys are scoped to the caller (user, borrower or token), stored in ``idempotency_keys``.
A request that fails releases its key so the caller can correct it and retry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.encoders import jsonable_encoder
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from arrears.entrypoints.api.problems import problem
from arrears.entrypoints.web.access import context
from arrears.services.auth import Principal
from arrears.services.ports import IdempotencyRecord

HEADER = "Idempotency-Key"
STALE_AFTER = timedelta(minutes=2)

IdempotencyKey = Annotated[
    str,
    Header(
        alias=HEADER,
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9._:-]+$",
        description="A unique key per operation (a UUID); a retry with the same key returns "
        "the first response instead of doing it twice.",
    ),
]


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\0".join([method.encode(), path.encode(), body])).hexdigest()


def _claim(request: Request, principal: Principal, key: str, print_: str) -> Any:
    web = context(request)
    now = web.container.clock.now()
    with web.container.uow() as uow:
        found = uow.web.claim_key(
            principal=principal.actor, key=key, fingerprint=print_, at=now,
            stale_before=now - STALE_AFTER,
        )  # fmt: skip
        uow.commit()
    return found


def _finish(request: Request, principal: Principal, key: str, status: int, body: Any) -> None:
    web = context(request)
    with web.container.uow() as uow:
        if status < 300:
            uow.web.complete_key(
                principal=principal.actor, key=key, status_code=status,
                response=json.dumps(body), at=web.container.clock.now(),
            )  # fmt: skip
        else:
            uow.web.release_key(principal=principal.actor, key=key)
        uow.commit()


def _replay(record: IdempotencyRecord, print_: str) -> JSONResponse:
    if record.fingerprint != print_:
        return problem(
            422, "idempotency-key-reused",
            "this Idempotency-Key was used for a different request",
        )  # fmt: skip
    if record.state != "done" or record.response is None:
        return problem(409, "in-progress", "a request with this Idempotency-Key is running")
    return JSONResponse(
        json.loads(record.response),
        status_code=record.status_code or 200,
        headers={"Idempotent-Replayed": "true"},
    )


async def idempotent(
    request: Request,
    principal: Principal,
    key: str,
    work: Callable[[], tuple[int, Any]],
) -> JSONResponse:
    """Run ``work`` (returning status and body) once per key; replay its stored response."""
    print_ = fingerprint(request.method, request.url.path, await request.body())
    existing = await run_in_threadpool(_claim, request, principal, key, print_)
    if existing is not None:
        return _replay(existing, print_)
    try:
        status, body = await run_in_threadpool(work)
    except BaseException:
        await run_in_threadpool(_finish, request, principal, key, 500, None)
        raise
    encoded = jsonable_encoder(body)
    await run_in_threadpool(_finish, request, principal, key, status, encoded)
    return JSONResponse(encoded, status_code=status)
