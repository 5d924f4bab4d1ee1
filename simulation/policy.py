"""Lever values as arrays in world order, and this month's effective policy.

``LeverArrays`` turns the scenario's resolved values into numpy arrays indexed like the
model's countries and corridors (scalars for global declarations), once per run.
``Policy`` holds what the states decided for the current month (quotas left, arrest
probability after any crackdown, closures, amnesties, bans).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from scenarios.registry import DECLARATIONS
from scenarios.scenario import Scenario

__all__ = ["Policy", "lever_arrays"]


def lever_arrays(scenario: Scenario) -> SimpleNamespace:
    """Every numeric declaration as a scalar or an array in world order."""
    w = scenario.world
    keys = {"origin": w.origins, "destination": w.destinations, "corridor": w.corridor_codes()}
    out = {}
    for name, decl in DECLARATIONS.items():
        value = scenario.values[name]
        if decl.kind == "months" or decl.scope == "country":
            continue  # used through Schedules
        if decl.scope == "global":
            out[name] = value
        else:
            out[name] = np.array(
                [value[k] for k in keys[decl.scope]], dtype=bool if decl.kind == "bool" else float
            )
    return SimpleNamespace(**out)


class Policy:
    """This month's effective policy, written by the State agents."""

    def __init__(self, n_origins: int, n_destinations: int, n_corridors: int) -> None:
        self.quota_remaining = np.zeros(n_destinations)
        self.arrest_probability = np.zeros(n_destinations)
        self.border_closed = np.zeros(n_destinations, bool)
        self.amnesty_open = np.zeros(n_destinations, bool)
        self.demand = np.zeros(n_destinations)
        self.market_wage = np.zeros(n_destinations)
        self.push_shock = np.zeros(n_origins, bool)
        self.deployment_ban = np.zeros(n_corridors, bool)
