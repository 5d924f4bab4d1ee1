"""A month's earnings, spending, repayment and remittances of the employed abroad, in one
compiled pass over them (issue 16).

Why: :func:`simulation.abroad.earn_and_spend` was a dozen numpy passes over the employed
(gather the wage inputs, three ``where``, repay, remit, four ``bincount``), 7-8% of a run at
100,000 agents. The wage rule stays in :mod:`simulation.formulas` (one implementation):
:func:`wage_table` evaluates it on every combination that sets a wage (destination, regular
or not, trained, skilled, exploited; a few dozen values), and :func:`earn_and_spend_rows`
looks each worker's wage up and does the rest of the month's money in one loop. The
arithmetic is the numpy passes' own, operation for operation, and the sums per corridor x
channel cell run over the workers in their order, as ``bincount`` does, so the outputs are
those of the numpy passes bit for bit (for finite values; a repayment of zero may differ in
the sign of that zero, which changes no sum).
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import Legal

from .formulas import irregular_wage, regular_wage

__all__ = ["MONEY_FLOWS", "earn_and_spend_rows", "wage_table"]

MONEY_FLOWS = (
    "earnings_usd",
    "remittances_sent_usd",
    "remittance_cost_usd",
    "remittances_received_usd",
)
"""The flows :func:`earn_and_spend_rows` sums, in the order of its ``sums`` rows."""

_REGULAR = int(Legal.REGULAR)


def wage_table(
    market_wage: np.ndarray,
    minimum_wage: np.ndarray,
    training_premium: float,
    irregular_discount: float,
    skill_multiplier: np.ndarray,
    exploitation_wage_loss: float,
) -> np.ndarray:
    """Monthly wage (USD) by ``[destination, regular, trained, skilled, exploited]`` (the
    last four 0 or 1): the regular or irregular wage rule of :mod:`simulation.formulas`
    (training counts for regular workers only), times the destination's skill multiplier
    for the skilled, times ``1 - exploitation_wage_loss`` while exploited. Multiplied in
    that order, as the per-worker passes did."""
    flags = np.array([False, True])
    regular = regular_wage(market_wage[:, None], minimum_wage[:, None], training_premium, flags)
    irregular = irregular_wage(market_wage, irregular_discount)[:, None]
    irregular = np.broadcast_to(irregular, regular.shape)
    base = np.stack([irregular, regular], axis=1)  # [d, regular, trained]
    skill = np.stack([np.ones_like(skill_multiplier), skill_multiplier], axis=1)  # [d, skilled]
    wage = base[:, :, :, None] * skill[:, None, None, :]
    withheld = np.array([1.0, 1.0 - exploitation_wage_loss])
    return np.ascontiguousarray(wage[..., None] * withheld)


@numba.njit(cache=True)
def earn_and_spend_rows(
    rows: np.ndarray,
    corridor: np.ndarray,
    legal: np.ndarray,
    trained: np.ndarray,
    skilled: np.ndarray,
    exploited: np.ndarray,
    c_dest: np.ndarray,
    wages: np.ndarray,
    living_cost_share: float,
    debt_repayment_share: float,
    remittance_share: float,
    remittance_cost_pct: np.ndarray,
    social_security_share: float,
    debt: np.ndarray,
    savings: np.ndarray,
    social_security: np.ndarray,
    sums: np.ndarray,
) -> None:
    """For each worker of ``rows`` (employed abroad): the wage from ``wages``
    (:func:`wage_table`); ``living_cost_share`` of it spent; ``debt_repayment_share`` of the
    rest repays ``debt``; ``remittance_share`` of what is left is sent at the corridor's
    ``remittance_cost_pct``; the remainder joins ``savings``; regular workers accrue
    ``social_security_share`` of the wage. Writes ``debt``, ``savings``,
    ``social_security`` of the rows and adds to ``sums`` [flow of :data:`MONEY_FLOWS`,
    corridor x 2 + channel] the wage, the amount sent, its cost and what arrives."""
    kept = 1.0 - living_cost_share
    for i in range(rows.size):
        r = rows[i]
        c = corridor[r]
        regular = legal[r] == _REGULAR
        wage = wages[
            c_dest[c],
            1 if regular else 0,
            1 if trained[r] else 0,
            1 if skilled[r] else 0,
            1 if exploited[r] else 0,
        ]
        net = wage * kept
        repay = np.minimum(debt[r], net * debt_repayment_share)  # nan as numpy's
        debt[r] -= repay
        sent = (net - repay) * remittance_share
        cost = sent * remittance_cost_pct[c] / 100.0
        savings[r] += net - repay - sent
        if regular:
            social_security[r] += wage * social_security_share
        cell = 2 * c + (0 if regular else 1)
        sums[0, cell] += wage
        sums[1, cell] += sent
        sums[2, cell] += cost
        sums[3, cell] += sent - cost
