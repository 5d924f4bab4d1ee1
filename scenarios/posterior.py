"""The shipped calibration, as data the scenarios read: the calibrated parameters (a scenario
fragment the baseline extends), the posterior draws that batches and the dashboard use for
parameter uncertainty, and the observation model's parameters.

Why in the scenarios layer: these files are inputs of every run, like the world's data. The
calibration (a higher layer) writes them here with ``corridors calibrate --install``; nothing
here imports the calibration.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from .points import apply_point
from .scenario import Scenario

__all__ = [
    "CALIBRATED",
    "OBSERVATION",
    "OBSERVATION_PARAMETERS",
    "POSTERIOR_DRAWS",
    "SHIPPED_CALIBRATION",
    "apply_draw",
    "is_observation",
    "load_draws",
    "observation_parameters",
]

SHIPPED_CALIBRATION = Path(__file__).parent / "data" / "calibrated"
POSTERIOR_DRAWS = SHIPPED_CALIBRATION / "posterior_draws.csv"
CALIBRATED = SHIPPED_CALIBRATION / "calibrated_parameters.toml"
OBSERVATION = SHIPPED_CALIBRATION / "observation_parameters.json"

# the observation model's own parameters (calibration/observation.py), allowed range; each may
# also be fitted per destination as ``name.DEST``
OBSERVATION_PARAMETERS = {"census_coverage": (0.3, 3.0)}


def is_observation(name: str) -> bool:
    """Whether a fitted name (``census_coverage`` or ``census_coverage.THA``) belongs to the
    observation model rather than to the scenario."""
    return name.partition(".")[0] in OBSERVATION_PARAMETERS


def load_draws(path: Path = POSTERIOR_DRAWS) -> pd.DataFrame | None:
    """Posterior draws (one row per draw, one column per fitted name), if shipped."""
    return pd.read_csv(path) if Path(path).is_file() else None


def apply_draw(scenario: Scenario, draws: pd.DataFrame, index: int) -> Scenario:
    """The scenario with posterior draw ``index`` (modulo the number of draws) applied to
    the fitted model parameters (observation parameters are not part of a scenario)."""
    row = draws.iloc[index % len(draws)]
    point = {
        str(k): (round(float(v)) if float(v).is_integer() and "months" in str(k) else float(v))
        for k, v in row.items()
        if not is_observation(str(k))
    }
    return apply_point(scenario, point)


def observation_parameters() -> dict[str, float]:
    """The shipped observation parameters (census coverage 1 when none are shipped)."""
    if OBSERVATION.is_file():
        return dict(json.loads(OBSERVATION.read_text()))
    return {"census_coverage": 1.0}
