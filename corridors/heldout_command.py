"""``corridors heldout CONFIG.toml [--at DIR] --out DIR``: the out-of-sample check of a
calibrated point against the held-out figures of issue 14 (:mod:`calibration.heldout`). The
parser (:func:`add_parser`) and the handler (:func:`run`) for ``corridors/cli.py``. Exit
status as every command: 0 done, 2 bad input (nothing written); the two files are written at
the end, each atomically (a few minutes of runs: nothing to resume).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .search_command import add_executor_options

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``heldout`` to the ``corridors`` subcommands."""
    p = subparsers.add_parser(
        "heldout",
        help="compare a calibrated point with the figures kept back from calibration",
        description="Run the configuration's scenario at a point (the file's [start] and "
        "[fixed] values, or a calibration folder's MSM optimum with --at) on seeds and "
        "compare it with every held-out figure of scenarios/data/flows.csv that the model "
        "measures: registrants, legalised workers and programme returns in registration "
        "and return windows, Malaysia's irregular population, corridors to Japan after "
        "2016, return waves. None of them is, or may be, a calibration target. Writes "
        "DIR/heldout.csv (a row per figure, the unmeasured ones with the reason) and "
        "DIR/heldout.md.",
    )
    p.add_argument("config", type=Path, help="calibration TOML file")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument("--at", type=Path, help="calibration output folder whose MSM optimum to use")
    p.add_argument("--seeds", type=int, help="seeds (default: the file's)")
    p.add_argument("--root-seed", type=int, help="root seed (default: the file's)")
    add_executor_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``corridors heldout``; bad input raises ScenarioError (exit 2 in ``cli.main``)."""
    from calibration.config import load_config
    from calibration.executor import calibration_executor
    from calibration.heldout import heldout_figures, heldout_report, run_heldout
    from calibration.slices import run_plan

    from .atomic import write_atomic, write_text_atomic
    from .batch import worker_count

    config = load_config(args.config)
    plan = run_plan(config, args.config, args.at, args.seeds, args.root_seed)
    point, at, seeds, root = plan.point, plan.at, plan.seeds, plan.root_seed
    scenario = config.scenario
    figures = heldout_figures(scenario.n_months - 1, tuple(scenario.world.destinations))
    workers = worker_count(args.workers)
    executor, close, _ = calibration_executor(workers, args.dask)
    try:
        if not args.quiet:
            measured = sum(f.target is not None for f in figures)
            print(f"corridors heldout: {measured} figures, {seeds} runs", flush=True)
        table = run_heldout(config, point, figures, seeds, root, executor)
    finally:
        close()
    args.out.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out / "heldout.csv", lambda p: table.to_csv(p, index=False))
    text = heldout_report(table, config, seeds, at)
    write_text_atomic(args.out / "heldout.md", text)
    if not args.quiet:
        print(text)
    return 0
