"""Cross-field rules of the Base Segment (metro2.md §5.3–§5.9), vectorised over a chunk.

Each rule cites the section it enforces through its rule id (see ``spec/rules.py``). Rules that
compare with the Activity Date need the header; without one (a fragment) they are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Final

import numpy as np
import numpy.typing as npt

from arrears.formats.metro2.codec import digits
from arrears.formats.metro2.codec.columns import FieldIssue, field_bytes
from arrears.formats.metro2.codec.digits import I64Array, U8Matrix
from arrears.formats.metro2.spec import BASE, FieldSpec, codes
from arrears.formats.metro2.spec.special_comments import CONSTRAINTS
from arrears.formats.metro2.validation.fields import member

Flags = npt.NDArray[np.bool_]

_BLANK: Final = 0x20
_B: Final = ord("B")
_PHP_ALLOWED: Final = np.zeros(256, dtype=bool)
_PHP_ALLOWED[[ord(code) for code in codes.PAYMENT_HISTORY.codes]] = True


class BaseView:
    """Lazily extracted fields of a base matrix, so each rule reads only what it needs."""

    def __init__(self, matrix: U8Matrix, dates: dict[str, I64Array]) -> None:
        self.matrix = matrix
        self.dates = dates
        self._fields: dict[str, U8Matrix] = {}

    def raw(self, name: str) -> U8Matrix:
        if name not in self._fields:
            self._fields[name] = field_bytes(self.matrix, BASE.field(name))
        return self._fields[name]

    def status_in(self, statuses: frozenset[str]) -> Flags:
        return member(self.raw("account_status"), statuses)

    def zero(self, name: str) -> Flags:
        return digits.is_filled(self.raw(name), digits.ZERO)

    def blank(self, name: str) -> Flags:
        return digits.is_filled(self.raw(name), _BLANK)


def _issue(flags: Flags, name: str | None, rule: str, message: str) -> Iterator[FieldIssue]:
    rows = np.flatnonzero(flags)
    if rows.size:
        spec: FieldSpec | None = BASE.field(name) if name else None
        yield FieldIssue(rows, BASE, spec, rule, message)


def check_base(
    matrix: U8Matrix, dates: dict[str, I64Array], *, activity_date: int | None
) -> list[FieldIssue]:
    """Every cross-field problem of the chunk; ``activity_date`` is the header's YYYYMMDD."""
    view = BaseView(matrix, dates)
    issues: list[FieldIssue] = []
    for rule in _RULES:
        issues.extend(rule(view))
    if activity_date:
        issues.extend(_after_activity(view, activity_date))
    return issues


def _identification_number(view: BaseView) -> Iterator[FieldIssue]:
    raw = view.raw("identification_number")
    blank = raw == _BLANK
    present = ~blank[:, 0]
    short = present & blank[:, :5].any(axis=1)
    zeros = ((raw == digits.ZERO) | blank).all(axis=1)
    nines = ((raw == ord("9")) | blank).all(axis=1)
    bad = present & (short | zeros | nines)
    yield from _issue(
        bad,
        "identification_number",
        "base.identification-number",
        "needs at least 5 characters and not only zeros or nines",
    )


def _account_number(view: BaseView) -> Iterator[FieldIssue]:
    blank = view.raw("consumer_account_number") == _BLANK
    embedded = (blank[:, :-1] & ~blank[:, 1:]).any(axis=1) & ~blank[:, 0]
    yield from _issue(embedded, "consumer_account_number", "base.account-number", "embedded blanks")


def _terms_duration(view: BaseView) -> Iterator[FieldIssue]:
    raw = view.raw("terms_duration")
    ok = digits.all_digits(raw) | (raw[:, 0] == _BLANK)
    for word in codes.TERMS_DURATION_WORDS:
        ok |= (raw == np.frombuffer(word.encode(), np.uint8)).all(axis=1)
    yield from _issue(
        ~ok, "terms_duration", "base.terms-duration", "must be LOC, REV or a 3-digit count"
    )


def _payment_rating(view: BaseView) -> Iterator[FieldIssue]:
    needs = view.status_in(codes.STATUSES_REQUIRING_RATING)
    blank = view.raw("payment_rating")[:, 0] == _BLANK
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


def _payment_history(view: BaseView) -> Iterator[FieldIssue]:
    raw = view.raw("payment_history_profile")
    yield from _issue(
        ~np.asarray(_PHP_ALLOWED[raw].all(axis=1), dtype=np.bool_),
        "payment_history_profile",
        "code.payment-history",
        "characters must be 0-6, B, D, E, G, H, J, K, L or Z",
    )
    is_b = raw == _B
    embedded = (is_b[:, :-1] & ~is_b[:, 1:]).any(axis=1)
    yield from _issue(
        embedded,
        "payment_history_profile",
        "base.payment-history",
        "B (no history) may only fill the end of the profile",
    )


def _dofd_required(view: BaseView) -> Iterator[FieldIssue]:
    rated = view.status_in(codes.STATUSES_REQUIRING_RATING) & member(
        view.raw("payment_rating"), codes.DELINQUENT_RATINGS
    )
    needs = view.status_in(codes.STATUSES_REQUIRING_DOFD) | rated
    yield from _issue(
        needs & view.zero("date_of_first_delinquency"),
        "date_of_first_delinquency",
        "base.dofd-required",
        "required for delinquent and paid-derogatory accounts",
    )


def _dofd_order(view: BaseView) -> Iterator[FieldIssue]:
    dofd = view.dates["date_of_first_delinquency"]
    information = view.dates["date_of_account_information"]
    late = (dofd > 0) & (information > 0) & (dofd > information)
    yield from _issue(
        late,
        "date_of_first_delinquency",
        "base.dofd-after-activity",
        "after the Date of Account Information",
    )


def _past_due(view: BaseView) -> Iterator[FieldIssue]:
    current = view.status_in(frozenset({"11"}))
    yield from _issue(
        current & ~view.zero("amount_past_due"),
        "amount_past_due",
        "base.past-due-current",
        "must be zero for status 11 (current)",
    )


def _charge_off(view: BaseView) -> Iterator[FieldIssue]:
    charged = view.status_in(codes.CHARGE_OFF_STATUSES)
    yield from _issue(
        charged & view.zero("original_charge_off_amount"),
        "original_charge_off_amount",
        "base.charge-off-amount",
        "required for statuses 64 and 97",
    )


def _paid_balance(view: BaseView) -> Iterator[FieldIssue]:
    paid = view.status_in(codes.PAID_STATUSES)
    yield from _issue(
        paid & ~view.zero("current_balance"),
        "current_balance",
        "base.paid-balance",
        "must be zero for paid or closed statuses",
    )


def _special_comments(view: BaseView) -> Iterator[FieldIssue]:
    comment = view.raw("special_comment")
    if comment[:, 0].min() == _BLANK and comment[:, 0].max() == _BLANK:
        return
    for constraint in CONSTRAINTS:
        used = member(comment, constraint.codes)
        if not used.any():
            continue
        bad = np.zeros_like(used)
        if constraint.statuses is not None:
            bad |= ~view.status_in(constraint.statuses)
        if constraint.forbidden_statuses:
            bad |= view.status_in(constraint.forbidden_statuses)
        if constraint.zero_balance:
            bad |= ~view.zero("current_balance")
        if constraint.account_types is not None:
            bad |= ~member(view.raw("account_type"), constraint.account_types)
        yield from _issue(used & bad, "special_comment", "base.special-comment", constraint.summary)


def _portfolio_account_type(view: BaseView) -> Iterator[FieldIssue]:
    line_of_credit = view.raw("portfolio_type")[:, 0] == ord("C")
    allowed = member(view.raw("account_type"), codes.LINE_OF_CREDIT_ACCOUNT_TYPES)
    yield from _issue(
        line_of_credit & ~allowed,
        "account_type",
        "base.portfolio-account-type",
        "portfolio C carries account type 15, 43, 47, 89, 7A or 9B",
    )


def _after_activity(view: BaseView, activity_date: int) -> Iterator[FieldIssue]:
    for name in ("date_opened", "date_of_account_information"):
        late = view.dates[name] > activity_date
        yield from _issue(late, name, "base.date-in-future", "after the header's Activity Date")
    late = view.dates["date_of_first_delinquency"] > activity_date
    yield from _issue(
        late,
        "date_of_first_delinquency",
        "base.dofd-after-activity",
        "after the header's Activity Date",
    )


_RULES: Final[tuple[Callable[[BaseView], Iterator[FieldIssue]], ...]] = (
    _identification_number,
    _account_number,
    _terms_duration,
    _payment_rating,
    _payment_history,
    _dofd_required,
    _dofd_order,
    _past_due,
    _charge_off,
    _paid_balance,
    _special_comments,
    _portfolio_account_type,
)
