"""A Gaussian-process emulator of the targets and the posterior it gives (issue 15, item 2).

Why an emulator: ABC-SMC needs a model run per proposal, and at about a second a run its
posterior rests on 150 particles (effective sample size 30). The emulator learns each
target's simulated value as a function of the fitted parameters from a few hundred runs at
space-filling points (a scrambled Sobol design in the unit cube, each run with a seed of its
own so that the emulator also learns the run-to-run noise); the posterior is then computed on
the emulator, at the cost of matrix products, with as many samples as wanted.

Each target gets one scikit-learn ``GaussianProcessRegressor`` on the log of its simulated
value (targets span six orders of magnitude and bands are wide in ratio, not in difference):
a constant times an anisotropic Matern 5/2 kernel (one length scale per parameter: the
parameters the target does not depend on get long ones) plus a white-noise term, which
learns the model's stochastic noise. Its predictive standard deviation at a point includes
that noise and the emulator's own uncertainty, so both widen the posterior.

The likelihood reads a target as a measurement on the log scale: a band (two sources that
disagree) is a 90% interval, a point has a 90% interval of +-:data:`POINT_TOLERANCE` (the
calibration goal): log value ~ Normal(centre, obs_sd^2 + emulator sd^2), targets independent.
These are assumptions, written in ODD section 14, not estimates.

The posterior over the unit cube (uniform prior) is sampled by adaptive importance sampling:
Sobol points from the prior, then rounds whose proposal is a defensive mixture of the prior
(10%) and a normal fitted to the weighted samples with twice their covariance, truncated to
the cube; weights prior x likelihood / proposal; stop when Kish's effective sample size
reaches the goal.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from .targets import POINT_TOLERANCE, Target

__all__ = [
    "IDENTIFIED_AT",
    "Emulator",
    "ImportanceSample",
    "Measurement",
    "importance_posterior",
    "log_values",
    "measurement",
    "sobol_design",
]

IDENTIFIED_AT = 1.5
"""A parameter whose posterior sd is not at least this many times narrower than its prior
sd is reported as not identified by the targets (the data barely moved it)."""

Z90 = 1.6448536269514722
"""Standard normal quantile of 0.95: a central 90% interval is +-Z90 standard deviations."""


@dataclass(frozen=True)
class Measurement:
    """The targets as measurements on the log scale: centre and standard deviation of each,
    and the floor below which a simulated value counts as that floor (log of zero)."""

    centre: np.ndarray
    sd: np.ndarray
    floor: np.ndarray
    weight: np.ndarray


def measurement(targets: tuple[Target, ...]) -> Measurement:
    """Log centre and sd of each target (a band as a 90% interval, a point +-20% as one)."""
    centre, sd, floor = [], [], []
    for t in targets:
        if t.is_band:
            lo, hi = math.log(max(t.low, 1e-12)), math.log(max(t.high, 1e-12))
            centre.append((lo + hi) / 2)
            sd.append(max((hi - lo) / 2 / Z90, 1e-3))
        else:
            centre.append(math.log(max(t.value, 1e-12)))
            sd.append(math.log1p(POINT_TOLERANCE) / Z90)
        floor.append(1e-3 * max(abs(t.centre), 1e-9))
    return Measurement(
        np.array(centre),
        np.array(sd),
        np.array(floor),
        np.array([t.weight for t in targets], dtype=float),
    )


def log_values(simulated: np.ndarray, m: Measurement) -> np.ndarray:
    """Simulated target values (runs x targets) on the log scale, floored."""
    y = np.nan_to_num(np.asarray(simulated, dtype=float), nan=0.0)
    return np.log(np.maximum(y, m.floor))


def sobol_design(dimensions: int, n: int, seed: int) -> np.ndarray:
    """``n`` points of a scrambled Sobol sequence in the unit cube (the first ``n``: a prefix
    of a longer design is the design of a smaller one, so a design can grow on resume)."""
    from scipy.stats import qmc

    with warnings.catch_warnings():  # n need not be a power of two
        warnings.simplefilter("ignore", UserWarning)
        return qmc.Sobol(dimensions, scramble=True, seed=seed).random(n)


class Emulator:
    """One Gaussian process per target on the log of its simulated value (see the module)."""

    def __init__(self, seed: int = 0, restarts: int = 1) -> None:
        self.seed, self.restarts = seed, restarts
        self.models: list = []

    def fit(self, u: np.ndarray, z: np.ndarray) -> Emulator:
        """Fit to design points ``u`` (runs x parameters, unit cube) and log values ``z``."""
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        d = u.shape[1]
        self.models = []
        for j in range(z.shape[1]):
            kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
                np.full(d, 0.5), (1e-2, 1e2), nu=2.5
            ) + WhiteKernel(1e-2, (1e-6, 1.0))
            gp = GaussianProcessRegressor(
                kernel,
                normalize_y=True,
                n_restarts_optimizer=self.restarts,
                random_state=self.seed + j,
            )
            with warnings.catch_warnings():  # a length scale at its bound: no dependence
                warnings.simplefilter("ignore", ConvergenceWarning)
                gp.fit(u, z[:, j])
            self.models.append(gp)
        return self

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predictive mean and sd (points x targets) on the log scale; the sd includes the
        learnt run-to-run noise."""
        means, sds = [], []
        for gp in self.models:
            mu, sd = gp.predict(u, return_std=True)
            means.append(mu)
            sds.append(sd)
        return np.column_stack(means), np.column_stack(sds)

    def log_likelihood(self, u: np.ndarray, m: Measurement, centre: np.ndarray | None = None):
        """Log likelihood of the measured ``centre`` (default: the targets') at points ``u``."""
        c = m.centre if centre is None else centre
        mu, sd = self.predict(u)
        var = m.sd**2 + sd**2
        terms = -0.5 * ((c - mu) ** 2 / var + np.log(2 * np.pi * var))
        return (terms * m.weight).sum(axis=1)


@dataclass(frozen=True)
class ImportanceSample:
    """Weighted posterior sample in the unit cube."""

    u: np.ndarray
    weight: np.ndarray  # normalised
    rounds: int
    evaluations: int

    @property
    def effective_sample_size(self) -> float:
        return float(1.0 / (self.weight**2).sum())

    def draws(self, n: int, rng: np.random.Generator) -> tuple[np.ndarray, int]:
        """``n`` draws resampled by weight, and how many distinct points they hold."""
        pick = rng.choice(len(self.u), size=n, p=self.weight)
        return self.u[pick], len(np.unique(pick))

    def cdf_at(self, truth: np.ndarray) -> np.ndarray:
        """Posterior CDF of each parameter at ``truth`` (the rank statistic of simulation-based
        calibration, as a share: uniform over truths when the posterior is calibrated)."""
        return ((self.u < truth) * self.weight[:, None]).sum(axis=0)


def importance_posterior(
    log_likelihood,
    dimensions: int,
    seed: int,
    per_round: int = 4000,
    ess_goal: float = 1000.0,
    max_rounds: int = 6,
    defensive: float = 0.1,
) -> ImportanceSample:
    """Adaptive importance sampling of prior (uniform on the cube) x likelihood (see the
    module). ``log_likelihood`` maps points (n x d) to log likelihoods (n)."""
    rng = np.random.default_rng(seed)
    u = sobol_design(dimensions, per_round, seed)
    log_q = np.zeros(per_round)  # the prior's density is 1 on the cube
    sample = _weighted(u, log_likelihood(u) - log_q, 1, per_round)
    for r in range(2, max_rounds + 1):
        if sample.effective_sample_size >= ess_goal:
            break
        mean = sample.weight @ sample.u
        centred = sample.u - mean
        cov = 2.0 * (centred.T * sample.weight) @ centred + 1e-6 * np.eye(dimensions)
        u, log_q = _defensive_proposal(rng, mean, cov, per_round, defensive)
        sample = _weighted(u, log_likelihood(u) - log_q, r, sample.evaluations + per_round)
    return sample


def _weighted(u: np.ndarray, log_w: np.ndarray, rounds: int, evaluations: int):
    log_w = np.where(np.isfinite(log_w), log_w, -np.inf)
    w = np.exp(log_w - log_w.max())
    return ImportanceSample(u, w / w.sum(), rounds, evaluations)


def _defensive_proposal(rng, mean, cov, n, defensive):
    """``n`` points from ``defensive`` x uniform + (1 - ``defensive``) x normal(mean, cov)
    truncated to the cube, with the log density of that mixture at each."""
    from scipy.stats import multivariate_normal

    d = len(mean)
    normal = multivariate_normal(mean, cov, allow_singular=True)
    # the truncated normal's mass inside the cube, by Monte Carlo (its normalising constant)
    probe = normal.rvs(size=20_000, random_state=rng).reshape(-1, d)
    inside = float(np.mean(np.all((probe >= 0) & (probe <= 1), axis=1)))
    inside = max(inside, 1e-6)
    n_uniform = int(rng.binomial(n, defensive))
    kept = np.empty((0, d))
    while len(kept) < n - n_uniform:
        x = normal.rvs(size=2 * (n - n_uniform), random_state=rng).reshape(-1, d)
        kept = np.vstack([kept, x[np.all((x >= 0) & (x <= 1), axis=1)]])
    u = np.vstack([rng.random((n_uniform, d)), kept[: n - n_uniform]])
    density = defensive + (1.0 - defensive) * normal.pdf(u) / inside
    return u, np.log(density)
