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

A Gaussian process fitted by maximum likelihood claims less uncertainty than it has away
from where its runs are: on the 9-parameter default calibration (2026-12-02) 85% of held-out
(run, target) values fell inside its 90% intervals. So :meth:`Emulator.fit` widens each
target's predictive sd by the root mean square of its standardised leave-one-out residuals
over the space-filling design's runs (closed form from the fitted kernel matrix: residual
``alpha_i / [K^-1]_ii``, variance ``1 / [K^-1]_ii``; Rasmussen and Williams 2006, section
5.4.2), never narrowing it. The design's runs, not a wave's, because a wave's runs crowd
where the posterior of the real targets is, and the emulator must be honest over the whole
prior (simulation-based calibration draws its truths there). The factors are in
:attr:`Emulator.sd_scale` and the emulator's report.

The likelihood reads a target as a measurement on the log scale: a band (two sources that
disagree) is a 90% interval, a point has a 90% interval of +-:data:`POINT_TOLERANCE` (the
calibration goal); the difference between the measured and the emulated log value has
variance ``obs_sd^2 + emulator sd^2``, targets independent. These are assumptions, written
in ODD section 14, not estimates.

The emulator's errors are not Gaussian: now and then it misses a run by several of its
standard deviations (on the 9-parameter default calibration, 2026-12-03, the pooled
leave-one-out residuals have excess kurtosis 3.2, and 0.9% of them lie beyond 3 sd, three
times the Gaussian share). Under a Gaussian likelihood one such miss outweighs every other
target and drags the posterior away from the truth (in the simulation-based calibration,
at 10 of the 18 truths whose irregular-channel constant the posterior missed, one of the
three targets that moved it most was emulated 3-13 sd off). So :meth:`Emulator.fit` also
fits a Student-t to those pooled standardised residuals (:attr:`Emulator.tail_df`, 5.8 on
that run), and the likelihood is a
Student-t with the same variance whose kurtosis is that of the sum of a Gaussian
measurement error and a Student-t emulator error (excess kurtosis ``6 / (df - 4)`` scaled by
the emulator's share of the variance squared): Gaussian where the measurement dominates,
heavy-tailed where the emulator does.

The posterior over the unit cube (uniform prior) is sampled by :mod:`calibration.tempering`
(sequential Monte Carlo with adaptive tempering), which evaluates the likelihood at tens of
thousands of points: :meth:`Emulator.predict` therefore keeps, per target, the Cholesky
factor's inverse and the scaled training points after the fit, and predicts with two matrix
products (four times faster than scikit-learn's ``predict``, equal to it to 1e-9: a test).
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
    "Measurement",
    "log_values",
    "measurement",
    "sobol_design",
]

IDENTIFIED_AT = 1.5
"""A parameter whose posterior sd is not at least this many times narrower than its prior
sd is reported as not identified by the targets (the data barely moved it)."""

Z90 = 1.6448536269514722
"""Standard normal quantile of 0.95: a central 90% interval is +-Z90 standard deviations."""

GAUSSIAN_DF = 1000.0
"""Degrees of freedom taken as Gaussian: the tail fit's ceiling, and the likelihood's when the
emulator's errors have no excess kurtosis."""

MIN_TAIL_DF = 4.5
"""The tail fit's floor: the likelihood matches the kurtosis of the emulator's errors, which
is finite only above 4 degrees of freedom."""


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


def fit_target(u: np.ndarray, z: np.ndarray, kernel, restarts: int, seed: int):
    """One target's ``GaussianProcessRegressor`` on points ``u`` and log values ``z``:
    ``kernel`` (None: a constant times an anisotropic Matern 5/2 plus white noise, from unit
    length scales) optimised by maximum likelihood with ``restarts`` random restarts seeded
    by ``seed``.

    With one BLAS thread: a multithreaded BLAS sums in an order that depends on its number
    of threads, and the optimiser's path, hence the fitted kernel, on those last bits; one
    thread is also the faster on this problem (four targets on 500 runs of the default
    calibration: 18 s with one thread, 23 s with two, 2026-12-06), and the targets are
    what runs in parallel (:meth:`Emulator.fit`)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
    from threadpoolctl import threadpool_limits

    if kernel is None:
        kernel = ConstantKernel(1.0, (1e-3, 1e3)) * Matern(
            np.full(u.shape[1], 0.5), (1e-2, 1e2), nu=2.5
        ) + WhiteKernel(1e-2, (1e-6, 1.0))
    gp = GaussianProcessRegressor(
        kernel, normalize_y=True, n_restarts_optimizer=restarts, random_state=seed
    )
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a length scale at its bound
        gp.fit(u, z)
    return gp


class Emulator:
    """One Gaussian process per target on the log of its simulated value (see the module)."""

    def __init__(self, seed: int = 0, restarts: int = 1) -> None:
        self.seed, self.restarts = seed, restarts
        self.models: list = []

    def fit(
        self,
        u: np.ndarray,
        z: np.ndarray,
        start: Emulator | None = None,
        space_filling: int | None = None,
        executor=None,
    ) -> Emulator:
        """Fit to design points ``u`` (runs x parameters, unit cube) and log values ``z``.
        With ``start`` (the emulator of an earlier wave, on fewer runs), each target's
        optimisation starts from that fit's kernel and is not restarted: a wave adds points
        where the posterior is, which refines the kernel rather than changing it, and a fit
        of every target on hundreds of runs costs minutes per restart. The first
        ``space_filling`` runs (default all) are the space-filling design, over which the
        leave-one-out residuals set :attr:`sd_scale` (see the module).

        With an ``executor`` (the command's worker processes or Dask cluster) the targets'
        fits run on it, one task each; without one, here, one after another. Either way
        each fit has one BLAS thread (:func:`fit_target`), so the fitted kernels do not
        depend on where they ran or on the number of cores (of one machine type: OpenBLAS
        picks its kernels by processor). What is computed from them here (the prepared
        predictors, the posteriors) keeps this process's BLAS threads. The limit is a
        process's: a Dask worker with several threads runs several fits at once and, started
        without its nanny's one-thread environment, one may lift it while another runs, so
        start Dask workers with one thread each (``--nthreads 1``), as the README asks for
        ABC-SMC too."""
        previous: list = start.models if start is not None else [None] * z.shape[1]
        jobs = [
            (
                u,
                np.ascontiguousarray(z[:, j]),
                None if previous[j] is None else previous[j].kernel_,
                0 if previous[j] is not None else self.restarts,
                self.seed + j,
            )
            for j in range(z.shape[1])
        ]
        if executor is None:
            self.models = [fit_target(*job) for job in jobs]
        else:
            futures = [executor.submit(fit_target, *job) for job in jobs]
            self.models = [f.result() for f in futures]
        rows = len(u) if space_filling is None else space_filling
        self._prepared = [_Prepared.of(gp, rows) for gp in self.models]
        self.sd_scale = np.array([p.sd_scale for p in self._prepared])
        self.tail_df = _tail_df(
            np.concatenate([p.loo_residuals[:rows] / p.sd_scale for p in self._prepared])
        )
        return self

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Predictive mean and sd (points x targets) on the log scale; the sd includes the
        learnt run-to-run noise (scikit-learn's ``predict(return_std=True)``, by matrix
        products on what :meth:`fit` kept), times :attr:`sd_scale`."""
        u = np.atleast_2d(np.asarray(u, dtype=float))
        means, sds = [], []
        for p in self._prepared:
            mu, sd = p.predict(u)
            means.append(mu)
            sds.append(sd)
        return np.column_stack(means), np.column_stack(sds)

    def log_likelihood(self, u: np.ndarray, m: Measurement, centre: np.ndarray | None = None):
        """Log likelihood of the measured ``centre`` (default: the targets') at points ``u``:
        per target a Student-t of variance ``obs_sd^2 + emulator sd^2`` whose degrees of
        freedom match the kurtosis of a Gaussian measurement error plus an emulator error with
        :attr:`tail_df` degrees of freedom (see the module), weighted and summed."""
        c = m.centre if centre is None else centre
        mu, sd = self.predict(u)
        emulator_var = sd**2
        var = m.sd**2 + emulator_var
        df = combined_df(self.tail_df, emulator_var / var)
        terms = student_t_logpdf(c - mu, var, df)
        on = m.weight > 0  # a target left out of the fit (weight 0) adds nothing
        return (terms[:, on] * m.weight[on]).sum(axis=1)


def combined_df(tail_df: float, emulator_share: np.ndarray) -> np.ndarray:
    """Degrees of freedom of the Student-t with the kurtosis of a Gaussian plus an independent
    Student-t with ``tail_df`` degrees of freedom, the Student-t holding ``emulator_share`` of
    the variance: excess kurtosis ``6 / (tail_df - 4) * share^2``, so ``4 + (tail_df - 4) /
    share^2``, capped at :data:`GAUSSIAN_DF`."""
    share2 = np.maximum(np.asarray(emulator_share, dtype=float) ** 2, 1e-12)
    return np.minimum(4.0 + (tail_df - 4.0) / share2, GAUSSIAN_DF)


def student_t_logpdf(residual: np.ndarray, var: np.ndarray, df: np.ndarray) -> np.ndarray:
    """Log density of a centred Student-t with ``df`` degrees of freedom and variance ``var``
    (scale squared ``var (df - 2) / df``) at ``residual``; tends to the Gaussian's as ``df``
    grows."""
    from scipy.special import gammaln

    scale2 = var * (df - 2.0) / df
    return (
        gammaln((df + 1.0) / 2.0)
        - gammaln(df / 2.0)
        - 0.5 * np.log(df * np.pi * scale2)
        - (df + 1.0) / 2.0 * np.log1p(residual**2 / (df * scale2))
    )


def _tail_df(z: np.ndarray) -> float:
    """Degrees of freedom of a centred Student-t fitted by maximum likelihood to standardised
    leave-one-out residuals ``z``, within [:data:`MIN_TAIL_DF`, :data:`GAUSSIAN_DF`]
    (:data:`GAUSSIAN_DF` when there are too few to fit)."""
    from scipy.stats import t

    z = z[np.isfinite(z)]
    if len(z) < 20:
        return GAUSSIAN_DF
    df = float(t.fit(z, floc=0.0)[0])
    return float(np.clip(df, MIN_TAIL_DF, GAUSSIAN_DF))


def _loo_residuals(alpha: np.ndarray, l_inv: np.ndarray) -> np.ndarray:
    """Standardised leave-one-out residuals of every training run: ``alpha = K^-1 y`` and
    ``l_inv = L^-1`` with ``K = L L^T``, so ``[K^-1]_ii`` is the squared norm of column ``i``
    of ``L^-1``; the residual is ``alpha_i / [K^-1]_ii`` and its variance ``1 / [K^-1]_ii``.
    The normalisation of y cancels out of the ratio."""
    return alpha / np.sqrt((l_inv**2).sum(axis=0))


def _loo_scale(z: np.ndarray, rows: int) -> float:
    """Root mean square of the standardised leave-one-out residuals ``z`` of the first
    ``rows`` training runs, at least 1 (1 when the emulator's sd is honest there)."""
    if rows <= 0:
        return 1.0
    return max(1.0, float(np.sqrt(np.mean(z[:rows] ** 2))))


@dataclass(frozen=True)
class _Prepared:
    """What a fitted ``GaussianProcessRegressor`` with kernel
    ``constant * Matern(nu=2.5, ARD) + white`` needs to predict by matrix products: the
    training points divided by the length scales, ``alpha = K^-1 y``, the inverse of the
    Cholesky factor of K, the normalisation of y, the standardised leave-one-out residual of
    each training run and the sd's factor from them."""

    constant: float
    length_scale: np.ndarray
    noise: float
    scaled: np.ndarray
    scaled_sq: np.ndarray
    alpha: np.ndarray
    l_inverse_t: np.ndarray
    y_mean: float
    y_std: float
    sd_scale: float
    loo_residuals: np.ndarray

    @classmethod
    def of(cls, gp, loo_rows: int) -> _Prepared:
        """Prepared from a fitted regressor; ``loo_rows``: the leading training runs whose
        leave-one-out residuals set the sd's factor."""
        from scipy.linalg import solve_triangular

        kernel = gp.kernel_
        ls = np.atleast_1d(kernel.k1.k2.length_scale).astype(float)
        scaled = gp.X_train_ / ls
        l_inv = solve_triangular(gp.L_, np.eye(len(scaled)), lower=True)
        alpha = np.asarray(gp.alpha_, dtype=float).ravel()
        loo = _loo_residuals(alpha, l_inv)
        return cls(
            float(kernel.k1.k1.constant_value),
            ls,
            float(kernel.k2.noise_level),
            scaled,
            (scaled**2).sum(axis=1),
            alpha,
            np.ascontiguousarray(l_inv.T),
            float(np.ravel(gp._y_train_mean)[0]),
            float(np.ravel(gp._y_train_std)[0]),
            _loo_scale(loo, loo_rows),
            loo,
        )

    def predict(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = u / self.length_scale
        r2 = (a**2).sum(axis=1)[:, None] + self.scaled_sq[None, :] - 2.0 * (a @ self.scaled.T)
        r = np.sqrt(5.0 * np.maximum(r2, 0.0))
        k = self.constant * (1.0 + r + r * r / 3.0) * np.exp(-r)  # Matern 5/2
        v = k @ self.l_inverse_t
        var = np.maximum(self.constant + self.noise - (v * v).sum(axis=1), 1e-12)
        sd = np.sqrt(var) * self.y_std * self.sd_scale
        return k @ self.alpha * self.y_std + self.y_mean, sd
