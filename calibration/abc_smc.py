"""Approximate Bayesian computation, sequential Monte Carlo, with pyabc.

Uniform priors over the configured ranges, sampled in the unit cube (each parameter scaled to
[0, 1] by its range): pyabc's Gaussian kernels then see comparable widths in every direction;
in raw units a parameter ranging over 0.002-0.02 beside one ranging over 0-40 made the kernel's
covariance numerically singular, its density zero at proposed particles and the weights NaN.
The distance is the weighted mean target distance (0 when every target is inside its band).
Epsilon is the plain median of the last generation's distances; the proposal is a Gaussian
kernel of twice pyabc's default (Silverman) covariance
(``MultivariateNormalTransition(scaling=2)``: in 16 dimensions about 1.0-1.2 times the
particles' weighted covariance, as the Silverman factor squared is 0.5-0.6 at an effective
sample size of 30-150; Beaumont et al. 2009 recommend twice the weighted covariance): with the
default kernel, of half that covariance, the importance weights (uniform prior / proposal
density) degenerated, and the posterior rested on one to three of its 150 particles. The
effective sample size is reported. Particles are simulated on the same executor as the batch
runner (``ConcurrentFutureSampler``), each with the first calibration seed (common random
numbers). pyabc keeps every finished generation in ``abc.db`` (SQLite): rerunning after an
interruption loads the run and goes on from the last finished generation.

Reproducible: the same configuration and seed give the same particles, weights, epsilons and
posterior draws, on any executor (this process, a local pool, a Dask cluster, whose workers
run jobs in threads: a lock keeps one proposal at a time per process on numpy's global
random state) and number of workers, and a resumed calibration gives what
a clean one does. pyabc's sampler reseeds numpy's global random state from the operating
system in every job, so each proposal (a draw from the prior or the transition kernel) was
different in every run; :class:`SeededSampler` instead seeds each proposal from (the
calibration seed, the generation, the proposal's number). pyabc already keeps the first
``population_size`` accepted proposals in the order they were numbered, whatever the order in
which they finished, so the population no longer depends on timing. What still does: how many
proposals beyond the last one kept were computed before the sampler stopped (they depend on
the number of workers and on timing, and are thrown away); the number of model runs recorded
(``samples`` in ``abc.db``, ``model_runs``) counts the proposals up to the last one kept, the
same in every run, not those.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from .config import CalibrationConfig
from .simulate import distance, seeds_for, simulate_targets

__all__ = ["ABCModel", "run_abc"]

_GLOBAL_RANDOM = threading.Lock()
"""Held while a proposal is seeded and simulated: pyabc draws it from numpy's global random
state, which the threads of one process share (a Dask worker runs several jobs at once in
threads), so two proposals seeded at the same time would draw from each other's seeds."""


class ABCModel:
    """Picklable pyabc model: parameters -> {"y": observed target values}."""

    def __init__(self, config: CalibrationConfig, seed: int) -> None:
        self.config = config
        self.seed = seed

    def __call__(self, parameter) -> dict:
        u = np.array([float(parameter[f"p{i}"]) for i in range(len(self.config.names))])
        params = self.config.params_from_unit(u)
        return {"y": simulate_targets(self.config.scenario, self.config.targets, params, self.seed)}


def _seeded_jobs(simulate_one_pickle: bytes, batch_size: int, job_ids: list, key: tuple):
    """pyabc's job (``eps_mixin._global_full_submit_function_pickle``), with numpy's and
    Python's global random state seeded for each proposal from ``key`` and its number rather
    than from the operating system."""
    import random

    import cloudpickle

    simulate_one = cloudpickle.loads(simulate_one_pickle)
    results = []
    for job_id in job_ids[:batch_size]:
        state = np.random.SeedSequence([*key, job_id]).generate_state(4)
        with _GLOBAL_RANDOM:  # one job at a time per process: see _GLOBAL_RANDOM
            np.random.seed(state)  # noqa: NPY002 (pyabc and scipy draw from the global state)
            random.seed(int(state[0]))
            result = simulate_one()
        results.append((result, result.accepted, job_id))
    return results


class _SeedingClient:
    """What pyabc's sampler submits its jobs to: the executor, with each job seeded."""

    def __init__(self, executor, key: tuple) -> None:
        self.executor = executor
        self.key = key

    def submit(self, fn, simulate_one_pickle, batch_size, job_ids):
        return self.executor.submit(
            _seeded_jobs, simulate_one_pickle, batch_size, job_ids, self.key
        )


def _seeded_sampler_class():
    from pyabc.sampler import ConcurrentFutureSampler

    class SeededSampler(ConcurrentFutureSampler):
        """``ConcurrentFutureSampler`` whose proposals are seeded by (seed, generation,
        number): the population is the same in every run (see the module's docstring)."""

        def __init__(self, executor, client_max_jobs: int, seed: int) -> None:
            super().__init__(cfuture_executor=executor, client_max_jobs=client_max_jobs)
            self.executor = executor
            self.seed = seed

        def sample_until_n_accepted(self, n, simulate_one, t, **kwargs):
            # t is -1 for the prior sample that sets the first epsilon
            self.client = _SeedingClient(self.executor, (self.seed, t + 1))
            sample = super().sample_until_n_accepted(n, simulate_one, t, **kwargs)
            # proposals computed beyond the last one kept depend on timing: not counted
            self.nr_evaluations_ = len(sample.all_particles)
            return sample

    return SeededSampler


class TargetDistance:
    def __init__(self, targets) -> None:
        self.targets = targets

    def __call__(self, x, x_0) -> float:
        return distance(self.targets, np.asarray(x["y"]))


def run_abc(config: CalibrationConfig, out: Path, executor, workers: int, progress=None) -> dict:
    import pyabc

    logging.getLogger("ABC").setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    names = list(config.names)
    prior = pyabc.Distribution(
        **{f"p{i}": pyabc.RV("uniform", 0.0, 1.0) for i in range(len(names))}
    )
    seed = seeds_for(config.root_seed, 1)[0]
    sampler = _seeded_sampler_class()(executor, max(2, 2 * workers), seed)
    db = f"sqlite:///{Path(out).resolve() / 'abc.db'}"
    observed = {"y": np.zeros(len(config.targets))}

    def smc():
        return pyabc.ABCSMC(
            ABCModel(config, seed),
            prior,
            TargetDistance(config.targets),
            population_size=config.abc_population,
            sampler=sampler,
            transitions=pyabc.MultivariateNormalTransition(scaling=2.0),
            eps=pyabc.QuantileEpsilon(alpha=0.5, weighted=False),
        )

    if not (Path(out) / "abc.db").exists():
        smc().new(db, observed)
    history = None
    for _ in range(config.abc_generations):
        # One generation per ABCSMC object, loaded from the database: the database is the
        # checkpoint, and a fresh object takes its epsilon (the median distance) and its
        # proposal from the newest generation. (One object run generation by generation
        # would keep re-using its first population for epsilon, which then never falls.)
        abc = smc()
        history = abc.load(db, 1, observed)
        generation = int(history.n_populations)
        if generation >= config.abc_generations:
            break
        history = abc.run(max_nr_populations=1)
        if progress is not None:
            pops = history.get_all_populations()
            progress(generation + 1, float(pops["epsilon"].iloc[-1]), int(pops["samples"].sum()))
    assert history is not None, "at least one generation (checked when the config is read)"
    frame, weights = history.get_distribution(m=0, t=history.max_t)
    frame = frame.rename(columns={f"p{i}": n for i, n in enumerate(names)})[names]
    frame = pd.DataFrame(config.from_unit(frame.to_numpy()), columns=names)
    share = weights / weights.sum()
    rng = np.random.default_rng(config.root_seed)
    pick = rng.choice(len(frame), size=config.posterior_draws, p=share)
    draws = frame.iloc[pick].reset_index(drop=True)
    populations = history.get_all_populations()
    return {
        "draws": draws,
        "particles": frame.assign(weight=weights),
        "generations": int(history.max_t) + 1,
        "model_runs": int(populations["samples"].sum()),
        "epsilons": populations["epsilon"].tolist(),
        # Kish's effective sample size of the weighted last generation: how many
        # particles the posterior rests on (importance weights degenerate in many
        # dimensions), and how many different particles the draws hold
        "effective_sample_size": float(1.0 / (share**2).sum()),
        "distinct_draws": len(np.unique(pick)),
    }
