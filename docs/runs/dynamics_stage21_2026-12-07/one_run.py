"""One run of stage 18's point (the first seed from root 13, the candidate's three-month
windows) behind two readings of the twenty-first stage's write-up
(calibration/flow_fit_dynamics.md): the regular and irregular stock of Cambodians, Lao and
Burmese in Thailand each June with the yearly flows out of regular status, and what the
model's Vietnamese in Thailand earn and send home in 2010-2016 beside the others there.
Prints Markdown (about 10 s).

    .venv/bin/python docs/runs/dynamics_stage21_2026-12-07/one_run.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from calibration.config import load_config
from calibration.simulate import scenario_for, seeds_for
from calibration.slices import point_of_folder
from simulation.run import run_scenario

ROOT = Path(__file__).resolve().parents[3]
STAGE18 = ROOT / "docs" / "runs" / "dynamics_stage18_2026-12-06"
CLM = ("KHM", "LAO", "MMR")


def main() -> None:
    config = load_config(ROOT / "calibration" / "dynamics_stage18.toml")
    point = point_of_folder(config, STAGE18)
    scenario = scenario_for(config.scenario, point).with_values(seed=seeds_for(13, 1)[0])
    t = run_scenario(scenario).table
    for c in ("origin", "destination", "channel", "measure", "month"):
        t[c] = t[c].astype(str)
    t["year"] = t["month"].str[:4]
    tha = t[(t["destination"] == "THA") & t["origin"].isin(CLM)]

    june = tha[(tha["measure"] == "stock") & tha["month"].str.endswith("-06")]
    stock = june.groupby(["year", "channel"])["value"].sum().unstack(fill_value=0) / 1e6
    flows = {
        m: tha[tha["measure"] == m].groupby("year")["value"].sum() / 1e3
        for m in ("irregular_by_employer_change", "amnesty_registrants")
    }
    regular_returns = (
        tha[(tha["measure"] == "returns") & (tha["channel"] == "regular")]
        .groupby("year")["value"]
        .sum()
        / 1e3
    )
    print(
        "| year | regular stock, June (millions) | irregular stock, June | regular workers "
        "gone home (thousands) | made irregular by leaving the employer | registrants |"
    )
    print("|--:|--:|--:|--:|--:|--:|")
    for year in stock.index:
        print(
            f"| {year} | {stock.loc[year, 'regular']:.2f} | {stock.loc[year, 'irregular']:.2f} "
            f"| {regular_returns.get(year, 0):.1f} "
            f"| {flows['irregular_by_employer_change'].get(year, 0):.1f} "
            f"| {flows['amnesty_registrants'].get(year, 0):.1f} |"
        )

    print()
    print(
        "| origin in Thailand, 2010-2016 | stock | employed | earnings a month per employed "
        "(USD) | sent home per employed | received per person in the stock |"
    )
    print("|:--|--:|--:|--:|--:|--:|")
    period = t[(t["destination"] == "THA") & (t["month"] >= "2010-01") & (t["month"] <= "2016-12")]
    for origin in ("VNM", *CLM):
        rows = period[period["origin"] == origin]

        def monthly(measure: str, rows: pd.DataFrame = rows) -> float:
            return float(rows[rows["measure"] == measure].groupby("month")["value"].sum().mean())

        stock_, employed = monthly("stock"), monthly("employed")
        print(
            f"| {origin} | {stock_:,.0f} | {employed:,.0f} | "
            f"{monthly('earnings_usd') / employed:,.0f} | "
            f"{monthly('remittances_sent_usd') / employed:,.0f} | "
            f"{monthly('remittances_received_usd') / stock_:,.0f} |"
        )


if __name__ == "__main__":
    main()
