"""Formulas that the expectations of the workers and the realised events share.

What a worker expects from a corridor (``decisions.corridor_offer``) and what happens to it
abroad (``abroad``) use the same wage rule and the same exploitation hazard; yearly risks are
derived from monthly probabilities the same way wherever they are weighed. Each formula is
written once, here, so expectation and realisation cannot drift apart. All are elementwise
over numpy arrays (or floats) and draw no random numbers.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "exploitation_hazard_product",
    "irregular_wage",
    "monthly_exploitation_hazard",
    "protection_factor",
    "regular_wage",
    "training_exploitation_factor",
    "yearly_arrest_risk",
    "yearly_from_monthly",
]

Values = np.ndarray | float
"""An array of values (per worker or per corridor), or one value for all."""

TRAINED_EXPLOITATION_FACTOR = 0.5
"""Pre-departure training halves the monthly exploitation hazard."""


def yearly_from_monthly(p: Values) -> np.ndarray:
    """Chance of at least one event in 12 months given a monthly probability ``p``:
    ``1 - (1 - p) ** 12``."""
    return 1.0 - (1.0 - np.asarray(p)) ** 12


def yearly_arrest_risk(
    monthly: Values, border_area: Values, border_area_months: int, weight: float = 1.0
) -> np.ndarray:
    """Perceived chance of an arrest in a first year on the irregular channel: ``monthly``
    every month and, for the first ``border_area_months`` months (at most 12), border-area
    enforcement ``border_area`` on top (as the arrest rule: either catches), its chance of
    catching the crosser at all weighed by ``weight``, so ``1 - (1 - monthly) ** 12 *
    (1 - weight * (1 - (1 - border_area) ** min(months, 12)))``. Why the weight multiplies
    the chance of an early arrest and not the monthly probability: it is the cost of an early
    arrest against an ordinary one (ODD 7.7 item 6), and an expected cost is a chance times
    a cost; weighing the monthly probability instead would count a 0.3 weight on a 0.62
    monthly probability over 3 months as 0.46 of an arrest, not 0.3 x 0.95 = 0.28. With
    weight 1 it is ``1 - (1 - monthly) ** 12 * (1 - border_area) ** months``; with no
    border-area enforcement it is :func:`yearly_from_monthly` exactly."""
    first = min(int(border_area_months), 12)
    early = 1.0 - (1.0 - np.asarray(border_area)) ** first
    stays = (1.0 - np.asarray(monthly)) ** 12 * (1.0 - weight * early)
    return 1.0 - stays


def regular_wage(
    market_wage: np.ndarray,
    minimum_wage: np.ndarray,
    training_premium: float,
    trained: Values,
) -> np.ndarray:
    """Monthly low-skill wage of a regular worker (USD): the market wage, at least the migrant
    minimum wage, raised by ``training_premium`` for the trained (``trained``: a bool per
    worker, or the share trained for an expectation)."""
    return np.maximum(market_wage, minimum_wage) * (1.0 + training_premium * np.asarray(trained))


def irregular_wage(market_wage: np.ndarray, discount: float) -> np.ndarray:
    """Monthly low-skill wage of an irregular worker (USD): the market wage at
    ``irregular_wage_discount``."""
    return market_wage * discount


def protection_factor(effectiveness: float, coverage: np.ndarray) -> np.ndarray:
    """Share of the exploitation hazard left by protection: ``1 - effectiveness x coverage``."""
    return 1.0 - effectiveness * coverage


def training_exploitation_factor(trained: Values) -> np.ndarray:
    """Factor of the exploitation hazard for the trained (a bool per worker, or the share
    trained for an expectation): 1 untrained, ``TRAINED_EXPLOITATION_FACTOR`` trained."""
    return 1.0 - (1.0 - TRAINED_EXPLOITATION_FACTOR) * np.asarray(trained)


def monthly_exploitation_hazard(
    base: Values,
    malpractice: Values,
    training: Values,
    protection: Values,
    vulnerability: Values = 1.0,
) -> np.ndarray:
    """Monthly chance that exploitation starts: the channel's base hazard, raised by the
    recruiter's malpractice (``1 + malpractice``), times the training factor
    (:func:`training_exploitation_factor`), the protection factor (:func:`protection_factor`)
    and the worker's vulnerability (``female_vulnerability`` for women, 1 for men).

    The product is taken in this order (the same bits in the expectation and the realisation,
    and in the compiled loop of :mod:`simulation.exploitation`, which compiles
    :func:`exploitation_hazard_product` itself)."""
    return exploitation_hazard_product(
        np.asarray(base), np.asarray(malpractice), training, protection, vulnerability
    )


def exploitation_hazard_product(base, malpractice, training, protection, vulnerability):
    """The product of :func:`monthly_exploitation_hazard`, in its order, with operators only:
    it works on numpy arrays and on floats, and numba compiles it unchanged for the
    per-worker loop (one formula, not a fast and a slow copy). numba's disk cache of that
    loop does not see edits here: delete the caches after editing (CONTRIBUTING.md)."""
    return base * (1.0 + malpractice) * training * protection * vulnerability
