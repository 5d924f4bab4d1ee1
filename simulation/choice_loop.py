"""One origin's deciders this month: utilities, nested-logit probabilities and choices in
one compiled pass over the workers (issue 16).

Why a fused loop: the utility of each alternative is a few terms per worker (the group's
part, income, cost, network ties, what a returnee's past adds), then the nested logit
and the draw; as numpy passes that is a dozen (deciders x alternatives) temporaries per
origin and month, which at a calibration's few thousand deciders cost more in dispatch than
in arithmetic. The rule itself is :func:`simulation.decisions._origin_choices`'s
docstring and ODD 7.4; the nested logit and the draw are :mod:`agents.choice`'s per-worker
functions. No draws here: each worker's uniform comes in, so the result does not depend on
how the loop is run.
"""

from __future__ import annotations

import math

import numba
import numpy as np

from agents.choice import choose_row, nested_logit_row

__all__ = ["origin_choices"]


@numba.njit(cache=True, error_model="numpy")
def origin_choices(
    by_group: np.ndarray,
    group: np.ndarray,
    income: np.ndarray,
    savings: np.ndarray,
    ties: np.ndarray,
    network: np.ndarray,
    extra: np.ndarray,
    cost: np.ndarray,
    open_: np.ndarray,
    coefficients: np.ndarray,
    uniforms: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(workers x (1 + alternatives)) probabilities (column 0 staying) and each worker's
    choice (a column index) for one origin's deciders.

    Per worker ``i`` and alternative ``a`` (2j + k: the j-th corridor, channel k)::

        V = by_group[group_i, a] - b_gap log(income_i) - b_cost cost_a / income_i
            + b_network network[ties_i, a] (+ extra[i, a])

    ``-inf`` where the channel is closed, the cost is beyond savings plus
    ``borrowing`` months of income, or V is not finite. ``by_group`` [8, a]: the part that
    depends on a worker only through being skilled, female or informed (row
    ``group_i``); ``network`` [ties, a]: log(1 + ties x the origin's share already there);
    ``extra`` [worker, a] or empty (0 x a): what a returnee's past moves add;
    ``coefficients``: b_gap, b_cost (per month of income), b_network, borrowing (months of
    income), the stay utility and the nest scale."""
    b_gap, b_cost, b_net, borrowing, stay, lam = coefficients
    n, alternatives = group.shape[0], cost.shape[0]
    probs = np.empty((n, alternatives + 1))
    chosen = np.empty(n, np.int64)
    utility = np.empty(alternatives)
    has_extra = extra.shape[0] > 0
    for i in range(n):
        inc = income[i]
        log_term = b_gap * math.log(inc)
        budget = savings[i] + borrowing * inc
        g, t = group[i], ties[i]
        for a in range(alternatives):
            v = by_group[g, a] - log_term - b_cost * cost[a] / inc + b_net * network[t, a]
            if has_extra:
                v = v + extra[i, a]
            utility[a] = v if open_[a] and cost[a] <= budget and math.isfinite(v) else -np.inf
        nested_logit_row(utility, stay, lam, probs[i])
        chosen[i] = choose_row(probs[i], uniforms[i])
    return probs, chosen
