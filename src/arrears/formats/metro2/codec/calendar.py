"""MMDDYYYY dates and MMDDYYYYHHMMSS time stamps, vectorised (metro2.md §5.3, "Conventions").

Dates travel as ``datetime64[D]`` (time stamps as ``datetime64[s]``) with ``NaT`` for the
zero-filled "not available" spelling. Conversions use the proleptic Gregorian day count (the
``days_from_civil`` algorithm), so no per-row Python objects are created.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec import digits, words
from arrears.formats.metro2.codec.arrays import Flags, I64Array, U8Matrix
from arrears.formats.metro2.codec.digits import ZERO
from arrears.formats.metro2.codec.words import U64Matrix

#: Earliest year accepted in a date (a plausibility bound, documented in docs/metro2-format.md).
MIN_YEAR: Final = 1900
_SECONDS_PER_DAY: Final = 86_400
_PAIRS: Final = np.uint64(0x00FF_00FF_00FF_00FF)
_BYTE: Final = np.uint64(0xFF)


def _month_days() -> Flags:
    """Valid ``MM * 100 + DD`` values (29 February included; leap years checked apart)."""
    table = np.zeros(256 * 100 + 256, dtype=bool)
    for month, days in enumerate((31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1):
        table[month * 100 + 1 : month * 100 + days + 1] = True
    table.setflags(write=False)
    return table


_MONTH_DAYS: Final = _month_days()


@dataclass(frozen=True, slots=True)
class ParsedDates:
    """Dates read from MMDDYYYY words (any shape).

    ``zero``: the field is zero-filled (not available). ``valid``: a calendar date from
    ``MIN_YEAR`` on, or zero. ``ordinal``: ``YYYYMMDD`` as an integer for comparisons (0 when
    zero or invalid).
    """

    zero: Flags
    valid: Flags
    ordinal: I64Array


def _pairs(values: U64Matrix) -> U64Matrix:
    """Two-digit numbers of each byte pair: bytes 0, 2, 4 and 6 of the result."""
    digits_only = values - words.repeated(ZERO)
    pairs: U64Matrix = (digits_only * np.uint64(10) + (digits_only >> np.uint64(8))) & _PAIRS
    return pairs


def parse_words(values: U64Matrix) -> ParsedDates:
    """Check and order MMDDYYYY dates held as words; bad bytes make a date invalid."""
    spelled = words.digit_words(values)
    pairs = _pairs(values)
    month_day = ((pairs & _BYTE) * np.uint64(100) + ((pairs >> np.uint64(16)) & _BYTE)).astype(
        np.int64
    )
    year = (
        ((pairs >> np.uint64(32)) & _BYTE) * np.uint64(100) + ((pairs >> np.uint64(48)) & _BYTE)
    ).astype(np.int64)
    calendar = spelled & _MONTH_DAYS[month_day] & (year >= MIN_YEAR)
    leap_day = np.flatnonzero(calendar & (month_day == 229))
    if leap_day.size:
        flat = calendar.reshape(-1)
        flat[leap_day] = _is_leap(year.reshape(-1)[leap_day])
    zero = values == words.repeated(ZERO)
    ordinal: I64Array = np.where(calendar, year * 10_000 + month_day, 0)
    return ParsedDates(zero=zero, valid=zero | calendar, ordinal=ordinal)


def parse(matrix: U8Matrix) -> ParsedDates:
    """Check and order ``(n, 8)`` MMDDYYYY dates; never raises on bad bytes."""
    return parse_words(words.words(matrix, ZERO)[:, 0])


def parse_timestamps(matrix: U8Matrix) -> Flags:
    """Per row: the MMDDYYYYHHMMSS time stamp is valid or zero-filled."""
    packed = words.words(matrix, ZERO)
    dates = parse_words(packed[:, 0])
    clock = packed[:, 1]
    pairs = _pairs(clock)
    hours = pairs & _BYTE
    minutes = (pairs >> np.uint64(16)) & _BYTE
    seconds = (pairs >> np.uint64(32)) & _BYTE
    clock_ok = words.digit_words(clock) & (hours <= 23) & (minutes <= 59) & (seconds <= 59)
    zero_clock = clock == words.repeated(ZERO)
    valid: Flags = (dates.zero & zero_clock) | (dates.valid & ~dates.zero & clock_ok)
    return valid


def _is_leap(year: I64Array) -> Flags:
    leap: Flags = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return leap


def ordinal_to_days(ordinal: I64Array) -> I64Array:
    """``YYYYMMDD`` integers to days since 1970-01-01 (Howard Hinnant's days_from_civil)."""
    year = ordinal // 10_000
    month = ordinal // 100 % 100
    day = ordinal % 100
    year = year - (month <= 2)
    era = np.floor_divide(year, 400)
    year_of_era = year - era * 400
    shifted_month = (month + 9) % 12
    day_of_year = (153 * shifted_month + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    days: I64Array = era * 146_097 + day_of_era - 719_468
    return days


def days_to_ordinal(days: I64Array) -> I64Array:
    """Days since 1970-01-01 to ``YYYYMMDD`` integers (civil_from_days)."""
    shifted = days + 719_468
    era = np.floor_divide(shifted, 146_097)
    day_of_era = shifted - era * 146_097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    ordinal: I64Array = year * 10_000 + month * 100 + day
    return ordinal


def decode_dates(matrix: U8Matrix) -> npt.NDArray[np.datetime64]:
    """MMDDYYYY digits to ``datetime64[D]``; zero and invalid dates become ``NaT``."""
    parsed = parse(matrix)
    usable = parsed.valid & ~parsed.zero
    days = ordinal_to_days(np.where(usable, parsed.ordinal, 19_700_101))
    values = days.astype("datetime64[D]")
    values[~usable] = np.datetime64("NaT")
    return values


#: Days spelled from a table: 1901-01-01 to 2099-12-31 (other days are computed).
_TABLE_FIRST: Final = -25_202
_TABLE_DAYS: Final = 72_683
#: The table's last entry is "00000000" (not available).
_NOT_AVAILABLE: Final = _TABLE_DAYS


def _spell_days(days: I64Array, target: U8Matrix) -> None:
    ordinal = days_to_ordinal(days)
    digits.encode_into((ordinal % 10_000) * 10_000 + ordinal // 10_000, target)


def encode_dates(values: npt.NDArray[np.datetime64]) -> U8Matrix:
    """``datetime64`` values (``NaT`` = not available) to MMDDYYYY digits."""
    out = np.empty((values.shape[0], 8), dtype=np.uint8)
    encode_dates_into(values, out)
    return out


def in_table(values: npt.NDArray[np.datetime64]) -> tuple[I64Array, Flags]:
    """Each date's day in the tables' range, and whether it is there (not NaT, 1901-2099)."""
    days = values.astype("datetime64[D]", copy=False).view(np.int64)
    index: I64Array = days - _TABLE_FIRST
    return index, index.view(np.uint64) < np.uint64(_TABLE_DAYS)


def encode_dates_into(values: npt.NDArray[np.datetime64], target: U8Matrix) -> None:
    """Spell dates into ``target`` (``(n, 8)``, rows may be strided); ``NaT`` is zeros."""
    index, inside = in_table(values)
    _spell_table_days(index, inside, target, values)


def encode_table_dates_into(index: I64Array, target: U8Matrix) -> None:
    """Spell dates that are all in the table (``index`` from :func:`in_table`)."""
    target.view("<u8")[:, 0] = _date_words()[index]


def _spell_table_days(
    index: I64Array,
    inside: Flags,
    target: U8Matrix,
    values: npt.NDArray[np.datetime64],
) -> None:
    """One 8-byte word per date from :func:`_date_words`; days off the table are computed,
    ``NaT`` in ``values`` is spelled as zeros."""
    words = target.view("<u8")[:, 0]
    if inside.all():
        words[...] = _date_words()[index]
        return
    words[...] = _date_words()[np.where(inside, index, _NOT_AVAILABLE)]
    outside = np.flatnonzero(~inside & ~np.isnat(values))
    if outside.size:
        spelled = np.empty((outside.size, 8), dtype=np.uint8)
        _spell_days(index[outside] + _TABLE_FIRST, spelled)
        target[outside] = spelled


@cache
def _date_words() -> npt.NDArray[np.uint64]:
    """MMDDYYYY of every table day as one little-endian word, then "00000000".

    Spelling a date is one gather and one 8-byte store; the table holds 581 kB, of which a
    file's dates (a few decades at most) touch a small part.
    """
    ordinals = np.append(_table_ordinals(), 0)
    spelled = np.empty((ordinals.size, 8), dtype=np.uint8)
    digits.encode_into((ordinals % 10_000) * 10_000 + ordinals // 10_000, spelled)
    words: npt.NDArray[np.uint64] = spelled.view("<u8")[:, 0]
    words.setflags(write=False)
    return words


@cache
def _table_ordinals() -> I64Array:
    """``YYYYMMDD`` of every day the spelling tables cover."""
    days = np.arange(_TABLE_FIRST, _TABLE_FIRST + _TABLE_DAYS, dtype=np.int64)
    ordinals = days_to_ordinal(days)
    ordinals.setflags(write=False)
    return ordinals


def parsed_values(values: npt.NDArray[np.datetime64]) -> ParsedDates:
    """What :func:`parse` reads back from the spelling of ``values`` (``datetime64``), without
    spelling or parsing: ``NaT`` and years outside ``MIN_YEAR``-9999 (refused, spelled as
    zeros) are zero; every other date is a valid calendar date."""
    index, inside = in_table(values)
    valid = np.ones(index.shape, dtype=bool)
    if inside.all():
        ordinal: I64Array = _table_ordinals()[index]
        return ParsedDates(zero=np.zeros(index.shape, dtype=bool), valid=valid, ordinal=ordinal)
    ordinal = np.where(inside, _table_ordinals()[np.where(inside, index, 0)], 0)
    zero = ~inside
    rare = np.flatnonzero(~inside & ~np.isnat(values))  # 1900 and 2100-9999: computed
    if rare.size:
        days = values[rare].astype("datetime64[D]")
        first, last = np.datetime64(f"{MIN_YEAR}-01-01", "D"), np.datetime64("9999-12-31", "D")
        spelled = rare[(days >= first) & (days <= last)]
        zero[spelled] = False
        ordinal[spelled] = days_to_ordinal(values[spelled].astype("datetime64[D]").view(np.int64))
    return ParsedDates(zero=zero, valid=valid, ordinal=ordinal)


def table_dates(index: I64Array) -> ParsedDates:
    """What :func:`parse` reads back from dates that are all in the spelling table
    (``index`` from :func:`in_table`): valid, none zero."""
    ordinal: I64Array = _table_ordinals()[index]
    everywhere = np.ones(index.shape, dtype=bool)
    return ParsedDates(zero=~everywhere, valid=everywhere, ordinal=ordinal)


def zero_dates(count: int) -> ParsedDates:
    """``count`` zero-filled (not available) dates, as :func:`parse` reads them."""
    return ParsedDates(
        zero=np.ones(count, dtype=bool),
        valid=np.ones(count, dtype=bool),
        ordinal=np.zeros(count, dtype=np.int64),
    )


def decode_timestamps(matrix: U8Matrix) -> npt.NDArray[np.datetime64]:
    """MMDDYYYYHHMMSS digits to ``datetime64[s]``; zero and invalid ones become ``NaT``."""
    usable = parse_timestamps(matrix)
    dates = decode_dates(np.ascontiguousarray(matrix[:, :8]))
    clock = digits.decode(np.ascontiguousarray(matrix[:, 8:14]))
    seconds = (clock // 10_000) * 3600 + (clock // 100 % 100) * 60 + clock % 100
    values: npt.NDArray[np.datetime64] = dates.astype("datetime64[s]") + seconds.astype(
        "timedelta64[s]"
    )
    values[~usable | np.isnat(dates)] = np.datetime64("NaT")
    return values


def encode_timestamps(values: npt.NDArray[np.datetime64]) -> U8Matrix:
    """``datetime64`` values (``NaT`` = not available) to MMDDYYYYHHMMSS digits."""
    out = np.empty((values.shape[0], 14), dtype=np.uint8)
    encode_timestamps_into(values, out)
    return out


def encode_timestamps_into(values: npt.NDArray[np.datetime64], target: U8Matrix) -> None:
    """Spell time stamps into ``target`` (``(n, 14)``); ``NaT`` is zeros.

    The date is spelled from the day table, the time of day from "HH" and "MMSS" tables.
    """
    stamps = values.astype("datetime64[s]", copy=False)
    seconds = stamps.view(np.int64)
    days = seconds // _SECONDS_PER_DAY
    clock = (seconds - days * _SECONDS_PER_DAY).astype(np.uint32)
    index: I64Array = days - _TABLE_FIRST
    inside = index.view(np.uint64) < np.uint64(_TABLE_DAYS)
    if not inside.all():
        clock[np.isnat(stamps)] = 0
    _spell_table_days(index, inside, target[:, :8], stamps)
    hours = clock // np.uint32(3600)
    hour_words, minute_words = _clock_words()
    target[:, 8:10].view("<u2")[:, 0] = hour_words[hours]
    target[:, 10:14].view("<u4")[:, 0] = minute_words[clock - hours * np.uint32(3600)]


@cache
def _clock_words() -> tuple[npt.NDArray[np.uint16], npt.NDArray[np.uint32]]:
    """ "HH" of each hour and "MMSS" of each second of an hour, as little-endian words."""
    hours = np.empty((24, 2), dtype=np.uint8)
    digits.encode_into(np.arange(24, dtype=np.int64), hours)
    seconds = np.arange(3600, dtype=np.int64)
    minutes = np.empty((3600, 4), dtype=np.uint8)
    digits.encode_into(seconds // 60 * 100 + seconds % 60, minutes)
    tables = (hours.view("<u2")[:, 0], minutes.view("<u4")[:, 0])
    for table in tables:
        table.setflags(write=False)
    return tables
