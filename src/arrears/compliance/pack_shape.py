"""The shape of a rule pack's TOML before its rules are read: every table a table, every text a
text, every list a list of texts.

TOML lets an author write ``states = "MA"`` or ``channels = 5`` or ``[[rule]]`` as a plain value;
read as they are, these either crash the loader or quietly mean something else (a string is a
list of its letters). Compliance is a gate nothing bypasses, so a pack that is not what the
format says (``docs/compliance.md``) is refused with a ``PackError`` naming the rule or the
exemption and the field (issue 12, hostile input).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXTS = ("id", "check", "reason", "source", "effect")
LISTS = ("actors", "channels", "categories")
EXEMPTION_TEXTS = ("id", "condition", "reason", "source")  # the template: exemptions.py
EXEMPTION_LISTS = ("channels", "lifts", "categories")


class ShapeError(ValueError):
    """A value of the wrong TOML type; the message names where it is."""


def check_shape(data: Mapping[str, Any], pack: str) -> None:
    """Raise ``ShapeError`` for the first value whose type the pack format does not allow."""
    head = data.get("pack", {})
    _table(head, f"{pack}: [pack]")
    for key in ("id", "name"):
        _text(head, key, f"{pack}: [pack]")
    for key in ("states", "localities"):
        _texts(head, key, f"{pack}: [pack]")
    _table(data.get("disclosure", {}), f"{pack}: disclosure")
    for number, entry in enumerate(_tables(data, "rule", pack), start=1):
        where = _name(entry, f"{pack}: rule {number}")
        for key in TEXTS:
            _text(entry, key, where)
        for key in LISTS:
            _texts(entry, key, where)
        params = entry.get("params", {})
        _table(params, f"{where}: params")
        _text(params, "disclosure", f"{where}: params")
    for number, entry in enumerate(_tables(data, "exemption", pack), start=1):
        where = _name(entry, f"{pack}: exemption {number}")
        for key in EXEMPTION_TEXTS:
            _text(entry, key, where)
        for key in EXEMPTION_LISTS:
            _texts(entry, key, where)
        _table(entry.get("params", {}), f"{where}: params")


def _name(entry: Mapping[str, Any], fallback: str) -> str:
    found = entry.get("id")
    return found if isinstance(found, str) and found.strip() else fallback


def _tables(data: Mapping[str, Any], key: str, pack: str) -> list[Mapping[str, Any]]:
    found = data.get(key, [])
    if not isinstance(found, list) or not all(isinstance(e, dict) for e in found):
        raise ShapeError(f"{pack}: {key} must be a list of tables ([[{key}]])")
    return found


def _table(value: object, where: str) -> None:
    if not isinstance(value, dict):
        raise ShapeError(f"{where} must be a table")


def _text(entry: Mapping[str, Any], key: str, where: str) -> None:
    if key in entry and not isinstance(entry[key], str):
        raise ShapeError(f"{where}: {key} must be a text")


def _texts(entry: Mapping[str, Any], key: str, where: str) -> None:
    value = entry.get(key)
    if key in entry and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ShapeError(f"{where}: {key} must be a list of texts")
