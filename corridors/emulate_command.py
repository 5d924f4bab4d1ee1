"""``corridors emulate CONFIG.toml --out DIR``: the emulator posterior of a calibration
configuration, its simulation-based calibration and a check in the simulator
(:mod:`calibration.emulate`). The parser (:func:`add_parser`) and the handler (:func:`run`)
for ``corridors/cli.py``. Exit status as every command: 0 done, 2 bad input (nothing
written), 1 a failed run; rerunning the same command resumes (finished runs are kept).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scenarios.errors import ScenarioError

from .search_command import add_executor_options

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``emulate`` to the ``corridors`` subcommands."""
    p = subparsers.add_parser(
        "emulate",
        help="Gaussian-process emulator posterior with simulation-based calibration",
        description="Run a Sobol design over the configuration's parameter ranges, fit a "
        "Gaussian-process emulator of every target, compute the posterior of the targets on "
        "it by tempered sequential Monte Carlo (optionally in history-matching waves of runs "
        "at posterior draws), check it by simulation-based calibration over truths "
        "drawn from the prior and by running posterior draws in the model (DIR/report.md). "
        "Rerunning the same command resumes. With --install a run that passed its checks "
        "(effective sample size, simulation-based calibration, every parameter identified) "
        "becomes the shipped calibration: the draw nearest the posterior median is the point "
        "the baseline extends, the draws are what batches and the dashboard sample, and the "
        "fit report is calibration/report/.",
    )
    p.add_argument("config", type=Path, help="calibration TOML file (calibration/default.toml)")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--design", type=int, default=300, help="design runs (default 300)")
    p.add_argument(
        "--waves",
        type=int,
        default=2,
        help="history-matching waves: runs at posterior draws, then a refit (default 2)",
    )
    p.add_argument("--wave-size", type=int, default=100, help="runs per wave (default 100)")
    p.add_argument("--truths", type=int, default=30, help="SBC truths, one run each (30)")
    p.add_argument("--draws", type=int, default=400, help="posterior draws written (400)")
    p.add_argument("--check", type=int, default=20, help="draws run in the model (20)")
    p.add_argument(
        "--people-per-agent",
        type=float,
        help="run at this scale instead of the file's (as if the file said it; a folder "
        "keeps runs of one scale, and --install needs the same option)",
    )
    p.add_argument(
        "--install",
        action="store_true",
        help="make a run that passed its checks the shipped calibration (source checkout)",
    )
    add_executor_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``corridors emulate``; bad input raises ScenarioError (exit 2 in ``cli.main``)."""
    from calibration.config import at_scale, load_config
    from calibration.emulate import check_sizes, emulate
    from calibration.executor import calibration_executor

    from .batch import worker_count
    from .install import check_install_possible
    from .lock import folder_lock

    config = load_config(args.config)
    if args.people_per_agent is not None:
        config = at_scale(config, args.people_per_agent)
    check_sizes(args.design, args.truths, args.draws, args.check, args.waves, args.wave_size)
    if args.install:
        check_install_possible()
    workers = worker_count(args.workers)
    executor, close, workers = calibration_executor(workers, args.dask)
    try:
        with folder_lock(args.out):
            s = _finished(args, config)
            if s is None:
                s = emulate(
                    config,
                    args.out,
                    executor,
                    workers,
                    design=args.design,
                    truths=args.truths,
                    draws=args.draws,
                    check=args.check,
                    quiet=args.quiet,
                    waves=args.waves,
                    wave_size=args.wave_size,
                )
            _print_summary(s, args.out)
            if args.install:
                _install(config, args.out, executor, s)
    finally:
        close()
    return 0


def _finished(args: argparse.Namespace, config) -> dict | None:
    """With ``--install``, the summary of a finished run of these sizes and this
    configuration in ``--out`` (installed as it is, the emulator not fitted again), else
    None."""
    from calibration.emulate_install import finished_summary

    if not args.install:
        return None
    sizes = {
        "design_runs": args.design,
        "waves": args.waves,
        "wave_runs": args.waves * args.wave_size,
        "truth_runs": args.truths,
        "check_runs": args.check,
        "draws": args.draws,
    }
    return finished_summary(config, args.out, sizes)


def _print_summary(s: dict, out: Path) -> None:
    for verdict in s["verdicts"]:
        print(verdict, file=sys.stdout)
    print(
        f"effective sample size {s['effective_sample_size']:.0f}, {s['distinct_draws']} "
        f"distinct of {s['draws']} draws; not identified: {len(s['not_identified'])}; "
        f"report: {out}/report.md",
        file=sys.stdout,
    )


def _install(config, out: Path, executor, s: dict) -> None:
    """Refuse a run that failed its checks (exit 2), else write the shipped files and
    install them."""
    from calibration.emulate_install import refusal, write_shipped_files

    from .install import install_calibration

    reason = refusal(s)
    if reason is not None:
        raise ScenarioError(str(out), "--install", True, reason)
    fit = write_shipped_files(config, out, executor)
    install_calibration(out)
    print(
        f"installed: averaged relative difference {fit['averaged_relative_difference']:.3f}; "
        f"{fit['targets_met']} of {fit['targets']} targets met; report: "
        "calibration/report/report.md",
        file=sys.stdout,
    )
