"""``corridors search SEARCH.toml --out DIR``: many-objective robust policy search.

The parser (:func:`add_parser`) and the handler (:func:`run`) for ``corridors/cli.py``;
:func:`main` runs the command alone (tests, ``python -m corridors.search_command``). Exit
status as every command: 0 done, 2 bad input (nothing written), 1 a failed run, 130
interrupted (every finished run is kept: the same command resumes).
"""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
from pathlib import Path

from scenarios.errors import ScenarioError

__all__ = ["add_executor_options", "add_parser", "main", "run"]


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``search`` to the ``corridors`` subcommands."""
    p = subparsers.add_parser(
        "search",
        help="many-objective robust search over policy levers (NSGA-II)",
        description="Search the given levers for the Pareto set of the objectives, each "
        "evaluated robustly over posterior draws and seeds. Rerunning the same command "
        "into the same folder resumes: finished runs are not run again.",
    )
    p.add_argument("search", type=Path, help="search TOML file (see examples/search_fee_cap.toml)")
    p.add_argument("--out", required=True, type=Path, help="search results folder")
    add_executor_options(p)
    return p


def add_executor_options(p: argparse.ArgumentParser) -> None:
    """``--workers N | --dask ADDRESS`` and ``--quiet``, as the long-running commands take
    them."""
    how = p.add_mutually_exclusive_group()
    how.add_argument("--workers", type=int, help="local worker processes (default: all cores)")
    how.add_argument("--dask", metavar="ADDRESS", help="existing Dask scheduler address")
    p.add_argument("--quiet", action="store_true", help="no progress output")


def run(args: argparse.Namespace) -> int:
    """Run the search of ``args``; errors of input are printed and give exit status 2."""
    try:
        return _run(args)
    except ScenarioError as exc:
        print(f"corridors: error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    from .batch import ExecutorLost, make_executor, worker_count
    from .lock import folder_lock
    from .search_report import write_outputs
    from .search_run import SearchFailed, run_search
    from .search_spec import load_search

    spec = load_search(args.search)
    workers = worker_count(args.workers)
    if args.out.exists() and not args.out.is_dir():
        raise ScenarioError("(command line)", "--out", str(args.out), "a folder path")
    executor, close = make_executor(workers, args.dask, serial=False)
    try:
        with folder_lock(args.out):
            _check_folder(args.out, spec)
            say = (lambda text: None) if args.quiet else _say
            where = f"Dask cluster {args.dask}" if args.dask else f"{workers} worker(s)"
            say(
                f"search {spec.name}: {len(spec.levers)} levers, {len(spec.objectives)} "
                f"objectives, budget {spec.budget} evaluations x {spec.runs_per_evaluation} "
                f"runs, on {where}"
            )
            try:
                outcome = run_search(
                    spec, args.out, executor, workers=workers, progress=not args.quiet
                )
            except (SearchFailed, ExecutorLost) as exc:
                print(f"corridors: error: {exc}", file=sys.stderr)
                return 1
            except KeyboardInterrupt:
                print(
                    "corridors: search interrupted; every finished run is kept in "
                    f"{args.out}/evaluations.jsonl: the same command resumes",
                    file=sys.stderr,
                )
                return 130
            pareto = write_outputs(args.out, spec, outcome)
            say(
                f"{len(outcome.evaluations)} lever vectors evaluated ({outcome.runs_computed} "
                f"runs computed, {outcome.runs_reused} from the archive) in "
                f"{outcome.wall_s:.0f} s; Pareto set of {len(pareto)} -> {args.out}/report.md"
            )
    finally:
        close()
    return 0


def _say(text: str) -> None:
    print(f"corridors: {text}", file=sys.stderr, flush=True)


def _check_folder(out: Path, spec) -> None:
    """A new folder gets the manifest (status running) and a copy of the search file; a
    folder of an earlier run of the same search is resumed; any other folder is refused."""
    import json

    from .search_report import MANIFEST, write_manifest

    manifest = out / MANIFEST
    if manifest.is_file():
        try:
            old = json.loads(manifest.read_text())
        except (OSError, ValueError):
            old = {}
        if old.get("fingerprint") != spec.fingerprint():
            raise ScenarioError(
                "(command line)",
                "--out",
                str(out),
                "a new folder or one of an earlier run of this search (this folder holds a "
                "search of another base scenario, settings or objectives)",
            )
    elif any(p for p in out.iterdir() if not p.name.startswith(".")):
        raise ScenarioError(
            "(command line)", "--out", str(out), "a new or empty folder, or one of this search"
        )
    write_manifest(out, spec, "running")
    from .atomic import write_atomic

    src = Path(spec.source_file)
    if src.is_file():
        write_atomic(out / "search.toml", lambda p: shutil.copyfile(src, p))


def main(argv: list[str] | None = None) -> int:
    """``corridors search`` on its own (a SIGTERM takes the path of Ctrl-C, as in the CLI)."""
    parser = argparse.ArgumentParser(prog="corridors")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["search", *(sys.argv[1:] if argv is None else argv)])
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return run(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminate(signum, frame) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
