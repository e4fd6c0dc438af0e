"""MMDDYYYY dates and MMDDYYYYHHMMSS time stamps, vectorised (metro2.md §5.3, "Conventions").

Dates travel as ``datetime64[D]`` (time stamps as ``datetime64[s]``) with ``NaT`` for the
zero-filled "not available" spelling. Conversions use the proleptic Gregorian day count (the
``days_from_civil`` algorithm), so no per-row Python objects are created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec import digits
from arrears.formats.metro2.codec.digits import ZERO, I64Array, U8Matrix

Flags = npt.NDArray[np.bool_]

#: Earliest year accepted in a date (a plausibility bound, documented in docs/metro2-format.md).
MIN_YEAR: Final = 1900
_DAYS_IN_MONTH: Final = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)
_SECONDS_PER_DAY: Final = 86_400


@dataclass(frozen=True, slots=True)
class ParsedDates:
    """Dates read from ``(n, 8)`` MMDDYYYY digits.

    ``zero``: the field is zero-filled (not available). ``valid``: a calendar date from
    ``MIN_YEAR`` on, or zero. ``ordinal``: ``YYYYMMDD`` as an integer for comparisons (0 when
    zero or invalid).
    """

    zero: Flags
    valid: Flags
    ordinal: I64Array


def parse(matrix: U8Matrix) -> ParsedDates:
    """Check and order MMDDYYYY dates; non-digit bytes make a row invalid, never raise."""
    spelled = digits.all_digits(matrix)
    numbers = (matrix[:, :8].astype(np.int64) - ZERO) @ np.array(
        [
            [10, 0, 0],
            [1, 0, 0],
            [0, 10, 0],
            [0, 1, 0],
            [0, 0, 1000],
            [0, 0, 100],
            [0, 0, 10],
            [0, 0, 1],
        ],
        dtype=np.int64,
    )
    month, day, year = numbers[:, 0], numbers[:, 1], numbers[:, 2]
    zero = spelled & (month == 0) & (day == 0) & (year == 0)
    month_ok = (month >= 1) & (month <= 12)
    leap_day = (month == 2) & _is_leap(year)
    last_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + leap_day
    calendar = spelled & month_ok & (day >= 1) & (day <= last_day) & (year >= MIN_YEAR)
    ordinal = np.where(calendar, year * 10_000 + month * 100 + day, 0)
    return ParsedDates(zero=zero, valid=zero | calendar, ordinal=ordinal)


def parse_timestamps(matrix: U8Matrix) -> Flags:
    """Per row: the MMDDYYYYHHMMSS time stamp is valid or zero-filled."""
    dates = parse(np.ascontiguousarray(matrix[:, :8]))
    clock = matrix[:, 8:14]
    spelled = digits.all_digits(clock)
    hms = (clock.astype(np.int64) - ZERO) @ np.array(
        [[10, 0, 0], [1, 0, 0], [0, 10, 0], [0, 1, 0], [0, 0, 10], [0, 0, 1]], dtype=np.int64
    )
    clock_ok = spelled & (hms[:, 0] <= 23) & (hms[:, 1] <= 59) & (hms[:, 2] <= 59)
    zero_clock = spelled & (hms == 0).all(axis=1)
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


def encode_dates(values: npt.NDArray[np.datetime64]) -> U8Matrix:
    """``datetime64`` values (``NaT`` = not available) to MMDDYYYY digits."""
    days = values.astype("datetime64[D]")
    missing = np.isnat(days)
    ordinal = days_to_ordinal(np.where(missing, 0, days.astype(np.int64)))
    mmddyyyy = (ordinal % 10_000) * 10_000 + ordinal // 10_000
    mmddyyyy[missing] = 0
    return digits.encode(mmddyyyy, 8)


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
    stamps = values.astype("datetime64[s]")
    missing = np.isnat(stamps)
    seconds = np.where(missing, 0, stamps.astype(np.int64))
    days = np.floor_divide(seconds, _SECONDS_PER_DAY)
    clock = seconds - days * _SECONDS_PER_DAY
    out = np.empty((values.shape[0], 14), dtype=np.uint8)
    out[:, :8] = encode_dates(np.where(missing, np.datetime64("NaT"), days.astype("datetime64[D]")))
    hhmmss = (clock // 3600) * 10_000 + (clock // 60 % 60) * 100 + clock % 60
    out[:, 8:] = digits.encode(np.where(missing, 0, hhmmss), 6)
    return out
