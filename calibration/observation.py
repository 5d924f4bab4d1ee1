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
* remittance prices: the cost paid over the amount sent;
* flows (issue 14, ``calibration/targets_flows.csv``), each averaged per month over the
  target's months, summed over its corridors:

  - ``regular_departures_per_month``: departures on the regular channel (people who left
    home after processing). An origin's deployment statistics (Viet Nam's DOLAB, Indonesia's
    BNP2TKI placements, Cambodia's ministry and recruitment agencies) count the workers it
    sends, at departure: the model's departures, not its arrivals (which lag by the transit
    months) nor its applications (signed, not yet gone). Irregular departures are left out:
    a ministry never counts them;
  - ``forced_returns_per_month``: deportations plus border interceptions (both on the
    irregular channel): everyone the destination's authorities hand back at the border,
    arrested inland or stopped crossing, as a border post's count of those "sent back"
    (Cambodians through Poipet) counts them. Own-accord returns are not in it;
  - ``returns_per_month``: returns of one's own accord (contract end, voluntary, a shock,
    a programme's return track), both legal statuses (or the target's channel), for counts
    of returnees; deportations are not in it;
  - ``remittances_received_usd_per_month``: remittances received at home (sent minus the
    cost of sending), both legal statuses (or the target's channel), USD: the World Bank's
    bilateral estimates allocate an origin's recorded inflows to host countries;
  - ``recorded_remittances_usd_per_month``: the same times the origin's recorded share
    (:data:`calibration.remittance_recording.RECORDED_REMITTANCE_SHARE`), for the World
    Bank's estimates of origins whose balance of payments records only formal channels and
    for which the sources give the share that goes through them (Cambodia about 0.6; Lao
    PDR and Myanmar 0.12 and 0.15: most goes through brokers or hundi agents); one origin
    per target;
  - ``amnesty_registrants_per_month``, ``amnesty_legalised_per_month`` and
    ``amnesty_returns_per_month``: registrants, legalised workers (``registrations``) and
    programme returns (a window's return track, a return-only programme). Held-out kinds:
    the out-of-sample check (:mod:`calibration.heldout`) compares them with the programmes'
    own counts, and no calibration may (their names are refused as targets);
  - ``notified_workers_stock``: the employed with regular status at the end of the
    target's last month: Japan's employer notifications (MHLW, end of October) count
    foreigners in legal employment; absconded trainees (irregular) and the unemployed are
    not notified.

  A flow target whose corridors are not in the run (Japan when the run's world leaves it
  out) is not observed: nan, which the distance counts as a miss (1). Fiscal years need no
  conversion: a target covers the months it names (``flows.csv`` writes fiscal years as
  their months), and the observable averages over exactly those.

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

from .remittance_recording import RECORDED_REMITTANCE_SHARE
from .targets import Target

__all__ = [
    "FLOW_OBSERVABLES",
    "NEEDED",
    "REMITTANCE_OBSERVABLES",
    "census_coverage",
    "observe",
    "recorded_share",
]

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
    "returns",
    "remittances_received_usd",
)

FLOW_OBSERVABLES = {
    # observable: (measure(s) summed, channel row: 0 regular, 1 irregular, None the target's)
    "regular_departures_per_month": (("departures",), 0),
    "forced_returns_per_month": (("deportations", "border_interceptions"), 1),
    "returns_per_month": (("returns",), None),
    "remittances_received_usd_per_month": (("remittances_received_usd",), None),
    "recorded_remittances_usd_per_month": (("remittances_received_usd",), None),
    # held-out kinds (calibration/heldout.py), never calibration targets
    "amnesty_registrants_per_month": (("amnesty_registrants",), 1),
    "amnesty_legalised_per_month": (("registrations",), 0),
    "amnesty_returns_per_month": (("amnesty_returns",), 1),
}
"""The flow observables of issue 14 (per month over the target's months) and what they sum."""

REMITTANCE_OBSERVABLES = (
    "remittances_received_usd_per_month",
    "recorded_remittances_usd_per_month",
)
"""The observables a World Bank remittance estimate is compared with (everything received, or
its recorded part)."""


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


def recorded_share(target: Target) -> float:
    """The recorded share of the one origin of a recorded-remittances target
    (:data:`~calibration.remittance_recording.RECORDED_REMITTANCE_SHARE`). ``load_targets``
    refuses other targets of this observable with the file and row named; a target built in
    code (a synthetic test, ``dataclasses.replace``) gets the same rule here."""
    if len(target.origins) != 1 or target.origins[0] not in RECORDED_REMITTANCE_SHARE:
        raise ValueError(
            f"target {target.target_id}: recorded remittances need one origin with a sourced "
            f"recorded share, one of {sorted(RECORDED_REMITTANCE_SHARE)}; got "
            f"{target.origin_label}"
        )
    return RECORDED_REMITTANCE_SHARE[target.origins[0]]


def _target_channel(target: Target) -> int | None:
    return 0 if target.channel == "regular" else 1 if target.channel == "irregular" else None


def _flow_observable(model, target: Target, cells: np.ndarray, s: int, e: int) -> float:
    """A flow observable of :data:`FLOW_OBSERVABLES` averaged over slots ``s``..``e`` (recorded
    remittances scaled by the origin's recorded share), or the notified workers at slot
    ``e``; nan when none of the target's corridors is in the run."""
    if len(cells) == 0:
        return float("nan")
    if target.observable == "notified_workers_stock":
        return float(_series(model, "employed", cells, 0)[e])
    measures, channel = FLOW_OBSERVABLES[target.observable]
    channel = _target_channel(target) if channel is None else channel
    total = sum(float(_series(model, m, cells, channel)[s : e + 1].sum()) for m in measures)
    if target.observable == "recorded_remittances_usd_per_month":
        total *= recorded_share(target)
    return total / (e - s + 1)


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
    if o in FLOW_OBSERVABLES or o == "notified_workers_stock":
        return _flow_observable(model, target, cells, s, e)
    if o == "deportations_per_month":
        return float(_series(model, "deportations", cells, 1)[s : e + 1].sum() / months)
    if o == "border_interceptions_per_month":
        return float(_series(model, "border_interceptions", cells, 1)[s : e + 1].sum() / months)
    channel = _target_channel(target)
    if o in ("recruitment_cost_usd", "recruitment_cost_months"):
        fees = _series(model, "recruitment_fees_paid_usd", cells, channel)[s : e + 1].sum()
        movers = 0.0
        if channel in (0, None):
            movers += _series(model, "applications", cells, 0)[s : e + 1].sum()
        if channel in (1, None):  # moves through a broker: re-entries pay no recruiter
            movers += _series(model, "departures", cells, 1)[s : e + 1].sum()
            movers -= _series(model, "forced_return_reentries", cells, 1)[s : e + 1].sum()
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
