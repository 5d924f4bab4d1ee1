"""One evaluation of a policy search: the runs of one lever vector (every parameter point x
replicate seed), the quantities each run reports, and their robust summary.

A run is the base scenario with, in this order, a posterior draw (when the run's parameter
point is a draw), the lever vector and the replicate seed applied: the levers come after the
draw because some draws carry a calibrated value of a lever (the arrest probability in
Malaysia), and the search must set what it searches. Point 0 is the calibrated parameters
themselves, so the run (point 0, first seed) is exactly the solution's scenario TOML run with
``corridors run``.
"""

from __future__ import annotations

import json
import traceback
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.points import apply_point
from scenarios.posterior import apply_draw, load_draws
from scenarios.scenario import Scenario
from simulation.measures import HEADLINE, indicator

from .batchspec import replicate_seeds
from .search_spec import Quantity, SearchSpec

__all__ = [
    "RunKey",
    "evaluate_run",
    "quantity_values",
    "robust_value",
    "run_keys",
    "run_scenario_for",
    "vector_key",
]


@dataclass(frozen=True)
class RunKey:
    """One run of one evaluation: the lever vector (its :func:`vector_key`), the parameter
    point (0: the calibrated parameters, d >= 1: posterior draw d - 1) and the seed."""

    vector: str
    point: int
    seed: int

    def text(self) -> str:
        return f"{self.vector}|{self.point}|{self.seed}"


def vector_key(levers: dict[str, float | int]) -> str:
    """A lever vector as text, the archive's key: the exact values the runs used."""
    return json.dumps(levers, sort_keys=True)


def run_keys(spec: SearchSpec, levers: dict[str, float | int]) -> list[RunKey]:
    """The runs of one evaluation, parameter point by point, seed by seed."""
    key = vector_key(levers)
    seeds = replicate_seeds(spec.root_seed, spec.replicates)
    return [RunKey(key, point, seed) for point in range(1 + spec.posterior_draws) for seed in seeds]


def run_scenario_for(spec: SearchSpec, run: RunKey) -> Scenario:
    """The scenario of one run (see the module's docstring for the order)."""
    scenario = spec.base
    if run.point > 0:
        draws = load_draws()
        if draws is None:  # checked when the search was loaded; gone since
            raise FileNotFoundError("the shipped posterior draws are missing")
        scenario = apply_draw(scenario, draws, run.point - 1)
    scenario = apply_point(scenario, json.loads(run.vector))
    return scenario.with_values(seed=run.seed)


def evaluate_run(scenario: Scenario, quantities: tuple[Quantity, ...]) -> dict:
    """Run one scenario (in a worker) and return the quantities' values, or the error; never
    raises, so a pool keeps going and the search reports the failure."""
    from simulation.run import run_scenario

    try:
        table = run_scenario(scenario).table
        return {"ok": True, "values": quantity_values(table, quantities)}
    except Exception as exc:
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }


def quantity_values(table: pd.DataFrame, quantities: tuple[Quantity, ...]) -> dict[str, float]:
    """Each quantity of one run's monthly results table (``run_scenario(...).table`` or a run
    folder's ``results.parquet``): a headline indicator as ``corridors compare`` computes it,
    or a measure summed over one year's rows (flows over the year, stocks at its end)."""
    from simulation.metrics import headline_per_run, yearly

    needed: set[str] = set()
    for q in quantities:
        needed.update(indicator(q.indicator).measures if q.indicator else [str(q.measure)])
    t = table[table["measure"].isin(needed) & (table["destination"].astype(str) != "")].copy()
    for col in ("month", "origin", "destination", "channel", "measure"):
        t[col] = t[col].astype(str)
    t["run"] = 0
    annual = yearly(t, ["run"])
    headline = {}
    if any(q.indicator for q in quantities):
        row = headline_per_run(annual, ["run"]).iloc[0]
        headline = {i.name: float(row[i.name]) for i in HEADLINE}
    out = {}
    for q in quantities:
        if q.indicator:
            out[q.name] = headline[q.indicator]
            continue
        rows = annual[(annual["measure"] == q.measure) & (annual["year"] == q.year)]
        for col in ("channel", "origin", "destination"):
            if getattr(q, col):
                rows = rows[rows[col] == getattr(q, col)]
        out[q.name] = float(rows["value"].sum())
    return out


def robust_value(values: list[float], percentile: float, direction: str) -> float:
    """The pessimistic summary of one quantity over an evaluation's runs: the
    ``percentile``-th percentile for a quantity to minimise (or kept below a maximum), the
    ``100 - percentile``-th for one to maximise (or kept above a minimum)."""
    q = percentile if direction == "minimise" else 100.0 - percentile
    return float(np.percentile(np.asarray(values, dtype=float), q))
