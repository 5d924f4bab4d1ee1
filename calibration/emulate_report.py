"""``report.md`` of ``corridors emulate``: what was run and what it found, in words and
tables, from the stage outputs (nothing here runs the model)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pandas as pd

from corridors.atomic import write_text_atomic

from .config import CalibrationConfig
from .emulator import GAUSSIAN_DF, IDENTIFIED_AT

__all__ = ["write_emulate_report"]


def _table(frame: pd.DataFrame, digits: int = 3) -> str:
    return frame.to_markdown(index=False, floatfmt=f".{digits}g")


def write_emulate_report(
    out: Path,
    config: CalibrationConfig,
    summary: dict,
    narrowing: pd.DataFrame,
    sbc: pd.DataFrame | None,
    checked: pd.DataFrame | None,
) -> None:
    s = summary
    lines = [
        f"# Emulator posterior: {config.name}",
        "",
        f"{len(config.targets)} targets, {len(config.names)} parameters, "
        f"{config.scenario.people_per_agent:g} people per agent, "
        f"scenario `{config.scenario.name}`. "
        f"Model runs: {s['model_runs']} ({s['design_runs']} design, "
        f"{s['waves']} history-matching waves of {s['wave_runs'] // max(1, s['waves'])} "
        f"runs, {s['truth_runs']} truths, {s['check_runs']} checks); the emulator is fitted "
        f"on the {s['emulator_runs']} design and wave runs; wall time {s['wall_s']:.0f} s.",
        "",
        "**Verdict.** " + " ".join(f"{v.rstrip('.')}." for v in s["verdicts"]),
        "",
        "Method: one Gaussian process per target on the log of its simulated value, fitted "
        "on a scrambled Sobol design (one run and one seed per point) and refitted after each "
        "wave of runs at draws from its posterior; the likelihood reads "
        "a band as a 90% interval and a point as +-20% at 90% on the log scale, widened by "
        "the emulator's predictive sd (which includes the run-to-run noise it learnt); the "
        "posterior (uniform prior over the ranges) by sequential Monte Carlo with adaptive "
        "tempering and random-walk moves (`calibration/tempering.py`) "
        "(`calibration/emulator.py`, ODD section 14).",
        "",
        "## Posterior",
        "",
        f"{s['particles']} particles, {s['tempering_stages']} tempering stages "
        f"({s['emulator_evaluations']} emulator evaluations); effective sample size of the "
        f"last reweighting {s['effective_sample_size']:.0f}; after the last moves "
        f"(acceptance {s['final_acceptance']:.0%}) {s['distinct_particles']} distinct "
        f"particles; {s['draws']} draws of them hold {s['distinct_draws']} distinct points "
        "(`posterior_draws.csv`).",
        "",
    ]
    scale = s.get("emulator_sd_scale")
    if scale:
        widest = max(scale, key=scale.get)
        lines += [
            "The emulator's predictive sd is widened per target by the root mean square of its "
            "standardised leave-one-out residuals over the design's runs (never narrowed): "
            f"factors {min(scale.values()):.2f} to {max(scale.values()):.2f}, median "
            f"{statistics.median(scale.values()):.2f}, widest {widest}.",
            "",
        ]
    if s.get("emulator_tail_df") is not None:
        lines += [_tail_sentence(float(s["emulator_tail_df"])), ""]
    if s["emulator_held_out_inside_90"] is not None:
        lines += [
            f"Emulator on the {s['truth_runs']} held-out truth runs: "
            f"{s['emulator_held_out_inside_90']:.0%} of (run, target) values inside its 90% "
            "predictive interval (honest uncertainty: about 90%).",
            "",
        ]
    lines += [
        f"How much the targets narrowed each parameter (prior sd / posterior sd; below "
        f"{IDENTIFIED_AT} the parameter is reported as not identified: fix it at a documented "
        "value rather than call it calibrated):",
        "",
        _table(narrowing),
        "",
    ]
    if s["not_identified"]:
        lines += [
            "Not identified by these targets: "
            + ", ".join(f"`{n}`" for n in s["not_identified"])
            + ".",
            "",
        ]
    if sbc is not None:
        lines += [
            "## Simulation-based calibration",
            "",
            f"{s['truth_runs']} truths drawn from the prior, each run once with its own seed, "
            "measurement noise added as the likelihood assumes, the posterior computed as for "
            "the real targets. Calibrated: the posterior CDF at the truth uniform "
            "(Kolmogorov-Smirnov p-value not small, histogram flat) and the central 90% "
            "interval holding the truth 85-95% of the time (`sbc_ranks.png`).",
            "",
            _table(sbc),
            "",
        ]
    if checked is not None:
        fitted = checked[checked["left_out"] == ""]  # left-out targets: shown, not counted
        inside = int(fitted["inside_90"].sum())
        met = int(fitted["median_met"].sum())
        lines += [
            "## The posterior in the simulator",
            "",
            f"{s['check_runs']} posterior draws run in the model itself: the observed centre "
            f"lies between the 5th and 95th percentile of the runs for {inside} of "
            f"{len(fitted)} fitted targets; the runs' median meets the calibration goal for "
            f"{met}"
            + (
                f" ({len(checked) - len(fitted)} left out, not counted)."
                if len(fitted) < len(checked)
                else "."
            ),
            "",
            _table(checked),
            "",
        ]
    write_text_atomic(Path(out) / "report.md", "\n".join(lines))


def _tail_sentence(tail_df: float) -> str:
    """What the tail fit found, in words that hold for its value: at the ceiling
    (:data:`GAUSSIAN_DF`) the emulator's errors look Gaussian and the likelihood is one."""
    fitted = (
        "a Student-t fitted to the pooled standardised leave-one-out residuals has "
        f"{tail_df:.1f} degrees of freedom ({GAUSSIAN_DF:.0f}: Gaussian)"
    )
    if tail_df >= GAUSSIAN_DF:
        return (
            f"Its errors show no heavier tails than a Gaussian's: {fitted}, so the likelihood "
            "is Gaussian."
        )
    return (
        f"Its errors have heavier tails than a Gaussian's: {fitted}, and the likelihood is a "
        "Student-t with the kurtosis of a Gaussian measurement error plus such an emulator "
        "error, so that one target the emulator misses by several sd does not drag the "
        "posterior."
    )
