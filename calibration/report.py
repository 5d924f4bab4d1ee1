"""Fit report: every target next to what the calibrated model gives, with uncertainty.

For the calibrated point (mean over the calibration seeds, and again over held-out seeds the
search never saw) and for each posterior draw (one
run each, with its own seed, so the interval holds parameter and stochastic uncertainty):
the observed value or band, the simulated mean and 90% interval, the distance (0 inside the
band; relative error for points); the averaged relative difference over all targets; figures
of the simulated series over the observed points; the posterior marginals and pair plots.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from corridors.atomic import write_atomic, write_text_atomic
from scenarios.calendar import month_label
from simulation.model import MigrationModel

from .config import CalibrationConfig, observation_values
from .observation import observe
from .simulate import distance, scenario_for
from .targets import Target

__all__ = ["REPORT_DIR", "evaluate_draw", "fit_table", "write_report"]

# the shipped calibration's report (``corridors calibrate --install`` replaces it)
REPORT_DIR = Path(__file__).parent / "report"


def _groups(targets: Sequence[Target]) -> dict[tuple, Target]:
    """One representative target per (observable, destination, origin, channel)."""
    out: dict[tuple, Target] = {}
    for t in targets:
        out.setdefault((t.observable, t.destination, t.origin_label, t.channel), t)
    return out


def evaluate_draw(config: CalibrationConfig, params: dict, seed: int) -> dict:
    """Run once: target values and, for the figures, each target group's monthly series."""
    model = MigrationModel(
        scenario_for(config.scenario, params).with_values(seed=seed),
        keep_choice_probabilities=False,
    )
    model.run()
    obs = observation_values(params)
    values = [observe(model, t, obs) for t in config.targets]
    series = {}
    months = range(model.metrics.months_recorded)
    for key, t in _groups(config.targets).items():
        series["|".join(key)] = [observe(model, replace(t, start=m, end=m), obs) for m in months]
    return {"values": values, "series": series}


def fit_table(
    config: CalibrationConfig,
    point_values: np.ndarray,
    heldout_values: np.ndarray,
    draw_values: np.ndarray,
) -> pd.DataFrame:
    rows = []
    for i, t in enumerate(config.targets):
        sims = draw_values[:, i]
        heldout = float(heldout_values[i])
        rows.append(
            {
                "target_id": t.target_id,
                "observable": t.observable,
                "destination": t.destination,
                "origin": t.origin_label,
                "period": f"{month_label(t.start)}..{month_label(t.end)}",
                "observed_value": t.value,
                "observed_low": t.low,
                "observed_high": t.high,
                "simulated_calibrated": float(point_values[i]),
                "simulated_mean": float(np.nanmean(sims)),
                "simulated_p05": float(np.nanquantile(sims, 0.05)),
                "simulated_p95": float(np.nanquantile(sims, 0.95)),
                "distance": t.distance(float(point_values[i])),
                "inside": t.met(float(point_values[i])),
                "simulated_heldout": heldout,
                "distance_heldout": t.distance(heldout),
                "inside_heldout": t.met(heldout),
                "weight": t.weight,
                "left_out": config.left_out.get(t.target_id, ""),
                "source": t.source,
            }
        )
    return pd.DataFrame(rows)


def write_report(
    config: CalibrationConfig,
    out: Path,
    point: dict,
    point_values: np.ndarray,
    heldout_values: np.ndarray,
    draws: pd.DataFrame,
    evaluations: list[dict],
    summary: dict,
) -> dict:
    with warnings.catch_warnings():  # months with no movers are nan
        warnings.simplefilter("ignore", RuntimeWarning)
        return _write_report(
            config, out, point, point_values, heldout_values, draws, evaluations, summary
        )


def _write_report(
    config, out, point, point_values, heldout_values, draws, evaluations, summary
) -> dict:
    folder = Path(out) / "report"
    draw_values = np.array([e["values"] for e in evaluations])
    table = fit_table(config, point_values, heldout_values, draw_values)
    avg = distance(config.targets, point_values)
    avg_heldout = distance(config.targets, heldout_values)
    fitted = table[table["left_out"] == ""]  # left-out targets weigh 0 and count in no goal
    summary = {
        **summary,
        "averaged_relative_difference": avg,
        "unweighted_mean_distance": float(fitted["distance"].mean()),
        "targets": len(fitted),
        "targets_met": int(fitted["inside"].sum()),
        "averaged_relative_difference_heldout": avg_heldout,
        "targets_met_heldout": int(fitted["inside_heldout"].sum()),
        "targets_left_out": dict(config.left_out),
        # the runs' scale: an emulator run installed with --people-per-agent differs from its
        # file's, and whoever reruns the report's figures needs it
        "people_per_agent": config.scenario.people_per_agent,
        "calibrated_parameters": point,
    }
    write_atomic(folder / "fit.csv", lambda p: table.to_csv(p, index=False))
    write_text_atomic(folder / "summary.json", json.dumps(summary, indent=1, default=float))
    _series_figure(config, evaluations, folder)
    if len(draws) > 1:
        _posterior_figures(draws, config, folder, point)
    lines = [
        f"# Calibration fit report: {config.name}",
        "",
        f"Averaged relative difference over {len(fitted)} targets (weighted): "
        f"**{avg:.3f}** (goal < 0.15). Targets inside their band or within 20%: "
        f"**{summary['targets_met']} of {len(fitted)}**.",
        "",
        f"The calibrated point on {summary.get('heldout_seeds', 'n/a')} held-out seeds "
        f"(never seen by the search): averaged relative difference **{avg_heldout:.3f}**, "
        f"**{summary['targets_met_heldout']} of {len(fitted)}** targets met.",
        "",
        *_left_out_lines(table),
        f"Model runs: {summary.get('model_runs', 'n/a')} at "
        f"{config.scenario.people_per_agent:g} people per agent; wall time "
        f"{summary.get('wall_s', float('nan')) / 60:.1f} min.",
        "",
        "## Calibrated parameters",
        "",
        f"The calibrated point (what `calibrated_parameters.toml` holds and the baseline "
        f"extends once installed, and what every 'calibrated' column shows): the "
        f"**{summary.get('point_choice', 'MSM optimum')}**. "
        + (
            ""
            if "msm_optimum" not in summary
            else "Beside it the method of simulated moments' optimum "
            f"(`msm_optimum.toml`; distance {summary.get('msm_distance', float('nan')):.3f} "
            "on the calibration seeds)."
        ),
        "",
        _parameters_table(point, summary.get("msm_optimum")),
        "",
        *_fixed_lines(summary.get("fixed_parameters") or {}),
        "## Targets",
        "",
        "Simulated mean and 90% interval over the posterior draws (one run each); "
        "'calibrated' is the point estimate (mean over the calibration seeds), "
        "'heldout' the same point over the held-out seeds; "
        "distance is 0 inside a band, else the relative distance to it.",
        "",
        table[
            [
                "target_id",
                "period",
                "observed_value",
                "observed_low",
                "observed_high",
                "simulated_calibrated",
                "simulated_heldout",
                "simulated_mean",
                "simulated_p05",
                "simulated_p95",
                "distance",
                "distance_heldout",
            ]
        ].to_markdown(index=False, floatfmt=",.3g"),
        "",
        "![series](series.png)",
        "",
    ]
    if len(draws) > 1:
        abc = summary.get("abc", {})
        lines += ["## Posterior", ""]
        if summary.get("posterior_method"):
            lines += [summary["posterior_method"], ""]
        if "effective_sample_size" in abc:
            eps = abc["epsilons"][-1]
            lines += [
                f"ABC-SMC: {abc['generations']} generations, final epsilon {eps:.3f}; "
                f"the last generation's effective sample size is "
                f"{abc['effective_sample_size']:.1f} of its particles, and the "
                f"{len(draws)} draws hold {abc['distinct_draws']} different particles "
                "(the fewer, the less of the parameter uncertainty the draws carry).",
                "",
            ]
        lines += ["![marginals](posterior_marginals.png)", "", "![pairs](posterior_pairs.png)", ""]
    write_text_atomic(folder / "report.md", "\n".join(lines))
    return summary


def _left_out_lines(table: pd.DataFrame) -> list[str]:
    """The configuration's ``[leave_out]``: simulated and in the targets table below, not
    fitted, each with its reason and how far the point is from it."""
    out = table[table["left_out"] != ""]
    if out.empty:
        return []
    lines = [
        f"Left out of the fit ({len(out)}; weight 0, not counted above; the configuration's "
        "`[leave_out]` gives the reason):",
        "",
    ]
    for row in out.itertuples():
        lines.append(
            f"- `{row.target_id}`: {row.left_out} (distance at the point {row.distance:.3f}, "
            f"held out {row.distance_heldout:.3f})"
        )
    return [*lines, ""]


def _fixed_lines(fixed: dict) -> list[str]:
    """The configuration's ``[fixed]`` values: part of the point, not estimated."""
    if not fixed:
        return []
    table = pd.DataFrame({"parameter": list(fixed), "value": list(fixed.values())})
    return [
        "Fixed, not fitted (the targets do not identify them; the configuration's `[fixed]` "
        "gives the value and why):",
        "",
        table.to_markdown(index=False, floatfmt=".4g"),
        "",
    ]


def _parameters_table(point: dict, msm_optimum: dict | None) -> str:
    """The calibrated point's values, with the MSM optimum's beside them when given."""
    table = pd.DataFrame({"parameter": list(point), "value": list(point.values())})
    if msm_optimum is not None:
        table["MSM optimum"] = [msm_optimum.get(name, float("nan")) for name in point]
    return table.to_markdown(index=False)


def _series_figure(config, evaluations, folder: Path) -> None:
    groups = _groups(config.targets)
    n = len(groups)
    cols = 3
    rows = -(-n // cols)
    fig = Figure(figsize=(13, 2.6 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax, (key, _) in zip(axes.flat, groups.items(), strict=False):
        name = "|".join(key)
        data = np.array([e["series"][name] for e in evaluations], dtype=float)
        x = pd.to_datetime([month_label(m) for m in range(data.shape[1])], format="%Y-%m")
        ax.fill_between(
            x,
            np.nanquantile(data, 0.05, axis=0),
            np.nanquantile(data, 0.95, axis=0),
            alpha=0.25,
            color="#1f77b4",
        )
        ax.plot(x, np.nanmean(data, axis=0), color="#1f77b4", lw=1)
        for t in config.targets:
            if (t.observable, t.destination, t.origin_label, t.channel) != key:
                continue
            tx = pd.to_datetime(month_label(t.end), format="%Y-%m")
            face = "none" if t.target_id in config.left_out else "#d62728"  # hollow: left out
            if t.is_band:
                ax.errorbar(
                    [tx],
                    [t.centre],
                    yerr=[[t.centre - t.low], [t.high - t.centre]],
                    fmt="o",
                    color="#d62728",
                    mfc=face,
                    ms=3,
                    capsize=3,
                )
            else:
                ax.plot([tx], [t.value], "o", color="#d62728", mfc=face, ms=4)
        ax.set_title(f"{key[0]} {key[2]}->{key[1]} {key[3]}".strip(), fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.suptitle(
        "Simulated (blue: mean and 90% over posterior draws) against observed (red; hollow: "
        "left out of the fit)",
        fontsize=10,
    )
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    write_atomic(folder / "series.png", lambda p: fig.savefig(p, format="png", dpi=90))


def _posterior_figures(
    draws: pd.DataFrame, config, folder: Path, point: dict | None = None
) -> None:
    """Marginals over each parameter's whole calibration range (a grid, four to a row), with
    the calibrated point as a red line, and the pair plot."""
    names = list(draws.columns)
    cols = min(4, len(names))
    rows = -(-len(names) // cols)
    fig = Figure(figsize=(3.0 * cols, 2.2 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax, name, lo, hi in zip(axes.flat, names, config.low, config.high, strict=False):
        ax.hist(draws[name], bins=12, range=(lo, hi), color="#1f77b4")
        if point is not None and name in point:
            ax.axvline(point[name], color="#d62728", lw=1.5)
        ax.set_title(name, fontsize=8)
        ax.set_xlim(lo, hi)
        ax.tick_params(labelsize=7)
    fig.suptitle(
        "Posterior draws over the calibration ranges (red: the calibrated point)", fontsize=9
    )
    fig.tight_layout()
    write_atomic(folder / "posterior_marginals.png", lambda p: fig.savefig(p, format="png", dpi=90))
    k = len(names)
    fig = Figure(figsize=(1.6 * k, 1.6 * k))
    axes = fig.subplots(k, k, squeeze=False)
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            if i == j:
                ax.hist(draws[names[i]], bins=10, color="#1f77b4")
            else:
                ax.scatter(draws[names[j]], draws[names[i]], s=3, alpha=0.6)
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(names[i][:14], fontsize=5)
            if i == k - 1:
                ax.set_xlabel(names[j][:14], fontsize=5)
    fig.tight_layout()
    write_atomic(folder / "posterior_pairs.png", lambda p: fig.savefig(p, format="png", dpi=90))
