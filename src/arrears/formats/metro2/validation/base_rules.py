"""Cross-field rules of the Base Segment (metro2.md §5.3–§5.9), vectorised over a chunk.

Each rule cites the section it enforces through its rule id (see ``spec/rules.py``). Rules that
compare with the Activity Date need the header; without one (a fragment) they are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

import numpy as np

from arrears.formats.metro2.codec import digits, words
from arrears.formats.metro2.codec.arrays import Flags, U8Matrix
from arrears.formats.metro2.codec.columns import FieldIssue
from arrears.formats.metro2.spec import BASE, FieldSpec, codes
from arrears.formats.metro2.spec.special_comments import CONSTRAINTS
from arrears.formats.metro2.validation.fields import SegmentFields, code_lookup, member

_BLANK: Final = 0x20
_B: Final = ord("B")
_NINE: Final = ord("9")
_CURRENT: Final = frozenset({"11"})


def _php_pairs() -> Flags:
    """Allowed Payment History Profile characters, two at a time (a ``uint16`` lookup)."""
    single = np.zeros(256, dtype=bool)
    single[[ord(code) for code in codes.PAYMENT_HISTORY.codes]] = True
    pairs: Flags = single[np.arange(65_536) & 0xFF] & single[np.arange(65_536) >> 8]
    pairs.setflags(write=False)
    return pairs


_PHP_PAIRS: Final = _php_pairs()


def status_in(fields: SegmentFields, statuses: frozenset[str]) -> Flags:
    """Per row: the Account Status is one of ``statuses``."""
    flags: Flags = code_lookup(statuses, 2, blank=False)[fields.keys("account_status")]
    return flags


def _first(fields: SegmentFields, name: str) -> U8Matrix:
    column: U8Matrix = fields.raw(name)[:, 0]
    return column


def _embedded(flags: Flags) -> Flags | None:
    """Rows where a set flag is followed by an unset one; ``None`` when no row has one.

    Neighbours are compared over the flat flags in one contiguous pass (row-wise slices are
    many short strided loops); the pairs that straddle two rows are cleared after.
    """
    count, width = flags.shape
    flat = np.ascontiguousarray(flags).reshape(-1)
    pairs = np.empty(count * width, dtype=bool)
    np.greater(flat[:-1], flat[1:], out=pairs[:-1])  # set, then unset
    found = pairs.reshape(count, width)
    found[:, -1] = False
    if not found.any():
        return None
    return np.asarray(found.any(axis=1), dtype=np.bool_)


def _has_byte(values: U8Matrix, byte: int) -> Flags:
    """Per row: one of the (at most 8) bytes is ``byte`` (one word per row, no reduction)."""
    width = values.shape[1]
    padded = np.zeros((values.shape[0], 8), dtype=np.uint8)
    padded[:, :width] = values ^ np.uint8(byte)
    padded[:, width:] = 0xFF
    word = padded.view("<u8")[:, 0]
    ones, highs = words.repeated(0x01), words.repeated(0x80)
    found: Flags = ((word - ones) & ~word & highs) != 0
    return found


def _issue(flags: Flags, name: str | None, rule: str, message: str) -> Iterator[FieldIssue]:
    rows = np.flatnonzero(flags)
    if rows.size:
        spec: FieldSpec | None = BASE.field(name) if name else None
        yield FieldIssue(rows, BASE, spec, rule, message)


def check_base(fields: SegmentFields, *, activity_date: int | None) -> list[FieldIssue]:
    """Every cross-field problem of the chunk; ``activity_date`` is the header's YYYYMMDD."""
    issues: list[FieldIssue] = []
    if fields.count == 0:
        return issues
    for rule in _RULES:
        issues.extend(rule(fields))
    issues.extend(_dofd_order(fields, activity_date))
    if activity_date:
        issues.extend(_after_activity(fields, activity_date))
    return issues


def _identification_number(fields: SegmentFields) -> Iterator[FieldIssue]:
    raw = fields.raw("identification_number")
    present = raw[:, 0] != _BLANK
    short = present & _has_byte(raw[:, 1:5], _BLANK)
    suspect = (raw[:, 0] == digits.ZERO) | (raw[:, 0] == _NINE)
    if suspect.any():
        rows = np.flatnonzero(suspect)
        picked = raw[rows]
        blank = picked == _BLANK
        only = ((picked == digits.ZERO) | blank).all(axis=1) | ((picked == _NINE) | blank).all(
            axis=1
        )
        short[rows[only]] = True
    yield from _issue(
        short,
        "identification_number",
        "base.identification-number",
        "needs at least 5 characters and not only zeros or nines",
    )


def _account_number(fields: SegmentFields) -> Iterator[FieldIssue]:
    blank = fields.raw("consumer_account_number") == _BLANK
    embedded = _embedded(blank)
    if embedded is not None:
        yield from _issue(
            embedded & ~blank[:, 0],
            "consumer_account_number",
            "base.account-number",
            "embedded blanks",
        )


def _terms_duration(fields: SegmentFields) -> Iterator[FieldIssue]:
    raw = fields.raw("terms_duration")
    spelled = words.words(raw, _BLANK)[:, 0]
    counted = spelled | np.uint64(0x1010_1010_1000_0000)  # the blank fill (bytes 3-7) as "0"
    ok = words.digit_words(counted) | (raw[:, 0] == _BLANK)
    for word in codes.TERMS_DURATION_WORDS:
        ok |= spelled == np.uint64(int.from_bytes(word.ljust(8).encode(), "little"))
    yield from _issue(
        ~ok, "terms_duration", "base.terms-duration", "must be LOC, REV or a 3-digit count"
    )


def _payment_rating(fields: SegmentFields) -> Iterator[FieldIssue]:
    needs = status_in(fields, codes.STATUSES_REQUIRING_RATING)
    blank = _first(fields, "payment_rating") == _BLANK
    yield from _issue(
        needs & blank,
        "payment_rating",
        "base.payment-rating",
        "required for statuses 05, 13, 65, 88, 89, 94 and 95",
    )
    yield from _issue(
        ~needs & ~blank,
        "payment_rating",
        "base.payment-rating",
        "must be blank for this account status",
    )


def _payment_history(fields: SegmentFields) -> Iterator[FieldIssue]:
    raw = fields.raw("payment_history_profile")
    allowed = _PHP_PAIRS[raw.view("<u2")]
    if not allowed.all():
        yield from _issue(
            ~words.rows_all(allowed),
            "payment_history_profile",
            "code.payment-history",
            "characters must be 0-6, B, D, E, G, H, J, K, L or Z",
        )
    embedded = _embedded(raw == _B)
    if embedded is not None:
        yield from _issue(
            embedded,
            "payment_history_profile",
            "base.payment-history",
            "B (no history) may only fill the end of the profile",
        )


def _dofd_required(fields: SegmentFields) -> Iterator[FieldIssue]:
    rated = status_in(fields, codes.STATUSES_REQUIRING_RATING) & member(
        fields.raw("payment_rating"), codes.DELINQUENT_RATINGS
    )
    needs = status_in(fields, codes.STATUSES_REQUIRING_DOFD) | rated
    yield from _issue(
        needs & fields.zero("date_of_first_delinquency"),
        "date_of_first_delinquency",
        "base.dofd-required",
        "required for delinquent and paid-derogatory accounts",
    )


def _dofd_order(fields: SegmentFields, activity_date: int | None) -> Iterator[FieldIssue]:
    """Not after the Date of Account Information, nor the header's Activity Date."""
    dofd = fields.dates["date_of_first_delinquency"].ordinal
    information = fields.dates["date_of_account_information"].ordinal
    limit = np.where(information > 0, information, activity_date or 0)
    if activity_date:
        limit = np.minimum(limit, activity_date)
    late = (dofd > limit) & (limit > 0)
    yield from _issue(
        late,
        "date_of_first_delinquency",
        "base.dofd-after-activity",
        "after the Date of Account Information or the Activity Date",
    )


def _past_due(fields: SegmentFields) -> Iterator[FieldIssue]:
    current = status_in(fields, _CURRENT)
    yield from _issue(
        current & ~fields.zero("amount_past_due"),
        "amount_past_due",
        "base.past-due-current",
        "must be zero for status 11 (current)",
    )


def _charge_off(fields: SegmentFields) -> Iterator[FieldIssue]:
    charged = status_in(fields, codes.CHARGE_OFF_STATUSES)
    yield from _issue(
        charged & fields.zero("original_charge_off_amount"),
        "original_charge_off_amount",
        "base.charge-off-amount",
        "required for statuses 64 and 97",
    )


def _paid_balance(fields: SegmentFields) -> Iterator[FieldIssue]:
    paid = status_in(fields, codes.PAID_STATUSES)
    yield from _issue(
        paid & ~fields.zero("current_balance"),
        "current_balance",
        "base.paid-balance",
        "must be zero for paid or closed statuses",
    )


def _special_comments(fields: SegmentFields) -> Iterator[FieldIssue]:
    comment = fields.raw("special_comment")
    if (comment[:, 0] == _BLANK).all():
        return
    for constraint in CONSTRAINTS:
        used = member(comment, constraint.codes)
        if not used.any():
            continue
        bad = np.zeros_like(used)
        if constraint.statuses is not None:
            bad |= ~status_in(fields, constraint.statuses)
        if constraint.forbidden_statuses:
            bad |= status_in(fields, constraint.forbidden_statuses)
        if constraint.zero_balance:
            bad |= ~fields.zero("current_balance")
        if constraint.account_types is not None:
            bad |= ~member(fields.raw("account_type"), constraint.account_types)
        yield from _issue(used & bad, "special_comment", "base.special-comment", constraint.summary)


def _portfolio_account_type(fields: SegmentFields) -> Iterator[FieldIssue]:
    line_of_credit = _first(fields, "portfolio_type") == ord("C")
    if not line_of_credit.any():
        return
    allowed = member(fields.raw("account_type"), codes.LINE_OF_CREDIT_ACCOUNT_TYPES)
    yield from _issue(
        line_of_credit & ~allowed,
        "account_type",
        "base.portfolio-account-type",
        "portfolio C carries account type 15, 43, 47, 89, 7A or 9B",
    )


def _after_activity(fields: SegmentFields, activity_date: int) -> Iterator[FieldIssue]:
    for name in ("date_opened", "date_of_account_information"):
        late = fields.dates[name].ordinal > activity_date
        yield from _issue(late, name, "base.date-in-future", "after the header's Activity Date")


_RULES: Final[tuple[Callable[[SegmentFields], Iterator[FieldIssue]], ...]] = (
    _identification_number,
    _account_number,
    _terms_duration,
    _payment_rating,
    _payment_history,
    _dofd_required,
    _past_due,
    _charge_off,
    _paid_balance,
    _special_comments,
    _portfolio_account_type,
)
