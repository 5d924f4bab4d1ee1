"""What the shipped point and the shipped posterior draws answer, for the headline questions.

The dashboard offers both (parameter uncertainty off: the point; on: the draws) and has to
say why they give different numbers (issue 15, item 3). It used to quote numbers that no
file or command in the repository reproduced. This module computes them for the shipped
calibration and keeps them, with where they came from, in ``calibration/report/
point_and_draws.csv``, which the dashboard's words (:mod:`dashboards.uncertainty`) are built
from:

- for each scenario of :data:`SCENARIOS` and headline indicator, the point's value (the mean
  of :data:`POINT_SEEDS` runs) against the posterior predictive (one run under each shipped
  draw, each with a seed of its own): its median, its central 50% interval and whether the
  point lies inside it (:func:`calibration.point_check.check_point`, the test of item 3);
- for each scenario after the first, its effect against the first in the same terms, paired
  by seed and draw (the same seeds for every scenario: common random numbers);
- the digest of the shipped calibration files it was computed for. A test compares it with
  the files in place, so installing another calibration without recomputing this table
  fails the tests instead of leaving the dashboard quoting the old calibration. A change of
  the model or of the two presets is not detected by the digest: rerun the script after
  those too.

``scripts/point_and_draws.py`` writes the file (a few minutes on two workers).
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Executor
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.atomic import write_atomic
from scenarios.calendar import month_label
from scenarios.posterior import CALIBRATED, OBSERVATION, POSTERIOR_DRAWS, load_draws
from scenarios.scenario import load_scenario

from .point_check import LEVEL, check_point, point_inside_predictive

__all__ = [
    "COLUMNS",
    "POINT_AND_DRAWS",
    "POINT_SEEDS",
    "SCENARIOS",
    "calibration_digest",
    "compute",
    "effects",
    "read",
    "share_inside",
    "write",
]

REPORT_DIR = Path(__file__).parent / "report"
"""The shipped fit report's folder (``calibration.report.REPORT_DIR``, named here without
importing the report's plotting, which the dashboard's words do not need)."""
POINT_AND_DRAWS = REPORT_DIR / "point_and_draws.csv"
SCENARIOS = ("baseline", "crackdown")
"""The first is the reference of the effects: the crackdown is the preset the dashboard's
words take as their example of a policy."""
POINT_SEEDS = 4
COLUMNS = [
    "scenario",
    "kind",
    "indicator",
    "point",
    "predictive_median",
    "predictive_low",
    "predictive_high",
    "inside",
    "draws",
    "point_seeds",
    "people_per_agent",
    "end",
    "calibration_digest",
]


def calibration_digest(files: tuple[Path, ...] = (CALIBRATED, POSTERIOR_DRAWS, OBSERVATION)) -> str:
    """SHA-256 over the shipped calibration files (the point, the draws, the observation
    parameters), in that order, with Windows line ends read as Unix ones (a checkout that
    converts them holds the same calibration); a missing file counts as empty."""
    h = hashlib.sha256()
    for path in files:
        data = Path(path).read_bytes() if Path(path).is_file() else b""
        h.update(data.replace(b"\r\n", b"\n"))
        h.update(b"\0")
    return h.hexdigest()


def effects(
    point_runs: dict[str, pd.DataFrame],
    draw_runs: dict[str, pd.DataFrame],
    reference: str,
    level: float = LEVEL,
) -> pd.DataFrame:
    """Each other scenario's effect against ``reference`` per indicator: the point's (the
    difference of the runs' means, the same seeds on both sides) against the draws' paired
    differences (row i of each scenario's draw runs: draw i and its seed)."""
    parts = []
    for name, runs in draw_runs.items():
        if name == reference:
            continue
        diff_point = point_runs[name] - point_runs[reference]
        diff_draws = runs - draw_runs[reference]
        parts.append(point_inside_predictive(diff_point, diff_draws, level).assign(scenario=name))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def compute(
    executor: Executor,
    scenarios: tuple[str, ...] = SCENARIOS,
    point_seeds: int = POINT_SEEDS,
) -> pd.DataFrame:
    """The table (:data:`COLUMNS`) for the shipped calibration: every scenario at its own
    scale and end, on the reference scenario's seeds."""
    digest = calibration_digest()  # before the runs: the files they read
    draws = load_draws()
    if draws is None or draws.empty:
        raise ValueError(f"no posterior draws are shipped ({POSTERIOR_DRAWS})")
    loaded = {name: load_scenario(name) for name in scenarios}
    root = loaded[scenarios[0]].seed
    levels, point_runs, draw_runs = [], {}, {}
    for name, scenario in loaded.items():
        table, point, predictive = check_point(scenario, draws, executor, point_seeds, root)
        levels.append(table.assign(scenario=name, kind="level"))
        point_runs[name], draw_runs[name] = point, predictive
    diffs = effects(point_runs, draw_runs, scenarios[0]).assign(kind="effect")
    out = pd.concat([*levels, diffs], ignore_index=True)
    first = loaded[scenarios[0]]
    out = out.assign(
        point_seeds=point_seeds,
        people_per_agent=first.people_per_agent,
        end=month_label(first.end),
        calibration_digest=digest,
    )
    return out[COLUMNS]


def write(table: pd.DataFrame, path: Path | None = None) -> None:
    """Write the table atomically (default :data:`POINT_AND_DRAWS`)."""
    write_atomic(Path(path or POINT_AND_DRAWS), lambda tmp: table.to_csv(tmp, index=False))


def read(path: Path | None = None) -> pd.DataFrame | None:
    """The kept table (default :data:`POINT_AND_DRAWS`), or None when there is none."""
    path = Path(path or POINT_AND_DRAWS)
    if not path.is_file():
        return None
    table = pd.read_csv(path, keep_default_na=False, na_values=[""])
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}; rerun scripts/point_and_draws.py")
    table["inside"] = table["inside"].astype(str) == "True"
    return table


def share_inside(table: pd.DataFrame, scenario: str, kind: str = "level") -> tuple[int, int]:
    """(indicators whose point lies inside the draws' 50% interval, indicators) for one
    scenario's levels or effects."""
    rows = table[(table["scenario"] == scenario) & (table["kind"] == kind)]
    return int(np.sum(rows["inside"])), len(rows)
