"""The shipped calibration: calibrated parameters (a scenario fragment the baseline extends)
and posterior draws that batches and the dashboard use for parameter uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from corridors.batchspec import apply_point
from scenarios.scenario import Scenario

__all__ = ["POSTERIOR_DRAWS", "apply_draw", "load_draws", "observation_parameters"]

HERE = Path(__file__).parent
POSTERIOR_DRAWS = HERE / "posterior_draws.csv"
CALIBRATED = HERE / "calibrated_parameters.toml"
OBSERVATION = HERE / "observation_parameters.json"


def load_draws(path: Path = POSTERIOR_DRAWS) -> pd.DataFrame | None:
    """Posterior draws (one row per draw, one column per fitted name), if shipped."""
    return pd.read_csv(path) if Path(path).is_file() else None


def apply_draw(scenario: Scenario, draws: pd.DataFrame, index: int) -> Scenario:
    """The scenario with posterior draw ``index`` (modulo the number of draws) applied to
    the fitted model parameters (observation parameters are not part of a scenario)."""
    row = draws.iloc[index % len(draws)]
    from .config import is_observation

    point = {
        k: (round(float(v)) if float(v).is_integer() and "months" in k else float(v))
        for k, v in row.items()
        if not is_observation(k)
    }
    return apply_point(scenario, point)


def observation_parameters() -> dict:
    return (
        json.loads(OBSERVATION.read_text()) if OBSERVATION.is_file() else {"census_coverage": 1.0}
    )
