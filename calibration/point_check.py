"""Is the shipped point the posterior's answer? (issue 15, item 3's test)

For each headline indicator of a scenario (``simulation.measures.HEADLINE``, as ``corridors
compare`` computes them), the point run's value (the mean over its seeds) must lie inside
the posterior predictive's central 50% interval: the 25th to 75th percentile (numpy's linear
interpolation) over one run per posterior draw, each draw with a seed of its own. A point
outside it answers the question differently from the posterior draws the dashboard and
batches use (the first calibration's MSM optimum put the baseline's irregular share of the
stock in 2030 at 52.8%, its posterior draws at 33.3%).

:func:`point_inside_predictive` is the test on indicator values (any source);
:func:`check_point` runs the model for it.
"""

from __future__ import annotations

from concurrent.futures import Executor

import numpy as np
import pandas as pd

from scenarios.posterior import apply_draw
from scenarios.scenario import Scenario
from simulation.measures import HEADLINE

from .simulate import seeds_for

__all__ = ["LEVEL", "check_point", "headline_of_run", "point_inside_predictive"]

LEVEL = 0.5
"""The central predictive interval the point must lie in."""


def point_inside_predictive(
    point: pd.DataFrame, predictive: pd.DataFrame, level: float = LEVEL
) -> pd.DataFrame:
    """A row per indicator (the columns ``point`` and ``predictive`` share): the point's
    value (the mean of its runs, the rows of ``point``), the predictive median and central
    ``level`` interval over the rows of ``predictive``, and whether the point is inside
    (bounds included). Runs with no value (nan) are left out."""
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    names = [c for c in predictive.columns if c in point.columns]
    if not names:
        raise ValueError("the point and the predictive runs share no indicator")
    q = (1 - level) / 2
    rows = []
    for name in names:
        sims = predictive[name].to_numpy(dtype=float)
        sims = sims[~np.isnan(sims)]
        value = float(np.nanmean(point[name].to_numpy(dtype=float)))
        low, median, high = (float(x) for x in np.quantile(sims, [q, 0.5, 1 - q]))
        rows.append(
            {
                "indicator": name,
                "point": value,
                "predictive_median": median,
                "predictive_low": low,
                "predictive_high": high,
                "inside": bool(low <= value <= high),
                "draws": len(sims),
            }
        )
    return pd.DataFrame(rows)


def headline_of_run(scenario: Scenario) -> dict[str, float]:
    """The headline indicators of one run of ``scenario`` (its seed), as ``corridors
    compare`` computes them from the yearly table."""
    from simulation.metrics import headline_per_run, yearly
    from simulation.run import run_scenario

    table = run_scenario(scenario).table
    t = table[table["destination"].astype(str) != ""].copy()
    for col in ("month", "origin", "destination", "channel", "measure"):
        t[col] = t[col].astype(str)
    t["run"] = 0
    row = headline_per_run(yearly(t, ["run"]), ["run"]).iloc[0]
    return {i.name: float(row[i.name]) for i in HEADLINE}


def check_point(
    scenario: Scenario,
    draws: pd.DataFrame,
    executor: Executor,
    point_seeds: int = 4,
    root_seed: int | None = None,
    level: float = LEVEL,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Run ``scenario`` as it is (its point) on ``point_seeds`` seeds and once under each
    posterior draw (:func:`scenarios.posterior.apply_draw`), each with a seed of its own;
    returns (the :func:`point_inside_predictive` table, the point's runs, the draws' runs)."""
    root = scenario.seed if root_seed is None else root_seed
    point_futures = [
        executor.submit(headline_of_run, scenario.with_values(seed=s))
        for s in seeds_for(root, point_seeds)
    ]
    draw_futures = [
        executor.submit(headline_of_run, apply_draw(scenario, draws, i).with_values(seed=s))
        for i, s in enumerate(seeds_for(root + 1, len(draws)))
    ]
    point = pd.DataFrame([f.result() for f in point_futures])
    predictive = pd.DataFrame([f.result() for f in draw_futures])
    return point_inside_predictive(point, predictive, level), point, predictive
