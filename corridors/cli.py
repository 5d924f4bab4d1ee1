"""The ``corridors`` command line.

    corridors run [SCENARIO] --out DIR      run one scenario (default: the shipped baseline)
    corridors batch BATCH.toml --out DIR    scenarios x sweeps x replicates, resumable
    corridors compare DIR                   comparison report of a batch folder
    corridors sensitivity CONFIG.toml --out DIR   Morris / Sobol indices (SALib)
    corridors search SEARCH.toml --out DIR  robust many-objective policy search (Pareto set)
    corridors dashboard [--port N] [--host H] [--results DIR] [--allowed-host NAME]
                        [--session-timeout S]   serve the dashboard on 127.0.0.1
    corridors calibrate CONFIG.toml --out DIR     MSM + ABC-SMC fit to observed data
    corridors validate CONFIG.toml --out DIR      hindcast: fit up to a cut-off, test after
    corridors emulate CONFIG.toml --out DIR       emulator posterior + simulation-based check
    corridors check SCENARIO --observations CSV   a scenario against observations
    corridors levers [--section NAME]       the lever table generated from the declarations
    corridors presets                       list shipped scenarios

Exit status: 0 on success, 2 for bad input (with a message naming the file, key, value and
what is allowed; nothing is written), 1 for any other failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
from pathlib import Path

from corridors import (
    dashboard_command,
    emulate_command,
    heldout_command,
    search_command,
    slice_command,
)
from scenarios.errors import ScenarioError

DEFAULT_MAX_RUNS = 10_000  # the same as corridors.batchspec.DEFAULT_MAX_RUNS (not imported:
# the parser must stay light for 'corridors levers' and 'presets')

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="corridors", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run one scenario and write its results folder")
    run.add_argument(
        "scenario",
        nargs="?",
        default="baseline",
        help="scenario TOML file or shipped preset name (default: baseline)",
    )
    run.add_argument("--out", required=True, type=Path, help="results folder to write")
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument("--end", help='override the last month, "YYYY-MM"')
    run.add_argument("--people-per-agent", type=float, help="override the scale")
    run.add_argument("--quiet", action="store_true", help="no progress output")
    bat = sub.add_parser("batch", help="run a batch of scenarios, sweeps and replicates")
    bat.add_argument("batch", type=Path, help="batch TOML file")
    bat.add_argument("--out", required=True, type=Path, help="batch results folder")
    how = bat.add_mutually_exclusive_group()
    how.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    how.add_argument("--serial", action="store_true", help="run in this process")
    how.add_argument("--dask", metavar="ADDRESS", help="existing Dask scheduler address")
    bat.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        help=f"refuse a batch of more runs than this (default {DEFAULT_MAX_RUNS:,})",
    )
    bat.add_argument("--quiet", action="store_true", help="no progress bar")
    cmp_ = sub.add_parser("compare", help="comparison report of a batch results folder")
    cmp_.add_argument("folder", type=Path, help="batch results folder")
    cmp_.add_argument("--reference", help="scenario to take differences from (default baseline)")
    sen = sub.add_parser("sensitivity", help="Morris or Sobol sensitivity analysis (SALib)")
    sen.add_argument("config", type=Path, help="sensitivity TOML file")
    sen.add_argument("--out", required=True, type=Path, help="results folder")
    sen.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    sen.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        help=f"refuse more runs than this (default {DEFAULT_MAX_RUNS:,})",
    )
    sen.add_argument("--quiet", action="store_true", help="no progress bar")
    search_command.add_parser(sub)
    emulate_command.add_parser(sub)
    slice_command.add_parser(sub)
    heldout_command.add_parser(sub)
    dash = sub.add_parser("dashboard", help="serve the Solara dashboard on this machine")
    dashboard_command.add_arguments(dash)
    cal = sub.add_parser(
        "calibrate",
        help="fit the behavioural parameters to observed data",
        description="Method of simulated moments, then ABC-SMC, then the fit report "
        "(DIR/report/report.md). DIR/calibrated_parameters.toml holds the posterior draw "
        "nearest the posterior median (the point --install ships), DIR/msm_optimum.toml the "
        "MSM optimum. Rerunning the same command resumes; on a finished folder it only "
        "writes the report again.",
    )
    cal.add_argument("config", type=Path, help="calibration TOML file (calibration/default.toml)")
    cal.add_argument("--out", required=True, type=Path, help="calibration folder")
    cal_how = cal.add_mutually_exclusive_group()
    cal_how.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    cal_how.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="existing Dask scheduler address (the same results as locally for the same seeds)",
    )
    cal.add_argument(
        "--install",
        action="store_true",
        help="install the result as the shipped calibration the baseline extends",
    )
    cal.add_argument("--quiet", action="store_true")
    val = sub.add_parser(
        "validate",
        help="temporal hindcast: calibrate on targets up to a cut-off, predict the later ones",
        description="Calibrate (as corridors calibrate does, in DIR/train/) on the targets "
        "whose last month is at or before the cut-off, run the posterior predictive to the "
        "last target's month, and report the averaged relative difference and the 90% "
        "interval's coverage for the training and the test period (DIR/report.md). "
        "Rerunning the same command resumes.",
    )
    val.add_argument("config", type=Path, help="calibration TOML file (calibration/default.toml)")
    val.add_argument("--out", required=True, type=Path, help="validation folder")
    val.add_argument(
        "--cutoff",
        metavar="YYYY-MM",
        help="last month of the training data (default: the file's cutoff, else 2016-12)",
    )
    val.add_argument(
        "--replicates",
        type=int,
        default=1,
        help="seeds per posterior draw in the predictive runs (default 1)",
    )
    val.add_argument(
        "--keep-fixed",
        action="store_true",
        help="run the configuration's [fixed] values (default: the uncalibrated scenario's, "
        "since a fixed value may come from a fit to all the data)",
    )
    val_how = val.add_mutually_exclusive_group()
    val_how.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    val_how.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="existing Dask scheduler address (the same results as locally for the same seeds)",
    )
    val.add_argument("--quiet", action="store_true", help="no progress output")
    chk = sub.add_parser("check", help="compare a scenario with observations (targets CSV)")
    chk.add_argument("scenario", help="scenario TOML file or preset name")
    chk.add_argument(
        "--observations",
        type=Path,
        required=True,
        help="CSV in the targets format (see calibration/targets.csv)",
    )
    chk.add_argument("--replicates", type=int, default=3)
    chk.add_argument("--out", type=Path, help="write the fit table (CSV) here")
    lev = sub.add_parser("levers", help="print the lever table")
    lev.add_argument(
        "--section", choices=["levers", "drivers", "parameters", "settings"], default="levers"
    )
    sub.add_parser("presets", help="list shipped scenarios")
    return p


def _cmd_run(args: argparse.Namespace, argv: list[str]) -> int:
    from scenarios.scenario import load_scenario

    started = dt.datetime.now(dt.UTC)
    scenario = load_scenario(args.scenario)
    overrides = {}
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.end is not None:
        overrides["end"] = args.end
    if args.people_per_agent is not None:
        overrides["people_per_agent"] = args.people_per_agent
    if overrides:
        scenario = scenario.with_values(**overrides)
    if args.out.exists() and not args.out.is_dir():
        raise ScenarioError(
            "(command line)", "--out", str(args.out), "a folder path (a file of that name exists)"
        )
    from .lock import folder_lock
    from .runfolder import check_run_folder

    with folder_lock(args.out):
        check_run_folder(args.out, scenario)
        return _simulate_and_write(args, argv, scenario, started)


def _simulate_and_write(args, argv, scenario, started) -> int:
    # validation is done: only now import the heavy parts and write anything
    from simulation.run import run_scenario

    from .outputs import write_run

    def progress(model) -> None:
        if not args.quiet and (model.month % 12 == 0 or not model.running):
            print(f"\r  simulated to {model.month_label}", end="", file=sys.stderr, flush=True)

    if not args.quiet:
        print(
            f"corridors: running {scenario.name} ({scenario.source_file}), seed "
            f"{scenario.seed}, {scenario.people_per_agent:g} people per agent",
            file=sys.stderr,
        )
    result = run_scenario(scenario, on_month=progress)
    manifest = write_run(args.out, scenario, result, started, argv)
    if not args.quiet:
        print(
            f"\ncorridors: wrote {args.out} ({manifest['worker_agents']:,} worker agents, "
            f"simulated in {manifest['timings_s']['simulate']:.1f} s)",
            file=sys.stderr,
        )
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from .batch import run_batch, worker_count
    from .batchspec import load_batch

    max_runs = _max_runs(args)
    spec = load_batch(args.batch, max_runs=max_runs)
    workers = worker_count(args.workers)
    n = len(spec.tasks())
    if not args.quiet:
        where = (
            f"Dask cluster {args.dask}"
            if args.dask
            else "this process"
            if args.serial
            else f"{workers} local worker processes"
        )
        print(f"corridors: batch {spec.name}: {n} runs on {where}", file=sys.stderr)
    outcome = run_batch(
        spec,
        args.out,
        workers=workers,
        dask_address=args.dask,
        serial=args.serial,
        progress=not args.quiet,
    )
    if not args.quiet:
        print(
            f"corridors: {outcome.done} runs done now, {outcome.skipped} done before, "
            f"{outcome.failed} failed, in {outcome.wall_s:.1f} s -> {args.out}",
            file=sys.stderr,
        )
    if outcome.interrupted:
        return 130
    if outcome.failed:
        print(
            f"corridors: {outcome.failed} runs failed; errors in {args.out}/failures/",
            file=sys.stderr,
        )
        return 1
    return 0


def _cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare_batch

    out = compare_batch(
        args.folder,
        args.reference,
        warn=lambda note: print(f"corridors: warning: {note}", file=sys.stderr),
    )
    print(f"corridors: wrote {out}/report.html", file=sys.stderr)
    return 0


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from .batch import worker_count
    from .sensitivity import load_sensitivity, run_sensitivity

    spec, config = load_sensitivity(args.config, max_runs=_max_runs(args))
    table = run_sensitivity(
        spec,
        config,
        args.out,
        workers=worker_count(args.workers),
        progress=not args.quiet,
    )
    print(table.to_string(index=False))
    print(f"corridors: wrote {args.out}/sensitivity/indices.csv", file=sys.stderr)
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from calibration.config import load_config
    from calibration.run import calibrate

    from .batch import worker_count
    from .lock import folder_lock

    if args.install:
        from .install import check_install_possible

        check_install_possible()
    config = load_config(args.config)
    workers = worker_count(args.workers)
    with folder_lock(args.out):
        summary = calibrate(
            config, args.out, workers=workers, quiet=args.quiet, dask_address=args.dask
        )
    if args.install:
        from .install import install_calibration

        install_calibration(args.out)
    print(
        f"averaged relative difference {summary['averaged_relative_difference']:.3f}; "
        f"{summary['targets_met']} of {summary['targets']} targets met; report: "
        f"{args.out}/report/report.md"
    )
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from calibration.config import load_config
    from calibration.validate import check_replicates, resolve_cutoff, validate

    from .batch import worker_count
    from .lock import folder_lock

    config = load_config(args.config)
    cutoff = resolve_cutoff(config, args.cutoff)
    check_replicates(args.replicates)
    workers = worker_count(args.workers)
    with folder_lock(args.out):
        summary = validate(
            config,
            args.out,
            cutoff,
            workers=workers,
            quiet=args.quiet,
            replicates=args.replicates,
            dask_address=args.dask,
            keep_fixed=args.keep_fixed,
        )
    train, test = summary["train"], summary["test"]
    print(
        f"cut-off {summary['cutoff']}: averaged relative difference "
        f"{train['averaged_relative_difference']:.3f} (train) and "
        f"{test['averaged_relative_difference']:.3f} (test); inside the 90% interval "
        f"{train['inside_90']} of {train['figures']} (train) and {test['inside_90']} of "
        f"{test['figures']} (test); report: {args.out}/report.md"
    )
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from calibration.check import check_scenario
    from scenarios.scenario import load_scenario

    if not 1 <= args.replicates <= 1000:
        raise ScenarioError(
            "(command line)", "--replicates", args.replicates, "a whole number from 1 to 1000"
        )
    if args.out is not None and args.out.is_dir():
        raise ScenarioError(
            "(command line)",
            "--out",
            str(args.out),
            "a CSV file path (a folder of that name exists)",
        )
    scenario = load_scenario(args.scenario)
    table, avg = check_scenario(scenario, args.observations, replicates=args.replicates)
    shown = table[
        [
            "target_id",
            "period",
            "observed",
            "simulated_mean",
            "simulated_p05",
            "simulated_p95",
            "distance",
        ]
    ]
    print(shown.to_string(index=False))
    print(f"averaged relative difference (weighted): {avg:.3f}")
    if args.out is not None:
        from .atomic import write_atomic

        write_atomic(args.out, lambda p: table.to_csv(p, index=False))
    return 0


def _max_runs(args: argparse.Namespace) -> int:
    if args.max_runs < 1:
        raise ScenarioError("(command line)", "--max-runs", args.max_runs, "at least 1")
    return args.max_runs


def _cmd_levers(args: argparse.Namespace) -> int:
    from .lever_table import lever_table

    print(lever_table(args.section))
    return 0


def _cmd_presets() -> int:
    from scenarios.scenario import load_scenario, preset_names

    for name in preset_names():
        s = load_scenario(name)
        print(f"{name:28s} {s.description.splitlines()[0] if s.description else ''}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    commands = {
        "run": lambda: _cmd_run(args, ["corridors", *argv]),
        "batch": lambda: _cmd_batch(args),
        "compare": lambda: _cmd_compare(args),
        "sensitivity": lambda: _cmd_sensitivity(args),
        "dashboard": lambda: dashboard_command.run(args),
        "search": lambda: search_command.run(args),
        "calibrate": lambda: _cmd_calibrate(args),
        "validate": lambda: _cmd_validate(args),
        "emulate": lambda: emulate_command.run(args),
        "slice": lambda: slice_command.run(args),
        "heldout": lambda: heldout_command.run(args),
        "check": lambda: _cmd_check(args),
        "levers": lambda: _cmd_levers(args),
        "presets": _cmd_presets,
    }
    # a termination (kill, a cluster's time limit) takes the same path as Ctrl-C: the worker
    # pools are shut down rather than left running as orphans, and checkpoints are kept
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return commands[args.command]()
    except ScenarioError as exc:
        print(f"corridors: error: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:
        from .batch import ExecutorLost

        if not isinstance(exc, ExecutorLost):
            raise
        print(f"corridors: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader of stdout left (`corridors levers | head`): stop quietly, as Unix tools
        # do; stdout goes to /dev/null so the interpreter's final flush cannot complain either
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 1
    except OSError as exc:  # a full disk, a folder made read-only mid-run: one line, exit 1
        where = f": {exc.filename}" if exc.filename else ""
        print(
            f"corridors: error: {args.command} could not write or read a file{where}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print(
            f"corridors: {args.command} interrupted; what was checkpointed is kept (the same "
            "command resumes a batch or a calibration)",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
