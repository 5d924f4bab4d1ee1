"""Who may weigh a move this month, and with what chance, in one compiled pass over the
population (issue 16).

Why: :func:`simulation.decisions.draw_deciders` found the candidates with numpy passes over
everyone (status twice, age twice, three combinations, the index, the origin's rate) and
its returnee factors gathered and combined three more columns for
them: at a million agents about 7% of a run. This loop returns the same rows in the same
order and the same chances; the draw stays with the caller, so the stream and the deciders
are unchanged bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import Status

__all__ = ["decision_candidates"]

_AT_HOME = int(Status.AT_HOME)
_RETURNED = int(Status.RETURNED)


@numba.njit(cache=True)
def decision_candidates(
    status: np.ndarray,
    age_months: np.ndarray,
    origin: np.ndarray,
    trips: np.ndarray,
    season_left: np.ndarray,
    rate: np.ndarray,
    min_age_months: int,
    max_age_months: int,
    returnee_factors: bool,
    returnee_decision_factor: float,
    seasonal_decision_factor: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The people at home (never migrated, or returned) aged ``min_age_months`` up to (not
    including) ``max_age_months``, in row order, and each one's monthly chance of weighing a
    move: the origin's ``rate``; with ``returnee_factors``, times
    ``returnee_decision_factor`` for those who migrated before (``trips`` above 0) and times
    ``seasonal_decision_factor`` for those back from a seasonal stay (``season_left`` -1),
    at most 1 (``trips`` and ``season_left`` are read only then)."""
    n = status.size
    rows = np.empty(n, np.int64)
    p = np.empty(n, rate.dtype)
    k = 0
    for r in range(n):
        s = status[r]
        if s != _AT_HOME and s != _RETURNED:
            continue
        a = age_months[r]
        if a < min_age_months or a >= max_age_months:
            continue
        q = rate[origin[r]]
        if returnee_factors:
            f = returnee_decision_factor if trips[r] > 0 else 1.0
            f = f * (seasonal_decision_factor if season_left[r] < 0 else 1.0)
            q = np.minimum(1.0, q * f)
        rows[k] = r
        p[k] = q
        k += 1
    return rows[:k], p[:k]
