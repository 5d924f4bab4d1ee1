"""One run each (the first seed from root 13, every origin) of stage 29's point, whose
scenario has no limit on detention, and of stage 30's, whose depots in Malaysia have 20,750
places, behind the thirtieth stage's write-up (calibration/flow_fit_dynamics.md): Malaysia's
detained, arrests and deportations by year, 2018-2024, to see whether and when the places
bind. Prints Markdown (about 30 s).

    .venv/bin/python docs/runs/dynamics_stage30_2026-12-07/malaysia_depots.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from calibration.config import load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
STAGES = {
    "stage 29 (no limit)": "dynamics_stage29_2026-12-07",
    "stage 30 (20,750 places)": "dynamics_stage30_2026-12-07",
}


def malaysia(folder: str) -> pd.DataFrame:
    """Malaysia's monthly detained (end of month), arrests and deportations, all origins."""
    stage = folder.split("_")[1]  # dynamics_stageN_DATE
    config = load_config(ROOT / "calibration" / f"dynamics_{stage}.toml")
    point = point_of_folder(config, ROOT / "docs" / "runs" / folder)
    scenario = scenario_for(config.scenario, point).with_values(seed=seeds_for(13, 1)[0])
    t = run_scenario(scenario).table
    for c in ("destination", "measure", "month"):
        t[c] = t[c].astype(str)
    t = t[(t["destination"] == "MYS") & t["measure"].isin(("detained", "arrests", "deportations"))]
    return t.pivot_table(index="month", columns="measure", values="value", aggfunc="sum")


def main() -> None:
    print(
        "| stage | year | detained, mean of months | detained, most | arrests a month | "
        "deportations a month |"
    )
    print("|:--|--:|--:|--:|--:|--:|")
    for label, folder in STAGES.items():
        m = malaysia(folder)
        m = m[(m.index >= "2018-01") & (m.index <= "2024-12")]
        for year, rows in m.groupby(m.index.str[:4]):
            print(
                f"| {label} | {year} | {rows['detained'].mean():,.0f} | "
                f"{rows['detained'].max():,.0f} | {rows['arrests'].mean():,.0f} | "
                f"{rows['deportations'].mean():,.0f} |"
            )


if __name__ == "__main__":
    main()
