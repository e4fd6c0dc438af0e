"""Administration: staff users and the API tokens of systems (admins only), and the agency
role's landing page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from arrears.entrypoints.web.access import Access, context, principal_of
from arrears.entrypoints.web.cookies import see_other
from arrears.entrypoints.web.templating import render
from arrears.services import users
from arrears.services.auth import STAFF_ROLES, Role

router = APIRouter(prefix="/admin", dependencies=[Depends(Access(Role.ADMIN))])
agency_router = APIRouter(dependencies=[Depends(Access(Role.AGENCY))])


def _page(request: Request, *, token: str = "", status_code: int = 200) -> Response:
    web = context(request)
    return render(
        request,
        "admin/users.html",
        {
            "users": users.list_users(uow_factory=web.container.uow),
            "tokens": users.list_tokens(uow_factory=web.container.uow),
            "roles": sorted(STAFF_ROLES),
            "new_token": token,
        },
        status_code=status_code,
    )


@router.get("/users")
def user_list(request: Request) -> Response:
    return _page(request)


@router.post("/users")
def add_user(
    request: Request,
    *,
    username: Annotated[str, Form(max_length=64)],
    display_name: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1024)],
    queues: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    web = context(request)
    users.create_user(
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        queues=tuple(q.strip() for q in queues.split(",") if q.strip()),
        by=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return see_other("/admin/users", request)


@router.post("/users/{username}/active")
def set_active(request: Request, username: str, active: Annotated[bool, Form()]) -> Response:
    web = context(request)
    users.set_active(
        username,
        active,
        by=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return see_other("/admin/users", request)


@router.post("/tokens")
def add_token(
    request: Request,
    name: Annotated[str, Form(max_length=80)],
    role: Annotated[str, Form(max_length=20)],
    days: Annotated[int, Form(ge=0, le=3650)] = 365,
) -> Response:
    """Issue a token; the page shows it once and it is never shown again."""
    web = context(request)
    _, token = users.issue_token(
        name=name,
        role=role,
        days=days or None,
        by=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return _page(request, token=token, status_code=201)


@router.post("/tokens/{token_id}/revoke")
def revoke(request: Request, token_id: int) -> Response:
    web = context(request)
    users.revoke_token(
        token_id,
        by=principal_of(request).actor,
        uow_factory=web.container.uow,
        clock=web.container.clock,
    )
    return see_other("/admin/users", request)


@agency_router.get("/agency")
def agency_home(request: Request) -> Response:
    return render(request, "agency/home.html", {})
