"""Who the abroad step acts on, each selection in one compiled pass over the people away
(issue 16).

Why: the abroad step chose its rows with numpy passes over everyone away: gather
``status``, ``legal`` and the programme's wait, compare, combine, index, then gather again
for the probabilities. At a million agents each pass is a few milliseconds, and the step
made about thirty a month (the groups of :class:`simulation.abroad.AbroadGroups`, the
arrests' candidates and their probability, the voluntary returns' candidates and their
hazard). Each function here returns the same rows in the same order, and the same
probabilities, as those passes did; the random draws stay with the callers, so the stream
and the outcomes are unchanged bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import NO_IRREGULAR_ENTRY, Legal, Status

__all__ = ["abroad_groups_rows", "arrest_candidates", "return_candidates"]

_EMPLOYED_REGULAR = int(Status.EMPLOYED_REGULAR)
_EMPLOYED_IRREGULAR = int(Status.EMPLOYED_IRREGULAR)
_UNEMPLOYED = int(Status.UNEMPLOYED_ABROAD)
_DETAINED = int(Status.DETAINED)
_NONE = int(Legal.NONE)
_REGULAR = int(Legal.REGULAR)
_IRREGULAR = int(Legal.IRREGULAR)
_NO_ENTRY = NO_IRREGULAR_ENTRY


@numba.njit(cache=True)
def abroad_groups_rows(
    away: np.ndarray, status: np.ndarray, legal: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``away`` by group, each in ``away``'s order: employed (regular or
    irregular), jobless (unemployed abroad), present (in a destination, not detained),
    regular employed, regular jobless, detained."""
    n = away.size
    employed = np.empty(n, away.dtype)
    jobless = np.empty(n, away.dtype)
    present = np.empty(n, away.dtype)
    regular_employed = np.empty(n, away.dtype)
    regular_jobless = np.empty(n, away.dtype)
    detained = np.empty(n, away.dtype)
    ne = nj = npr = nre = nrj = nd = 0
    for i in range(n):
        r = away[i]
        s = status[r]
        g = legal[r]
        if s == _EMPLOYED_REGULAR or s == _EMPLOYED_IRREGULAR:
            employed[ne] = r
            ne += 1
        if s == _EMPLOYED_REGULAR:
            regular_employed[nre] = r
            nre += 1
        if s == _UNEMPLOYED:
            jobless[nj] = r
            nj += 1
            if g == _REGULAR:
                regular_jobless[nrj] = r
                nrj += 1
        if s == _DETAINED:
            detained[nd] = r
            nd += 1
        elif g != _NONE:
            present[npr] = r
            npr += 1
    return (
        employed[:ne],
        jobless[:nj],
        present[:npr],
        regular_employed[:nre],
        regular_jobless[:nrj],
        detained[:nd],
    )


@numba.njit(cache=True)
def arrest_candidates(
    away: np.ndarray,
    status: np.ndarray,
    legal: np.ndarray,
    amnesty_wait: np.ndarray,
    corridor: np.ndarray,
    c_dest: np.ndarray,
    arrest_probability: np.ndarray,
    unemployed_arrest_factor: float,
    irregular_entry_month: np.ndarray,
    border_area_probability: np.ndarray,
    first_settled_entry: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The irregular people of ``away`` who can be arrested (not detained, no registration
    pending verification), in ``away``'s order, and each one's arrest probability this
    month: the destination's; for a recent crosser (an irregular entry, not
    ``NO_IRREGULAR_ENTRY``, in a month after ``first_settled_entry``, which is negative early
    in a run, when entries before the first month can be recent) on a corridor
    with a border-area probability ``b`` above 0, the chance of either, ``q + (1 - q) b``;
    times ``unemployed_arrest_factor`` (at most 1) if unemployed."""
    n = away.size
    rows = np.empty(n, away.dtype)
    p = np.empty(n, arrest_probability.dtype)
    k = 0
    for i in range(n):
        r = away[i]
        if legal[r] != _IRREGULAR or status[r] == _DETAINED or amnesty_wait[r] != 0:
            continue
        c = corridor[r]
        q = arrest_probability[c_dest[c]]
        b = border_area_probability[c]
        entry = irregular_entry_month[r]
        if b > 0.0 and entry != _NO_ENTRY and entry > first_settled_entry:
            q = q + (1.0 - q) * b
        if status[r] == _UNEMPLOYED:
            q = np.minimum(1.0, unemployed_arrest_factor * q)
        rows[k] = r
        p[k] = q
        k += 1
    return rows[:k], p[:k]


@numba.njit(cache=True)
def return_candidates(
    away: np.ndarray,
    status: np.ndarray,
    amnesty_wait: np.ndarray,
    registrants_wait: bool,
    age_months: np.ndarray,
    return_hazard: float,
    unemployed_return_hazard: float,
    old_age_months: int,
    old_age_hazard: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The people of ``away`` who may go home of their own accord (employed or unemployed
    abroad; with ``registrants_wait``, not while a registration awaits verification), in
    ``away``'s order, and each one's monthly hazard: ``unemployed_return_hazard`` if
    unemployed, else ``return_hazard``, at least ``old_age_hazard`` from ``old_age_months``."""
    n = away.size
    rows = np.empty(n, away.dtype)
    hazard = np.empty(n, np.float64)
    k = 0
    for i in range(n):
        r = away[i]
        s = status[r]
        if s != _EMPLOYED_REGULAR and s != _EMPLOYED_IRREGULAR and s != _UNEMPLOYED:
            continue
        if registrants_wait and amnesty_wait[r] != 0:
            continue
        h = unemployed_return_hazard if s == _UNEMPLOYED else return_hazard
        if age_months[r] >= old_age_months:
            h = np.maximum(h, old_age_hazard)
        rows[k] = r
        hazard[k] = h
        k += 1
    return rows[:k], hazard[:k]
