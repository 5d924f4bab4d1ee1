"""Nested-logit choice of a worker between staying and each destination x channel.

Two nests: "stay" (one alternative, utility ``stay_constant``) and "migrate" (every feasible
destination x channel of the worker's origin). With nest scale ``lambda`` (0 < lambda <= 1)::

    IV      = lambda * log(sum_a exp(V_a / lambda))          # inclusive value of migrating
    P(go)   = exp(IV) / (exp(V_stay) + exp(IV))
    P(a|go) = exp(V_a / lambda) / sum_a' exp(V_a' / lambda)

``lambda = 1`` is the multinomial logit. Infeasible alternatives (channel closed, cost beyond
savings plus borrowing) carry ``-inf`` utility and zero probability.

Why compiled loops (numba, cached on disk): a month's deciders of one origin face a handful
of alternatives, so numpy's whole-array passes over (deciders x alternatives) matrices cost
more in dispatch and temporary arrays than in arithmetic (issue 16's profile: the choice was
the largest block of a calibration run). :func:`nested_logit_row` and :func:`choose_row` are
the rule for one worker, written once; the array functions here and the model's fused loop
(:mod:`simulation.choice_loop`) call them row by row.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["choose", "choose_row", "nested_logit_probabilities", "nested_logit_row"]


@numba.njit(cache=True, error_model="numpy")
def nested_logit_row(utility: np.ndarray, stay: float, lam: float, out: np.ndarray) -> None:
    """Write one worker's probabilities into ``out`` (length 1 + alternatives; 0 is staying)
    from the utilities of its alternatives (``-inf``: infeasible). Nobody migrates when no
    alternative is feasible."""
    n = utility.shape[0]
    top = -np.inf
    for a in range(n):
        s = utility[a] / lam
        out[1 + a] = s
        if s > top:
            top = s
    feasible = math.isfinite(top)
    if not feasible:
        top = 0.0
    total = 0.0
    for a in range(n):
        e = math.exp(out[1 + a] - top)  # exp(-inf) = 0 for infeasible alternatives
        out[1 + a] = e
        total += e
    p_go = 0.0
    if feasible:
        inclusive = lam * (math.log(total) + top)
        hi = max(stay, inclusive)
        p_go = math.exp(inclusive - hi) / (math.exp(stay - hi) + math.exp(inclusive - hi))
    out[0] = 1.0 - p_go
    for a in range(n):
        out[1 + a] = out[1 + a] / total * p_go if total > 0.0 else 0.0


@numba.njit(cache=True)
def choose_row(probabilities: np.ndarray, uniform: float) -> int:
    """One draw (0 = stay, k = alternative k - 1) from one uniform: the uniform, scaled by the
    row's total (which rounding may leave a hair off 1), is compared with the cumulative
    probabilities, counting those it reaches, so an alternative of zero probability can never
    be chosen, whatever the rounding."""
    total = 0.0
    for p in probabilities:
        total += p
    target = uniform * total
    cumulative, reached = 0.0, 0
    for p in probabilities:
        cumulative += p
        if cumulative <= target:
            reached += 1
    return reached


@numba.njit(cache=True, error_model="numpy")
def _nested_logit_rows(utility: np.ndarray, stay: np.ndarray, lam: float) -> np.ndarray:
    out = np.empty((utility.shape[0], utility.shape[1] + 1))
    for i in range(utility.shape[0]):
        nested_logit_row(utility[i], stay[i], lam, out[i])
    return out


@numba.njit(cache=True)
def _choose_rows(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    chosen = np.empty(probabilities.shape[0], np.int64)
    for i in range(probabilities.shape[0]):
        chosen[i] = choose_row(probabilities[i], uniforms[i])
    return chosen


def nested_logit_probabilities(
    utility: np.ndarray, stay_utility: np.ndarray | float, nest_scale: float
) -> np.ndarray:
    """Return (deciders x (1 + alternatives)) probabilities; column 0 is staying."""
    utility = np.ascontiguousarray(utility, dtype=float).reshape(len(utility), -1)
    stay = np.ascontiguousarray(np.broadcast_to(np.asarray(stay_utility, float), len(utility)))
    return _nested_logit_rows(utility, stay, float(nest_scale))


def choose(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Draw one choice per row (0 = stay, k = alternative k - 1) from one uniform each."""
    return _choose_rows(
        np.ascontiguousarray(probabilities, dtype=float), np.ascontiguousarray(uniforms, float)
    )
