"""One origin's deciders this month: utilities, nested-logit probabilities and choices in
one compiled pass over the workers (issue 16).

Why a fused loop: the utility of each alternative is a few terms per worker (the group's
part, income, cost, network ties, what a returnee's past adds), then the nested logit and
the draw; as numpy passes that is a dozen (deciders x alternatives) temporaries per origin
and month, which at a calibration's few thousand deciders cost more in dispatch than in
arithmetic, and gathering each decider's columns and scattering its probabilities into the
month's matrix cost as much again. The rule is ODD 7.5 and :func:`origin_choices`'s
docstring; the nested logit and the draw are :mod:`agents.choice`'s per-worker functions.
No draws here: each worker's uniform comes in, so the result does not depend on how the
loop is run.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from agents.choice import choose_row, nested_logit_row

__all__ = ["origin_choices"]


@numba.njit(cache=True, error_model="numpy")
def origin_choices(
    sel: np.ndarray,
    rows: np.ndarray,
    skilled: np.ndarray,
    female: np.ndarray,
    ties: np.ndarray,
    savings: np.ndarray,
    informed: np.ndarray,
    income: np.ndarray,
    uniforms: np.ndarray,
    by_group: np.ndarray,
    network: np.ndarray,
    extra: np.ndarray,
    cost: np.ndarray,
    loan: np.ndarray,
    open_: np.ndarray,
    columns: np.ndarray,
    coefficients: np.ndarray,
    out: np.ndarray,
    chosen: np.ndarray,
) -> None:
    """Write the probabilities of one origin's deciders into their rows of ``out`` (at
    ``columns``: 0 staying, then each alternative's column) and each one's choice (a column
    index) into ``chosen``.

    The deciders are ``sel`` (positions in this month's decider arrays ``informed``,
    ``income``, ``uniforms``, ``out``, ``chosen``); ``rows[sel]`` are their rows of the
    population columns ``skilled``, ``female``, ``ties`` (network ties) and ``savings``.
    Per decider ``i`` and alternative ``a`` (2j + k: the origin's j-th corridor, channel k)::

        V = by_group[group_i, a] - b_gap log(income_i) - b_cost cost_a / income_i
            + b_network network[ties_i, a] (+ extra[i, a])

    with ``group_i = 4 skilled + 2 female + informed``; ``-inf`` where the channel is
    closed, the cost is beyond savings plus ``borrowing`` months of income plus what can be
    borrowed against the contract (``loan``, USD per alternative: regular ones only), or V
    is not finite. ``by_group`` [8, a]: the part that depends on a worker only through
    those three; ``network`` [ties, a]: log(1 + ties x the origin's share already there); ``extra``
    [position in ``sel``, a] or empty (0 x a): what a returnee's past moves add;
    ``coefficients``: b_gap, b_cost (per month of income), b_network, borrowing (months of
    income), the stay utility and the nest scale."""
    b_gap, b_cost, b_net, borrowing, stay, lam = coefficients
    alternatives = cost.shape[0]
    utility = np.empty(alternatives)
    probs = np.empty(alternatives + 1)
    has_extra = extra.shape[0] > 0
    for k in range(sel.shape[0]):
        i = sel[k]
        r = rows[i]
        inc = income[i]
        log_term = b_gap * math.log(inc)
        budget = savings[r] + borrowing * inc
        g = (4 if skilled[r] else 0) + (2 if female[r] else 0) + (1 if informed[i] else 0)
        t = ties[r]
        for a in range(alternatives):
            v = by_group[g, a] - log_term - b_cost * cost[a] / inc + b_net * network[t, a]
            if has_extra:
                v = v + extra[k, a]
            affordable = cost[a] <= budget + loan[a]
            utility[a] = v if open_[a] and affordable and math.isfinite(v) else -np.inf
        nested_logit_row(utility, stay, lam, probs)
        for a in range(alternatives + 1):
            out[i, columns[a]] = probs[a]
        chosen[i] = columns[choose_row(probs, uniforms[i])]
