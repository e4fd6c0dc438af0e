"""Reading policy files (TOML) strictly: rates are strings parsed as ``Decimal``, never floats.

The recovery workflows keep their policies as data (discount ladders, floors, approval
authority, litigation assumptions, agency fee schedules). A policy file that is wrong is
refused as a whole with every problem named by its key, so a typo never silently prices an
offer. Policies ship in the package (``<workflow>/data/*.toml``) and a lender may pass its own
text instead.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from typing import Any

from arrears.errors import ArrearsError


class PolicyError(ArrearsError):
    """A policy file that cannot be used: every problem is in the message."""

    exit_code = 2


def package_text(package: str, name: str) -> str:
    """The text of a policy file shipped in ``package``'s ``data`` directory."""
    return (files(package) / "data" / name).read_text(encoding="utf-8")


def parse_toml(text: str, *, name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PolicyError(f"{name}: {error}") from None


class Reader:
    """Typed access to a parsed policy that collects problems instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], *, name: str) -> None:
        self.data = data
        self.name = name
        self.problems: list[str] = []

    def table(self, *path: str) -> dict[str, Any]:
        node: Any = self.data
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            self.problems.append(f"[{'.'.join(path)}] is missing")
            return {}
        return node

    def tables(self, key: str) -> list[dict[str, Any]]:
        found = self.data.get(key)
        if not isinstance(found, list) or not found:
            self.problems.append(f"[[{key}]] needs at least one entry")
            return []
        return [item for item in found if isinstance(item, dict)]

    def decimal(
        self, table: dict[str, Any], key: str, *, where: str, low: str = "0", high: str | None = "1"
    ) -> Decimal:
        """A rate or share written as a string (``"0.35"``), within ``[low, high]``."""
        raw = table.get(key)
        if not isinstance(raw, str):
            self.problems.append(f'{where}.{key}: write rates as strings, e.g. "0.25"')
            return Decimal(0)
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.problems.append(f"{where}.{key}: {raw!r} is not a number")
            return Decimal(0)
        if not value.is_finite() or value < Decimal(low) or (high and value > Decimal(high)):
            bounds = f"between {low} and {high}" if high else f"at least {low}"
            self.problems.append(f"{where}.{key}: {raw} should be {bounds}")
        return value

    def integer(self, table: dict[str, Any], key: str, *, where: str, low: int = 0) -> int:
        raw = table.get(key)
        if isinstance(raw, bool) or not isinstance(raw, int):
            self.problems.append(f"{where}.{key}: a whole number is required")
            return low
        if raw < low:
            self.problems.append(f"{where}.{key}: {raw} should be at least {low}")
        return raw

    def text(
        self, table: dict[str, Any], key: str, *, where: str, choices: tuple[str, ...] = ()
    ) -> str:
        raw = table.get(key)
        if not isinstance(raw, str) or not raw:
            self.problems.append(f"{where}.{key}: text is required")
            return choices[0] if choices else ""
        if choices and raw not in choices:
            self.problems.append(f"{where}.{key}: {raw!r} is not one of {', '.join(choices)}")
            return choices[0]
        return raw

    def flag(self, table: dict[str, Any], key: str, *, where: str) -> bool:
        raw = table.get(key)
        if not isinstance(raw, bool):
            self.problems.append(f"{where}.{key}: true or false is required")
            return False
        return raw

    def done(self) -> None:
        """Raise ``PolicyError`` listing every problem found, if any."""
        if self.problems:
            raise PolicyError(f"{self.name}: " + "; ".join(self.problems))
