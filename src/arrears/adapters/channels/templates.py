"""The message template library: Jinja2 templates, versioned, per language (docs/channels.md).

``src/arrears/templates/messages/<template>/template.toml`` holds a template's metadata (its
version above all: every outbox message records the version it was rendered with) and
``<language>/`` its files: ``subject.txt`` + ``email.txt`` for email (the HTML alternative is
the shared layout around the same paragraphs, so both parts always say the same thing),
``sms.txt``, ``letter.html`` (extending the shared letter layout) and ``script.txt`` for call
and voicemail scripts.

Rendering is strict: an undefined variable is an error (``StrictUndefined``), never an empty
string, and becomes a ``TemplateFailure`` that blocks the message with a clear reason. HTML is
autoescaped, and values are data, never template source, so a borrower named ``{{ 7*7 }}`` is
printed as such. After rendering, the required statements are checked in the visible text:
the debt-collector disclosure in every collection message (12 CFR 1006.18(e)), the
opt-out notice in every email and text (1006.6(e)) and every disclosure the compliance gate
requires for this message (``disclosures``, in the message's language: e.g. a state's
time-barred notice, Cal. Civ. Code 1788.14(d)); a letter's return-address window may show
nothing that suggests debt collection (15 U.S.C. 1692f(8)).
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    UndefinedError,
    meta,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context

from arrears.domain.money import Money
from arrears.services.ports import RenderedMessage, TemplateFailure

DEFAULT_ROOT = Path(str(files("arrears") / "templates" / "messages"))
LANGUAGES = ("en", "es")
SHARED = "_shared"

#: What a limited-content voicemail may contain (12 CFR 1006.2(j)): a business name that does
#: not suggest debt collection, a request to reply, the names of people to contact and
#: callback numbers; optionally a salutation, the date and time, suggested reply times and that
#: any representative can help. The voicemail script may use no other variable.
LIMITED_CONTENT_VARIABLES = frozenset(
    {"business_name", "agent_name", "callback_number", "salutation", "left_at", "reply_times"}
)

#: Words that must not show through an envelope window (15 U.S.C. 1692f(8)).
COLLECTION_WORDS = (
    "debt", "collect", "recover", "arrears", "delinquen", "overdue", "past due", "owe",
    "deuda", "cobr", "moros", "vencid",
)  # fmt: skip

_MONTHS_ES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip
_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_WINDOW = re.compile(
    r'<div class="window return-window"[^>]*>(.*?)</div>', re.DOTALL | re.IGNORECASE
)


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    version: int
    description: str
    channels: tuple[str, ...]
    collection: bool  # carries the debt-collector disclosure (1006.18(e))
    limited_content: bool  # a limited-content message (1006.2(j))
    opt_out_notice: bool  # electronic versions carry the opt-out notice (1006.6(e))


def visible_text(markup: str) -> str:
    """The text a reader sees in ``markup``: tags removed, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", markup))).strip()


def collection_words_in(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in COLLECTION_WORDS if word in lowered]


class JinjaTemplates:
    """Renders messages from the template library (implements ``MessageRenderer``)."""

    def __init__(self, root: Path = DEFAULT_ROOT) -> None:
        self.root = root
        self.env = Environment(
            loader=FileSystemLoader(str(root)),
            autoescape=select_autoescape(enabled_extensions=("html",), default=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.env.filters["money"] = _money
        self.env.filters["longdate"] = _longdate
        self.env.filters["paragraphs"] = _paragraphs

    # -- the library ----------------------------------------------------------------------------

    @cached_property
    def _infos(self) -> dict[str, TemplateInfo]:
        found = {}
        for path in sorted(self.root.glob("*/template.toml")):
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            found[path.parent.name] = TemplateInfo(
                name=path.parent.name,
                version=int(data["version"]),
                description=str(data.get("description", "")),
                channels=tuple(data.get("channels", ())),
                collection=bool(data.get("collection", True)),
                limited_content=bool(data.get("limited_content", False)),
                opt_out_notice=bool(data.get("opt_out_notice", True)),
            )
        return found

    def names(self) -> list[str]:
        return sorted(self._infos)

    def info(self, template: str) -> TemplateInfo | None:
        return self._infos.get(template)

    def variables(self, template: str, language: str, file: str) -> set[str]:
        """The top-level variables a template file uses (for the voicemail whitelist test)."""
        name = f"{template}/{language}/{file}"
        assert self.env.loader is not None
        source = self.env.loader.get_source(self.env, name)[0]
        return set(meta.find_undeclared_variables(self.env.parse(source)))

    # -- rendering -------------------------------------------------------------------------------

    def render(
        self, *, template: str, channel: str, language: str, context: dict[str, Any]
    ) -> RenderedMessage:
        info = self._info(template, channel)
        language = language if language in LANGUAGES else "en"
        values = {**context, "language": language, "channel": channel}
        subject = text = markup = ""
        if channel == "email":
            subject = self._render(f"{template}/{language}/subject.txt", values).strip()
            text = self._render(f"{template}/{language}/email.txt", values).strip() + "\n"
            markup = self._render(f"{SHARED}/email.html", {**values, "body": text})
        elif channel == "sms":
            text = _SPACE.sub(" ", self._render(f"{template}/{language}/sms.txt", values)).strip()
        elif channel == "letter":
            markup = self._render(f"{template}/{language}/letter.html", values)
            self._check_envelope(template, markup)
        else:
            text = self._render(f"{template}/{language}/script.txt", values).strip() + "\n"
        self._check_statements(info, channel, language, values, text or visible_text(markup))
        return RenderedMessage(template, info.version, language, channel, subject, text, markup)

    def render_script(self, *, template: str, language: str, context: dict[str, Any]) -> str:
        """A call or voicemail script for an agent (never sent through a channel)."""
        rendered = self.render(
            template=template, channel="call", language=language, context=context
        )
        return rendered.text

    def _info(self, template: str, channel: str) -> TemplateInfo:
        info = self._infos.get(template)
        if info is None:
            raise TemplateFailure(f"no message template {template!r} in the library")
        if channel not in info.channels:
            raise TemplateFailure(f"template {template!r} has no {channel} version")
        return info

    def _render(self, name: str, values: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(values)
        except TemplateNotFound as missing:
            raise TemplateFailure(f"template file {missing.name} is missing") from None
        except UndefinedError as error:
            raise TemplateFailure(f"{name}: {error.message}") from None
        except TemplateError as error:
            raise TemplateFailure(f"{name}: {error}") from None

    def _check_statements(
        self, info: TemplateInfo, channel: str, language: str, values: dict[str, Any], text: str
    ) -> None:
        flat = _SPACE.sub(" ", text)
        if info.limited_content and collection_words_in(flat):
            raise TemplateFailure(
                f"{info.name}/{language}: a limited-content message may not mention "
                f"{collection_words_in(flat)} (12 CFR 1006.2(j))"
            )
        required = []
        if info.collection:
            required.append("disclosure.txt")
        if channel in {"email", "sms"} and info.opt_out_notice:
            required.append(f"opt_out_{channel}.txt")
        for part in required:
            statement = _SPACE.sub(" ", self._render(f"{SHARED}/{language}/{part}", values)).strip()
            if statement not in flat:
                raise TemplateFailure(
                    f"{info.name}/{language}/{channel} lacks the required statement "
                    f"{part.removesuffix('.txt')!r} (12 CFR 1006.18(e), 1006.6(e))"
                )
        for notice in values.get("disclosures", ()):
            if _SPACE.sub(" ", str(notice)).strip() not in flat:
                raise TemplateFailure(
                    f"{info.name}/{language}/{channel} does not print a disclosure the "
                    f"compliance gate requires: {str(notice)[:60]!r}…"
                )

    @staticmethod
    def _check_envelope(template: str, markup: str) -> None:
        window = _WINDOW.search(markup)
        if window is None:
            raise TemplateFailure(f"letter {template!r} has no return-address window")
        words = collection_words_in(visible_text(window.group(1)))
        if words:
            raise TemplateFailure(
                f"letter {template!r}: the envelope window shows {words} (15 U.S.C. 1692f(8))"
            )


@pass_context
def _money(context: Context, minor: int) -> str:
    return Money(int(minor), str(context.get("currency", "USD"))).format()


@pass_context
def _longdate(context: Context, value: str | date) -> str:
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    if context.get("language") == "es":
        return f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}"
    return f"{day:%B} {day.day}, {day.year}"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
