"""What limits Indonesia's regular departures to Malaysia in one run of stage 32's point (the
first seed from root 13, every origin, to 2017-12), with the Indonesia-Malaysia constant at
its fitted value and at 1.0: per year, the corridor's regular applicants a month and the
places they got, its agencies' capacity, Malaysia's job orders and vacancy rate when the
month's regular applicants are admitted, and the places every corridor into Malaysia got.
Behind the thirty-second stage's write-up (calibration/flow_fit_dynamics.md, item 2 and
"Next"). Prints Markdown (about 10 s). One seed: which limit binds, not a size. Applicants
and places are the year's sums over 12; the capacity is a mean over the months with
applicants on the corridor, the job orders and vacancy rate over the months with regular
applicants into Malaysia (the 2016 freeze's three months have none, and are left out of
2016's means).

    .venv/bin/python docs/runs/dynamics_stage32_2026-12-07/malaysia_rationing.py

Why a wrapper: the model counts regular applications only as they are admitted; the
applicants who are turned away, and the limits they met, are seen at the admission itself
(:func:`simulation.admissions.take_places`, called once a month for every regular applicant
by :func:`simulation.admissions.admit_regular`), which this script wraps without changing
what it does or draws.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

import simulation.admissions as admissions
from agents.status import Channel
from calibration.config import CalibrationConfig, load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from scenarios.calendar import month_label
from simulation.model import MigrationModel

ROOT = Path(__file__).resolve().parents[3]
FOLDER = ROOT / "docs" / "runs" / "dynamics_stage32_2026-12-07"
NAME = "corridor_constant.IDN-MYS"


def admissions_into_malaysia(config: CalibrationConfig, point: dict[str, float]) -> pd.DataFrame:
    """One row per month and corridor into Malaysia with regular applicants: people applying,
    people given a place, the corridor's agency capacity, and Malaysia's job orders (the
    destination limit: job orders and quota, whichever is lower) and vacancy rate in that
    month (the same on each of the month's rows)."""
    scenario = scenario_for(config.scenario, point).with_values(
        seed=seeds_for(13, 1)[0], end="2017-12"
    )
    labels = [f"{c.origin}-{c.destination}" for c in scenario.world.corridors]
    mys = scenario.world.destinations.index("MYS")
    rows: list[dict] = []
    take_places = admissions.take_places

    def logged(model, movers, corridor, channel, official_fee, destination_limit=None):
        out = take_places(model, movers, corridor, channel, official_fee, destination_limit)
        if channel != Channel.REGULAR:
            return out
        ppa = model.people_per_agent
        for c in np.unique(corridor[model.c_dest[corridor] == mys]):
            rows.append(
                {
                    "month": model.month,
                    "year": month_label(model.month)[:4],
                    "corridor": labels[c],
                    "applicants": ppa * int((corridor == c).sum()),
                    "placed": ppa * int((out[1] == c).sum()),
                    "agency_capacity": float(model.recruitment.capacity[c, Channel.REGULAR]),
                    "job_orders": float(destination_limit[mys]),
                    "vacancy_rate": float(model.market.vacancy_rate[mys]),
                }
            )
        return out

    admissions.take_places = logged
    try:
        MigrationModel(scenario).run()
    finally:
        admissions.take_places = take_places
    return pd.DataFrame(rows)


def main() -> None:
    config = load_config(ROOT / "calibration" / "dynamics_stage32.toml")
    point = dict(point_of_folder(config, FOLDER))
    fitted = point[NAME]
    print(
        "| constant | year | IDN-MYS regular applicants a month | placed | its agencies' "
        "capacity | Malaysia's job orders | vacancy rate | placed from every origin | of them "
        "rest of the world |"
    )
    print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for label, value in ((f"{fitted:.3f} (fitted)", fitted), ("1.0", 1.0)):
        t = admissions_into_malaysia(config, {**point, NAME: value})
        idn = t[t["corridor"] == "IDN-MYS"].groupby("year")
        month = t.drop_duplicates("month").groupby("year")
        placed = t.groupby("year")["placed"].sum() / 12
        rest = t[t["corridor"] == "ROW-MYS"].groupby("year")["placed"].sum() / 12
        for year in sorted(t["year"].unique()):
            print(
                f"| {label} | {year} | {idn['applicants'].sum()[year] / 12:,.0f} | "
                f"{idn['placed'].sum()[year] / 12:,.0f} | "
                f"{idn['agency_capacity'].mean()[year]:,.0f} | "
                f"{month['job_orders'].mean()[year]:,.0f} | "
                f"{month['vacancy_rate'].mean()[year]:.3f} | {placed[year]:,.0f} | "
                f"{rest.get(year, 0.0):,.0f} |"
            )


if __name__ == "__main__":
    main()
