"""Check any scenario against observations a user supplies (a CSV in the targets format):
for researchers validating against data the project does not ship."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scenarios.calendar import month_label
from scenarios.errors import ScenarioError
from scenarios.posterior import observation_parameters
from scenarios.scenario import Scenario
from simulation.model import MigrationModel

from .observation import observe
from .simulate import seeds_for
from .targets import load_targets

__all__ = ["check_scenario"]


def check_scenario(
    scenario: Scenario, observations: Path, replicates: int = 3
) -> tuple[pd.DataFrame, float]:
    targets = load_targets(observations)
    last = max(t.end for t in targets)
    if last > 311:
        raise ScenarioError(str(observations), "end", month_label(last), "at most 2035-12")
    run_to = max(scenario.end, last)
    obs = observation_parameters()
    runs: list[list[float]] = []
    for seed in seeds_for(scenario.seed, replicates):
        model = MigrationModel(
            scenario.with_values(seed=seed, end=month_label(run_to)),
            keep_choice_probabilities=False,
        )
        model.run()
        runs.append([observe(model, t, obs) for t in targets])
    values = np.array(runs)
    rows = []
    for i, t in enumerate(targets):
        mean = float(np.nanmean(values[:, i]))
        rows.append(
            {
                "target_id": t.target_id,
                "period": f"{month_label(t.start)}..{month_label(t.end)}",
                "observed": (f"{t.low:,.4g}-{t.high:,.4g}" if t.is_band else f"{t.value:,.4g}"),
                "simulated_mean": mean,
                "simulated_p05": float(np.nanquantile(values[:, i], 0.05)),
                "simulated_p95": float(np.nanquantile(values[:, i], 0.95)),
                "distance": t.distance(mean),
                "weight": t.weight,
                "source": t.source,
            }
        )
    table = pd.DataFrame(rows)
    avg = float((table["distance"] * table["weight"]).sum() / table["weight"].sum())
    return table, avg
