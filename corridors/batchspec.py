"""Batch definitions: scenarios x sweep points x replicates, read from TOML and validated.

    name = "fees_and_enforcement"
    scenarios = ["baseline", "crackdown", "my_scenario.toml"]
    replicates = 5
    root_seed = 2024

    [settings]                 # applied to every run
    end = "2030-12"
    people_per_agent = 1000

    [sweep]                    # optional
    method = "grid"            # grid | latin_hypercube | sobol
    samples = 16               # latin_hypercube and sobol (sobol: a power of two)
    seed = 1                   # of the sampler
    [sweep.values]             # grid: the values of each swept quantity
    recruitment_fee_cap_usd = [0, 500, 5000]
    "enforcement_monthly_arrest_probability.MYS" = [0.004, 0.012]
    [sweep.ranges]             # latin_hypercube / sobol: [min, max] of each
    nest_scale = [0.3, 0.9]

``parameter_uncertainty = true`` makes replicate r also take posterior draw r of the shipped
calibration (``scenarios/data/calibrated/posterior_draws.csv``), so the spread across
replicates holds parameter uncertainty as well as chance.

A swept name is any numeric lever, driver or parameter; ``name.KEY`` sweeps one country or
corridor and leaves the others as the scenario sets them. Replicate seeds come from
``numpy.random.SeedSequence(root_seed).spawn(replicates)`` and are shared by every scenario and
sweep point (common random numbers), so differences between scenarios are not seed noise.

The number of runs is counted before anything is expanded and refused above ``--max-runs``;
a grid's points and the batch's tasks are then computed on demand (:class:`GridPoints`,
:class:`Tasks`), in the order and with the run ids and seeds a list would have, so memory
does not grow with the size of the batch. Its ``batch.json`` still lists every task (it is
what a rerun and ``corridors compare`` check a folder against): written as it is encoded,
it costs disk, about 280 bytes a run, and time, not memory.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from scenarios.errors import ScenarioError
from scenarios.extends import is_preset_reference
from scenarios.points import apply_point, swept_declaration
from scenarios.posterior import POSTERIOR_DRAWS, apply_draw, load_draws
from scenarios.registry import SECTION_OF
from scenarios.scenario import Scenario, load_scenario
from scenarios.tomlfile import read_toml

__all__ = [
    "DEFAULT_MAX_RUNS",
    "BatchSpec",
    "GridPoints",
    "Task",
    "Tasks",
    "check_axes",
    "check_run_count",
    "load_batch",
    "load_named_scenario",
    "replicate_seeds",
    "run_settings",
]

_TOP = {
    "name",
    "description",
    "scenarios",
    "replicates",
    "root_seed",
    "settings",
    "sweep",
    "parameter_uncertainty",
}
_SWEEP = {"method", "samples", "seed", "values", "ranges"}
_SWEEP_KEYS = {
    "grid": {"method", "values"},
    "latin_hypercube": {"method", "samples", "seed", "ranges"},
    "sobol": {"method", "samples", "seed", "ranges"},
}
_METHODS = ("grid", "latin_hypercube", "sobol")
DEFAULT_MAX_RUNS = 10_000
"""Most runs a batch or sensitivity analysis starts unless ``--max-runs`` says more: a typo
in a grid (one more axis, a zero too many) asks for millions of runs."""


@dataclass(frozen=True)
class Task:
    """One run: a scenario (with a sweep point applied) and a replicate seed."""

    run_id: str
    scenario_label: str
    point: int
    replicate: int
    seed: int
    overrides: dict = field(default_factory=dict)  # sweep values (name or name.KEY -> value)


@dataclass(frozen=True)
class BatchSpec:
    name: str
    description: str
    source_file: str
    scenarios: tuple[Scenario, ...]
    scenario_labels: tuple[str, ...]
    replicates: int
    root_seed: int
    points: Sequence[dict]  # sweep points (one empty dict without a sweep; a grid's lazily)
    sweep_method: str
    raw: dict
    parameter_uncertainty: bool = False  # replicate r also takes posterior draw r

    def tasks(self) -> Tasks:
        """Every run of the batch, in order: scenarios, then sweep points, then replicates.
        A sequence computed on demand (its length, any task by index, or one after another),
        so a grid of any size costs no memory until its runs are dispatched."""
        return Tasks(self)

    def scenario_for(self, task: Task) -> Scenario:
        """The scenario of one run: the posterior draw first (where the scenario keeps the
        calibrated value), then the sweep point, so a value the batch sets explicitly wins
        over a draw, as in searches and the EMA adapter."""
        scenario = self.scenarios[self.scenario_labels.index(task.scenario_label)]
        if self.parameter_uncertainty:
            draws = load_draws()
            if draws is None:  # checked when the batch was loaded; gone since
                raise FileNotFoundError(f"posterior draws are missing: {POSTERIOR_DRAWS}")
            scenario = apply_draw(scenario, draws, task.replicate)
        return apply_point(scenario, task.overrides).with_values(seed=task.seed)


class _Computed(Sequence):
    """A sequence whose items are computed from their position (``_at``) when asked."""

    def _at(self, i: int):
        raise NotImplementedError

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self._at(i) for i in range(*index.indices(len(self)))]
        n = len(self)
        i = index + n if index < 0 else index
        if not 0 <= i < n:
            raise IndexError(index)
        return self._at(i)


class Tasks(_Computed):
    """The tasks of a :class:`BatchSpec` (see :meth:`BatchSpec.tasks`): task ``i`` is
    scenario ``i // (points x replicates)``, point and replicate from the remainder, the
    order of ``itertools.product(scenarios, points, replicates)``."""

    def __init__(self, spec: BatchSpec) -> None:
        self.spec = spec
        self.seeds = replicate_seeds(spec.root_seed, spec.replicates)
        self.digests = [s.digest() for s in spec.scenarios]
        self.per_scenario = len(spec.points) * len(self.seeds)

    def __len__(self) -> int:
        return len(self.digests) * self.per_scenario

    def _at(self, i: int) -> Task:
        s, rest = divmod(i, self.per_scenario)
        p, r = divmod(rest, len(self.seeds))
        return self._task(s, p, self.spec.points[p], r)

    def __iter__(self) -> Iterator[Task]:
        for s in range(len(self.digests)):
            for p, point in enumerate(self.spec.points):
                for r in range(len(self.seeds)):
                    yield self._task(s, p, point, r)

    def _task(self, s: int, p: int, point: dict, r: int) -> Task:
        seed = self.seeds[r]
        label = self.spec.scenario_labels[s]
        ident = json.dumps(
            [self.digests[s], point, seed, self.spec.parameter_uncertainty and r], sort_keys=True
        )
        run_id = f"{label}-p{p:04d}-r{r:03d}-" + hashlib.sha256(ident.encode()).hexdigest()[:8]
        return Task(run_id, label, p, r, seed, dict(point))


class GridPoints(_Computed):
    """The points of a grid sweep in ``itertools.product`` order (the last axis varies
    fastest), computed on demand: a grid of 10^8 points is a few lists of values."""

    def __init__(self, axes: list[tuple[str, list]]) -> None:
        self.axes = tuple((key, tuple(values)) for key, values in axes)

    def __len__(self) -> int:
        return math.prod(len(values) for _, values in self.axes)

    def _at(self, i: int) -> dict:
        picks = []
        for _, values in reversed(self.axes):
            i, k = divmod(i, len(values))
            picks.append(values[k])
        return {key: v for (key, _), v in zip(self.axes, reversed(picks), strict=True)}

    def __iter__(self) -> Iterator[dict]:
        keys = [key for key, _ in self.axes]
        for combo in itertools.product(*(values for _, values in self.axes)):
            yield dict(zip(keys, combo, strict=True))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, GridPoints):
            return self.axes == other.axes
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"GridPoints({len(self)} points over {[key for key, _ in self.axes]})"


def replicate_seeds(root_seed: int, n: int) -> list[int]:
    return [
        int(s.generate_state(1, np.uint64)[0] >> 1)
        for s in np.random.SeedSequence(root_seed).spawn(n)
    ]


def run_settings(f: str, data: dict) -> dict:
    """The ``[settings]`` table of a batch or sensitivity file: run length and scale only
    (every run's seed comes from ``root_seed``)."""
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ScenarioError(f, "settings", settings, "a table of run settings")
    for key in settings:
        if key == "seed" or SECTION_OF.get(key) != "settings":
            raise ScenarioError(
                f,
                f"settings.{key}",
                settings[key],
                "end or people_per_agent (seeds come from root_seed)",
            )
    return settings


def check_run_count(f: str, runs: int, max_runs: int, what: str) -> None:
    """Refuse more than ``max_runs`` runs, counted before anything is expanded."""
    if runs > max_runs:
        raise ScenarioError(
            f,
            "(runs)",
            runs,
            f"at most {max_runs:,} runs ({what}); raise the limit with "
            "--max-runs if this many are meant",
        )


def check_axes(f: str, section: str, keys: list[str]) -> None:
    """Swept (or fitted) names must not overlap: ``name`` with ``name.KEY`` would set the
    same value twice, and which one wins depends on the order of the file."""
    whole = {k for k in keys if "." not in k}
    for key in keys:
        name = key.partition(".")[0]
        if "." in key and name in whole:
            raise ScenarioError(
                f,
                f"{section}.{key}",
                key,
                f"not together with {section}.{name}, which sets every "
                f"country of {name} already: keep one of the two",
            )


def check_name(f: str, data: dict, default: str) -> str:
    for key in ("name", "description"):
        if key in data and not isinstance(data[key], str):
            raise ScenarioError(f, key, data[key], "a string")
    return data.get("name", default)


def load_named_scenario(f: str, key: str, ref: object, folder: Path) -> Scenario:
    """A scenario named in an input file: a preset name, or a path relative to the folder of
    that file (``f``)."""
    if not isinstance(ref, str) or not ref or "\0" in ref:
        raise ScenarioError(f, key, ref, "a shipped preset name or a scenario .toml path")
    try:
        return load_scenario(ref if is_preset_reference(ref) else folder / ref)
    except ScenarioError as exc:
        if exc.key == "(file)":
            raise ScenarioError(
                f,
                key,
                ref,
                "a shipped preset name or an existing scenario "
                "TOML file (a path ends in .toml or names a folder, relative "
                "to this file)",
            ) from None
        raise


def load_batch(path: str | Path, max_runs: int = DEFAULT_MAX_RUNS) -> BatchSpec:
    p = Path(path)
    data, f = read_toml(p, "batch", _TOP)
    name = check_name(f, data, p.stem)
    names = data.get("scenarios", ["baseline"])
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ScenarioError(
            f, "scenarios", names, "a non-empty list of preset names or scenario TOML paths"
        )
    if len(set(names)) != len(names):
        raise ScenarioError(f, "scenarios", names, "distinct scenarios")
    replicates = data.get("replicates", 1)
    if (
        isinstance(replicates, bool)
        or not isinstance(replicates, int)
        or not (1 <= replicates <= 10_000)
    ):
        raise ScenarioError(f, "replicates", replicates, "a whole number from 1 to 10000")
    root_seed = data.get("root_seed", 0)
    if isinstance(root_seed, bool) or not isinstance(root_seed, int) or root_seed < 0:
        raise ScenarioError(f, "root_seed", root_seed, "a whole number >= 0")
    settings = run_settings(f, data)
    uncertainty = data.get("parameter_uncertainty", False)
    if not isinstance(uncertainty, bool):
        raise ScenarioError(f, "parameter_uncertainty", uncertainty, "true or false")
    check_run_count(
        f,
        len(names) * _count_points(f, data.get("sweep")) * replicates,
        max_runs,
        "scenarios x sweep points x replicates",
    )
    scenarios, labels = [], []
    for i, n in enumerate(names):
        s = load_named_scenario(f, f"scenarios[{i}]", n, p.parent)
        try:
            s = s.with_values(**settings) if settings else s
        except ScenarioError as exc:
            raise ScenarioError(
                f, f"settings.{exc.key.split('.')[-1]}", exc.value, exc.allowed
            ) from None
        scenarios.append(s)
        label = Path(n).stem
        k = 2
        while label in labels:  # two files with the same name in different folders
            label = f"{Path(n).stem}-{k}"
            k += 1
        labels.append(label)
    if uncertainty:
        if not POSTERIOR_DRAWS.is_file():
            raise ScenarioError(
                f,
                "parameter_uncertainty",
                True,
                f"false: no posterior draws are shipped ({POSTERIOR_DRAWS})",
            )
    method, points = _sweep_points(f, data.get("sweep"), scenarios[0])
    for s in scenarios:  # every point must be valid for every scenario
        for point in (points[0], points[-1]):
            try:
                apply_point(s, point)
            except ScenarioError as exc:
                raise ScenarioError(f, "sweep", point, exc.allowed) from None
    return BatchSpec(
        name=name,
        description=data.get("description", ""),
        source_file=f,
        scenarios=tuple(scenarios),
        scenario_labels=tuple(labels),
        replicates=replicates,
        root_seed=root_seed,
        points=points if isinstance(points, GridPoints) else tuple(points),
        sweep_method=method,
        raw=data,
        parameter_uncertainty=uncertainty,
    )


def checked_range(
    f: str, key: str, rng: Any, lo: float, hi: float, allowed: str
) -> tuple[float, float]:
    """``[min, max]`` with min < max inside [lo, hi], as floats; else a ScenarioError naming
    the key (shared by batch sweeps, sensitivity ranges and calibration parameters)."""
    if (
        not isinstance(rng, list)
        or len(rng) != 2
        or not all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)
        or not lo <= rng[0] < rng[1] <= hi
    ):
        raise ScenarioError(f, key, rng, f"[min, max] with min < max inside {allowed}")
    return float(rng[0]), float(rng[1])


def _count_points(f: str, sweep: Any) -> int:
    """The number of sweep points, checked for shape but not expanded (a grid's points are
    the product of its axes' lengths)."""
    if sweep is None:
        return 1
    if not isinstance(sweep, dict):
        raise ScenarioError(f, "sweep", sweep, "a table")
    for key in sweep:
        if key not in _SWEEP:
            raise ScenarioError(f, f"sweep.{key}", sweep[key], f"one of {sorted(_SWEEP)}")
    method = sweep.get("method", "grid")
    if method not in _METHODS:
        raise ScenarioError(f, "sweep.method", method, f"one of {list(_METHODS)}")
    for key in sweep:
        if key not in _SWEEP_KEYS[method]:
            raise ScenarioError(
                f,
                f"sweep.{key}",
                sweep[key],
                f"not used by method {method!r}, which takes {sorted(_SWEEP_KEYS[method])}",
            )
    if method == "grid":
        values = sweep.get("values")
        if not isinstance(values, dict) or not values:
            raise ScenarioError(
                f,
                "sweep.values",
                values,
                "a table of swept names, each with a non-empty list of values",
            )
        count = 1
        for key, vals in values.items():
            if not isinstance(vals, list) or not vals:
                raise ScenarioError(f, f"sweep.values.{key}", vals, "a non-empty list of values")
            count *= len(vals)
        return count
    samples = sweep.get("samples", 16)
    if isinstance(samples, bool) or not isinstance(samples, int) or not 1 <= samples <= 100_000:
        raise ScenarioError(f, "sweep.samples", samples, "a whole number from 1 to 100000")
    if method == "sobol" and samples & (samples - 1):
        raise ScenarioError(f, "sweep.samples", samples, "a power of two for a Sobol sample")
    seed = sweep.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ScenarioError(f, "sweep.seed", seed, "a whole number from 0 to 2**63 - 1")
    return samples


def _sweep_points(f: str, sweep: Any, scenario: Scenario) -> tuple[str, Sequence[dict]]:
    """The sweep's points (its shape and size were checked by :func:`_count_points`); a
    grid's are not expanded (:class:`GridPoints`)."""
    if sweep is None:
        return "none", [{}]
    method = sweep.get("method", "grid")
    if method == "grid":
        values = sweep.get("values")
        if not isinstance(values, dict) or not values:
            raise ScenarioError(
                f,
                "sweep.values",
                values,
                "a table of swept names, each with a non-empty list of values",
            )
        check_axes(f, "sweep.values", list(values))
        axes = []
        for key, vals in values.items():
            decl = swept_declaration(f, key, scenario)
            if not isinstance(vals, list) or not vals:
                raise ScenarioError(f, f"sweep.values.{key}", vals, "a non-empty list of values")
            for v in vals:
                if (
                    isinstance(v, bool)
                    or not isinstance(v, int | float)
                    or not (decl.bounds()[0] <= v <= decl.bounds()[1])
                    or (decl.kind == "int" and not float(v).is_integer())
                ):
                    raise ScenarioError(f, f"sweep.values.{key}", v, decl.allowed())
            axes.append((key, vals))
        return method, GridPoints(axes)
    ranges = sweep.get("ranges")
    if not isinstance(ranges, dict) or not ranges:
        raise ScenarioError(
            f, "sweep.ranges", ranges, "a table of swept names, each with [min, max]"
        )
    check_axes(f, "sweep.ranges", list(ranges))
    bounds = []
    for key, rng in ranges.items():
        decl = swept_declaration(f, key, scenario)
        lo, hi = checked_range(f, f"sweep.ranges.{key}", rng, *decl.bounds(), decl.allowed())
        bounds.append((key, lo, hi, decl.kind))
    samples = sweep.get("samples", 16)
    seed = sweep.get("seed", 0)
    from scipy.stats import qmc

    d = len(bounds)
    sampler = (
        qmc.LatinHypercube(d=d, rng=seed)
        if method == "latin_hypercube"
        else qmc.Sobol(d=d, scramble=True, rng=seed)
    )
    unit = sampler.random(samples)
    scaled = qmc.scale(unit, np.array([b[1] for b in bounds]), np.array([b[2] for b in bounds]))
    points = []
    for row in scaled:
        point = {}
        for (key, _, _, kind), v in zip(bounds, row, strict=True):
            point[key] = round(float(v)) if kind == "int" else float(v)
        points.append(point)
    return method, points
