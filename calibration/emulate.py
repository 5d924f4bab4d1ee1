"""``corridors emulate CONFIG.toml --out DIR``: the emulator posterior of a calibration
configuration and its simulation-based calibration (issue 15, item 2).

Stages, each checkpointed in DIR (every finished model run is kept in a CSV written
atomically after each chunk; rerunning the same command runs only what is missing):

1. *Design*: ``--design`` points of a scrambled Sobol sequence over the configuration's
   parameter ranges, one run each with a seed of its own (``design.csv``).
   *Waves* (``--waves``, default 2, of ``--wave-size`` runs): history matching; the emulator
   is fitted, its posterior drawn, the model run at those draws (``waveN_points.csv``,
   ``waveN.csv``) and the emulator refitted on everything, so it is precise where the
   posterior is.
2. *Truths*: ``--truths`` points drawn uniformly from the same ranges, one run each with
   their own seeds (``truths.csv``), for simulation-based calibration and as a test set of
   the emulator (the share of held-out runs inside its 90% predictive interval).
3. *Posterior*: the emulator (:mod:`calibration.emulator`) fitted on the design, the
   posterior of the configuration's targets by tempered sequential Monte Carlo
   (:mod:`calibration.tempering`; ``posterior_draws.csv``,
   in parameter units, ``--draws`` of the particles; ``narrowing.csv``: prior sd /
   posterior sd per parameter, and whether the targets identify it).
4. *SBC*: :mod:`calibration.sbc` over the truths (``sbc.csv``, ``sbc_ranks.png``).
5. *Check*: ``--check`` posterior draws run in the simulator itself, to see whether the
   emulator's posterior holds up there (``check.csv``: per target, the observed centre and
   the simulated 5th-95th percentile).

``report.md`` says what was run and what it found. With ``--install`` a run that passed its
checks becomes the shipped calibration (:mod:`calibration.emulate_install`).
"""

from __future__ import annotations

import functools
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from corridors.atomic import write_atomic, write_text_atomic
from corridors.batchspec import replicate_seeds
from scenarios.errors import ScenarioError

from .config import CalibrationConfig
from .emulate_verdicts import verdicts
from .emulator import (
    IDENTIFIED_AT,
    Z90,
    Emulator,
    log_values,
    measurement,
    sobol_design,
)
from .folder_config import FOLDER_CONFIG, check_same_configuration, record_configuration
from .sbc import plot_rank_histograms, sbc_cdfs, sbc_column, sbc_table
from .simulate import simulate_targets
from .tempering import tempered_posterior

__all__ = ["check_folder", "check_sizes", "emulate"]

CHUNK = 8
"""Runs submitted between two checkpoints (per worker)."""


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(f"corridors emulate: {text}", file=sys.stderr, flush=True)


def _runs(
    config: CalibrationConfig,
    path: Path,
    u: np.ndarray,
    seeds: list[int],
    executor,
    workers: int,
    what: str,
    quiet: bool,
) -> np.ndarray:
    """Simulated target values at each point (checkpointed in ``path``: a CSV with the
    point's index, seed, unit coordinates and one column per target)."""
    ids = [t.target_id for t in config.targets]
    done: dict[int, np.ndarray] = {}
    if path.exists():
        # seeds are 64-bit: read as text, never through a float
        old = pd.read_csv(path, dtype={"seed": str})
        if not set(ids) <= set(old.columns):
            raise ScenarioError(
                str(path), "(targets)", "runs of other targets", "a folder of this configuration"
            )
        coords = old[[f"u{j}" for j in range(u.shape[1])]].to_numpy(dtype=float)
        values = old[ids].to_numpy(dtype=float)
        for k, (i, seed) in enumerate(zip(old["index"], old["seed"], strict=True)):
            i = int(i)
            if i < len(u) and int(seed) == seeds[i] and np.allclose(coords[k], u[i]):
                done[i] = values[k]
    todo = [i for i in range(len(u)) if i not in done]
    if todo:
        _say(quiet, f"{what}: {len(todo)} runs to make ({len(done)} kept)")
    step = max(1, CHUNK * workers)
    for start in range(0, len(todo), step):
        chunk = todo[start : start + step]
        futures = {
            i: executor.submit(
                simulate_targets,
                config.scenario,
                config.targets,
                config.params_from_unit(u[i]),
                seeds[i],
            )
            for i in chunk
        }
        for i, f in futures.items():
            done[i] = f.result()
        _save(path, done, u, seeds, ids)
        _say(quiet, f"{what}: {len(done)} of {len(u)} runs")
    if not path.exists():
        _save(path, done, u, seeds, ids)
    return np.vstack([done[i] for i in range(len(u))])


def _save(path: Path, done: dict, u: np.ndarray, seeds: list[int], ids: list[str]) -> None:
    rows = []
    for i in sorted(done):
        row: dict = {"index": i, "seed": seeds[i]}
        row.update({f"u{j}": float(x) for j, x in enumerate(u[i])})
        row.update(dict(zip(ids, done[i], strict=True)))
        rows.append(row)
    frame = pd.DataFrame(rows)
    write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False))


EMULATE_IGNORES = frozenset({"msm", "abc"})
"""Sections of a calibration file that ``corridors emulate`` does not read: a change there
does not make a folder's runs another model's."""


def check_folder(config: CalibrationConfig, out: Path) -> None:
    """Refuse (ScenarioError, nothing written) a folder holding runs of another
    configuration (:mod:`calibration.folder_config`); a folder from before ``config.json``
    is judged by its ``summary.json``'s, if any."""
    if not check_same_configuration(
        out / FOLDER_CONFIG, config.raw, config.source_file, EMULATE_IGNORES
    ):
        check_same_configuration(
            out / "summary.json", config.raw, config.source_file, EMULATE_IGNORES, "config"
        )


def check_sizes(
    design: int, truths: int, draws: int, check: int, waves: int = 0, wave_size: int = 100
) -> None:
    """Bad sizes are ScenarioErrors naming the option (exit 2, nothing written)."""
    for name, value, lo, hi in (
        ("--design", design, 20, 5000),
        ("--waves", waves, 0, 10),
        ("--wave-size", wave_size, 5, 2000),
        ("--truths", truths, 0, 1000),
        ("--draws", draws, 10, 100_000),
        ("--check", check, 0, 1000),
    ):
        if not lo <= value <= hi:
            raise ScenarioError("(command line)", name, value, f"a whole number {lo} to {hi}")


def emulate(
    config: CalibrationConfig,
    out: Path,
    executor,
    workers: int,
    design: int = 300,
    truths: int = 30,
    draws: int = 400,
    check: int = 20,
    quiet: bool = False,
    waves: int = 2,
    wave_size: int = 100,
    particles: int = 4000,
    sbc_particles: int = 1000,
) -> dict:
    """Run the stages (see the module) into ``out`` and return the summary."""
    check_sizes(design, truths, draws, check, waves, wave_size)
    out = Path(out)
    check_folder(config, out)
    out.mkdir(parents=True, exist_ok=True)
    record_configuration(out, config.raw)
    t0 = time.perf_counter()
    d = len(config.names)
    m = measurement(config.targets)
    u_design = sobol_design(d, design, config.root_seed)
    seeds = replicate_seeds(config.root_seed + 1, design + truths + check)
    y_design = _runs(
        config, out / "design.csv", u_design, seeds[:design], executor, workers, "design", quiet
    )
    rng = np.random.default_rng(config.root_seed + 2)
    u_truth = rng.random((truths, d))
    truth_seeds = seeds[design : design + truths]
    y_truth = (
        _runs(config, out / "truths.csv", u_truth, truth_seeds, executor, workers, "truths", quiet)
        if truths
        else np.empty((0, len(config.targets)))
    )

    emulator, fitted_runs = _fit_in_waves(
        config, out, m, u_design, y_design, executor, workers, waves, wave_size, particles, quiet
    )
    held_out = _held_out_coverage(emulator, u_truth, log_values(y_truth, m)) if truths else None

    _say(quiet, "posterior of the targets")
    post = tempered_posterior(
        lambda u: emulator.log_likelihood(u, m), d, config.root_seed + 3, particles=particles
    )
    unit_draws, distinct = post.draws(draws, np.random.default_rng(config.root_seed + 4))
    frame = pd.DataFrame(config.from_unit(unit_draws), columns=list(config.names))
    write_atomic(out / "posterior_draws.csv", lambda tmp: frame.to_csv(tmp, index=False))
    narrowing = _narrowing(config, post)
    write_atomic(out / "narrowing.csv", lambda tmp: narrowing.to_csv(tmp, index=False))

    sbc = None
    if truths:
        _say(quiet, f"simulation-based calibration over {truths} truths")
        cdfs, sbc_ess = sbc_cdfs(
            emulator,
            m,
            u_truth,
            log_values(y_truth, m),
            config.root_seed + 5,
            executor,
            workers,
            checkpoint=out / "sbc_progress.json",
            particles=sbc_particles,
        )
        sbc = sbc_table(cdfs, config.names).assign(min_ess=float(sbc_ess.min()))
        write_atomic(out / "sbc.csv", lambda tmp: sbc.to_csv(tmp, index=False))
        np.savetxt(out / "sbc_cdfs.txt", cdfs)
        write_atomic(
            out / "sbc_ranks.png", lambda tmp: plot_rank_histograms(cdfs, config.names, tmp)
        )

    checked = None
    if check:
        check_u = unit_draws[:check]
        y_check = _runs(
            config,
            out / "check_runs.csv",
            check_u,
            seeds[design + truths : design + truths + check],
            executor,
            workers,
            "check",
            quiet,
        )
        checked = _check_table(config, y_check)
        write_atomic(out / "check.csv", lambda tmp: checked.to_csv(tmp, index=False))

    summary = {
        "design_runs": design,
        "waves": waves,
        "wave_runs": waves * wave_size,
        "emulator_runs": fitted_runs,
        "truth_runs": truths,
        "check_runs": check,
        "model_runs": design + waves * wave_size + truths + check,
        "particles": particles,
        "effective_sample_size": post.effective_sample_size,
        "distinct_particles": post.distinct,
        "tempering_stages": post.stages,
        "final_acceptance": post.acceptance,
        "emulator_evaluations": post.evaluations,
        "draws": draws,
        "distinct_draws": distinct,
        "not_identified": narrowing.loc[~narrowing["identified"], "parameter"].tolist(),
        "emulator_held_out_inside_90": held_out,
        "emulator_sd_scale": {
            t.target_id: round(float(f), 4)
            for t, f in zip(config.targets, emulator.sd_scale, strict=True)
        },
        "emulator_tail_df": round(float(emulator.tail_df), 2),
        "sbc_coverage_90": None if sbc is None else sbc_column(sbc, "coverage_90"),
        "sbc_ks_p_value": None if sbc is None else sbc_column(sbc, "ks_p_value"),
        "check_targets_inside_90": None
        if checked is None
        else int(checked.loc[checked["left_out"] == "", "inside_90"].sum()),
        "wall_s": round(time.perf_counter() - t0, 1),
        "config": config.raw,
    }
    summary["verdicts"] = verdicts(summary)
    write_text_atomic(out / "summary.json", json.dumps(summary, indent=2, default=str))
    from .emulate_report import write_emulate_report

    write_emulate_report(out, config, summary, narrowing, sbc, checked)
    return summary


def _fit_in_waves(
    config: CalibrationConfig,
    out: Path,
    m,
    u: np.ndarray,
    y: np.ndarray,
    executor,
    workers: int,
    waves: int,
    wave_size: int,
    particles: int,
    quiet: bool,
) -> tuple[Emulator, int]:
    """The emulator fitted on the design and then on each wave of runs at points drawn from
    the posterior of the fit before it (history matching: a space-filling design over 16
    dimensions is sparse where the posterior is, so the emulator's own uncertainty, not the
    data, sets the posterior's width there; runs placed there shrink it). A wave's points are
    kept in ``wave{N}_points.csv`` before its runs start, so a resumed run repeats them
    exactly; ``wave{N}.csv`` checkpoints its runs like the design's."""
    d = u.shape[1]
    _say(quiet, f"fitting {len(config.targets)} Gaussian processes on {len(u)} runs")
    design = len(u)  # the space-filling runs: the emulator's sd is checked over them
    # the targets' fits on the workers (one BLAS thread each, however they run; with one
    # worker the executor is a serial one that runs each fit here)
    emulator = Emulator(seed=config.root_seed).fit(
        u, log_values(y, m), space_filling=design, executor=executor
    )
    wave_seeds = replicate_seeds(config.root_seed + 6, max(1, waves * wave_size))
    for w in range(1, waves + 1):
        points_path = out / f"wave{w}_points.csv"
        if points_path.exists():
            u_wave = np.loadtxt(points_path, delimiter=",", ndmin=2)
            if u_wave.shape != (wave_size, d):
                raise ScenarioError(
                    str(points_path),
                    "(rows)",
                    len(u_wave),
                    f"{wave_size} points of {d} parameters (a folder of the same --wave-size)",
                )
        else:
            _say(quiet, f"wave {w}: posterior of the fit on {len(u)} runs")
            post = tempered_posterior(
                functools.partial(emulator.log_likelihood, m=m),
                d,
                config.root_seed + 10 + w,
                particles=max(particles, wave_size),
            )
            u_wave, _ = post.draws(wave_size, np.random.default_rng(config.root_seed + 20 + w))
            write_atomic(
                points_path,
                functools.partial(np.savetxt, X=u_wave, delimiter=",", fmt="%.17g"),
            )
        y_wave = _runs(
            config,
            out / f"wave{w}.csv",
            u_wave,
            wave_seeds[(w - 1) * wave_size : w * wave_size],
            executor,
            workers,
            f"wave {w}",
            quiet,
        )
        u, y = np.vstack([u, u_wave]), np.vstack([y, y_wave])
        _say(quiet, f"wave {w}: refitting on {len(u)} runs")
        emulator = Emulator(seed=config.root_seed).fit(
            u, log_values(y, m), start=emulator, space_filling=design, executor=executor
        )
    return emulator, len(u)


def _held_out_coverage(emulator: Emulator, u: np.ndarray, z: np.ndarray) -> float:
    """Share of (held-out run, target) pairs whose log value lies in the emulator's 90%
    predictive interval: near 0.9 when its uncertainty is honest."""
    mu, sd = emulator.predict(u)
    return float(np.mean(np.abs(z - mu) <= Z90 * sd))


def _narrowing(config: CalibrationConfig, post) -> pd.DataFrame:
    """Prior and posterior mean and sd per parameter (parameter units) and their ratio."""
    w = post.weight
    mean_u = w @ post.u
    sd_u = np.sqrt(w @ (post.u - mean_u) ** 2)
    width = np.asarray(config.high) - np.asarray(config.low)
    prior_sd = width / math.sqrt(12.0)
    ratio = prior_sd / np.maximum(sd_u * width, 1e-300)
    return pd.DataFrame(
        {
            "parameter": list(config.names),
            "low": config.low,
            "high": config.high,
            "posterior_mean": config.from_unit(mean_u[None, :])[0],
            "posterior_sd": sd_u * width,
            "prior_sd": prior_sd,
            "narrowing": ratio,
            "identified": ratio >= IDENTIFIED_AT,
        }
    )


def _check_table(config: CalibrationConfig, y: np.ndarray) -> pd.DataFrame:
    """Per target: observed value or band, the simulated 5th, 50th and 95th percentile over
    the checked draws, and whether the observed centre lies between the 5th and 95th."""
    rows = []
    for j, t in enumerate(config.targets):
        v = y[:, j]
        p05, p50, p95 = (float(np.nanpercentile(v, q)) for q in (5, 50, 95))
        rows.append(
            {
                "target_id": t.target_id,
                "observed": t.centre,
                "low": t.low,
                "high": t.high,
                "p05": p05,
                "p50": p50,
                "p95": p95,
                "inside_90": bool(p05 <= t.centre <= p95),
                "median_met": bool(t.met(p50)),
                "left_out": config.left_out.get(t.target_id, ""),
            }
        )
    return pd.DataFrame(rows)
