"""Typed reads of a step's details (JSON data: numbers, ISO dates, text)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from arrears.errors import RuleViolation


def _missing(key: str) -> RuleViolation:
    return RuleViolation(f"{key} is required", rule="repossession.details", source="")


def number(details: Mapping[str, Any], key: str) -> int:
    value = details.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _missing(key)
    return value


def text(details: Mapping[str, Any], key: str) -> str:
    value = details.get(key, "")
    return str(value).strip() if value is not None else ""


def day(details: Mapping[str, Any], key: str) -> date:
    found = optional_day(details, key)
    if found is None:
        raise _missing(key)
    return found


def optional_day(details: Mapping[str, Any], key: str) -> date | None:
    value = details.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RuleViolation(
            f"{key} {value!r} is not a date", rule="repossession.details", source=""
        ) from None
