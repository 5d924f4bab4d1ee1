"""One run of stage 22's point (the first seed from root 13) behind the twenty-second stage's
write-up (calibration/flow_fit_dynamics.md): where Thailand's documented Cambodians, Lao and
Burmese come from and go to each year, so that the miss of 2024 can be placed (windows,
arrivals through the regular channel, or too few leaving regular status). Prints Markdown
(about 10 s). Given another stage's run folder (``docs/runs/dynamics_stageN_DATE``), the
same for that stage's point (the twenty-third stage's ``one_run.md``).

    .venv/bin/python docs/runs/dynamics_stage22_2026-12-07/one_run.py [RUN_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from calibration.config import load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
HERE = Path(__file__).resolve().parent
CLM = ("KHM", "LAO", "MMR")


def main(folder: Path = HERE) -> None:
    stage = folder.name.split("_")[1]  # dynamics_stageN_DATE
    config = load_config(ROOT / "calibration" / f"dynamics_{stage}.toml")
    point = point_of_folder(config, folder)
    scenario = scenario_for(config.scenario, point).with_values(seed=seeds_for(13, 1)[0])
    t = run_scenario(scenario).table
    for c in ("origin", "destination", "channel", "measure", "month"):
        t[c] = t[c].astype(str)
    t["year"] = t["month"].str[:4]
    tha = t[(t["destination"] == "THA") & t["origin"].isin(CLM)]
    june = tha[(tha["measure"] == "stock") & tha["month"].str.endswith("-06")]
    regular = june[june["channel"] == "regular"].groupby("year")["value"].sum() / 1e6
    irregular = june[june["channel"] == "irregular"].groupby("year")["value"].sum() / 1e6

    def yearly(measure: str, channel: str | None) -> pd.Series:
        rows = tha[tha["measure"] == measure]
        if channel is not None:
            rows = rows[rows["channel"] == channel]
        return rows.groupby("year")["value"].sum() / 1e3

    columns = {
        "regular arrivals": yearly("arrivals", "regular"),
        "registrants (held out)": yearly("amnesty_registrants", None),
        "legalised": yearly("registrations", "regular"),
        "regular returns": yearly("returns", "regular"),
        "lapsed permits": yearly("irregular_by_lapse", None),
        "left the employer": yearly("irregular_by_employer_change", None),
        "overstayed": yearly("irregular_by_overstay", None),
    }
    print(
        "| year | regular stock, June (millions) | irregular stock, June | "
        + " | ".join(f"{k} (thousands)" for k in columns)
        + " |"
    )
    print("|--:" * (3 + len(columns)) + "|")
    for year in regular.index:
        cells = " | ".join(f"{float(v.get(year, 0.0)):.1f}" for v in columns.values())
        print(f"| {year} | {regular[year]:.2f} | {irregular.get(year, 0.0):.2f} | {cells} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else HERE)
