"""The month's stocks counted in one compiled pass over the population (issue 16).

Why: :meth:`simulation.metrics.Metrics.close_month` needs a dozen counts per corridor x
channel cell (people abroad, by sex, employed, unemployed, detained, waiting for an amnesty,
exploited, on Japan's programmes, waiting to leave, crossing), the debt outstanding per
cell and the population by origin x status. As numpy passes that is a mask and a
``bincount`` each over the people away, about a tenth of a run at 100,000 agents; one loop
over the rows does them all. Counts are integers and the debt is summed row by row in the
rows' order, as ``bincount`` does, so the outputs are those of the numpy passes bit for bit.
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import Legal, Status

__all__ = ["COUNTED", "count_month"]

COUNTED = (
    "stock",
    "stock_female",
    "stock_male",
    "employed",
    "unemployed",
    "detained",
    "amnesty_pending",
    "exploited_now",
    "waiting",
    "in_transit",
)
"""The stocks :func:`count_month` counts, in the order of its first columns; the programme
stocks follow, one column per programme code given."""

_WAITING, _IN_TRANSIT = int(Status.WAITING), int(Status.IN_TRANSIT)
_EMPLOYED_REGULAR, _EMPLOYED_IRREGULAR = (
    int(Status.EMPLOYED_REGULAR),
    int(Status.EMPLOYED_IRREGULAR),
)
_UNEMPLOYED, _DETAINED = int(Status.UNEMPLOYED_ABROAD), int(Status.DETAINED)
_NONE, _REGULAR, _IRREGULAR = int(Legal.NONE), int(Legal.REGULAR), int(Legal.IRREGULAR)


@numba.njit(cache=True)
def count_month(
    status: np.ndarray,
    legal: np.ndarray,
    corridor: np.ndarray,
    channel: np.ndarray,
    female: np.ndarray,
    amnesty_wait: np.ndarray,
    exploited: np.ndarray,
    debt: np.ndarray,
    origin: np.ndarray,
    programme: np.ndarray,
    programme_codes: np.ndarray,
    n_cells: int,
    n_origins: int,
    n_status: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts [cell, :data:`COUNTED` then one column per programme code], debt [cell],
    people [origin x status]) over the population's rows (unweighted: one per agent).

    The people away are those waiting, crossing, employed, unemployed or detained abroad.
    Stocks by legal status count them in the cell ``2 corridor + irregular`` (a regular or
    no permit in the first); those with a legal status (in a destination) are "abroad" (the
    ``stock``, by sex, and ``exploited_now``); ``amnesty_pending`` counts those with months
    of an amnesty to wait, whatever their status abroad. ``waiting`` and ``in_transit`` count in
    the cell of the channel of their move. A programme stock counts the regular abroad on
    that programme (``programme`` empty: none). The debt outstanding is that of every row
    with debt and a corridor, in the cell of its last move's channel."""
    n_codes = programme_codes.shape[0]
    counts = np.zeros((n_cells, len(COUNTED) + n_codes), np.int64)
    debt_sum = np.zeros(n_cells)
    people = np.zeros(n_origins * n_status, np.int64)
    for r in range(status.shape[0]):
        s = int(status[r])
        people[int(origin[r]) * n_status + s] += 1
        c = int(corridor[r])
        move_cell = c * 2 + max(int(channel[r]), 0)
        if debt[r] > 0 and c >= 0:
            debt_sum[move_cell] += debt[r]
        if _WAITING <= s <= _DETAINED:
            lg = int(legal[r])
            cell = c * 2 + (1 if lg == _IRREGULAR else 0)
            _count_away(counts, cell, move_cell, s, lg, female[r], exploited[r], amnesty_wait[r])
            if lg == _REGULAR and programme.shape[0] > 0:
                for k in range(n_codes):
                    if programme[r] == programme_codes[k]:
                        counts[cell, len(COUNTED) + k] += 1
    return counts, debt_sum, people


@numba.njit(cache=True, inline="always")
def _count_away(
    counts: np.ndarray,
    cell: int,
    move_cell: int,
    s: int,
    lg: int,
    female: bool,
    exploited: bool,
    amnesty_wait: int,
) -> None:
    """Count one person away (status ``s``, legal status ``lg``) into the first
    :data:`COUNTED` columns of ``counts``."""
    if lg != _NONE:
        counts[cell, 0] += 1
        counts[cell, 1 if female else 2] += 1
        if exploited:
            counts[cell, 7] += 1
    if s == _EMPLOYED_REGULAR or s == _EMPLOYED_IRREGULAR:
        counts[cell, 3] += 1
    elif s == _UNEMPLOYED:
        counts[cell, 4] += 1
    elif s == _DETAINED:
        counts[cell, 5] += 1
    elif s == _WAITING:
        counts[move_cell, 8] += 1
    elif s == _IN_TRANSIT:
        counts[move_cell, 9] += 1
    if amnesty_wait > 0:
        counts[cell, 6] += 1
