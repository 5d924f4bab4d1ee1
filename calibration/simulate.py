"""Simulate a candidate parameter set and compare it with the targets.

Every candidate runs with the same seeds (common random numbers), so differences between
candidates are not seed noise; the observed values are averaged over the seeds.
"""

from __future__ import annotations

from concurrent.futures import Executor

import numpy as np

from corridors.batchspec import replicate_seeds
from scenarios.points import apply_point
from scenarios.scenario import Scenario
from simulation.model import MigrationModel

from .config import is_observation, observation_values
from .observation import observe
from .targets import Target

__all__ = ["distance", "msm_objective", "runs_on_seeds", "scenario_for", "simulate_targets"]


def scenario_for(base: Scenario, params: dict) -> Scenario:
    model_params = {k: v for k, v in params.items() if not is_observation(k)}
    return apply_point(base, model_params)


def simulate_targets(
    base: Scenario, targets: tuple[Target, ...], params: dict, seed: int
) -> np.ndarray:
    """Observed values of every target from one run (one seed)."""
    scenario = scenario_for(base, params).with_values(seed=seed)
    model = MigrationModel(scenario, keep_choice_probabilities=False)
    model.run()
    obs = observation_values(params)
    return np.array([observe(model, t, obs) for t in targets])


def runs_on_seeds(
    base: Scenario,
    targets: tuple[Target, ...],
    candidates: list[dict],
    seeds: list[int],
    executor: Executor,
) -> list[np.ndarray]:
    """The observed targets of every candidate point on every seed: one array per candidate,
    a row per seed (the same seeds for every candidate: common random numbers, so a
    difference between candidates is not a difference of seeds). Every run is submitted
    before any result is awaited, so the executor's workers stay busy."""
    futures = [
        [executor.submit(simulate_targets, base, targets, c, s) for s in seeds] for c in candidates
    ]
    return [np.vstack([f.result() for f in row]) for row in futures]


def _weighted_mean(targets: tuple[Target, ...], per_target: np.ndarray) -> float:
    """Over the targets of weight above 0 only: a target left out of the fit (weight 0) adds
    nothing, even where its distance is infinite or nan."""
    w = np.array([t.weight for t in targets])
    on = w > 0
    return float((w[on] * per_target[on]).sum() / w[on].sum())


def distance(targets: tuple[Target, ...], simulated: np.ndarray) -> float:
    """Weighted mean of the targets' distances (0 = every target inside its band / exact)."""
    return _weighted_mean(
        targets, np.array([t.distance(float(v)) for t, v in zip(targets, simulated, strict=True)])
    )


def msm_objective(
    targets: tuple[Target, ...], simulated: np.ndarray, margin: float, penalty: float
) -> float:
    """What the method of simulated moments minimises: the distance plus ``penalty`` x the
    weighted mean shortfall from the goal with a safety margin (``Target.shortfall``). The
    distance alone is flat inside a band and trades a band miss against a closer point
    target; the penalty puts meeting every target first, the margin keeps values off the
    band edges. With ``penalty = 0`` it is the distance."""
    shortfall = _weighted_mean(
        targets,
        np.array([t.shortfall(float(v), margin) for t, v in zip(targets, simulated, strict=True)]),
    )
    return distance(targets, simulated) + penalty * shortfall


def seeds_for(root_seed: int, n: int) -> list[int]:
    return replicate_seeds(root_seed, n)
