"""The shipped files of a finished ``corridors emulate`` folder (issue 15, items 2 and 3):
what ``corridors emulate --install`` makes the baseline's calibration.

The emulator posterior's draws become the shipped ``posterior_draws.csv``; the point the
baseline extends is the draw nearest the posterior median (:mod:`calibration.shipped_point`,
as for ``corridors calibrate``), written with the configuration's ``[fixed]`` values into
``calibrated_parameters.toml``. The fit report (``report/``) is the one ``corridors
calibrate`` writes, from the same runs: the point on the calibration seeds and on held-out
seeds, and one model run for each of the first ``report_draws`` draws (they are in random
order, so the first are a random subset) for the targets' posterior predictive intervals.
The emulator's own report, with the simulation-based calibration, goes beside it, so the
shipped report carries both.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import shutil
from pathlib import Path

import pandas as pd

from corridors.atomic import write_atomic
from corridors.manifest import code_version, package_versions
from scenarios.errors import ScenarioError

from .config import CalibrationConfig, observation_values
from .emulate_verdicts import verdicts
from .report import write_report
from .run import HELDOUT_SEEDS, report_runs, write_point_files
from .sbc import sbc_column
from .shipped_point import shipped_point

__all__ = ["REPORT_DRAWS", "finished_summary", "refusal", "write_shipped_files"]

REPORT_DRAWS = 100
"""Posterior draws run in the model for the fit report's predictive intervals."""


def refusal(summary: dict) -> str | None:
    """Why a finished emulation must not be shipped, or None: it failed its own checks
    (effective sample size, simulation-based calibration coverage outside the goal's 85-95%,
    ranks rejected as uniform: its verdicts, which :func:`finished_summary` recomputes by
    today's checks), or some parameter is not identified and should be fixed in ``[fixed]``
    instead of being called calibrated. A coverage miss within what the number of truths can
    tell apart from 90% is refused too, with the advice to add truths (the finished ones are
    kept): until 6 December 2026 it was installed, against the verdict's own "rerun with more
    --truths before taking or rejecting these draws"."""
    misses = [v for v in summary["verdicts"] if v.startswith("NOT MET")]
    reasons = []
    if any(v.startswith("Do not use") for v in summary["verdicts"]):
        reasons.append(
            "a posterior that passed its own checks; this one did not: " + "; ".join(misses)
        )
    elif misses:
        reasons.append(
            "a simulation-based calibration with enough truths to tell its coverage from the "
            "goal's: rerun with more --truths (the finished truths are kept), since "
            + "; ".join(misses)
        )
    if summary["not_identified"]:
        reasons.append(
            "every fitted parameter identified by the targets; move these to [fixed] with a "
            f"documented value: {', '.join(summary['not_identified'])}"
        )
    if reasons:
        return "; and ".join(reasons)
    if not summary.get("sbc_coverage_90"):
        return "a run with --truths (simulation-based calibration) before installing"
    if summary.get("sbc_ks_p_value") is None:
        return "the simulation-based calibration's rank p-values (its sbc.csv) before installing"
    return None


def finished_summary(config: CalibrationConfig, out: Path, sizes: dict | None = None):
    """The summary of a finished emulation of ``config`` in ``out`` (its draws written, the
    configuration it recorded the same, its draws' columns the fitted parameters and, when
    ``sizes`` is given, each of those summary entries equal), else None. The one test of
    "this folder holds this run" for ``--install`` on a finished folder and for
    :func:`write_shipped_files`."""
    path = out / "summary.json"
    if not path.exists() or not (out / "posterior_draws.csv").exists():
        return None
    summary = json.loads(path.read_text())
    kept = summary.get("config", config.raw)
    if json.dumps(kept, sort_keys=True, default=str) != json.dumps(
        config.raw, sort_keys=True, default=str
    ):
        return None
    if any(summary.get(k) != v for k, v in (sizes or {}).items()):
        return None
    columns = list(pd.read_csv(out / "posterior_draws.csv", nrows=0).columns)
    if columns != list(config.names):
        return None
    if summary.get("sbc_ks_p_value") is None and (out / "sbc.csv").exists():
        # a run from before the summary kept them: its SBC table has them
        sbc = pd.read_csv(out / "sbc.csv")
        summary["sbc_ks_p_value"] = sbc_column(sbc, "ks_p_value")
    summary["verdicts"] = verdicts(summary)  # by today's checks, which the gate applies
    return summary


def _finished_summary(config: CalibrationConfig, out: Path) -> dict:
    """The finished folder's summary, refused (exit 2) when it is not this configuration's."""
    if not (out / "summary.json").exists() or not (out / "posterior_draws.csv").exists():
        raise ScenarioError(str(out), "--install", True, "a folder where the emulation finished")
    summary = finished_summary(config, out)
    if summary is None:
        raise ScenarioError(
            str(out), "--install", config.source_file, "the folder of this configuration's run"
        )
    return summary


def write_shipped_files(
    config: CalibrationConfig, out: Path, executor, report_draws: int = REPORT_DRAWS
) -> dict:
    """Write ``calibrated_parameters.toml``, ``observation_parameters.json`` and ``report/``
    into the finished folder ``out`` (runs the model for the report, once: the runs are kept
    in ``report_runs.json``); returns the fit report's summary."""
    out = Path(out)
    emulated = _finished_summary(config, out)
    draws = pd.read_csv(out / "posterior_draws.csv")
    point, choice = shipped_point({}, draws)
    evaluated = draws.head(report_draws)
    point_values, heldout_values, evaluations = report_runs(config, out, point, evaluated, executor)
    runs = emulated["model_runs"] + config.seeds + HELDOUT_SEEDS + len(evaluated)
    method = (
        f"Emulator posterior (`corridors emulate`): effective sample size "
        f"{emulated['effective_sample_size']:.0f} of {emulated['particles']} particles; "
        f"{emulated['draws']} draws hold {emulated['distinct_draws']} distinct points; the "
        f"predictive intervals above are from one model run of each of {len(evaluated)} of "
        "them. Simulation-based calibration and identification: `emulate.md`."
    )
    summary = write_report(
        config,
        out,
        point,
        point_values,
        heldout_values,
        draws,
        evaluations,
        {
            "model_runs": runs,
            "wall_s": emulated["wall_s"],
            "heldout_seeds": HELDOUT_SEEDS,
            "code": code_version(),
            "packages": package_versions(),
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
            "observation_parameters": observation_values(point),
            "point_choice": choice,
            "fixed_parameters": config.fixed,
            "posterior_method": method,
            "emulator": {k: v for k, v in emulated.items() if k != "config"},
        },
    )
    for name in ("report.md", "sbc_ranks.png", "sbc.csv", "narrowing.csv"):
        if (out / name).exists():
            target = "emulate.md" if name == "report.md" else name
            write_atomic(out / "report" / target, functools.partial(shutil.copy2, out / name))
    header = (
        f"# Calibrated by `corridors emulate {config.source_file}` at "
        f"{config.scenario.people_per_agent:g} people per agent "
        f"({dt.date.today().isoformat()}): averaged relative difference "
        f"{summary['averaged_relative_difference']:.3f} over {summary['targets']} targets, "
        f"{runs} model runs.\n# The point: the {choice}.\n"
        "# The baseline extends this file; see calibration/report/report.md.\n"
    )
    write_point_files(config, out, point, header)
    return summary
