"""Run a scenario several times (seeded replicates) and summarise what the dashboard shows.

Replicate seeds come from ``numpy.random.SeedSequence(root).spawn(n)``, the same for every
scenario compared (common random numbers), so the difference between A and B is the policy's
effect rather than seed noise.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from calibration.posterior import apply_draw, load_draws
from corridors.batchspec import replicate_seeds
from scenarios.scenario import Scenario
from simulation.model import MigrationModel

__all__ = ["HEADLINE_LABELS", "headline", "run_replicates", "summarise"]

SHOWN = ("stock", "arrivals", "departures", "deportations", "registrations",
         "recruitment_fees_paid_usd", "debt_outstanding_usd", "remittances_received_usd",
         "exploitation_cases")
HEADLINE_LABELS = {
    "irregular_share_final_year": "Irregular share of the stock, final year",
    "deportations": "Deportations (people, whole run)",
    "recruitment_fees_paid_usd": "Recruitment fees paid (USD, whole run)",
    "debt_outstanding_usd": "Migration debt outstanding at the end (USD)",
    "remittances_received_usd": "Remittances received at home (USD, whole run)",
    "exploitation_cases": "Exploitation cases (whole run)",
}


def run_replicates(scenario: Scenario, replicates: int, root_seed: int = 2010,
                   progress: Callable[[int, int], None] | None = None,
                   parameter_uncertainty: bool = False) -> pd.DataFrame:
    """Tidy table of every replicate (column ``replicate``), shown measures only. With
    ``parameter_uncertainty`` replicate r also takes posterior draw r of the calibration."""
    draws = load_draws() if parameter_uncertainty else None
    frames = []
    for r, seed in enumerate(replicate_seeds(root_seed, replicates)):
        run = scenario if draws is None else apply_draw(scenario, draws, r)
        model = MigrationModel(run.with_values(seed=seed))
        model.run()
        table = model.metrics.to_frame(measures=SHOWN, include_status=False)
        frames.append(table.assign(replicate=r))
        if progress is not None:
            progress(r + 1, replicates)
    out = pd.concat(frames, ignore_index=True)
    for col in ("month", "origin", "destination", "channel", "measure"):
        out[col] = out[col].astype(str)
    return out


def summarise(runs: pd.DataFrame, measure: str, by_corridor: bool = True) -> pd.DataFrame:
    """Mean and 90% band across replicates per month (and corridor) and channel."""
    t = runs[runs["measure"] == measure]
    keys = ["month", "channel"]
    if by_corridor:
        t = t.assign(corridor=t["origin"] + "-" + t["destination"])
        keys = ["corridor", *keys]
    per_rep = t.groupby([*keys, "replicate"])["value"].sum().reset_index()
    g = per_rep.groupby(keys)["value"]
    return pd.DataFrame({"mean": g.mean(), "p05": g.quantile(0.05),
                         "p95": g.quantile(0.95)}).reset_index()


def headline(runs: pd.DataFrame) -> pd.DataFrame:
    """Headline numbers per replicate -> mean and 90% band."""
    last = runs["month"].max()
    rows = []
    for _, t in runs.groupby("replicate"):
        stock = t[(t["measure"] == "stock") & (t["month"] == last)]
        row = {"irregular_share_final_year": stock.loc[stock["channel"] == "irregular",
                                                       "value"].sum()
               / max(stock["value"].sum(), 1e-9)}
        for m in ("deportations", "recruitment_fees_paid_usd", "remittances_received_usd",
                  "exploitation_cases"):
            row[m] = t.loc[(t["measure"] == m) & (t["month"] != "2009-12"), "value"].sum()
        row["debt_outstanding_usd"] = t.loc[(t["measure"] == "debt_outstanding_usd")
                                            & (t["month"] == last), "value"].sum()
        rows.append(row)
    per_rep = pd.DataFrame(rows)[list(HEADLINE_LABELS)]
    return pd.DataFrame({"indicator": [HEADLINE_LABELS[c] for c in per_rep.columns],
                         "key": per_rep.columns,
                         "mean": per_rep.mean().to_numpy(),
                         "p05": per_rep.quantile(0.05).to_numpy(),
                         "p95": per_rep.quantile(0.95).to_numpy()})


def difference(a: pd.DataFrame, b: pd.DataFrame, measure: str) -> pd.DataFrame:
    """B minus A per month and channel (all corridors), paired by replicate."""
    keys = ["month", "channel", "replicate"]
    sa = a[a["measure"] == measure].groupby(keys)["value"].sum()
    sb = b[b["measure"] == measure].groupby(keys)["value"].sum()
    d = (sb - sa).dropna().reset_index()
    g = d.groupby(["month", "channel"])["value"]
    return pd.DataFrame({"mean": g.mean(), "p05": g.quantile(0.05),
                         "p95": g.quantile(0.95)}).reset_index()


