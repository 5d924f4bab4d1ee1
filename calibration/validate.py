"""``corridors validate``: a temporal hindcast (issue 15, item 1).

The calibration is run on the targets dated up to a cut-off only (a target whose last month
is after the cut-off is a *test* figure and never reaches it), in ``DIR/train/``, exactly as
``corridors calibrate`` runs it (same stages, same checkpoints; its scenario stops at the
cut-off, since nothing later is compared there). Nothing fitted to the test period reaches
it: its scenario is the calibration file's scenario without the shipped calibration (the
layer the baseline extends, :mod:`calibration.uncalibrated`), so the search starts from the
scenario's own values or the declared defaults, clipped into the ranges, and the observation
parameters from 1 rather than from the shipped ones; ABC-SMC draws from the uniform prior
over the ranges as always; and the predictive runs use the same uncalibrated scenario under
each posterior draw. Then the posterior predictive runs forward:
each posterior draw of the training calibration, on ``replicates`` seeds of its own, is run
to the last target's month and every target, training and test alike, is observed through
the observation model. Each run's values (and the monthly series the figures draw) are
written atomically to ``DIR/runs/`` as it finishes, so a resumed validation runs only the
missing draws; ``DIR/predictive.csv`` gathers them, one row per run and one column per
target. The report (``calibration/hindcast_report.py``) compares training and test period
side by side.

Stages and checkpoints: ``DIR/setup.json`` records what the folder validates (the
calibration file's settings, the cut-off and the targets) and a rerun with different ones
is refused (a folder of a version whose training started from the shipped calibration too);
``DIR/state.json`` (:mod:`calibration.checkpoint`) records the finished training
calibration, so a finished stage is not run again; the runs are files. The same command
resumes after an interruption.
"""

from __future__ import annotations

import concurrent.futures as cf
import csv
import dataclasses
import datetime as dt
import functools
import io
import json
import sys
from pathlib import Path

import pandas as pd

from corridors.atomic import write_atomic, write_text_atomic
from scenarios.calendar import month_label
from scenarios.errors import ScenarioError
from scenarios.points import apply_point
from scenarios.scenario import Scenario

from .checkpoint import StageState
from .config import CalibrationConfig, checked_month
from .executor import calibration_executor
from .hindcast_report import write_hindcast_report
from .report import evaluate_draw
from .run import calibrate
from .simulate import seeds_for
from .targets import Target
from .uncalibrated import uncalibrated_scenario

__all__ = [
    "DEFAULT_CUTOFF",
    "PREDICTIVE_SEED_OFFSET",
    "TRAINING_START",
    "check_replicates",
    "fixed_in_hindcast",
    "predictive_seeds",
    "resolve_cutoff",
    "split_targets",
    "training_config",
    "validate",
]

DEFAULT_CUTOFF = "2016-12"
PREDICTIVE_SEED_OFFSET = 101
"""Replicate ``r`` of the posterior predictive draws its seeds from ``root_seed + 101 + r``
(the calibration uses ``root_seed`` to ``root_seed + 2``)."""
MAX_REPLICATES = 100
TRAINING_START = (
    "the scenario without the shipped calibration (declared defaults), observation "
    "parameters 1, uniform prior over the ranges"
)
"""Where the training fit starts, recorded in ``setup.json``: a folder without it was made
by a version that started from the shipped calibration, and is refused."""


def resolve_cutoff(config: CalibrationConfig, cutoff: str | None) -> int:
    """The cut-off month's index: ``--cutoff`` if given, else the file's ``cutoff``, else
    2016-12; it must leave at least one target on each side."""
    raw: object
    if cutoff is not None:
        f, key, raw = "(command line)", "--cutoff", cutoff
        index = checked_month(f, key, cutoff)
    elif config.cutoff is not None:
        f, key, raw = config.source_file, "cutoff", config.raw.get("cutoff")
        index = config.cutoff
    else:
        f, key, raw = "(command line)", "--cutoff", f"{DEFAULT_CUTOFF} (the default)"
        index = checked_month(f, key, DEFAULT_CUTOFF)
    ends = sorted(t.end for t in config.targets)
    if not ends[0] <= index < ends[-1]:
        raise ScenarioError(
            f,
            key,
            raw,
            f"a month from {month_label(ends[0])} (the first target's end) to "
            f"{month_label(ends[-1] - 1)} (before the last target's end, "
            f"{month_label(ends[-1])}), so that some targets are fitted and some tested",
        )
    return index


def check_replicates(replicates: int) -> None:
    """Seeds per posterior draw: 1 to ``MAX_REPLICATES``."""
    if not 1 <= replicates <= MAX_REPLICATES:
        raise ScenarioError(
            "(command line)",
            "--replicates",
            replicates,
            f"a whole number from 1 to {MAX_REPLICATES}",
        )


def split_targets(
    targets: tuple[Target, ...], cutoff: int
) -> tuple[tuple[Target, ...], tuple[Target, ...]]:
    """(training, test): a target is a test figure when its last month is after the cut-off
    (a flow averaged over months on both sides of it is a test figure)."""
    return (
        tuple(t for t in targets if t.end <= cutoff),
        tuple(t for t in targets if t.end > cutoff),
    )


def fixed_in_hindcast(config: CalibrationConfig, scenario: Scenario) -> dict[str, dict]:
    """Per ``[fixed]`` parameter of the configuration: its configured value and the value
    the hindcast runs with, read from the training ``scenario``. A fixed value may itself
    come from a calibration on all the data (the default configuration's are the 2026-11-27
    calibration's), which would carry the test period into the training; so by default the
    hindcast runs them at the uncalibrated scenario's values, and with ``keep_fixed`` of
    :func:`training_config` (values taken from the literature, say) at the configured ones.
    Either way the report lists both."""
    out = {}
    for key, value in config.fixed.items():
        name, _, sub = key.partition(".")
        ran = scenario[name][sub] if sub else scenario[name]
        out[key] = {"configured": float(value), "hindcast": float(ran)}
    return out


def training_config(
    config: CalibrationConfig, cutoff: int, folder: Path, keep_fixed: bool = False
) -> CalibrationConfig:
    """The calibration on the training targets only, its targets file in ``folder``, its
    scenario the uncalibrated one (nothing the shipped calibration learnt from the test
    period) run to the cut-off (the model looks no further ahead than the month it
    simulates, so the training figures come out as from a longer run), its search started
    from that scenario's values and observation parameters of 1. The ``[fixed]`` values
    are applied only with ``keep_fixed`` (:func:`fixed_in_hindcast`)."""
    train, _ = split_targets(config.targets, cutoff)
    label = month_label(cutoff)
    if sum(t.weight for t in train) <= 0:  # nothing to fit: left out, or none that early
        raise ScenarioError(
            config.source_file,
            "cutoff",
            label,
            "a month with a target not left out, of weight above 0, at or before it",
        )
    kept = {t.target_id for t in train}
    left_out = {k: v for k, v in config.left_out.items() if k in kept}
    base = uncalibrated_scenario(config)
    if keep_fixed:
        base = apply_point(base, config.fixed)
    try:
        scenario = base.with_values(end=label)
    except ScenarioError:  # a scenario that cannot stop there runs to its own end
        scenario = base
    raw = {**config.raw, "targets": "targets.csv", "end": label, "cutoff": label}
    if left_out or "leave_out" in raw:  # the test period's left-out ids are not in its file
        raw["leave_out"] = left_out
    return dataclasses.replace(
        config,
        targets=train,
        targets_file=str(folder / "targets.csv"),
        scenario=scenario,
        raw=raw,
        shipped_start=False,
        fixed=config.fixed if keep_fixed else {},
        left_out=left_out,
    )


def _training_targets_csv(config: CalibrationConfig, train: tuple[Target, ...]) -> str:
    """The calibration's targets files, only the training rows (as the user wrote them), in
    one file: every targets file shares the targets format's columns."""
    keep = {t.target_id for t in train}
    rows: list[dict[str, str]] = []
    fields: list[str] = []
    for path in config.targets_files or (config.targets_file,):
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            rows += [r for r in reader if (r.get("target_id") or "").strip() in keep]
            fields = fields or list(reader.fieldnames or [])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def predictive_seeds(root_seed: int, draws: int, replicate: int) -> list[int]:
    """The seeds of replicate ``replicate`` of every draw (a run's seed does not depend on
    how many replicates are asked for, so adding replicates later keeps the runs made)."""
    return seeds_for(root_seed + PREDICTIVE_SEED_OFFSET + replicate, draws)


def _setup(config: CalibrationConfig, cutoff: int, keep_fixed: bool = False) -> dict:
    settings = {k: v for k, v in config.raw.items() if k != "cutoff"}
    kept = {"keep_fixed": True} if keep_fixed else {}  # absent: folders made before the flag
    return json.loads(
        json.dumps(
            {
                "calibration_file": config.source_file,
                "settings": settings,
                "cutoff": month_label(cutoff),
                "targets": [dataclasses.asdict(t) for t in config.targets],
                "training_start": TRAINING_START,
                **kept,
            },
            default=str,
            sort_keys=True,
        )
    )


def _check_setup(out: Path, setup: dict) -> None:
    """Refuse a folder that validates something else (another cut-off, other targets or
    settings): its checkpoints would be mixed with this validation's."""
    path = out / "setup.json"
    if not path.exists():
        write_text_atomic(path, json.dumps(setup, indent=1, sort_keys=True))
        return
    try:
        before = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        before = None

    def canonical(data: object) -> str:
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k != "calibration_file"}
        return json.dumps(data, sort_keys=True, default=str)

    if canonical(before) != canonical(setup):
        was = before.get("cutoff") if isinstance(before, dict) else None
        if isinstance(before, dict) and "training_start" not in before:
            raise ScenarioError(
                "(command line)",
                "--out",
                str(out),
                "a new folder: this one holds a validation made by an earlier version, whose "
                "training fit started from the shipped calibration (fitted to the test period "
                "too), so its numbers are not out of sample",
            )
        raise ScenarioError(
            "(command line)",
            "--out",
            str(out),
            "a new folder, or one holding this same validation (this folder holds a "
            f"validation with cut-off {was} and other targets or settings: give another --out)",
        )


def _say(quiet: bool, text: str) -> None:
    if not quiet:
        print(f"corridors validate: {text}", file=sys.stderr, flush=True)


def _run_file(out: Path, draw: int, replicate: int) -> Path:
    return out / "runs" / f"draw{draw:04d}_rep{replicate:03d}.parquet"


def _run_frame(
    targets: tuple[Target, ...], draw: int, replicate: int, seed: int, result: dict
) -> pd.DataFrame:
    """One run, long: a row per target (its end month) and per series month."""
    rows = [
        ("target", t.target_id, t.end, float(v))
        for t, v in zip(targets, result["values"], strict=True)
    ]
    for name, values in result["series"].items():
        rows += [("series", name, m, float(v)) for m, v in enumerate(values)]
    frame = pd.DataFrame(rows, columns=["kind", "name", "month", "value"])
    return frame.assign(draw=draw, replicate=replicate, seed=seed)


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def _predict(
    config: CalibrationConfig,
    draws: pd.DataFrame,
    replicates: int,
    out: Path,
    executor,
    workers: int,
    quiet: bool,
) -> int:
    """Run every missing (draw, replicate); returns how many ran now."""
    seeds = {r: predictive_seeds(config.root_seed, len(draws), r) for r in range(replicates)}
    todo = [
        (i, r)
        for i in range(len(draws))
        for r in range(replicates)
        if not _run_file(out, i, r).exists()
    ]
    total = len(draws) * replicates
    _say(quiet, f"posterior predictive: {total - len(todo)} of {total} runs done before")
    params = [row.to_dict() for _, row in draws.iterrows()]
    pending: dict[cf.Future, tuple[int, int]] = {}
    queue = list(todo)
    done = 0
    # a bounded window of runs in flight: each result is written as soon as it is known
    while queue or pending:
        while queue and len(pending) < max(2, 2 * workers):
            i, r = queue.pop(0)
            future = executor.submit(evaluate_draw, config, params[i], seeds[r][i])
            pending[future] = (i, r)
        finished, _ = cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)
        for future in finished:
            i, r = pending.pop(future)
            frame = _run_frame(config.targets, i, r, seeds[r][i], future.result())
            write_atomic(_run_file(out, i, r), functools.partial(_write_parquet, frame))
            done += 1
            if not quiet and (done % 10 == 0 or not (queue or pending)):
                _say(quiet, f"  {total - len(todo) + done} of {total} predictive runs")
    return done


def _gather(config: CalibrationConfig, draws: int, replicates: int, out: Path):
    """The predictive table (a row per run, a column per target) and the long series."""
    frames = [
        pd.read_parquet(_run_file(out, i, r)) for i in range(draws) for r in range(replicates)
    ]
    runs = pd.concat(frames, ignore_index=True)
    targets = runs[runs["kind"] == "target"]
    values = targets.pivot(index=["draw", "replicate"], columns="name", values="value")
    seeds = targets.groupby(["draw", "replicate"])["seed"].first()
    ids = [t.target_id for t in config.targets]
    table = values.reindex(columns=ids).assign(seed=seeds).reset_index()
    table = table[["draw", "replicate", "seed", *ids]]
    table.columns.name = None
    series = runs[runs["kind"] == "series"].drop(columns="kind")
    return table, series


def validate(
    config: CalibrationConfig,
    out: Path,
    cutoff: int,
    workers: int = 1,
    quiet: bool = False,
    replicates: int = 1,
    dask_address: str | None = None,
    keep_fixed: bool = False,
) -> dict:
    """Run (or resume) the hindcast into ``out``; returns the report's summary. With
    ``dask_address`` every model run goes to that Dask cluster (the same results as a
    local pool: a run depends only on its parameters and seed). ``keep_fixed``: run the
    configuration's ``[fixed]`` values (default: the uncalibrated scenario's, see
    :func:`fixed_in_hindcast`)."""
    check_replicates(replicates)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _check_setup(out, _setup(config, cutoff, keep_fixed))
    state = StageState(out)
    train_dir = out / "train"
    train_config = training_config(config, cutoff, train_dir, keep_fixed)
    fixed = fixed_in_hindcast(config, train_config.scenario)
    if fixed and not keep_fixed:
        _say(
            quiet,
            f"[fixed] not applied (they may come from a fit to all the data; --keep-fixed "
            f"applies them): {', '.join(f'{k} = {v["hindcast"]:g}' for k, v in fixed.items())}",
        )
    train, test = split_targets(config.targets, cutoff)
    # 1. the calibration on the training targets
    if "train" not in state:
        _say(
            quiet,
            f"cut-off {month_label(cutoff)}: calibrating on {len(train)} targets, "
            f"{len(test)} held out for the test",
        )
        write_text_atomic(train_dir / "targets.csv", _training_targets_csv(config, train))
        summary = calibrate(
            train_config, train_dir, workers=workers, quiet=quiet, dask_address=dask_address
        )
        state["train"] = {
            k: summary[k]
            for k in (
                "averaged_relative_difference",
                "targets",
                "targets_met",
                "model_runs",
                "wall_s",
                "abc",
            )
        }
        state.checkpoint()
    draws_file = train_dir / "posterior_draws.csv"
    if draws_file.exists() and train_config.abc_generations and train_config.abc_population:
        draws = pd.read_csv(draws_file)
    else:  # no ABC stage: the calibrated point is the only draw
        point = json.loads((train_dir / "state.json").read_text())["msm"]["params"]
        draws = pd.DataFrame([point])
    # 2. the posterior predictive, run to the last target's month
    last = max(t.end for t in config.targets)
    forward = dataclasses.replace(
        config, scenario=train_config.scenario.with_values(end=month_label(last))
    )
    executor, close, workers = calibration_executor(workers, dask_address)
    try:
        ran = _predict(forward, draws, replicates, out, executor, workers, quiet)
    finally:
        close()
    _say(quiet, f"{ran} predictive runs made now")
    table, series = _gather(config, len(draws), replicates, out)
    write_atomic(out / "predictive.csv", lambda p: table.to_csv(p, index=False))
    # 3. the report
    summary = write_hindcast_report(
        config,
        out,
        cutoff,
        table,
        series,
        {
            "calibration_file": config.source_file,
            "training_start": TRAINING_START,
            "fixed": fixed,
            "keep_fixed": keep_fixed,
            "draws": len(draws),
            "distinct_draws": len(draws.drop_duplicates()),
            "replicates": replicates,
            "training_calibration": state["train"],
            "predictive_runs": len(table),
            "model_runs": state["train"]["model_runs"] + len(table),
            "wall_s": state.wall_s(),
            "started_utc": state.started_utc,
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    state.checkpoint()
    _say(
        quiet,
        f"done: test-period averaged relative difference "
        f"{summary['test']['averaged_relative_difference']:.3f}, "
        f"{summary['test']['inside_90']} of {summary['test']['figures']} test figures inside "
        f"the 90% interval; report: {out / 'report.md'}",
    )
    return summary
