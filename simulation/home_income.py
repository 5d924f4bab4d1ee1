"""A person's income at home this month, per row, compiled (issue 16): the one place the
reintegration programme's boost is applied.

Why a module of its own: life at home's money (:func:`simulation.home.earn_at_home_rows`)
and everything else that needs home incomes (:func:`simulation.decisions.home_income`: the
decision, the borrowing limit at renewal) read the same rule, and both run compiled.
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["home_income_rows", "income_row"]


@numba.njit(cache=True, inline="always")
def income_row(
    income_table: np.ndarray,
    origin: int,
    skilled: bool,
    reintegration_left: int,
    reintegration_factor: float,
) -> float:
    """Income at home (USD a month) of one person: the entry ``origin x 2 + skilled`` of
    :func:`simulation.decisions.home_income_table`, times ``reintegration_factor`` (1 plus
    the boost) while in a reintegration programme."""
    income = income_table[origin * 2 + (1 if skilled else 0)]
    if reintegration_left > 0:
        income *= reintegration_factor
    return income


@numba.njit(cache=True)
def home_income_rows(
    rows: np.ndarray,
    origin: np.ndarray,
    skilled: np.ndarray,
    reintegration_left: np.ndarray,
    income_table: np.ndarray,
    reintegration_factor: float,
) -> np.ndarray:
    """:func:`income_row` of each of ``rows``."""
    out = np.empty(rows.size)
    for i in range(rows.size):
        r = rows[i]
        out[i] = income_row(
            income_table, origin[r], skilled[r], reintegration_left[r], reintegration_factor
        )
    return out
