"""Documents rendered from templates that are not messages: a summons package cover sheet is
for counsel and the court, so it is rendered here and kept with the case, not sent through the
outbox (letters to borrowers — the demand letter — are messages and go through the gate).

``src/arrears/templates/documents/<template>/template.toml`` holds the version and
``<language>/document.html`` the HTML. Rendering is strict (an undefined variable is an error)
and autoescaped, like the message library (``adapters.channels.templates``).
"""

from __future__ import annotations

import tomllib
from datetime import date
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from arrears.domain.money import Money
from arrears.services.ports import TemplateFailure

DOCUMENTS_ROOT = Path(str(files("arrears") / "templates" / "documents"))


class JinjaDocuments:
    """Renders documents (implements ``arrears.services.legal_documents.DocumentRenderer``)."""

    def __init__(self, root: Path = DOCUMENTS_ROOT) -> None:
        self.root = root
        self.env = Environment(
            loader=FileSystemLoader(str(root)),
            autoescape=select_autoescape(enabled_extensions=("html",), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters["money"] = _money
        self.env.filters["longdate"] = _longdate

    def version(self, template: str) -> int:
        path = self.root / template / "template.toml"
        if not path.is_file():
            raise TemplateFailure(f"no document template {template!r}")
        return int(tomllib.loads(path.read_text(encoding="utf-8"))["version"])

    def render(self, *, template: str, language: str, context: dict[str, Any]) -> str:
        chosen = language if (self.root / template / language).is_dir() else "en"
        try:
            return self.env.get_template(f"{template}/{chosen}/document.html").render(context)
        except TemplateNotFound as missing:
            raise TemplateFailure(f"document template file {missing.name} is missing") from None
        except TemplateError as error:
            raise TemplateFailure(f"{template}/{chosen}: {error}") from None


@pass_context
def _money(context: Context, minor: int) -> str:
    return Money(int(minor), str(context.get("currency", "USD"))).format()


def _longdate(value: str | date) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return f"{day:%B} {day.day}, {day.year}"
