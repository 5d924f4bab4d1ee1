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
import warnings
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.errors import ScenarioError
from scenarios.points import swept_declaration
from scenarios.posterior import calibrated_values, is_observation

from .config import CalibrationConfig
from .simulate import distance, runs_on_seeds, scenario_for, seeds_for

__all__ = [
    "Arm",
    "Slice",
    "parse_vary",
    "plan_slices",
    "point_of_folder",
    "run_slices",
    "slice_report",
]

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


@dataclass(frozen=True)
class RunPlan:
    """Where and how often a point-check command (``corridors slice``, ``corridors heldout``)
    runs: the point, a sentence naming where it came from, the seeds and the root seed."""

    point: dict[str, float]
    at: str
    seeds: int
    root_seed: int


def run_plan(
    config: CalibrationConfig,
    config_path: Path,
    at: Path | None,
    seeds: int | None,
    root_seed: int | None,
) -> RunPlan:
    """The point and seeds a command's arguments ask for: the MSM optimum of the calibration
    folder ``at`` (:func:`point_of_folder`) or else the configuration's ``[start]``; the
    configuration's seeds and root seed unless given. Fewer than one seed is a ScenarioError
    naming ``--seeds``."""
    n = config.seeds if seeds is None else seeds
    if n < 1:
        raise ScenarioError("--seeds", "seeds", n, "a whole number of at least 1")
    root = config.root_seed if root_seed is None else root_seed
    if at is not None:
        return RunPlan(point_of_folder(config, at), f"the MSM optimum in {at}", n, root)
    return RunPlan(config.start_point(), f"the [start] of {config_path}", n, root)


def point_of_folder(config: CalibrationConfig, folder: Path) -> dict[str, float]:
    """The fitted point of a calibration's output folder: its ``msm_optimum.toml`` (a
    scenario fragment: ``[levers.NAME] KEY = value`` read as ``NAME.KEY``) and its
    ``observation_parameters.json``, limited to the names the configuration fits (the
    configuration's ``[fixed]`` values hold for the others). A missing or unreadable file, or
    a name without a number, is a ScenarioError naming the file."""
    optimum, observation = folder / "msm_optimum.toml", folder / "observation_parameters.json"
    for f in (optimum, observation):
        if not f.is_file():
            raise ScenarioError(str(folder), "--at", f.name, "a calibration output folder")
    flat: dict[str, object] = dict(calibrated_values(optimum))
    try:
        observed = json.loads(observation.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(observation), "file", str(exc), "a JSON object") from None
    if not isinstance(observed, dict):
        raise ScenarioError(str(observation), "file", type(observed).__name__, "a JSON object")
    flat.update(observed)
    missing = [n for n in config.names if n not in flat]
    if missing:
        raise ScenarioError(str(optimum), "parameters", missing, "every name the config fits")
    point = {}
    for n in config.names:
        value = flat[n]
        if isinstance(value, bool) or not isinstance(value, int | float):
            file = observation if is_observation(n) else optimum
            raise ScenarioError(str(file), n, value, "a number")
        point[n] = float(value)
    return point


@dataclass(frozen=True)
class Arm:
    """One point to run: the parameter moved (``point`` for the point itself), its value
    (nan for the point) and every fitted value."""

    parameter: str
    value: float
    params: dict[str, float]


def plan_slices(
    config: CalibrationConfig, point: dict[str, float], slices: list[Slice]
) -> list[Arm]:
    """The point, then each value of each slice. Checked before any run: a name given twice,
    a name the scenario does not declare as a number (or an observation parameter the
    configuration does not fit), a value outside the declared range: a ScenarioError naming
    ``--vary``, the name and the value."""
    arms = [Arm("point", float("nan"), dict(point))]
    seen: set[str] = set()
    for s in slices:
        if s.name in seen:
            raise ScenarioError("--vary", s.name, s.name, "each parameter once (V1,V2,... in one)")
        seen.add(s.name)
        if is_observation(s.name):
            if s.name not in config.names:
                raise ScenarioError("--vary", "name", s.name, f"one of {list(config.names)}")
        else:
            swept_declaration("--vary", s.name, config.scenario)
        for v in s.values:
            params = {**point, s.name: v}
            if is_observation(s.name):
                i = config.names.index(s.name)
                if not config.low[i] <= v <= config.high[i]:
                    allowed = f"a number from {config.low[i]} to {config.high[i]}"
                    raise ScenarioError("--vary", s.name, v, allowed)
            else:
                try:
                    scenario_for(config.scenario, params)
                except ScenarioError as exc:
                    raise ScenarioError("--vary", s.name, v, exc.allowed) from None
            arms.append(Arm(s.name, v, params))
    return arms


def run_slices(
    config: CalibrationConfig,
    arms: list[Arm],
    seeds: int,
    root_seed: int,
    executor: Executor,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every arm of :func:`plan_slices` on the same ``seeds`` seeds (common random
    numbers: a difference between values is not a difference of seeds). Returns the
    summary (a row per arm, the point first: the ARD over every target and over the targets
    observed at the point, targets met, the seed-to-seed sd of the observed ARD, the targets
    that moved) and the targets (a row per arm and target)."""
    points = [a.params for a in arms]
    runs = runs_on_seeds(
        config.scenario, config.targets, points, seeds_for(root_seed, seeds), executor
    )
    targets = config.targets
    with warnings.catch_warnings():  # a target with no movers in a run is nan there
        warnings.simplefilter("ignore", RuntimeWarning)
        means = [np.nanmean(r, axis=0) for r in runs]
    # observed: simulated at the point and fitted (a left-out target weighs 0, counts no goal)
    fitted = np.array([t.target_id not in config.left_out for t in targets])
    observed = np.isfinite(means[0]) & fitted
    base = np.array([t.distance(float(v)) for t, v in zip(targets, means[0], strict=True)])
    rows, detail = [], []
    obs_targets = tuple(t for t, o in zip(targets, observed, strict=True) if o)
    for arm, r, m in zip(arms, runs, means, strict=True):
        name, value = arm.parameter, arm.value
        d = np.array([t.distance(float(v)) for t, v in zip(targets, m, strict=True)])
        met = np.array([t.met(float(v)) for t, v in zip(targets, m, strict=True)])
        per_seed = [distance(obs_targets, one[observed]) for one in r]
        moved = sorted(
            ((d[i] - base[i], targets[i].target_id) for i in range(len(targets)) if fitted[i]),
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
        f"{len(config.left_out)} of them left out of the fit, "
        f"{int(point['observed'])} fitted and observed at the point), scenario at "
        f"{config.scenario.people_per_agent:g} people per agent, "
        f"{seeds} seeds from root {root_seed}, the same for every value. ARD: averaged "
        f"relative difference over the observed targets (over all targets, unobserved ones "
        f"counting 1 and left-out ones 0, in brackets); 'moved': a fitted target's distance "
        f"changed by more than {MOVED} against the point. A slice, not a profile: the other "
        f"parameters are not refitted.",
        "",
        "Held at the file's `[fixed]` values: "
        + (", ".join(f"`{k}` = {v:g}" for k, v in config.fixed.items()) or "none")
        + ".",
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
