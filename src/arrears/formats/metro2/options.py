"""How a Metro 2 file is framed, and how to read one (metro2.md §5.1, §5.14)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Format(StrEnum):
    """Character (426-byte records) or packed (366-byte records with packed decimal)."""

    CHARACTER = "character"
    PACKED = "packed"


@dataclass(frozen=True, slots=True)
class Framing:
    """The framing of a file: format, Block Descriptor Words and line separators.

    A packed file is always variable blocked (§5.14); a line separator is only allowed between
    character records (packed records are binary, and CR/LF bytes inside them are data).
    """

    format: Format = Format.CHARACTER
    blocked: bool = False
    line_separator: bytes = b""

    def __post_init__(self) -> None:
        if self.line_separator not in (b"", b"\n", b"\r\n"):
            msg = "line_separator must be empty, LF or CRLF"
            raise ValueError(msg)
        if self.format is Format.PACKED and (not self.blocked or self.line_separator):
            msg = "packed files are always blocked and have no line separators"
            raise ValueError(msg)

    @classmethod
    def packed(cls) -> Framing:
        return cls(format=Format.PACKED, blocked=True)


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Reader settings: ``None`` for ``format``/``blocked`` means detect from the first bytes.

    ``chunk_records`` bounds memory: the reader holds about that many records at a time.
    """

    format: Format | None = None
    blocked: bool | None = None
    chunk_records: int = 8_192
    validate: bool = True
    #: Threads that check chunks while the next ones are read (0: everything inline).
    #: One worker overlaps reading and checking; more only help on an otherwise idle machine.
    workers: int = 1

    def __post_init__(self) -> None:
        if self.chunk_records < 1 or self.workers < 0:
            msg = "chunk_records must be positive and workers not negative"
            raise ValueError(msg)
