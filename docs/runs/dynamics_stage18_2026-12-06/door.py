"""What the revolving door at the start changes at stage 18's point, over 4 seeds from root 13
(the held-out seeds): Cambodia -> Thailand's forced returns a month (deportations and border
interceptions) in 2010, 2011, 2015 and 2016 with the door as fitted (7,606 a month before the
run) and with a settled start (0); and, with the door, the policy answer of stages 16 and 17
(``corners.py`` there): Thailand without border-area enforcement on Cambodians, its effect on
decided crossings, forced returns a month in 2017-2024 and the irregular stock at the end of
2024. Prints two Markdown tables (about a minute on two workers).

    .venv/bin/python docs/runs/dynamics_stage18_2026-12-06/door.py
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from calibration.config import load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "docs" / "runs" / "dynamics_stage18_2026-12-06"
SEEDS = seeds_for(13, 4)
DOOR = "initial_forced_returns_per_month.KHM-THA"
LEVER = "border_area_arrest_probability.KHM-THA"
YEARS = ("2010", "2011", "2015", "2016")


def outcomes(door: bool, lever_off: bool, seed: int) -> list[float]:
    """Forced returns a month in each of ``YEARS``, then decided crossings 2017-2024, forced
    returns a month 2017-2024 and the irregular stock at 2024-12, of one run."""
    config = load_config(ROOT / "calibration" / "dynamics_stage18.toml")
    point = point_of_folder(config, FOLDER)
    if not door:
        point = {**point, DOOR: 0.0}
    if lever_off:
        point = {**point, LEVER: 0.0}
    table = run_scenario(scenario_for(config.scenario, point).with_values(seed=seed)).table
    rows = (
        (table["origin"].astype(str) == "KHM")
        & (table["destination"].astype(str) == "THA")
        & (table["channel"].astype(str) == "irregular")
    )
    month = table["month"].astype(str)
    measures = set(table["measure"].astype(str))

    def total(measure: str, where) -> float:
        assert measure in measures, f"no measure {measure!r} in the output table"
        return float(table.loc[where & (table["measure"].astype(str) == measure), "value"].sum())

    def forced(where, months: int) -> float:
        return (total("deportations", where) + total("border_interceptions", where)) / months

    by_year = [forced(rows & month.str.startswith(y), 12) for y in YEARS]
    period = rows & (month >= "2017-01") & (month <= "2024-12")
    decided = total("departures", period) - total("forced_return_reentries", period)
    stock = total("stock", rows & (month == "2024-12"))
    return [*by_year, decided, forced(period, 96), stock]


def cells(r: np.ndarray) -> str:
    m, sd = r.mean(axis=0), r.std(axis=0, ddof=1)
    return " | ".join(f"{a:,.0f} (sd {b:,.0f})" for a, b in zip(m, sd, strict=True))


def main() -> None:
    arms = [(True, False), (False, False), (True, True)]
    jobs = [(door, off, seed) for door, off in arms for seed in SEEDS]
    with ProcessPoolExecutor(2) as pool:
        results = dict(zip(jobs, pool.map(outcomes, *zip(*jobs, strict=True)), strict=True))

    def arm(door: bool, off: bool) -> np.ndarray:
        return np.array([results[(door, off, seed)] for seed in SEEDS])

    print("| start | " + " | ".join(f"forced returns a month, {y}" for y in YEARS) + " |")
    print("|:--|" + "--:|" * len(YEARS))
    for door in (True, False):
        label = "door in motion (7,606 a month)" if door else "settled (0)"
        print(f"| {label} | {cells(arm(door, False)[:, :4])} |")
    print()
    print(
        "| border-area enforcement | decided crossings 2017-2024 | forced returns a month"
        " 2017-2024 | irregular stock 2024-12 |"
    )
    print("|:--|--:|--:|--:|")
    for off in (False, True):
        print(f"| {'off' if off else 'as fitted'} | {cells(arm(True, off)[:, 4:])} |")


if __name__ == "__main__":
    main()
