"""``corridors calibrate``: method of simulated moments, then ABC-SMC, then the fit report.

Each stage checkpoints into the output folder (the MSM evaluation log, pyabc's SQLite
database, the draws, the report's model runs in ``report_runs.json`` and the report files,
all written atomically; the stages finished in ``state.json``, :mod:`calibration.checkpoint`)
and is skipped or resumed when the same command runs again after an interruption. On a
finished folder the command makes no model run: it writes the report and the parameter files
again from the checkpoints.

The point written to ``calibrated_parameters.toml`` (the one the baseline extends once
installed) is the posterior's own summary, the draw nearest the posterior median
(:mod:`calibration.shipped_point`); the MSM optimum is written beside it, to
``msm_optimum.toml``. Without an ABC stage the MSM optimum is the point. The file's header
and the report say which.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from corridors.atomic import write_atomic, write_text_atomic
from corridors.manifest import code_version, package_versions
from scenarios.registry import SECTION_OF

from .abc_smc import run_abc
from .checkpoint import StageState
from .config import CalibrationConfig, is_observation, observation_values
from .executor import calibration_executor
from .folder_config import FOLDER_CONFIG, check_same_configuration, record_configuration
from .msm import evaluate_all, run_msm
from .report import evaluate_draw, write_report
from .shipped_point import shipped_point
from .simulate import seeds_for

__all__ = ["HELDOUT_SEEDS", "calibrate", "fragment_toml", "report_runs", "write_point_files"]

HELDOUT_SEEDS = 4
"""Fresh seeds the calibrated point is run on again for the report's held-out columns."""


def fragment_toml(point: dict, header: str) -> str:
    """The calibrated values as a scenario fragment (tables by section; ``name.KEY`` values
    as per-country tables)."""
    data: dict = {}
    for name, value in point.items():
        if is_observation(name):
            continue
        base, _, key = name.partition(".")
        section = data.setdefault(SECTION_OF[base], {})
        if key:
            section.setdefault(base, {})[key] = value
        else:
            section[base] = value
    return header + tomli_w.dumps(data)


def write_point_files(config: CalibrationConfig, out: Path, point: dict, header: str) -> None:
    """``calibrated_parameters.toml`` (the configuration's ``[fixed]`` values and the fitted
    point, the header naming the fixed ones) and ``observation_parameters.json``."""
    fixed = f"# Fixed, not fitted: {', '.join(config.fixed)}.\n" if config.fixed else ""
    write_text_atomic(
        out / "calibrated_parameters.toml",
        fragment_toml({**config.fixed, **point}, header + fixed),
    )
    write_text_atomic(
        out / "observation_parameters.json",
        json.dumps(observation_values(point) or {"census_coverage": 1.0}, indent=1),
    )


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(f"corridors calibrate: {text}", file=sys.stderr, flush=True)


CALIBRATE_MAY_GROW = frozenset({"msm.max_evaluations", "abc.generations", "abc.posterior_draws"})
"""What a resumed calibration may change in its file: budgets that a longer run extends (the
MSM replays its logged evaluations and goes on; ABC-SMC continues from its last generation).
Anything else changed makes the folder's stages another model's (refused)."""

REPORT_RUNS = "report_runs.json"
"""The fit report's model runs (the point on the calibration and held-out seeds, one run per
posterior draw), kept so that the report of a finished folder is written again without
running the model."""


def report_runs(config: CalibrationConfig, out: Path, point: dict, draws: pd.DataFrame, executor):
    """(point values, held-out values, draw evaluations): from ``report_runs.json`` when it
    holds this point and these draws, else run now and kept there."""
    path = out / REPORT_RUNS
    # what the runs depend on: the point, the draws, the settings (seeds, scenario, scale)
    # and the targets observed
    key = json.loads(
        json.dumps(
            {
                "point": point,
                "draws": draws.to_dict(orient="list"),
                "settings": config.raw,
                "targets": [dataclasses.asdict(t) for t in config.targets],
            },
            default=str,
        )
    )
    if path.exists():
        kept = json.loads(path.read_text())
        if json.dumps(kept["key"], sort_keys=True) == json.dumps(key, sort_keys=True):
            return (
                np.asarray(kept["point_values"], dtype=float),
                np.asarray(kept["heldout_values"], dtype=float),
                kept["evaluations"],
            )
    seeds = seeds_for(config.root_seed, config.seeds)
    point_values = evaluate_all(config, [point], executor, seeds)[0]
    # the point again on seeds the search never saw: a fit that holds only for the
    # calibration seeds' noise shows here
    heldout_values = evaluate_all(
        config, [point], executor, seeds_for(config.root_seed + 2, HELDOUT_SEEDS)
    )[0]
    draw_seeds = seeds_for(config.root_seed + 1, len(draws))
    futures = [
        executor.submit(evaluate_draw, config, row.to_dict(), s)
        for (_, row), s in zip(draws.iterrows(), draw_seeds, strict=True)
    ]
    evaluations = [f.result() for f in futures]
    kept = {
        "key": key,
        "point_values": point_values.tolist(),
        "heldout_values": heldout_values.tolist(),
        "evaluations": evaluations,
    }
    write_text_atomic(path, json.dumps(kept, default=float))
    return point_values, heldout_values, evaluations


def calibrate(
    config: CalibrationConfig,
    out: Path,
    workers: int = 1,
    quiet: bool = False,
    dask_address: str | None = None,
) -> dict:
    """Run (or resume) the calibration into ``out``; returns the fit report's summary. With
    ``dask_address`` every model run goes to that Dask cluster (the same results as a local
    pool for the same seeds: see :mod:`calibration.executor`)."""
    out = Path(out)
    # a folder of another configuration is refused before a worker starts
    check_same_configuration(
        out / FOLDER_CONFIG, config.raw, config.source_file, CALIBRATE_MAY_GROW
    )
    # an unreachable Dask address is refused before anything is written
    executor, close, workers = calibration_executor(workers, dask_address)
    try:
        out.mkdir(parents=True, exist_ok=True)
        state = StageState(out)
        record_configuration(out, config.raw)
        # 1. method of simulated moments
        if "msm" not in state:
            _say(
                quiet,
                f"method of simulated moments, up to {config.msm_max_evaluations} "
                f"evaluations x {config.seeds} seeds",
            )

            def progress(n, best):
                if not quiet and n % 10 == 0:
                    _say(quiet, f"  MSM evaluation {n}: best objective {best:.3f}")

            state["msm"] = run_msm(config, out, executor, progress)
            state.checkpoint()
        else:
            _say(quiet, "method of simulated moments: done before")
        msm_point = state["msm"]["params"]
        _say(
            quiet,
            f"MSM best: distance {state['msm']['distance']:.3f}, objective "
            f"{state['msm'].get('objective', state['msm']['distance']):.3f}",
        )
        # 2. ABC-SMC
        draws_file = out / "posterior_draws.csv"
        abc = config.abc_generations > 0 and config.abc_population > 0
        if abc:
            if "abc" not in state:
                _say(
                    quiet,
                    f"ABC-SMC: {config.abc_generations} generations of "
                    f"{config.abc_population} particles",
                )

                def generation_done(g, eps, runs):
                    _say(
                        quiet,
                        f"  ABC generation {g}/{config.abc_generations}: epsilon "
                        f"{eps:.3f}, {runs} model runs so far",
                    )
                    state.checkpoint()

                result = run_abc(config, out, executor, workers, generation_done)
                write_atomic(draws_file, lambda p: result["draws"].to_csv(p, index=False))
                write_atomic(
                    out / "particles.csv", lambda p: result["particles"].to_csv(p, index=False)
                )
                state["abc"] = {
                    k: result[k]
                    for k in (
                        "generations",
                        "model_runs",
                        "epsilons",
                        "effective_sample_size",
                        "distinct_draws",
                    )
                }
                state.checkpoint()
            else:
                _say(quiet, "ABC-SMC: done before")
            draws = pd.read_csv(draws_file)
            point, choice = shipped_point(msm_point, draws)
        else:
            point, choice = shipped_point(msm_point, None)
            draws = pd.DataFrame([point])
        # 3. fit report
        _say(quiet, f"fit report: the {choice} and {len(draws)} posterior draws")
        point_values, heldout_values, evaluations = report_runs(config, out, point, draws, executor)
    finally:
        close()
    runs = (
        state["msm"]["model_runs"]
        + state.get("abc", {}).get("model_runs", 0)
        + config.seeds
        + HELDOUT_SEEDS
        + len(draws)
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
            "wall_s": state.wall_s(),
            "msm_distance": state["msm"]["distance"],
            "heldout_seeds": HELDOUT_SEEDS,
            "msm_evaluations": state["msm"]["evaluations"],
            "abc": state.get("abc", {}),
            "code": code_version(),
            "packages": package_versions(),
            "started_utc": state.started_utc,
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
            "observation_parameters": observation_values(point),
            "point_choice": choice,
            "msm_optimum": msm_point,
            "fixed_parameters": config.fixed,
        },
    )
    header = (
        f"# Calibrated by `corridors calibrate {config.source_file}` "
        f"({dt.date.today().isoformat()}): averaged relative difference "
        f"{summary['averaged_relative_difference']:.3f} over {summary['targets']} "
        f"targets, {runs} model runs.\n# The point: the {choice}"
        + ("" if choice.startswith("MSM") else " (the MSM optimum is in msm_optimum.toml)")
        + ".\n# The baseline extends this file; see calibration/report/report.md.\n"
    )
    write_point_files(config, out, point, header)
    msm_header = (
        f"# The MSM optimum of `corridors calibrate {config.source_file}` (distance "
        f"{state['msm']['distance']:.3f} on the calibration seeds); not the shipped point "
        f"unless calibrated_parameters.toml says so (it holds the {choice}).\n"
    )
    write_text_atomic(out / "msm_optimum.toml", fragment_toml(msm_point, msm_header))
    state.checkpoint()
    _say(
        quiet,
        f"done: averaged relative difference "
        f"{summary['averaged_relative_difference']:.3f}, {summary['targets_met']} of "
        f"{summary['targets']} targets met, {runs} model runs, {state.wall_s() / 60:.1f} min",
    )
    return summary
