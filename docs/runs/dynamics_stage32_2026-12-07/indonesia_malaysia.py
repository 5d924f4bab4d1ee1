"""One run (the first seed from root 13, every origin, to 2017-12) of stage 32's point with the
Indonesia-Malaysia constant at its fitted value and at 1.0, behind the thirty-second stage's
write-up (calibration/flow_fit_dynamics.md): the corridor's regular and irregular departures
a month and its year-end stock by channel, 2011-2017, to see where a larger constant goes.
Prints Markdown (about 30 s). One seed: a direction, not a size.

    .venv/bin/python docs/runs/dynamics_stage32_2026-12-07/indonesia_malaysia.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from calibration.config import CalibrationConfig, load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "docs" / "runs" / "dynamics_stage32_2026-12-07"
NAME = "corridor_constant.IDN-MYS"


def corridor(config: CalibrationConfig, point: dict[str, float]) -> pd.DataFrame:
    """Departures a month (mean of the year's months) and the December stock, by channel, at
    ``point`` of stage 32's ``config``."""
    scenario = scenario_for(config.scenario, point).with_values(
        seed=seeds_for(13, 1)[0], end="2017-12"
    )
    t = run_scenario(scenario).table
    for c in ("origin", "destination", "measure", "month", "channel"):
        t[c] = t[c].astype(str)
    t = t[(t["origin"] == "IDN") & (t["destination"] == "MYS")]
    t = t[t["measure"].isin(("departures", "stock")) & (t["month"] >= "2011-01")]
    t["year"] = t["month"].str[:4]
    flows = (
        t[t["measure"] == "departures"].pivot_table(
            index="year", columns="channel", values="value", aggfunc="sum"
        )
        / 12
    )
    stocks = t[(t["measure"] == "stock") & t["month"].str.endswith("-12")].pivot_table(
        index="year", columns="channel", values="value", aggfunc="sum"
    )
    flows.columns = [f"{c} departures a month" for c in flows.columns]
    stocks.columns = [f"{c} stock in December" for c in stocks.columns]
    return flows.join(stocks)


def main() -> None:
    config = load_config(ROOT / "calibration" / "dynamics_stage32.toml")
    point = dict(point_of_folder(config, FOLDER))
    fitted = point[NAME]
    print(
        "| constant | year | regular departures | irregular departures | regular stock | "
        "irregular stock |"
    )
    print("|--:|--:|--:|--:|--:|--:|")
    for label, value in ((f"{fitted:.3f} (fitted)", fitted), ("1.0", 1.0)):
        for year, r in corridor(config, {**point, NAME: value}).iterrows():
            print(
                f"| {label} | {year} | {r['regular departures a month']:,.0f} | "
                f"{r['irregular departures a month']:,.0f} | "
                f"{r['regular stock in December']:,.0f} | "
                f"{r['irregular stock in December']:,.0f} |"
            )


if __name__ == "__main__":
    main()
