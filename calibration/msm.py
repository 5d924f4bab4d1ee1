"""Method of simulated moments: minimise the weighted target distance with scipy, plus a
penalty for missing the calibration goal with a safety margin (``msm_objective``).

Nelder-Mead in the unit cube of the parameter ranges (clipped), starting from the scenario's
current values and restarted from its best point with a fresh, narrower simplex until the
evaluation budget is spent. Each evaluation runs the model once per seed (common random
numbers, seeds run in parallel on the executor) and averages what the targets observe. Every
evaluation is appended to ``msm_evaluations.jsonl`` as soon as it is known; rerunning after an
interruption replays the same deterministic search and takes known evaluations from the log, so
no model run is repeated.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from .config import CalibrationConfig
from .simulate import distance, msm_objective, runs_on_seeds, seeds_for

__all__ = ["run_msm"]


def _key(params: dict) -> str:
    return json.dumps({k: round(v, 12) for k, v in sorted(params.items())})


def evaluate_all(
    config: CalibrationConfig, candidates: list[dict], executor, seeds: list[int]
) -> list[np.ndarray]:
    """Mean observed target values of each candidate (one future per candidate x seed)."""
    runs = runs_on_seeds(config.scenario, config.targets, candidates, seeds, executor)
    with warnings.catch_warnings():  # a target with no movers in a run is nan there
        warnings.simplefilter("ignore", RuntimeWarning)
        return [np.nanmean(r, axis=0) for r in runs]


def run_msm(
    config: CalibrationConfig,
    out: Path,
    executor,
    progress: Callable[[int, float], None] | None = None,
) -> dict:
    out = Path(out)
    log = out / "msm_evaluations.jsonl"
    cache: dict[str, dict] = {}
    if log.exists():
        for line in log.read_text().splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:  # a line cut by a crash: that evaluation reruns
                continue
            cache[_key(row["params"])] = row
    lo, hi = np.array(config.low), np.array(config.high)
    seeds = seeds_for(config.root_seed, config.seeds)
    count = {"n": 0, "best": np.inf}

    def objective(u: np.ndarray) -> float:
        params = config.params_from_unit(u)
        key = _key(params)
        if key not in cache:
            simulated = evaluate_all(config, [params], executor, seeds)[0]
            row = {
                "params": params,
                "simulated": simulated.tolist(),
                "distance": distance(config.targets, simulated),
            }
            with log.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            cache[key] = row
        d = msm_objective(
            config.targets,
            np.asarray(cache[key]["simulated"], dtype=float),
            config.msm_band_margin,
            config.msm_miss_penalty,
        )
        cache[key]["objective"] = d
        count["n"] += 1
        count["best"] = min(count["best"], d)
        if progress is not None:
            progress(int(count["n"]), count["best"])
        return d

    start = config.start_point()
    u = (np.array([start[n] for n in config.names]) - lo) / (hi - lo)
    step = 0.2
    while count["n"] < config.msm_max_evaluations:
        # Nelder-Mead collapses its simplex in a local valley of a noisy objective: restart
        # it from the best point so far with a fresh simplex (half as wide each time) until
        # the evaluation budget is spent; deterministic, so a resumed run replays it
        simplex = [u] + [
            np.clip(u + step * np.eye(len(u))[i] * (1 if u[i] < 0.8 else -1), 0, 1)
            for i in range(len(u))
        ]
        before = count["n"]
        result = minimize(
            objective,
            u,
            method="Nelder-Mead",
            options={
                "maxfev": config.msm_max_evaluations - count["n"],
                "initial_simplex": simplex,
                "xatol": 1e-3,
                "fatol": 1e-4,
            },
        )
        u = np.clip(result.x, 0.0, 1.0)
        step = max(step / 2, 0.025)
        if count["n"] == before:  # nothing new could be tried
            break
    scored = [r for r in cache.values() if "objective" in r]  # evaluated by this search
    best = (
        min(scored, key=lambda r: r["objective"])
        if scored
        else {"params": start, "distance": float("nan")}
    )
    return {
        "params": best["params"],
        "distance": best["distance"],
        "objective": best.get("objective", best["distance"]),
        "evaluations": len(cache),
        "model_runs": len(cache) * len(seeds),
    }
