"""The labour markets' head counts in compiled passes (issue 16).

Why: :meth:`simulation.markets.LabourMarket.clear` found everyone in a destination, their
destination and the employed among them, and :func:`simulation.markets.employment_rates`
counted the employed and everyone not detained by destination and legal status, each with a
handful of numpy passes (gathers, compares, index, ``bincount``) over about everyone away: at
a million agents they were 8% of a run. These loops return the same rows in the same order
and the same integer counts, so the market clears exactly as before.
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import Legal, Status

__all__ = ["employment_counts", "in_destination_rows"]

_EMPLOYED_REGULAR = int(Status.EMPLOYED_REGULAR)
_EMPLOYED_IRREGULAR = int(Status.EMPLOYED_IRREGULAR)
_DETAINED = int(Status.DETAINED)
_NONE = int(Legal.NONE)
_REGULAR = int(Legal.REGULAR)


@numba.njit(cache=True)
def in_destination_rows(
    legal: np.ndarray, status: np.ndarray, corridor: np.ndarray, c_dest: np.ndarray, n_d: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Everyone in a destination (legal status not none: the rows, in order, and their
    destination), the employed among them (rows and destination) and the employed per
    destination (a count of rows)."""
    n = legal.size
    away = np.empty(n, np.int64)
    dest = np.empty(n, c_dest.dtype)
    k = 0
    for r in range(n):
        if legal[r] != _NONE:
            away[k] = r
            dest[k] = c_dest[corridor[r]]
            k += 1
    employed = np.empty(k, np.int64)
    employed_dest = np.empty(k, c_dest.dtype)
    count = np.zeros(n_d, np.int64)
    e = 0
    for i in range(k):
        s = status[away[i]]
        if s == _EMPLOYED_REGULAR or s == _EMPLOYED_IRREGULAR:
            employed[e] = away[i]
            employed_dest[e] = dest[i]
            count[dest[i]] += 1
            e += 1
    return away[:k], dest[:k], employed[:e], employed_dest[:e], count


@numba.njit(cache=True)
def employment_counts(
    away: np.ndarray, dest: np.ndarray, status: np.ndarray, legal: np.ndarray, n_d: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per destination x legal status (``2 destination + channel``: regular 0, irregular 1)
    of the rows ``away`` (``dest`` theirs): how many are employed, and how many are not
    detained."""
    employed = np.zeros(2 * n_d, np.int64)
    present = np.zeros(2 * n_d, np.int64)
    for i in range(away.size):
        r = away[i]
        cell = 2 * dest[i] + (0 if legal[r] == _REGULAR else 1)
        s = status[r]
        if s == _EMPLOYED_REGULAR or s == _EMPLOYED_IRREGULAR:
            employed[cell] += 1
        if s != _DETAINED:
            present[cell] += 1
    return employed, present
