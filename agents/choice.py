"""Nested-logit choice of a worker between staying and each destination x channel.

Two nests: "stay" (one alternative, utility ``stay_constant``) and "migrate" (every feasible
destination x channel of the worker's origin). With nest scale ``lambda`` (0 < lambda <= 1)::

    IV      = lambda * log(sum_a exp(V_a / lambda))          # inclusive value of migrating
    P(go)   = exp(IV) / (exp(V_stay) + exp(IV))
    P(a|go) = exp(V_a / lambda) / sum_a' exp(V_a' / lambda)

``lambda = 1`` is the multinomial logit. Infeasible alternatives (channel closed, cost beyond
savings plus borrowing) carry ``-inf`` utility and zero probability. Everything is computed
for all deciders at once from a (deciders x alternatives) utility matrix.
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose", "nested_logit_probabilities"]


def nested_logit_probabilities(
    utility: np.ndarray, stay_utility: np.ndarray | float, nest_scale: float
) -> np.ndarray:
    """Return (deciders x (1 + alternatives)) probabilities; column 0 is staying."""
    lam = float(nest_scale)
    scaled = utility / lam
    top = np.max(scaled, axis=1, keepdims=True)
    feasible = np.isfinite(top[:, 0])
    top = np.where(np.isfinite(top), top, 0.0)
    expo = np.exp(scaled - top)  # exp(-inf) = 0 for infeasible alternatives
    total = expo.sum(axis=1)
    with np.errstate(divide="ignore"):
        inclusive = lam * (np.log(total) + top[:, 0])  # -inf where nothing is feasible
    stay = np.broadcast_to(np.asarray(stay_utility, dtype=float), inclusive.shape)
    hi = np.maximum(stay, np.where(feasible, inclusive, stay))
    p_go = np.where(
        feasible, np.exp(inclusive - hi) / (np.exp(stay - hi) + np.exp(inclusive - hi)), 0.0
    )
    within = np.divide(expo, total[:, None], out=np.zeros_like(expo), where=total[:, None] > 0)
    out = np.empty((utility.shape[0], utility.shape[1] + 1))
    out[:, 0] = 1.0 - p_go
    out[:, 1:] = within * p_go[:, None]
    return out


def choose(probabilities: np.ndarray, uniforms: np.ndarray) -> np.ndarray:
    """Draw one choice per row (0 = stay, k = alternative k - 1) from one uniform each."""
    cumulative = np.cumsum(probabilities, axis=1)
    # scale the uniform by each row's total (which rounding may leave a hair off 1) and count
    # the alternatives whose cumulative mass it reaches: one of zero probability can never
    # be chosen, whatever the rounding
    target = uniforms * cumulative[:, -1]
    return (cumulative <= target[:, None]).sum(axis=1)
