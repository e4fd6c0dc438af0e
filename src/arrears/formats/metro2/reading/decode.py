"""A chunk as typed :class:`AccountRecord` s (the record-level view, for small files)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from arrears.formats.metro2.codec.records import decode_rows
from arrears.formats.metro2.model import APPENDAGE_CLASSES, AccountRecord, BaseSegment
from arrears.formats.metro2.problems import Metro2FormatError
from arrears.formats.metro2.reading.chunk import BaseChunk
from arrears.formats.metro2.spec import BASE, REPEATABLE


def chunk_accounts(chunk: BaseChunk) -> list[AccountRecord]:
    """Decode every account; bytes that do not spell values raise :class:`Metro2FormatError`."""
    structural = [problem for problem in chunk.problems if problem.structural]
    if structural:
        raise Metro2FormatError(structural)
    bases = decode_rows(BASE, chunk.rows, BaseSegment)
    extras: list[dict[str, Any]] = [defaultdict(list) for _ in bases]
    for name, segments in chunk.appendages.items():
        decoded = decode_rows(segments.layout, segments.matrix, APPENDAGE_CLASSES[name])
        key = name.lower()
        for owner, segment in zip(segments.owners.tolist(), decoded, strict=True):
            if name in REPEATABLE:
                extras[owner][key].append(segment)
            else:
                extras[owner][key] = segment
    return [_account(base, extra) for base, extra in zip(bases, extras, strict=True)]


def _account(base: BaseSegment, extra: dict[str, Any]) -> AccountRecord:
    fields: dict[str, Any] = {
        key: tuple(value) if isinstance(value, list) else value for key, value in extra.items()
    }
    return AccountRecord(base=base, **fields)
