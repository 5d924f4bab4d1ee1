"""``corridors slice CONFIG.toml --vary NAME=V1,V2,... --out DIR``: slices of a calibration's
fit through a point, one parameter moved at a time (:mod:`calibration.slices`). The parser
(:func:`add_parser`) and the handler (:func:`run`) for ``corridors/cli.py``. Exit status as
every command: 0 done, 2 bad input (nothing written); the three files are written at the
end, each atomically (a slice is minutes of runs, not hours: there is nothing to resume).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .search_command import add_executor_options

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``slice`` to the ``corridors`` subcommands."""
    p = subparsers.add_parser(
        "slice",
        help="slices of a calibration's fit through a point, one parameter at a time",
        description="Run the configuration's targets at a point (the file's [start] and "
        "[fixed] values, or a calibration folder's MSM optimum with --at) and with one "
        "parameter moved to each value given, the others held, on the same seeds. Writes "
        "DIR/slices.csv (a row per value: averaged relative difference, targets met, seed "
        "spread, targets that moved), DIR/slice_targets.csv (a row per value and target) "
        "and DIR/slices.md. A parameter at a bound of its range is identified if its slice "
        "rises on both sides of a minimum, not if it is flat.",
    )
    p.add_argument("config", type=Path, help="calibration TOML file")
    p.add_argument("--out", required=True, type=Path, help="output folder")
    p.add_argument(
        "--vary",
        action="append",
        required=True,
        metavar="NAME=V1,V2,...",
        help="a parameter (name or name.KEY) and its values; repeat for more parameters",
    )
    p.add_argument("--at", type=Path, help="calibration output folder whose MSM optimum to use")
    p.add_argument("--seeds", type=int, help="seeds per value (default: the file's)")
    p.add_argument("--root-seed", type=int, help="root seed (default: the file's)")
    add_executor_options(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``corridors slice``; bad input raises ScenarioError (exit 2 in ``cli.main``)."""
    from calibration.config import load_config
    from calibration.executor import calibration_executor
    from calibration.slices import (
        parse_vary,
        plan_slices,
        run_plan,
        run_slices,
        slice_report,
    )

    from .atomic import write_atomic, write_text_atomic
    from .batch import worker_count

    config = load_config(args.config)
    slices = parse_vary(args.vary)
    plan = run_plan(config, args.config, args.at, args.seeds, args.root_seed)
    point, at, seeds, root = plan.point, plan.at, plan.seeds, plan.root_seed
    arms = plan_slices(config, point, slices)  # bad names and values: before any run
    workers = worker_count(args.workers)
    executor, close, _ = calibration_executor(workers, args.dask)
    try:
        if not args.quiet:
            runs = len(arms) * seeds
            print(f"corridors slice: {runs} runs ({seeds} seeds per value)", flush=True)
        summary, targets = run_slices(config, arms, seeds, root, executor)
    finally:
        close()
    args.out.mkdir(parents=True, exist_ok=True)
    write_atomic(args.out / "slices.csv", lambda p: summary.to_csv(p, index=False))
    write_atomic(args.out / "slice_targets.csv", lambda p: targets.to_csv(p, index=False))
    text = slice_report(config, summary, seeds, root, at)
    write_text_atomic(args.out / "slices.md", text)
    if not args.quiet:
        print(text)
    return 0
