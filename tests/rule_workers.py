"""A model with a handful of hand-built workers, for the unit specifications of the rules.

``small_model(...)`` builds the baseline world (one agent per million people, so building
is quick) and replaces its population by the workers given, each a dict of the columns that
differ from an 30-year-old unskilled man at home in Myanmar with nothing; lever values are
replaced with ``set_levers`` (the typed lever arrays are frozen: a new object is made).
Policy and market arrays are plain attributes that a test sets directly. ``FixedUniforms``
stands in for the model's random generator where a test needs a known draw.
"""

from __future__ import annotations

import dataclasses
from typing import Any, cast

import numpy as np

from agents.status import NO_IRREGULAR_ENTRY, Legal, Status
from scenarios.scenario import load_scenario
from simulation.metrics import FLOW_MEASURES
from simulation.model import MigrationModel
from simulation.population import Population

COLUMN_DTYPES = {
    "origin": np.int8,
    "skilled": bool,
    "female": bool,
    "age_months": np.int16,
    "savings": np.float64,
    "debt": np.float64,
    "network_ties": np.int16,
    "status": np.int8,
    "legal": np.int8,
    "corridor": np.int16,
    "channel": np.int8,
    "timer": np.int16,
    "contract_left": np.int16,
    "recruiter": np.int32,
    "trained": bool,
    "exploited": bool,
    "exploitation_count": np.int16,
    "trafficked": bool,
    "social_security": np.float64,
    "reintegration_left": np.int16,
    "trips": np.int16,
    "season_left": np.int16,
    "stay_months": np.int16,
    "irregular_entry_month": np.int16,
}

DEFAULT_WORKER: dict[str, Any] = {
    "origin": 2,  # MMR
    "skilled": False,
    "female": False,
    "age_months": 30 * 12,
    "savings": 0.0,
    "debt": 0.0,
    "network_ties": 0,
    "status": Status.AT_HOME,
    "legal": Legal.NONE,
    "corridor": -1,
    "channel": -1,
    "timer": 0,
    "contract_left": 0,
    "recruiter": -1,
    "trained": False,
    "exploited": False,
    "exploitation_count": 0,
    "trafficked": False,
    "social_security": 0.0,
    "reintegration_left": 0,
    "trips": 0,
    "season_left": 0,
    "stay_months": 0,
    "irregular_entry_month": NO_IRREGULAR_ENTRY,
}

MMR_THA = 2  # corridor index of Myanmar -> Thailand in the baseline world
THA = 0  # destination index of Thailand


def rows(n: int) -> np.ndarray:
    """The row indices of the first ``n`` hand-built workers, as the rules take them."""
    return np.arange(n)


def population_of(workers: list[dict[str, Any]]) -> Population:
    """A population whose rows are ``workers`` (each the columns that differ from
    ``DEFAULT_WORKER``)."""
    rows = [{**DEFAULT_WORKER, **w} for w in workers]
    for w in workers:
        unknown = set(w) - set(DEFAULT_WORKER)
        assert not unknown, unknown
    return Population(
        **{
            name: np.array([r[name] for r in rows], dtype=dtype)
            for name, dtype in COLUMN_DTYPES.items()
        }
    )


def small_model(workers: list[dict[str, Any]], **levers: Any) -> MigrationModel:
    """The baseline model with ``workers`` as its population and ``levers`` replaced."""
    scenario = load_scenario("baseline").with_values(people_per_agent=1_000_000.0, end="2010-12")
    model = MigrationModel(scenario)
    model.population = population_of(workers)
    set_levers(model, **levers)
    return model


def set_levers(model: MigrationModel, **values: Any) -> None:
    """Replace lever values: a number for a global one, a number (for every key) or an array
    for one declared per origin, destination or corridor."""
    changes = {}
    for name, value in values.items():
        current = getattr(model.lv, name)
        if isinstance(current, np.ndarray):
            value = np.broadcast_to(np.asarray(value, dtype=current.dtype), current.shape).copy()
        changes[name] = value
    model.lv = dataclasses.replace(model.lv, **changes)


class FixedUniforms:
    """A stand-in for ``numpy.random.Generator`` whose ``random`` returns ``value`` in every
    cell, so a test knows which side of a probability each draw falls."""

    def __init__(self, value: float) -> None:
        self.value = value

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        return np.full(size, self.value)


class CountingUniforms(FixedUniforms):
    """:class:`FixedUniforms` that also records the size of every draw in ``sizes``, so a
    test knows how many uniforms a rule took (and that a stream did not shift)."""

    def __init__(self, value: float) -> None:
        super().__init__(value)
        self.sizes: list[int | tuple[int, ...]] = []

    def random(self, size: int | tuple[int, ...]) -> np.ndarray:
        self.sizes.append(size)
        return super().random(size)


def uniforms(value: float) -> np.random.Generator:
    """:class:`FixedUniforms` typed as the generator it stands in for."""
    return cast(np.random.Generator, FixedUniforms(value))


def flow_count(model: MigrationModel, measure: str, channel: int | None = None) -> float:
    """People counted in a flow so far this month (all corridors; one channel or both)."""
    cells = model.metrics.flows[:, FLOW_MEASURES.index(measure)]
    if channel is not None:
        cells = cells[channel::2]
    return float(cells.sum())
