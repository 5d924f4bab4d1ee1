"""The hindcast's report: training and test period side by side (``corridors validate``).

Every number comes from the predictive table (``predictive.csv``: a row per run, a column
per target):

* the *predictive mean* of a target is the mean over the runs (runs where the target is not
  observable, no movers in a cost's period, are left out), its *90% predictive interval*
  the 5th to 95th percentile over the runs (numpy's linear interpolation);
* the *averaged relative difference* is the calibration's distance (``simulate.distance``)
  of the predictive mean: per target 0 inside a band, else the relative distance to the
  nearer edge (relative to the band's centre), or the relative error for a point, a target
  with no value counting 1; weighted by the targets' weights;
* a figure is *inside the 90% interval* when a point value lies in it, or, for a band, when
  the interval overlaps the band (p05 <= high and p95 >= low); the share is unweighted.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from corridors.atomic import write_atomic, write_text_atomic
from scenarios.calendar import month_label

from .config import CalibrationConfig
from .simulate import distance
from .targets import Target

__all__ = ["GOALS", "series_key", "validation_table", "write_hindcast_report"]

GOALS = {"test_averaged_relative_difference_below": 0.20, "test_share_inside_90_at_least": 0.80}
"""Issue 15's goals for the test period (reported, never tuned to)."""


def series_key(t: Target) -> str:
    """The series a target belongs to (as in the fit report's figures)."""
    return "|".join((t.observable, t.destination, t.origin_label, t.channel))


def _label(key: str) -> str:
    observable, destination, origin, channel = key.split("|")
    return f"{observable} {origin}->{destination} {channel}".strip()


def validation_table(targets: tuple[Target, ...], cutoff: int, values: np.ndarray) -> pd.DataFrame:
    """A row per target: period (train/test), observed, predictive mean and 90% interval,
    distance and whether the interval holds the figure. ``values`` is [run, target]."""
    rows = []
    with warnings.catch_warnings():  # a target no run observes: nan
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = np.nanmean(values, axis=0)
        p05 = np.nanquantile(values, 0.05, axis=0)
        p95 = np.nanquantile(values, 0.95, axis=0)
    for i, t in enumerate(targets):
        lo, hi = (t.low, t.high) if t.is_band else (t.value, t.value)
        rows.append(
            {
                "target_id": t.target_id,
                "series": series_key(t),
                "period": "test" if t.end > cutoff else "train",
                "start": month_label(t.start),
                "end": month_label(t.end),
                "observed_value": t.value,
                "observed_low": t.low,
                "observed_high": t.high,
                "weight": t.weight,
                "runs": int(np.isfinite(values[:, i]).sum()),
                "predictive_mean": float(mean[i]),
                "predictive_p05": float(p05[i]),
                "predictive_p95": float(p95[i]),
                "distance": t.distance(float(mean[i])),
                "inside_90": bool(p05[i] <= hi and p95[i] >= lo),  # nan: False
            }
        )
    return pd.DataFrame(rows)


def _scores(targets: tuple[Target, ...], table: pd.DataFrame) -> dict:
    """Averaged relative difference and coverage of some targets (rows of ``table``)."""
    if not targets:
        return {"figures": 0}
    rows = table.set_index("target_id").loc[[t.target_id for t in targets]]
    inside = int(rows["inside_90"].sum())
    return {
        "figures": len(targets),
        "averaged_relative_difference": distance(targets, rows["predictive_mean"].to_numpy()),
        "inside_90": inside,
        "share_inside_90": inside / len(targets),
    }


def _summaries(targets: tuple[Target, ...], table: pd.DataFrame, cutoff: int) -> dict:
    by_period = {
        "train": tuple(t for t in targets if t.end <= cutoff),
        "test": tuple(t for t in targets if t.end > cutoff),
    }
    series = []
    for key in dict.fromkeys(series_key(t) for t in targets):
        row: dict = {"series": key}
        for period, chosen in by_period.items():
            scores = _scores(tuple(t for t in chosen if series_key(t) == key), table)
            row.update({f"{period}_{k}": v for k, v in scores.items()})
        series.append(row)
    return {
        "train": _scores(by_period["train"], table),
        "test": _scores(by_period["test"], table),
        "series": series,
    }


def _fmt(x, spec: str) -> str:
    return "" if x is None or (isinstance(x, float) and np.isnan(x)) else format(x, spec)


def write_hindcast_report(
    config: CalibrationConfig,
    out: Path,
    cutoff: int,
    predictive: pd.DataFrame,
    series: pd.DataFrame,
    meta: dict,
) -> dict:
    """``validation.csv``, ``summary.json``, ``report.md`` and ``figures/`` in ``out``."""
    out = Path(out)
    values = predictive[[t.target_id for t in config.targets]].to_numpy(dtype=float)
    table = validation_table(config.targets, cutoff, values)
    table["left_out"] = [config.left_out.get(t.target_id, "") for t in config.targets]
    scores = _summaries(config.fitted_targets, table, cutoff)  # left-out figures: not scored
    test = scores["test"]
    goals = {
        # no fitted test figure (all left out): no score, no goal met
        "test_averaged_relative_difference_below_0.20": bool(
            test.get("averaged_relative_difference", np.nan)
            < GOALS["test_averaged_relative_difference_below"]
        ),
        "test_share_inside_90_at_least_0.80": bool(
            test.get("share_inside_90", np.nan) >= GOALS["test_share_inside_90_at_least"]
        ),
    }
    summary = {**meta, "cutoff": month_label(cutoff), **scores, "goals": goals}
    write_atomic(out / "validation.csv", lambda p: table.to_csv(p, index=False))
    write_text_atomic(out / "summary.json", json.dumps(summary, indent=1, default=float))
    figures = _figures(config, table, series, cutoff, out / "figures")
    write_text_atomic(out / "report.md", _markdown(config, summary, table, figures))
    return summary


def _series_row(r: dict) -> dict:
    row = {"series": _label(r["series"])}
    for p in ("train", "test"):
        n = r[f"{p}_figures"]
        row[f"{p} figures"] = str(n) if n else ""
        row[f"{p} ARD"] = _fmt(r.get(f"{p}_averaged_relative_difference"), ".3f")
        row[f"{p} inside 90%"] = f"{r[f'{p}_inside_90']}/{n}" if n else ""
    return row


def _markdown(config, summary: dict, table: pd.DataFrame, figures: list[str]) -> str:
    train, test, goals = summary["train"], summary["test"], summary["goals"]
    fit = summary["training_calibration"]
    abc = fit.get("abc", {})

    def yes(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    periods = pd.DataFrame(
        [
            {
                "period": f"{name} ({'up to' if name == 'train' else 'after'} {summary['cutoff']})",
                "figures": s["figures"],
                "averaged relative difference": _fmt(s["averaged_relative_difference"], ".3f"),
                "inside 90% interval": f"{s['inside_90']} ({s['share_inside_90']:.0%})",
            }
            for name, s in (("train", train), ("test", test))
        ]
    )
    per_series = pd.DataFrame([_series_row(r) for r in summary["series"]])
    shown = table[
        [
            "target_id",
            "period",
            "end",
            "observed_value",
            "observed_low",
            "observed_high",
            "predictive_mean",
            "predictive_p05",
            "predictive_p95",
            "distance",
            "inside_90",
        ]
    ]
    ess = abc.get("effective_sample_size")
    lines = [
        f"# Hindcast: {config.name}, cut-off {summary['cutoff']}",
        "",
        f"`corridors validate {summary['calibration_file']}`: calibrated on the "
        f"{train['figures']} targets whose last month is at or before {summary['cutoff']}, "
        f"then the posterior predictive ({summary['draws']} draws of the training "
        f"calibration, {summary['distinct_draws']} different, x {summary['replicates']} "
        f"seed(s) each: {summary['predictive_runs']} runs) compared with all "
        f"{train['figures'] + test['figures']} targets; the {test['figures']} after the "
        "cut-off never reached the calibration"
        + (
            f", nor did the shipped calibration: the training fit started from "
            f"{summary['training_start']}."
            if "training_start" in summary
            else "."
        ),
        "",
        *_fixed_paragraph(summary),
        periods.to_markdown(index=False),
        "",
        "Goals (issue 15), on the test period, reported as they came out (nothing was tuned "
        "to them): averaged relative difference below 0.20: "
        f"{_fmt(test['averaged_relative_difference'], '.3f')}, "
        f"{yes(goals['test_averaged_relative_difference_below_0.20'])}; 90% predictive "
        f"intervals cover at least 80% of the test figures: {test['share_inside_90']:.0%}, "
        f"{yes(goals['test_share_inside_90_at_least_0.80'])}.",
        "",
        "How the numbers are computed: the averaged relative difference is the calibration's "
        "distance of the posterior predictive mean (mean over the runs): per target 0 inside "
        "its band, else the relative distance to the nearer edge, or the relative error of a "
        "point value, weighted by the targets' weights. The 90% predictive interval is the "
        "5th to 95th percentile over the runs; a point figure is inside when it lies in the "
        "interval, a band figure when the interval overlaps the band (p05 <= high and "
        "p95 >= low). Shares are unweighted. A target is a test figure when its last month "
        "is after the cut-off, even if its period starts before.",
        "",
        f"Training calibration (`train/report/report.md`): averaged relative difference of "
        f"its point {fit['averaged_relative_difference']:.3f}, {fit['targets_met']} of "
        f"{fit['targets']} training targets met"
        + (f"; ABC effective sample size {ess:.1f}" if ess is not None else "")
        + f". Model runs in all: {summary['model_runs']:,}; wall time "
        f"{summary['wall_s'] / 60:.1f} min.",
        "",
        "## By series",
        "",
        per_series.to_markdown(index=False),
        "",
        "## Targets",
        "",
        shown.to_markdown(index=False, floatfmt=",.4g"),
        "",
        "## Figures",
        "",
        "Predictive mean (line) and 90% interval (shaded) by month; observed figures used "
        "for training in black, test figures in red; the dashed line is the cut-off.",
        "",
    ]
    lines += [f"![{name}](figures/{name})" for name in figures]
    return "\n".join(lines) + "\n"


def _fixed_paragraph(summary: dict) -> list[str]:
    """What the hindcast did with the configuration's ``[fixed]`` values, and both values."""
    fixed = summary.get("fixed") or {}
    if not fixed:
        return []
    rows = ", ".join(
        f"{k} {v['hindcast']:.6g}"
        + ("" if v["hindcast"] == v["configured"] else f" (configured {v['configured']:.6g})")
        for k, v in fixed.items()
    )
    if summary.get("keep_fixed"):
        how = (
            "The configuration's [fixed] parameters ran at their configured values "
            "(`--keep-fixed`): if those came from a fit that saw the test period, this "
            "hindcast is not out of sample for them."
        )
    else:
        how = (
            "The configuration's [fixed] parameters ran at the uncalibrated scenario's values, "
            "not the configured ones, which may come from a fit to all the data (the default "
            "configuration's do); `--keep-fixed` applies the configured values."
        )
    return [f"{how} Values: {rows}.", ""]


def _year(months: np.ndarray) -> np.ndarray:
    """Months as decimal years at the month's end (stocks are read at a month's end)."""
    return 2010 + (months + 1) / 12


def _save_png(fig: Figure, path: Path) -> None:
    fig.savefig(path, format="png", dpi=90)


def _figures(
    config: CalibrationConfig, table: pd.DataFrame, series: pd.DataFrame, cutoff: int, folder
) -> list[str]:
    """One PNG per series: predictive mean and 90% band by month, the observed figures
    (training black, test red) and the cut-off as a vertical line."""
    names = []
    for key in dict.fromkeys(series_key(t) for t in config.targets):
        data = series[series["name"] == key].pivot(
            index="month", columns=["draw", "replicate"], values="value"
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            lo = np.nanquantile(data.to_numpy(dtype=float), 0.05, axis=1)
            hi = np.nanquantile(data.to_numpy(dtype=float), 0.95, axis=1)
            mean = np.nanmean(data.to_numpy(dtype=float), axis=1)
        x = _year(data.index.to_numpy(dtype=float))
        fig = Figure(figsize=(6.4, 3.4))
        ax = fig.subplots()
        ax.fill_between(x, lo, hi, alpha=0.25, color="#1f77b4", lw=0)
        ax.plot(x, mean, color="#1f77b4", lw=1)
        for t in config.targets:
            if series_key(t) != key:
                continue
            colour = "#d62728" if t.end > cutoff else "black"
            tx = _year(np.array([t.end], dtype=float))
            if t.is_band:
                ax.errorbar(
                    tx,
                    [t.centre],
                    yerr=[[t.centre - t.low], [t.high - t.centre]],
                    fmt="o",
                    color=colour,
                    ms=3,
                    capsize=3,
                )
            else:
                ax.plot(tx, [t.value], "o", color=colour, ms=4)
        ax.axvline(float(_year(np.array([cutoff], dtype=float))[0]), color="grey", ls="--", lw=1)
        ax.set_title(f"{_label(key)} (cut-off {month_label(cutoff)})", fontsize=9)
        ax.tick_params(labelsize=7)
        fig.tight_layout()
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", key.strip("|").replace("|", "_")) + ".png"
        write_atomic(folder / name, functools.partial(_save_png, fig))
        names.append(name)
    return names
