"""Load a batch results folder and plot one comparison: yearly irregular arrivals in
Thailand, scenario by scenario, with the 90% interval across replicates.

    corridors batch examples/compare_presets.toml --out results/presets
    .venv/bin/python examples/read_batch.py results/presets [figure.png]

The folder's ``results/`` is a hive-partitioned Parquet dataset (``scenario=<name>/``), so
any Parquet reader can open it directly (see README, "Reading results elsewhere").
"""

from __future__ import annotations

import sys

from matplotlib.figure import Figure

from corridors.store import read_results
from simulation.metrics import over_replicates


def main(folder: str, figure: str = "irregular_arrivals_thailand.png") -> None:
    t = read_results(folder, measure="arrivals", channel="irregular", destination="THA")
    t["year"] = t["month"].astype(str).str[:4].astype(int)
    per_run = t.groupby(["scenario", "replicate", "year"], observed=True)["value"].sum()
    # mean and 90% interval across replicates, as the reports and the dashboard compute them
    stats = over_replicates(per_run.reset_index(), ["scenario", "year"], count=False)
    stats = stats.set_index(["scenario", "year"])
    fig = Figure(figsize=(8, 4))
    ax = fig.subplots()
    for scenario, s in stats.groupby(level="scenario"):
        years = s.index.get_level_values("year")
        ax.plot(years, s["mean"] / 1e3, label=scenario)
        ax.fill_between(years, s["p05"] / 1e3, s["p95"] / 1e3, alpha=0.2)
    ax.set_ylabel("irregular arrivals in Thailand (thousand per year)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(figure, dpi=110)
    print(stats.round(0).to_string())
    print(f"wrote {figure}")


if __name__ == "__main__":
    main(*sys.argv[1:])
