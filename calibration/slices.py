"""Slices of the fit through a point: one parameter moved at a time, every other held.

``corridors slice CONFIG --vary NAME=V1,V2,...`` runs the configuration's targets at the point
(the ``[start]`` of the file, or a calibration's ``msm_optimum.toml`` with ``--at``) and at each
value given, over the same seeds, and reports for each the averaged relative difference
(:func:`calibration.simulate.distance`, every target; and over the targets the scenario can
observe at the point), the targets met, the spread of the distance from seed to seed, and the
targets that moved most.

Why: a parameter at a bound of its range may be identified (the slice rises on both sides
of a minimum the range cut off: widen the range) or not (the slice is flat, or its minimum
is where the mechanism stops acting: fix it at a documented value). Issue 14 asks that no
calibrated parameter sit at a bound, issue 15 that unidentified parameters be fixed rather
than called calibrated; a slice tells which. It is a slice, not a profile: the other
parameters are not refitted at each value, so it shows what the data say near the point only.
"""

from __future__ import annotations

import json
import tomllib
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError
from scenarios.points import swept_declaration
from scenarios.posterior import is_observation

from .config import CalibrationConfig
from .simulate import distance, scenario_for, seeds_for, simulate_targets

__all__ = ["Slice", "parse_vary", "point_of_folder", "run_slices", "slice_report"]

MOVED = 0.03
"""A target 'moved' when its distance changes by more than this (0: inside its band)."""


@dataclass(frozen=True)
class Slice:
    """One parameter and the values it is moved to."""

    name: str
    values: tuple[float, ...]


def parse_vary(texts: list[str]) -> list[Slice]:
    """``NAME=V1,V2,...`` for each ``--vary``; bad input is a ScenarioError naming it."""
    out = []
    for text in texts:
        name, sep, values = text.partition("=")
        try:
            numbers = tuple(float(v) for v in values.split(","))
        except ValueError:
            numbers = ()
        if not sep or not name or not numbers:
            raise ScenarioError("--vary", "value", text, "NAME=V1,V2,... (numbers)")
        out.append(Slice(name.strip(), numbers))
    return out


def point_of_folder(config: CalibrationConfig, folder: Path) -> dict[str, float]:
    """The fitted point of a calibration's output folder: its ``msm_optimum.toml`` (a
    scenario fragment: ``[levers.NAME] KEY = value`` read as ``NAME.KEY``) and its
    ``observation_parameters.json``, limited to the names the configuration fits."""
    optimum, observation = folder / "msm_optimum.toml", folder / "observation_parameters.json"
    for f in (optimum, observation):
        if not f.is_file():
            raise ScenarioError(str(folder), "--at", f.name, "a calibration output folder")
    flat: dict[str, float] = {}
    for table in tomllib.loads(optimum.read_text()).values():
        for key, value in table.items():
            if isinstance(value, dict):
                flat.update({f"{key}.{k}": float(v) for k, v in value.items()})
            else:
                flat[key] = float(value)
    flat.update({k: float(v) for k, v in json.loads(observation.read_text()).items()})
    missing = [n for n in config.names if n not in flat]
    if missing:
        raise ScenarioError(str(optimum), "parameters", missing, "every name the config fits")
    return {n: flat[n] for n in config.names}


def run_slices(
    config: CalibrationConfig,
    point: dict[str, float],
    slices: list[Slice],
    seeds: int,
    root_seed: int,
    executor: Executor,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the point and every slice value on the same ``seeds`` seeds (common random
    numbers: a difference between values is not a difference of seeds). Returns the
    summary (a row per value, the point first) and the targets (a row per value and
    target). A name the scenario does not declare, or a value outside its declared range,
    is a ScenarioError (from the scenario, naming it) before any run."""
    arms = [("point", float("nan"), dict(point))]
    for s in slices:
        if is_observation(s.name):
            if s.name not in config.names:
                raise ScenarioError("--vary", "name", s.name, f"one of {list(config.names)}")
        else:
            swept_declaration("--vary", s.name, config.scenario)
        for v in s.values:
            arms.append((s.name, v, {**point, s.name: v}))
    for _, _, p in arms:  # values outside a declared range fail here, before any run
        scenario_for(config.scenario, p)
    seed_list = seeds_for(root_seed, seeds)
    futures = [
        [
            executor.submit(simulate_targets, config.scenario, config.targets, p, s)
            for s in seed_list
        ]
        for _, _, p in arms
    ]
    runs = [np.vstack([f.result() for f in row]) for row in futures]
    targets = config.targets
    with warnings.catch_warnings():  # a target with no movers in a run is nan there
        warnings.simplefilter("ignore", RuntimeWarning)
        means = [np.nanmean(r, axis=0) for r in runs]
    observed = np.isfinite(means[0])
    base = np.array([t.distance(float(v)) for t, v in zip(targets, means[0], strict=True)])
    rows, detail = [], []
    for (name, value, _), r, m in zip(arms, runs, means, strict=True):
        d = np.array([t.distance(float(v)) for t, v in zip(targets, m, strict=True)])
        met = np.array([t.met(float(v)) for t, v in zip(targets, m, strict=True)])
        per_seed = [distance(targets, one) for one in r]
        obs_targets = tuple(t for t, o in zip(targets, observed, strict=True) if o)
        moved = sorted(
            ((d[i] - base[i], targets[i].target_id) for i in range(len(targets))),
            key=lambda x: -abs(x[0]),
        )
        rows.append(
            {
                "parameter": name,
                "value": value,
                "ard_all": distance(targets, m),
                "ard_observed": distance(obs_targets, m[observed]),
                "met_observed": int(met[observed].sum()),
                "observed": int(observed.sum()),
                "ard_seed_sd": float(np.std(per_seed)),
                "better": "; ".join(f"{t} {x:+.2f}" for x, t in moved if x < -MOVED),
                "worse": "; ".join(f"{t} {x:+.2f}" for x, t in moved if x > MOVED),
            }
        )
        for t, v, dist, ok in zip(targets, m, d, met, strict=True):
            detail.append(
                {
                    "parameter": name,
                    "value": value,
                    "target_id": t.target_id,
                    "simulated_mean": float(v),
                    "distance": float(dist),
                    "met": bool(ok),
                }
            )
    return pd.DataFrame(rows), pd.DataFrame(detail)


def slice_report(
    config: CalibrationConfig, summary: pd.DataFrame, seeds: int, root_seed: int, at: str
) -> str:
    """The summary as Markdown: what was run, then a table per parameter with the point's
    row first."""
    point = summary.iloc[0]
    lines = [
        f"# Slices through {at}",
        "",
        f"Configuration `{config.name}` ({len(config.targets)} targets, "
        f"{int(point['observed'])} observed at the point), scenario at "
        f"{config.scenario.people_per_agent:g} people per agent, "
        f"{seeds} seeds from root {root_seed}, the same for every value. ARD: averaged "
        f"relative difference over the observed targets (over all targets, unobserved ones "
        f"counting 1, in brackets); 'moved': a target's distance changed by more than "
        f"{MOVED} against the point. A slice, not a profile: the other parameters are not "
        f"refitted.",
        "",
        f"Point: ARD {point['ard_observed']:.3f} ({point['ard_all']:.3f}), "
        f"{int(point['met_observed'])} of {int(point['observed'])} met, seed-to-seed sd "
        f"{point['ard_seed_sd']:.3f}.",
    ]
    for name, rows in summary.iloc[1:].groupby("parameter", sort=False):
        lines += ["", f"## `{name}`", "", "| value | ARD | change | met | better | worse |"]
        lines.append("|---:|---:|---:|---:|:--|:--|")
        for _, r in rows.iterrows():
            change = r["ard_observed"] - point["ard_observed"]
            lines.append(
                f"| {r['value']:.4g} | {r['ard_observed']:.3f} ({r['ard_all']:.3f}) | "
                f"{change:+.3f} | {int(r['met_observed'])} | {r['better']} | {r['worse']} |"
            )
    return "\n".join(lines) + "\n"
