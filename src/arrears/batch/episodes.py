"""Delinquency episodes on a cut-off day, for every loan at once.

An installment due on day ``d`` and first counted as paid on day ``c`` leaves the loan
delinquent on days ``d+1 … c-1``. The loan is delinquent on a day when any installment's interval
covers it, and an *episode* is a maximal run of such days: intervals sorted by due date chain
into one episode while each starts no later than the furthest end so far. On day ``t`` the
oldest unpaid installment is the earliest-due interval still open; the episode's DOFD candidate
is the due date of its first installment (never re-aged by partial payments); the episode has
reached 30 days past due when some installment stayed unpaid 30 days (``end − 1 − d ≥ 30``);
the loan was last cured on the first day after its latest finished episode. This is exactly what
``arrears.domain.delinquency.delinquency_as_of`` finds by walking event days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from arrears.batch.arrays import NO_DAY, Bools, Ints, cummax_within, run_starts
from arrears.batch.thresholds import Installments
from arrears.domain.delinquency import DOFD_THRESHOLD_DAYS


@dataclass(frozen=True, slots=True)
class Episodes:
    """Per loan position, the state on its cut-off day (``NO_DAY`` where there is none)."""

    oldest_unpaid: Ints  # due day of the oldest installment still unpaid
    dofd: Ints  # first due day of the current episode, once it reached the threshold
    cured_on: Ints  # first day after the latest finished episode


def episodes(installments: Installments, cutoff: Ints | int, *, loans: int) -> Episodes:
    """The episode state of every loan on its cut-off day: ``cutoff`` for all of them, or
    ``cutoff[loan position]`` each."""
    oldest = np.full(loans, NO_DAY, dtype=np.int64)
    dofd = np.full(loans, NO_DAY, dtype=np.int64)
    cured = np.full(loans, NO_DAY, dtype=np.int64)
    owner_cutoff = cutoff if isinstance(cutoff, int) else cutoff[installments.loan]
    rows = np.flatnonzero(installments.due < owner_cutoff)  # started by the cut-off
    if rows.size == 0:
        return Episodes(oldest, dofd, cured)
    loan = installments.loan[rows]
    due = installments.due[rows]
    if isinstance(owner_cutoff, int):
        day_after_cutoff: Ints = np.full(rows.size, owner_cutoff + 1, dtype=np.int32)
    else:
        day_after_cutoff = owner_cutoff[rows] + 1
    end = np.minimum(installments.cleared[rows], day_after_cutoff)
    _oldest_open(oldest, loan=loan, due=due, open_at_cutoff=end == day_after_cutoff)
    furthest = cummax_within(loan, end)
    starts = _episode_starts(loan, due=due, furthest=furthest)
    stops = np.append(starts[1:], rows.size)
    episode_loan = loan[starts]
    episode_end = furthest[stops - 1]
    reached = np.maximum.reduceat(end - 1 - due, starts) >= DOFD_THRESHOLD_DAYS
    latest = np.append(np.flatnonzero(episode_loan[1:] != episode_loan[:-1]), starts.size - 1)
    owner = episode_loan[latest]
    ongoing = episode_end[latest] == day_after_cutoff[stops[latest] - 1]
    with_dofd = latest[ongoing & reached[latest]]
    dofd[episode_loan[with_dofd]] = due[starts[with_dofd]]
    finished = np.where(ongoing, latest - 1, latest)
    same_loan = finished >= 0
    same_loan[same_loan] = episode_loan[finished[same_loan]] == owner[same_loan]
    cured[owner[same_loan]] = episode_end[finished[same_loan]]
    return Episodes(oldest, dofd, cured)


def _oldest_open(oldest: Ints, *, loan: Ints, due: Ints, open_at_cutoff: Bools) -> None:
    """Fill ``oldest`` with the earliest due day still open on the cut-off, per loan."""
    open_rows = np.flatnonzero(open_at_cutoff)
    first = open_rows[run_starts(loan[open_rows])]
    oldest[loan[first]] = due[first]


def _episode_starts(loan: Ints, *, due: Ints, furthest: Ints) -> Ints:
    """Rows that open a new episode: a loan's first interval, or one starting after a gap."""
    new = np.ones(loan.size, dtype=np.bool_)
    new[1:] = (loan[1:] != loan[:-1]) | (due[1:] + 1 > furthest[:-1])
    return np.flatnonzero(new)
