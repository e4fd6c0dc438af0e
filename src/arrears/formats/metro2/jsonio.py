"""Metro 2 files to and from JSON (schema in docs/metro2-format.md, "JSON").

Keys are the layout's field names; text loses its trailing blank fill, numbers are integers
(whole dollars), dates ``YYYY-MM-DD`` and the time stamp ``YYYY-MM-DDTHH:MM:SS``, ``null`` for
"not available". Reading JSON checks every key and type and reports every problem with its
JSON path; the trailer, if present, is kept as read, but writers recompute it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from typing import Any, BinaryIO, Final, TextIO

from arrears.formats.metro2.model import (
    APPENDAGE_CLASSES,
    AccountRecord,
    BaseSegment,
    HeaderRecord,
    Metro2File,
    TrailerRecord,
)
from arrears.formats.metro2.options import Format, Framing, ReadOptions
from arrears.formats.metro2.problems import Metro2FormatError, Metro2Problem
from arrears.formats.metro2.reading.reader import Metro2Reader
from arrears.formats.metro2.spec import APPENDAGES, REPEATABLE, Kind, SegmentLayout

SCHEMA: Final = "arrears.metro2"
VERSION: Final = 1
_TOP_KEYS: Final = frozenset({"schema", "version", "framing", "header", "accounts", "trailer"})
_ACCOUNT_KEYS: Final = frozenset({"base"} | {layout.name.lower() for layout in APPENDAGES})
_MAX_SHOWN: Final = 40


# -- to JSON ------------------------------------------------------------------------------------


def segment_to_json(segment: Any) -> dict[str, Any]:
    """A typed segment as a JSON object (dates as ISO strings)."""
    out: dict[str, Any] = {}
    for item in dataclass_fields(segment):
        value = getattr(segment, item.name)
        out[item.name] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def account_to_json(account: AccountRecord) -> dict[str, Any]:
    out: dict[str, Any] = {"base": segment_to_json(account.base)}
    for layout in APPENDAGES:
        key = layout.name.lower()
        value = getattr(account, key)
        if layout.name in REPEATABLE:
            out[key] = [segment_to_json(segment) for segment in value]
        else:
            out[key] = segment_to_json(value) if value is not None else None
    return out


def _framing_json(framing: Framing) -> dict[str, Any]:
    return {
        "format": framing.format.value,
        "blocked": framing.blocked,
        "line_separator": framing.line_separator.decode("ascii"),
    }


def file_to_json(file: Metro2File) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "framing": _framing_json(file.framing),
        "header": segment_to_json(file.header) if file.header is not None else None,
        "accounts": [account_to_json(account) for account in file.accounts],
        "trailer": segment_to_json(file.trailer) if file.trailer is not None else None,
    }


def dumps(file: Metro2File, *, indent: int | None = 2) -> str:
    return json.dumps(file_to_json(file), indent=indent)


def stream_to_json(
    stream: BinaryIO, out: TextIO, *, options: ReadOptions | None = None
) -> Metro2Reader:
    """Convert a Metro 2 stream to JSON chunk by chunk (memory stays bounded).

    Raises :class:`Metro2FormatError` at the first chunk whose bytes cannot be read as values;
    ``out`` then holds a partial document (write to a temporary file and rename).
    """
    reader = Metro2Reader(stream, options=options)
    out.write(f'{{"schema": "{SCHEMA}", "version": {VERSION}, "accounts": [')
    first = True
    for chunk in reader:
        structural = [problem for problem in chunk.problems if problem.structural]
        if structural:
            raise Metro2FormatError(structural)
        for account in chunk.accounts():
            out.write("\n" if first else ",\n")
            out.write(json.dumps(account_to_json(account)))
            first = False
    tail = {
        "framing": _framing_json(reader.framing or Framing()),
        "header": segment_to_json(reader.header) if reader.header is not None else None,
        "trailer": segment_to_json(reader.trailer) if reader.trailer is not None else None,
    }
    out.write("\n], " + json.dumps(tail)[1:] + "\n")
    return reader


# -- from JSON ----------------------------------------------------------------------------------


class _Problems:
    """Collects every problem of a JSON document."""

    def __init__(self) -> None:
        self.found: list[Metro2Problem] = []

    def add(self, path: str, value: Any, message: str) -> None:
        shown = json.dumps(value)[:_MAX_SHOWN] if value is not _MISSING else ""
        self.found.append(
            Metro2Problem.in_file("json.schema", message, segment="json", field=path, value=shown)
        )


_MISSING: Final = object()


def loads(text: str | bytes) -> Metro2File:
    """A Metro 2 file from JSON text; every problem is reported at once."""
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        position = getattr(error, "pos", getattr(error, "start", 0))
        problem = Metro2Problem.in_file(
            "json.schema", f"not JSON: {error}", segment="json", position=position
        )
        raise Metro2FormatError([problem]) from None
    except RecursionError:
        problem = Metro2Problem.in_file("json.schema", "nested too deeply", segment="json")
        raise Metro2FormatError([problem]) from None
    return file_from_json(document)


def file_from_json(document: Any) -> Metro2File:
    problems = _Problems()
    if not isinstance(document, dict):
        problems.add("$", document, "the document must be a JSON object")
        raise Metro2FormatError(problems.found)
    for key in sorted(set(document) - _TOP_KEYS):
        problems.add(key, _MISSING, "unknown key")
    framing = _framing(document.get("framing"), problems)
    header = _optional(document.get("header"), HeaderRecord, "header", problems)
    trailer = _optional(document.get("trailer"), TrailerRecord, "trailer", problems)
    accounts = list(_accounts(document.get("accounts", []), problems))
    if problems.found:
        raise Metro2FormatError(problems.found)
    return Metro2File(header=header, accounts=tuple(accounts), trailer=trailer, framing=framing)


def _framing(value: Any, problems: _Problems) -> Framing:
    if value is None:
        return Framing()
    try:
        framing = Framing(
            format=Format(value["format"]),
            blocked=bool(value.get("blocked", False)),
            line_separator=str(value.get("line_separator", "")).encode("ascii"),
        )
    except (KeyError, ValueError, TypeError, AttributeError, UnicodeEncodeError):
        problems.add("framing", value, "format character|packed, blocked, line_separator")
        return Framing()
    return framing


def _accounts(value: Any, problems: _Problems) -> Iterator[AccountRecord]:
    if not isinstance(value, list):
        problems.add("accounts", value, "must be a list")
        return
    for index, item in enumerate(value):
        path = f"accounts[{index}]"
        if not isinstance(item, dict):
            problems.add(path, item, "must be an object")
            continue
        for key in sorted(set(item) - _ACCOUNT_KEYS):
            problems.add(f"{path}.{key}", _MISSING, "unknown key")
        if item.get("base") is None:
            problems.add(f"{path}.base", _MISSING, "every account has a base segment")
        base = _optional(item.get("base"), BaseSegment, f"{path}.base", problems)
        extras: dict[str, Any] = {}
        for layout in APPENDAGES:
            key = layout.name.lower()
            extras[key] = _appendage(item.get(key), layout, f"{path}.{key}", problems)
        if base is None:
            continue
        yield AccountRecord(base=base, **extras)


def _appendage(value: Any, layout: SegmentLayout, path: str, problems: _Problems) -> Any:
    cls = APPENDAGE_CLASSES[layout.name]
    if layout.name not in REPEATABLE:
        return _optional(value, cls, path, problems)
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(path, value, "must be a list")
        return ()
    found = [_optional(item, cls, f"{path}[{index}]", problems) for index, item in enumerate(value)]
    return tuple(segment for segment in found if segment is not None)


def _optional(value: Any, cls: type[Any], path: str, problems: _Problems) -> Any:
    """An instance of the segment class ``cls`` from a JSON object (``None`` stays ``None``)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        problems.add(path, value, "must be an object or null")
        return None
    layout: SegmentLayout = cls.LAYOUT
    specs = {spec.name: spec for spec in layout.value_fields}
    for key in sorted(set(value) - set(specs)):
        problems.add(f"{path}.{key}", _MISSING, "unknown field")
    before = len(problems.found)
    arguments: dict[str, Any] = {}
    for name, spec in specs.items():
        if name in value:
            arguments[name] = _value(value[name], spec.kind, f"{path}.{name}", problems)
    if len(problems.found) > before:
        return None
    return cls(**arguments)


def _value(value: Any, kind: Kind, path: str, problems: _Problems) -> Any:
    """A field value of ``kind`` from JSON, or ``None`` after reporting the problem."""
    if kind is Kind.TEXT:
        return _checked(value, isinstance(value, str), path, problems, "must be a string")
    if kind is Kind.NUMBER:
        whole = isinstance(value, int) and not isinstance(value, bool)
        return _checked(value, whole, path, problems, "must be a whole number")
    if value is None:
        return None
    if kind is Kind.DATE:
        return _parse(value, dt.date.fromisoformat, path, problems, "a YYYY-MM-DD date or null")
    stamp = _parse(
        value,
        dt.datetime.fromisoformat,
        path,
        problems,
        "a YYYY-MM-DDTHH:MM:SS time stamp (no time zone) or null",
    )
    if stamp is not None and stamp.tzinfo is not None:
        problems.add(path, value, "time stamps carry no time zone")
        return None
    return stamp


def _checked(value: Any, ok: bool, path: str, problems: _Problems, message: str) -> Any:
    if not ok:
        problems.add(path, value, message)
        return None
    return value


def _parse(value: Any, parse: Any, path: str, problems: _Problems, expected: str) -> Any:
    if isinstance(value, str) and len(value) <= 32:
        try:
            return parse(value)
        except ValueError:
            pass
    problems.add(path, value, f"must be {expected}")
    return None
