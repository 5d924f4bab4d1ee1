"""Run a scenario to its end and return the tidy results.

The caller chooses what to collect: the model's own monthly metrics (always, as the tidy
table) and, optionally, a Mesa ``DataCollector`` that is called after every month (for
example with model reporters such as ``"irregular_stock"`` or agent reporters on a sample).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from scenarios.scenario import Scenario

from .model import MigrationModel

__all__ = ["RunResult", "run_scenario"]


@dataclass
class RunResult:
    """A finished run: the tidy monthly table, the model at its end, and timings (seconds)."""

    table: pd.DataFrame  # month x origin x destination x channel x measure -> value
    model: MigrationModel
    timings_s: dict = field(default_factory=dict)


def run_scenario(
    scenario: Scenario,
    *,
    rng=None,
    datacollector=None,
    on_month: Callable[[MigrationModel], None] | None = None,
    keep_choice_probabilities: bool | None = None,
) -> RunResult:
    """Build the model, run every month of the scenario, return the results.

    Args:
        scenario: validated scenario.
        rng: seed or Generator; default the scenario's seed.
        datacollector: optional ``mesa.DataCollector`` collected after every month.
        on_month: optional callback after every month (progress bars, live views).
        keep_choice_probabilities: keep each decider's choice probabilities for
            ``Worker.last_choice()`` (a live view that inspects workers passes True); by
            default only with a ``datacollector``, whose agent reporters may ask for them.
            Results are the same either way.
    """
    t0 = time.perf_counter()
    keep = (
        datacollector is not None
        if keep_choice_probabilities is None
        else keep_choice_probabilities
    )
    model = MigrationModel(scenario, rng=rng, keep_choice_probabilities=keep)
    t1 = time.perf_counter()
    if datacollector is not None:
        datacollector.collect(model)
    while model.running:
        model.step()
        if datacollector is not None:
            datacollector.collect(model)
        if on_month is not None:
            on_month(model)
    t2 = time.perf_counter()
    table = model.metrics.to_frame()
    t3 = time.perf_counter()
    return RunResult(
        table=table,
        model=model,
        timings_s={"build": t1 - t0, "simulate": t2 - t1, "tabulate": t3 - t2},
    )
