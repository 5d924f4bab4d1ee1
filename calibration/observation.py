"""Observation model: what each source counts, computed from a simulated run.

Simulated regular and irregular stocks are not what statistics count:

* census-based migrant stocks (UN DESA) count everyone born abroad, dependants and
  long-settled migrants included, and miss some of the undocumented: ``census_stock =
  (regular + irregular stock) x census_coverage``, with ``census_coverage`` an observation
  parameter (calibrated), one value for all destinations or one per destination
  (``census_coverage.THA``): Thailand's census misses many undocumented workers while
  Malaysia's stocks include long-settled Indonesians and their families;
* registrations and permits count those who came forward: ``documented_stock`` = the
  regular stock (registered, permit-holding);
* deportation and border statistics count those caught: simulated deportations and
  interceptions per month over the target's period (the targets' bands allow for other
  nationalities in the published totals);
* recruitment costs from surveys: fees paid per mover divided by monthly earnings abroad;
* remittance prices: the cost paid over the amount sent.

Which origins a target counts (:func:`_cells`): a target for one origin or a group of them
(``IDN``, ``CLM``) counts those origins' corridors only; a destination total (origin ``ALL``)
counts every origin of the run. With the rest of the world off (the default) that is the
modelled origins, so a source's all-nationality total is compared with part of it (hence the
40-90% bands of the deportation targets and a census coverage that absorbs the rest of the
world's share); with it on (``[world] origins`` with ``ROW``), ROW's corridors are counted
too, and the same total is compared with all origins.
"""

from __future__ import annotations

import numpy as np

from simulation.metrics import FLOW_MEASURES, STOCK_MEASURES

from .targets import Target

__all__ = ["NEEDED", "census_coverage", "observe"]

_INDEX = {m: i for i, m in enumerate(FLOW_MEASURES + STOCK_MEASURES)}
NEEDED = (
    "stock",
    "deportations",
    "border_interceptions",
    "recruitment_fees_paid_usd",
    "applications",
    "departures",
    "earnings_usd",
    "employed",
    "remittance_cost_usd",
    "remittances_sent_usd",
)


def _cells(model, target: Target) -> np.ndarray:
    """The corridors a target counts: its destination's, of its origins (of every origin of
    the run, the rest of the world included when it is on, for an ``ALL`` total)."""
    w = model.world
    return np.array(
        [
            i
            for i, c in enumerate(w.corridors)
            if c.destination == target.destination
            and (not target.origins or c.origin in target.origins)
        ],
        dtype=int,
    )


def _series(model, measure: str, corridors: np.ndarray, channel: int | None) -> np.ndarray:
    """[slot] values summed over the corridors (and channels); slot 0 = initial state."""
    data = model.metrics.corridor_data[: model.metrics.months_recorded + 1, :, _INDEX[measure]]
    data = data.reshape(data.shape[0], -1, 2)[:, corridors, :]
    return data.sum(axis=(1, 2)) if channel is None else data[:, :, channel].sum(axis=1)


def census_coverage(observation: dict | None, destination: str) -> float:
    """The census coverage of a destination: its own value (``census_coverage.THA``), else
    the common one (``census_coverage``), else 1."""
    observation = observation or {}
    return float(
        observation.get(f"census_coverage.{destination}", observation.get("census_coverage", 1.0))
    )


def observe(model, target: Target, observation: dict | None = None) -> float:
    """The simulated value of a target from a model that has run past the target's end;
    ``observation`` holds the observation parameters (``census_coverage`` and its
    per-destination values)."""
    if model.metrics.months_recorded < target.end + 1:
        return float("nan")
    cells = _cells(model, target)
    s, e = target.start + 1, target.end + 1  # slots: month m is slot m + 1
    o = target.observable
    if o in ("census_stock", "total_stock", "documented_stock", "irregular_stock", "regular_share"):
        reg = _series(model, "stock", cells, 0)[e]
        irr = _series(model, "stock", cells, 1)[e]
        coverage = census_coverage(observation, target.destination)
        return {
            "census_stock": (reg + irr) * coverage,
            "total_stock": reg + irr,
            "documented_stock": reg,
            "irregular_stock": irr,
            "regular_share": reg / max(reg + irr, 1e-9),
        }[o]
    months = e - s + 1
    if o == "deportations_per_month":
        return float(_series(model, "deportations", cells, 1)[s : e + 1].sum() / months)
    if o == "border_interceptions_per_month":
        return float(_series(model, "border_interceptions", cells, 1)[s : e + 1].sum() / months)
    channel = 0 if target.channel == "regular" else 1 if target.channel == "irregular" else None
    if o in ("recruitment_cost_usd", "recruitment_cost_months"):
        fees = _series(model, "recruitment_fees_paid_usd", cells, channel)[s : e + 1].sum()
        movers = 0.0
        if channel in (0, None):
            movers += _series(model, "applications", cells, 0)[s : e + 1].sum()
        if channel in (1, None):
            movers += _series(model, "departures", cells, 1)[s : e + 1].sum()
        per_mover = fees / movers if movers > 0 else float("nan")
        if o == "recruitment_cost_usd":
            return float(per_mover)
        earnings = _series(model, "earnings_usd", cells, channel)[s : e + 1].sum()
        employed = _series(model, "employed", cells, channel)[s : e + 1].sum()
        monthly = earnings / employed if employed > 0 else float("nan")
        return float(per_mover / monthly)
    if o == "remittance_cost_pct":
        cost = _series(model, "remittance_cost_usd", cells, channel)[s : e + 1].sum()
        sent = _series(model, "remittances_sent_usd", cells, channel)[s : e + 1].sum()
        return float(100.0 * cost / sent) if sent > 0 else float("nan")
    raise ValueError(f"unknown observable {o}")
