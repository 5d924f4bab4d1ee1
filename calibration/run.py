"""``corridors calibrate``: method of simulated moments, then ABC-SMC, then the fit report.

Each stage checkpoints into the output folder (the MSM evaluation log, pyabc's SQLite
database, the draws and the report files, all written atomically) and is skipped or resumed
when the same command runs again after an interruption.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w

from corridors.atomic import write_atomic, write_text_atomic
from corridors.batch import make_executor
from corridors.manifest import code_version, package_versions
from scenarios.registry import SECTION_OF

from .abc_smc import run_abc
from .config import CalibrationConfig, is_observation, observation_values
from .msm import evaluate_all, run_msm
from .report import evaluate_draw, write_report
from .simulate import seeds_for

__all__ = ["HELDOUT_SEEDS", "calibrate", "fragment_toml"]

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


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(f"corridors calibrate: {text}", file=sys.stderr, flush=True)


def calibrate(config: CalibrationConfig, out: Path, workers: int = 1, quiet: bool = False) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    state_file = out / "state.json"
    state: dict[str, Any] = (
        json.loads(state_file.read_text())
        if state_file.exists()
        else {"started_utc": dt.datetime.now(dt.UTC).isoformat(), "wall_s_before": 0.0}
    )
    before = state["wall_s_before"]

    def checkpoint() -> None:
        # the wall time so far goes into every checkpoint, so a resumed run reports the
        # time of the interrupted one as well
        state["wall_s_before"] = before + time.perf_counter() - t0
        write_text_atomic(state_file, json.dumps(state, indent=1))

    write_text_atomic(out / "config.json", json.dumps(config.raw, indent=1, default=str))
    executor, close = make_executor(workers, None, workers <= 1)
    try:
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
            checkpoint()
        point = state["msm"]["params"]
        _say(
            quiet,
            f"MSM best: distance {state['msm']['distance']:.3f}, objective "
            f"{state['msm'].get('objective', state['msm']['distance']):.3f}",
        )
        # 2. ABC-SMC
        draws_file = out / "posterior_draws.csv"
        if config.abc_generations > 0 and config.abc_population > 0:
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
                    checkpoint()

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
                checkpoint()
            draws = pd.read_csv(draws_file)
        else:
            draws = pd.DataFrame([point])
        # 3. fit report
        _say(quiet, f"fit report: calibrated point and {len(draws)} posterior draws")
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
    finally:
        close()
    wall = before + time.perf_counter() - t0
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
            "wall_s": wall,
            "msm_distance": state["msm"]["distance"],
            "heldout_seeds": HELDOUT_SEEDS,
            "msm_evaluations": state["msm"]["evaluations"],
            "abc": state.get("abc", {}),
            "code": code_version(),
            "packages": package_versions(),
            "started_utc": state["started_utc"],
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
            "observation_parameters": observation_values(point),
        },
    )
    header = (
        f"# Calibrated by `corridors calibrate {config.source_file}` "
        f"({dt.date.today().isoformat()}): averaged relative difference "
        f"{summary['averaged_relative_difference']:.3f} over {summary['targets']} "
        f"targets, {runs} model runs.\n# The baseline extends this file; see "
        "calibration/report/report.md.\n"
    )
    write_text_atomic(out / "calibrated_parameters.toml", fragment_toml(point, header))
    write_text_atomic(
        out / "observation_parameters.json",
        json.dumps(summary["observation_parameters"] or {"census_coverage": 1.0}, indent=1),
    )
    checkpoint()
    _say(
        quiet,
        f"done: averaged relative difference "
        f"{summary['averaged_relative_difference']:.3f}, {summary['targets_met']} of "
        f"{summary['targets']} targets met, {runs} model runs, {wall / 60:.1f} min",
    )
    return summary
