"""Out-of-sample check of a calibrated point against the held-out figures of issue 14.

``scenarios/data/flows.csv`` keeps back four kinds of figures that no calibration may use:
counts of registrants, legalised workers and programme returns in registration and return
windows, estimates of Malaysia's irregular population, the size of corridors to Japan after
2016, and return waves (:func:`scenarios.flows.held_out_reason`). They are what tells whether
a model that fits its targets gets the flows right for the right reasons. This module turns
every such row the model can measure into a comparison (a :class:`~calibration.targets.Target`
that no calibration file may name: its observable is a held-out kind), runs a calibration's
point on seeds, and reports how far the model is from each figure.

What each kind is compared with (:data:`KIND_OBSERVABLE`): registrants with
``amnesty_registrants``, legalised workers with ``registrations``, programme returns with
``amnesty_returns`` (a window's return track and return-only programmes), each summed over
the figure's months; Malaysia's irregular population with the irregular stock at the end of
the figure's last month; a return wave with the returns of the wave's months; a corridor to
Japan after 2016 with its regular departures (deployments) or its employed regular workers
(notified workers). Rows the model cannot measure are listed as such, with the reason: one
nationality inside the rest of the world (the model has the aggregate only), a window's
first days, Japan's notified Vietnamese workers (students among them), Japan's trainee and
overstayer counts, a period outside the run.
"""

from __future__ import annotations

import warnings
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scenarios.calendar import month_index
from scenarios.flows import Flow, held_out_reason, load_flows

from .config import CalibrationConfig
from .simulate import runs_on_seeds, seeds_for
from .targets import Target

__all__ = ["KIND_OBSERVABLE", "HeldOutFigure", "heldout_figures", "heldout_report", "run_heldout"]

KIND_OBSERVABLE = {
    # kind in flows.csv: (observable, measure in flows.csv it applies to)
    "registrants": ("amnesty_registrants_per_month", "flow"),
    "legalised": ("amnesty_legalised_per_month", "flow"),
    "amnesty_returns": ("amnesty_returns_per_month", "flow"),
    "irregular_estimate": ("irregular_stock", "stock"),
    "return_wave": ("returns_per_month", "flow"),
    "deployments": ("regular_departures_per_month", "flow"),
    "japan_workers": ("notified_workers_stock", "stock"),
}
"""The observable each held-out kind is compared with, and the row measure it needs."""


@dataclass(frozen=True)
class HeldOutFigure:
    """One held-out row of ``flows.csv``: the figure, why it is held out, and the comparison
    made of it (None, with ``skipped`` saying why, where the model cannot measure it)."""

    flow: Flow
    reason: str
    target: Target | None
    skipped: str = ""

    @property
    def months(self) -> int:
        (y0, m0), (y1, m1) = self.flow.start, self.flow.end
        return (y1 - y0) * 12 + m1 - m0 + 1

    @property
    def label(self) -> str:
        (y0, m0), (y1, m1) = self.flow.start, self.flow.end
        return f"{y0}-{m0:02d}..{y1}-{m1:02d}"


def _comparison(f: Flow, i: int, last_month: int) -> tuple[Target | None, str]:
    """The target that compares the model with row ``f`` (number ``i``), or why none can."""
    if f.destination == "ALL":
        return None, "a total over every destination (the model compares one destination)"
    if f.kind not in KIND_OBSERVABLE:
        return None, f"no observable for the kind {f.kind}"
    observable, measure = KIND_OBSERVABLE[f.kind]
    if f.measure == "partial":
        return None, "a count of part of its period only (a window's first days)"
    if f.counted_at == "some_crossings":
        return None, "a count at some crossings only (a lower edge, not the flow)"
    if f.measure != measure:
        return None, f"a {f.measure} of {f.kind} (the model compares a {measure})"
    if f.origin == "ROW":
        return None, "one nationality of the rest of the world (the model has the aggregate)"
    if f.kind == "japan_workers" and f.origin == "VNM":
        return None, (
            "Japan's notified Vietnamese workers of every status count students working "
            "outside their status (43% in 2016), whom the model does not have"
        )
    start, end = (
        month_index(f"{f.start[0]}-{f.start[1]:02d}"),
        month_index(f"{f.end[0]}-{f.end[1]:02d}"),
    )
    if start < 0 or end > last_month:
        return None, "outside the run's months"
    scale = 1.0 if measure == "stock" else 1.0 / (end - start + 1)  # per month over the period
    return (
        Target(
            target_id=f"{f.kind}_{f.origin}_{f.destination}_{i}",
            observable=observable,
            destination=f.destination,
            origins=() if f.origin == "ALL" else (f.origin,),
            origin_label=f.origin,
            channel="",
            start=start,
            end=end,
            value=f.value * scale,
            low=f.low * scale,
            high=f.high * scale,
            weight=1.0,
            source=f"{f.source_title}: {f.what_exactly}",
        ),
        "",
    )


def heldout_figures(last_month: int, destinations: tuple[str, ...]) -> list[HeldOutFigure]:
    """Every ``held_out`` row of ``flows.csv`` of a held-out kind of issue 14 (registrants and
    amnesty counts, Malaysia's irregular population, Japan after 2016, return waves) in one
    of ``destinations`` (or over all of them: listed, not measured), with its comparison
    for a run whose last month index is ``last_month``. Rows held out only for their date
    (after 2016) are the hindcast's (``corridors validate``), not this check's."""
    out = []
    for i, f in enumerate(load_flows()):
        if f.use != "held_out" or f.destination not in (*destinations, "ALL"):
            continue
        (y0, m0), (y1, m1) = f.start, f.end
        reason = held_out_reason(
            f.kind, f.destination, f.origin, f"{y0}-{m0:02d}", f"{y1}-{m1:02d}", channel=""
        )
        if reason is None:
            continue
        target, skipped = _comparison(f, i, last_month)
        out.append(HeldOutFigure(f, reason, target, skipped))
    return out


def run_heldout(
    config: CalibrationConfig,
    point: dict[str, float],
    figures: list[HeldOutFigure],
    seeds: int,
    root_seed: int,
    executor: Executor,
) -> pd.DataFrame:
    """Run the configuration's scenario at ``point`` on ``seeds`` seeds and compare it with
    every measurable figure: a row per figure (the skipped ones too) with the observed value
    (per month for a flow), the simulated mean and the seeds' 5-95% range, the signed
    relative difference (simulated / observed - 1; to the nearer edge for a band, 0 inside)
    and whether the figure lies within the seeds' range."""
    measured = [f for f in figures if f.target is not None]
    targets = tuple(f.target for f in measured if f.target is not None)
    seed_list = seeds_for(root_seed, seeds)
    runs = (
        runs_on_seeds(config.scenario, targets, [point], seed_list, executor)[0]
        if targets
        else np.empty((seeds, 0))
    )
    with warnings.catch_warnings():  # a figure with no movers in a run is nan there
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(runs, axis=0)
        p05, p95 = np.nanquantile(runs, 0.05, axis=0), np.nanquantile(runs, 0.95, axis=0)
    sim = {f.target.target_id: k for k, f in enumerate(measured) if f.target is not None}
    rows = []
    for fig in figures:
        f, t = fig.flow, fig.target
        row = {
            "kind": f.kind,
            "destination": f.destination,
            "origin": f.origin,
            "origin_detail": f.origin_detail,
            "period": fig.label,
            "observed_total": f.value,
            "observed_low": f.low,
            "observed_high": f.high,
            "held_out_because": fig.reason,
            "skipped": fig.skipped,
            "source": f"{f.source_title} ({f.source_url})",
        }
        if t is not None:
            k = sim[t.target_id]
            m = float(mean[k])
            row |= {
                "observable": t.observable,
                "observed": t.centre,
                "simulated_mean": m,
                "simulated_p05": float(p05[k]),
                "simulated_p95": float(p95[k]),
                "relative_difference": t.signed_distance(m),
                "inside_seed_range": t.overlaps(float(p05[k]), float(p95[k])),
            }
        rows.append(row)
    return pd.DataFrame(rows)


def heldout_report(table: pd.DataFrame, config: CalibrationConfig, seeds: int, at: str) -> str:
    """The table as Markdown: per kind, the median absolute relative difference and how many
    figures the seeds' range holds, then every figure."""
    lines = [
        f"# Held-out figures against {at}",
        "",
        f"Configuration `{config.name}`, scenario at {config.scenario.people_per_agent:g} "
        f"people per agent, {seeds} seeds. Every figure here is of a kind kept back from "
        "calibration (issue 14): none was a target, none was tuned to. Relative difference: "
        "simulated / observed - 1 (to the nearer edge of a band, 0 inside); a flow is "
        "compared per month over the figure's months, a stock at the end of its last month.",
        "",
    ]
    measured = table[table["skipped"] == ""] if len(table) else table
    if len(measured):
        lines += ["| kind | figures | median abs. relative difference | inside the seeds' 5-95% |"]
        lines.append("|:--|---:|---:|---:|")
        for kind, rows in measured.groupby("kind", sort=False):
            lines.append(
                f"| {kind} | {len(rows)} | {rows['relative_difference'].abs().median():.2f} | "
                f"{int(rows['inside_seed_range'].sum())} |"
            )
        lines += [
            "",
            "| kind | where | period | observed (per month for a flow) | simulated mean "
            "(5-95%) | relative difference |",
            "|:--|:--|:--|---:|---:|---:|",
        ]
        for _, r in measured.iterrows():
            lines.append(
                f"| {r['kind']} | {r['origin_detail']} -> {r['destination']} | {r['period']} "
                f"| {r['observed']:,.0f} | {r['simulated_mean']:,.0f} "
                f"({r['simulated_p05']:,.0f}-{r['simulated_p95']:,.0f}) | "
                f"{r['relative_difference']:+.2f} |"
            )
    skipped = table[table["skipped"] != ""] if len(table) else table
    if len(skipped):
        lines += ["", f"Not measured ({len(skipped)}):", ""]
        for reason, rows in skipped.groupby("skipped", sort=False):
            lines.append(f"- {reason}: {len(rows)}")
    return "\n".join(lines) + "\n"
