"""Jinja2 templates with the filters every page uses (money, dates, masking) and the portal's
words in English and Spanish (``locales/<lang>.json``, the same keys in each)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import HTMLResponse

from arrears.domain.borrowers import mask_ssn
from arrears.domain.contacts import ContactPoint
from arrears.domain.money import Money

HERE = Path(__file__).parent
LANGUAGES = ("en", "es")


@cache
def messages(language: str) -> dict[str, str]:
    path = HERE / "locales" / f"{language}.json"
    found: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return found


def translator(language: str) -> Callable[..., str]:
    words = messages(language if language in LANGUAGES else "en")
    english = messages("en")

    def translate(key: str, **values: Any) -> str:
        text = words.get(key) or english.get(key) or key
        return text.format(**values) if values else text

    return translate


def money(value: Any, currency: str = "USD") -> str:
    if isinstance(value, Money):
        return value.format()
    if value is None:
        return "—"
    return Money(int(value), currency).format()


MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}


def day(value: Any, language: str = "en") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    months = MONTHS.get(language, MONTHS["en"])
    return f"{value.day} {months[value.month - 1]} {value.year}"


def moment(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:%Y-%m-%d %H:%M} UTC" if isinstance(value, datetime) else str(value)


def contact_value(point: ContactPoint) -> str:
    """Phone numbers as (617) 555-0101, emails as they are."""
    value = point.value
    if value.startswith("+1") and len(value) == 12:
        return f"({value[2:5]}) {value[5:8]}-{value[8:]}"
    return value


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    env = templates.env
    # The pages ship with the package: no file is checked for changes on every render (a
    # page and its includes each cost a stat call per request otherwise).
    env.auto_reload = False
    env.filters.update(money=money, day=day, moment=moment, mask_ssn=mask_ssn)
    env.filters["contact"] = contact_value
    env.globals["languages"] = LANGUAGES
    return templates


def compile_templates(templates: Jinja2Templates) -> int:
    """Compile every template now (they are kept: ``auto_reload`` is off); how many."""
    names = templates.env.list_templates(extensions=["html"])
    for name in names:
        templates.env.get_template(name)
    return len(names)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    language: str = "en",
) -> HTMLResponse:
    """Render ``template`` with the request's principal, CSRF token and translator."""
    templates: Jinja2Templates = request.app.state.web.templates
    session = getattr(request.state, "session", None)
    values = {
        "principal": getattr(request.state, "principal", None),
        "csrf": session.csrf_token if session else "",
        "lang": language,
        "t": translator(language),
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, values, status_code=status_code)
