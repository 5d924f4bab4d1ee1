"""One policy answer at stage 16's and stage 17's points: Thailand without border-area
enforcement on Cambodian crossers (``border_area_arrest_probability.KHM-THA`` 0 for the whole
run) against each point as fitted, over 4 seeds from root 13 (the held-out seeds). Prints a
Markdown table of Cambodia -> Thailand outcomes in 2017-2024: decisions at home to cross
irregularly (irregular ``departures`` minus ``forced_return_reentries``), forced returns a
month, and the irregular stock at the end of 2024.

Why: the two points fit the targets alike but differ in how many Cambodians decide to cross
(calibration/flow_fit_dynamics.md, seventeenth stage); this measures how much a policy
answer that turns on new crossers differs between them.

    .venv/bin/python docs/runs/dynamics_stage17_2026-12-06/corners.py
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
POINTS = {16: "dynamics_stage16_2026-12-06", 17: "dynamics_stage17_2026-12-06"}
SEEDS = seeds_for(13, 4)
LEVER = "border_area_arrest_probability.KHM-THA"


def outcomes(stage: int, lever_off: bool, seed: int) -> tuple[float, float, float]:
    """(decided crossings, forced returns a month, irregular stock at 2024-12) of one run."""
    config = load_config(ROOT / "calibration" / f"dynamics_stage{stage}.toml")
    point = point_of_folder(config, ROOT / "docs" / "runs" / POINTS[stage])
    if lever_off:
        point = {**point, LEVER: 0.0}
    table = run_scenario(scenario_for(config.scenario, point).with_values(seed=seed)).table
    rows = (
        (table["origin"].astype(str) == "KHM")
        & (table["destination"].astype(str) == "THA")
        & (table["channel"].astype(str) == "irregular")
    )
    month = table["month"].astype(str)
    period = rows & (month >= "2017-01") & (month <= "2024-12")

    measures = set(table["measure"].astype(str))

    def total(measure: str, where) -> float:
        assert measure in measures, f"no measure {measure!r} in the output table"
        return float(table.loc[where & (table["measure"].astype(str) == measure), "value"].sum())

    decided = total("departures", period) - total("forced_return_reentries", period)
    forced = (total("deportations", period) + total("border_interceptions", period)) / 96
    stock = total("stock", rows & (month == "2024-12"))
    return decided, forced, stock


def main() -> None:
    jobs = [(s, off, seed) for s in POINTS for off in (False, True) for seed in SEEDS]
    with ProcessPoolExecutor(2) as pool:
        results = dict(zip(jobs, pool.map(outcomes, *zip(*jobs, strict=True)), strict=True))
    print(
        "| point | border-area enforcement | decided crossings 2017-2024 | forced returns a month"
        " | irregular stock 2024-12 |"
    )
    print("|:--|:--|--:|--:|--:|")
    for s in POINTS:
        for off in (False, True):
            r = np.array([results[(s, off, seed)] for seed in SEEDS])
            m, sd = r.mean(axis=0), r.std(axis=0, ddof=1)
            cells = " | ".join(f"{a:,.0f} (sd {b:,.0f})" for a, b in zip(m, sd, strict=True))
            print(f"| stage {s} | {'off' if off else 'as fitted'} | {cells} |")


if __name__ == "__main__":
    main()
