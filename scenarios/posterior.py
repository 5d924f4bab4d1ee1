"""The shipped calibration, as data the scenarios read: the calibrated parameters (a scenario
fragment the baseline extends), the posterior draws that batches and the dashboard use for
parameter uncertainty, and the observation model's parameters.

Why in the scenarios layer: these files are inputs of every run, like the world's data. The
calibration (a higher layer) writes them here with ``corridors calibrate --install``; nothing
here imports the calibration.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .points import apply_point
from .scenario import Scenario
from .tomlfile import read_toml_text

__all__ = [
    "CALIBRATED",
    "OBSERVATION",
    "OBSERVATION_PARAMETERS",
    "POSTERIOR_DRAWS",
    "SHIPPED_CALIBRATION",
    "apply_draw",
    "calibrated_values",
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


def calibrated_values(path: Path = CALIBRATED) -> dict[str, float]:
    """The shipped calibrated point as ``name`` / ``name.KEY`` -> value (empty when none is
    shipped), read from the scenario fragment the baseline extends."""
    if not Path(path).is_file():
        return {}
    data = read_toml_text(Path(path), str(path), "calibrated parameters")
    out: dict[str, float] = {}
    for section in data.values():
        for name, value in section.items():
            if isinstance(value, dict):
                out.update({f"{name}.{key}": v for key, v in value.items()})
            else:
                out[name] = value
    return out


def apply_draw(
    scenario: Scenario,
    draws: pd.DataFrame,
    index: int,
    calibrated: dict[str, float] | None = None,
) -> Scenario:
    """The scenario with posterior draw ``index`` (modulo the number of draws) applied to
    the fitted model parameters (observation parameters are not part of a scenario).

    A draw replaces the *calibrated* value of each fitted name, not a value the scenario set
    itself: where the scenario's value differs from the shipped calibrated point
    (``calibrated``, by default :func:`calibrated_values`), the scenario's wins. Why: some
    fitted names are levers (Malaysia's arrest probability); the crackdown sets that lever on
    purpose, and a draw written over it would turn the crackdown back into the baseline's
    enforcement in Malaysia, so comparisons with parameter uncertainty would understate
    the policy.
    """
    reference = calibrated_values() if calibrated is None else calibrated
    row = draws.iloc[index % len(draws)]
    point = {}
    for k, v in row.items():
        key = str(k)
        if is_observation(key) or _set_by_scenario(scenario, key, reference):
            continue
        point[key] = round(float(v)) if float(v).is_integer() and "months" in key else float(v)
    return apply_point(scenario, point)


def _set_by_scenario(scenario: Scenario, key: str, reference: dict[str, float]) -> bool:
    """Whether the scenario's value of fitted name ``key`` differs from the calibrated one."""
    if key not in reference:
        return False
    name, _, sub = key.partition(".")
    value = scenario.values.get(name)
    if sub:
        value = value.get(sub) if isinstance(value, Mapping) else None
    return value is not None and value != reference[key]


def observation_parameters() -> dict[str, float]:
    """The shipped observation parameters (census coverage 1 when none are shipped)."""
    if OBSERVATION.is_file():
        return dict(json.loads(OBSERVATION.read_text()))
    return {"census_coverage": 1.0}
