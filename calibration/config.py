"""Calibration configuration (TOML), validated like scenario files.

name = "default"
targets = "targets.csv"        # relative to this file, or a path; or a list of them
scenario = "baseline"          # whose parameters are fitted
end = "2024-12"                # simulate to here (must cover every target)
people_per_agent = 2000
seeds = 2                      # common random numbers: the same seeds for every candidate
root_seed = 11
[parameters]                   # what is fitted: name or name.KEY = [low, high]
"enforcement_monthly_arrest_probability.MYS" = [0.001, 0.03]
census_coverage = [0.8, 1.6]   # the observation model's parameter (or census_coverage.THA)
[fixed]                        # not fitted: set to these values for every run, and written
decision_rate_per_month = 0.057  # into calibrated_parameters.toml beside the fitted ones
[start]                        # optional: where the MSM search starts, for some fitted names
census_coverage = 1.0          # (default: the scenario's values and the shipped observation
                               # parameters); a staged fit starts where the last stage ended
[leave_out]                    # optional: targets simulated and reported but not fitted,
remittances_MMR_JPN_2015_2016 = "why, in words"  # each with the reason (weight 0)
[msm]
max_evaluations = 150
miss_penalty = 5               # weight of missing the goal (0: minimise the distance only)
band_margin = 0.25             # aim inside the band, this share of its half-width off edges
[abc]
population_size = 100
generations = 5
posterior_draws = 40

``[fixed]`` holds the parameters the targets do not identify (issue 15: "fix, with a
documented value, any parameter the targets do not identify instead of calling it
calibrated"). Their values are part of the configuration, not of whatever calibration was
installed before, so a calibration is reproducible from its file alone, and the installed
point carries them for the baseline to extend.

An optional ``cutoff = "YYYY-MM"`` is read by ``corridors validate`` only (the last month of
the hindcast's training data; its ``--cutoff`` overrides it); ``corridors calibrate`` fits to
every target whatever it says.

``[leave_out]`` takes a target out of what is fitted without deleting it from the shared
targets file: its weight becomes 0 (the distance, the search's objective and the goals'
count ignore it), it is still simulated and stays in the fit report, marked with the reason.
For a figure the model cannot be asked to meet, such as one the sources contradict
(``calibration/flow_fit_dynamics.md``), so the reason travels with every report of the fit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from corridors.batchspec import (
    check_axes,
    check_name,
    checked_range,
    load_named_scenario,
)
from scenarios.calendar import FIRST_MONTH, LAST_MONTH, month_index
from scenarios.errors import ScenarioError
from scenarios.flows import held_out_targets
from scenarios.points import apply_point, swept_declaration
from scenarios.posterior import (
    OBSERVATION_PARAMETERS,
    is_observation,
    observation_parameters,
)
from scenarios.scenario import Scenario
from scenarios.tomlfile import read_toml

from .targets import Target, load_targets

__all__ = [
    "OBSERVATION_PARAMETERS",
    "CalibrationConfig",
    "at_scale",
    "checked_month",
    "is_observation",
    "load_config",
    "observation_values",
]


def observation_values(params: dict) -> dict:
    """The observation parameters among a candidate's fitted values."""
    return {k: v for k, v in params.items() if is_observation(k)}


_TOP = {
    "name",
    "targets",
    "scenario",
    "end",
    "people_per_agent",
    "seeds",
    "root_seed",
    "parameters",
    "msm",
    "abc",
    "cutoff",
    "fixed",
    "start",
    "leave_out",
}


@dataclass(frozen=True)
class CalibrationConfig:
    name: str
    source_file: str
    targets: tuple[Target, ...]
    targets_file: str
    """The (first) targets file; ``targets_files`` lists every one."""
    scenario: Scenario
    names: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    seeds: int
    root_seed: int
    msm_max_evaluations: int
    msm_miss_penalty: float
    msm_band_margin: float
    abc_population: int
    abc_generations: int
    posterior_draws: int
    raw: dict
    cutoff: int | None = None
    """The hindcast's cut-off month (``corridors validate``), if the file gives one."""
    fixed: dict[str, float] = field(default_factory=dict)
    """Parameters held at a documented value (``[fixed]``): already applied to ``scenario``
    and written with the fitted point."""
    targets_files: tuple[str, ...] = ()
    """Every targets file, in the order given (``targets`` may be a list: the level targets
    and the flow targets of issue 14); their targets are concatenated."""
    start: dict[str, float] = field(default_factory=dict)
    """Where the search starts for some fitted names (``[start]``), overriding the
    scenario's values: a fit in stages starts each stage where the last one ended, written
    in its file so it is reproducible from the file alone."""
    shipped_start: bool = True
    """Whether the search starts from the shipped observation parameters (``corridors
    calibrate``: a recalibration goes on from the installed one). False for a hindcast's
    training fit, which must not see what the shipped calibration learnt from the test
    period: the observation parameters then start from 1 (the source counts what the model
    simulates), clipped into their ranges."""
    left_out: dict[str, str] = field(default_factory=dict)
    """Targets not fitted (``[leave_out]``), id -> the reason: in ``targets`` with weight 0,
    so they are simulated and reported but weigh nothing in the distance or the goals."""

    @property
    def fitted_targets(self) -> tuple[Target, ...]:
        """The targets the fit answers to (every target not left out)."""
        return tuple(t for t in self.targets if t.target_id not in self.left_out)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Parameter values from unit-cube coordinates (last axis: parameters, clipped to
        [0, 1]): the MSM simplex and the ABC particles both live in the unit cube."""
        lo, hi = np.array(self.low), np.array(self.high)
        return lo + np.clip(u, 0.0, 1.0) * (hi - lo)

    def params_from_unit(self, u: np.ndarray) -> dict[str, float]:
        """One candidate, ``{name: value}``, from its unit-cube coordinates."""
        return {n: float(v) for n, v in zip(self.names, self.from_unit(u), strict=True)}

    def start_point(self) -> dict:
        """The ``[start]`` values, else the scenario's current values of the fitted names
        (clipped into the ranges); the observation parameters' shipped values, or 1 without
        ``shipped_start``."""
        out = {}
        shipped = observation_parameters() if self.shipped_start else {}
        for name, lo, hi in zip(self.names, self.low, self.high, strict=True):
            if name in self.start:
                value = self.start[name]
            elif is_observation(name):
                value = shipped.get(name, shipped.get(name.partition(".")[0], 1.0))
            else:
                base, _, key = name.partition(".")
                value = self.scenario[base][key] if key else self.scenario[base]
            out[name] = min(max(float(value), lo), hi)
        return out


def _int(f, data, key, default, lo, hi):
    v = data.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ScenarioError(f, key, v, f"a whole number from {lo} to {hi}")
    return v


def _table(f, data, key, keys: set[str]) -> dict:
    """An optional sub-table whose keys are all known (a misspelt key is an error, not a
    silently ignored setting)."""
    table = data.get(key, {})
    if not isinstance(table, dict):
        raise ScenarioError(f, key, table, "a table")
    for k, v in table.items():
        if k not in keys:
            raise ScenarioError(f, f"{key}.{k}", v, f"one of the keys {sorted(keys)}")
    return table


def _float(f, data, key, default, lo, hi):
    v = data.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float) or not lo <= v <= hi:
        raise ScenarioError(f, key, v, f"a number from {lo} to {hi}")
    return float(v)


def checked_month(f: str, key: str, value: object) -> int:
    """A month written "YYYY-MM" inside the model's calendar, as its index."""
    allowed = f'a month written "YYYY-MM", from {FIRST_MONTH} to {LAST_MONTH}'
    try:
        index = month_index(value)  # type: ignore[arg-type]  # anything else: ValueError
    except ValueError:
        raise ScenarioError(f, key, value, allowed) from None
    if not month_index(FIRST_MONTH) <= index <= month_index(LAST_MONTH):
        raise ScenarioError(f, key, value, allowed)
    return index


def _targets_paths(f: str, value: object, folder: Path) -> list[Path]:
    """``targets``: one path or a non-empty list of paths (relative to the config's folder),
    each named once."""
    items = value if isinstance(value, list) else [value]
    allowed = "a path to a targets CSV file, or a non-empty list of them, each named once"
    if not items or len(set(map(str, items))) != len(items):
        raise ScenarioError(f, "targets", value, allowed)
    paths = []
    for item in items:
        if not isinstance(item, str) or not item or "\0" in item:
            raise ScenarioError(f, "targets", value, allowed)
        paths.append(Path(item) if Path(item).is_absolute() else folder / item)
    return paths


def _load_all_targets(f: str, paths: list[Path]) -> list[Target]:
    """The targets of every file, none of them a held-out kind, no id in two files."""
    targets: list[Target] = []
    for tpath in paths:
        targets += load_targets(tpath)
        held_out = held_out_targets(tpath)
        if held_out:  # out-of-sample figures are never fitted (issue 14): see scenarios/flows.py
            raise ScenarioError(
                str(tpath),
                "target_id",
                held_out[0],
                "a target that is not a held-out kind (registrants in a registration or "
                "amnesty window, Malaysia's irregular population, a corridor to Japan after "
                "2016, a return wave): those are kept for out-of-sample checks",
            )
    seen: set[str] = set()
    for t in targets:
        if t.target_id in seen:
            raise ScenarioError(f, "targets", t.target_id, "target ids unique across the files")
        seen.add(t.target_id)
    return targets


def load_config(path: str | Path) -> CalibrationConfig:
    p = Path(path)
    data, f = read_toml(p, "calibration", _TOP)
    config_name = check_name(f, data, p.stem)
    paths = _targets_paths(f, data.get("targets", "targets.csv"), p.parent)
    targets = _load_all_targets(f, paths)
    left_out = _left_out(f, data.get("leave_out", {}), targets, paths)
    targets = [replace(t, weight=0.0) if t.target_id in left_out else t for t in targets]
    scenario = load_named_scenario(f, "scenario", data.get("scenario", "baseline"), p.parent)
    settings = {k: data[k] for k in ("end", "people_per_agent") if k in data}
    try:
        scenario = scenario.with_values(**settings)
    except ScenarioError as exc:
        raise ScenarioError(f, exc.key.split(".")[-1], exc.value, exc.allowed) from None
    last = max(t.end for t in targets)
    if scenario.end < last:
        raise ScenarioError(f, "end", data.get("end"), "a month at or after the last target's")
    params = data.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ScenarioError(f, "parameters", params, "a table of name = [low, high]")
    check_axes(f, "parameters", list(params))
    names, lows, highs = [], [], []
    for name, rng in params.items():
        if is_observation(name):
            base, _, key = name.partition(".")
            if key and key not in scenario.world.destinations:
                raise ScenarioError(
                    f, f"parameters.{name}", key, f"one of {', '.join(scenario.world.destinations)}"
                )
            lo_ok, hi_ok = OBSERVATION_PARAMETERS[base]
        else:
            decl = swept_declaration(f, name, scenario)
            lo_ok, hi_ok = decl.bounds()
        lo, hi = checked_range(f, f"parameters.{name}", rng, lo_ok, hi_ok, f"[{lo_ok}, {hi_ok}]")
        names.append(name)
        lows.append(lo)
        highs.append(hi)
    fixed = _fixed_values(f, data.get("fixed", {}), scenario, names)
    scenario = apply_point(scenario, fixed)
    msm = _table(f, data, "msm", {"max_evaluations", "miss_penalty", "band_margin"})
    abc = _table(f, data, "abc", {"population_size", "generations", "posterior_draws"})
    return CalibrationConfig(
        name=config_name,
        source_file=f,
        targets=tuple(targets),
        targets_file=str(paths[0]),
        scenario=scenario,
        names=tuple(names),
        low=tuple(lows),
        high=tuple(highs),
        seeds=_int(f, data, "seeds", 2, 1, 100),
        root_seed=_int(f, data, "root_seed", 0, 0, 2**31),
        msm_max_evaluations=_int(f, msm, "max_evaluations", 150, 0, 100_000),
        msm_miss_penalty=_float(f, msm, "miss_penalty", 0.0, 0.0, 1000.0),
        msm_band_margin=_float(f, msm, "band_margin", 0.0, 0.0, 0.9),
        abc_population=_int(f, abc, "population_size", 100, 0, 100_000),
        abc_generations=_int(f, abc, "generations", 5, 0, 100),
        posterior_draws=_int(f, abc, "posterior_draws", 40, 1, 10_000),
        raw=data,
        cutoff=checked_month(f, "cutoff", data["cutoff"]) if "cutoff" in data else None,
        targets_files=tuple(str(t) for t in paths),
        fixed=fixed,
        start=_start_values(f, data.get("start", {}), names, lows, highs),
        left_out=left_out,
    )


def at_scale(config: CalibrationConfig, people_per_agent: float) -> CalibrationConfig:
    """``config`` as if its file said ``people_per_agent = N`` (a command's
    ``--people-per-agent``): the runs' scale and the kept ``raw``, so a resumed or installed
    run is recognised only with the same scale. Why: at the default file's 1,000 people per
    agent a small flow is a handful of agents (Malaysia's deportations in 2017: about 3 a
    month), so its simulated value is mostly the noise of counting so few; a finer scale
    costs little more per run (1.4 s at 1,000, 1.6 s at 250 on this machine). Bad values are
    a ScenarioError naming the option and the range the scenario allows."""
    try:
        scenario = config.scenario.with_values(people_per_agent=people_per_agent)
    except ScenarioError as exc:
        raise ScenarioError(
            "(command line)", "--people-per-agent", people_per_agent, exc.allowed
        ) from None
    raw = {**config.raw, "people_per_agent": people_per_agent}
    return replace(config, scenario=scenario, raw=raw)


def _left_out(f: str, table: object, targets: list[Target], files: list[Path]) -> dict[str, str]:
    """``[leave_out]``: ``target_id`` = the reason (a non-empty string), each id one of the
    targets files' and some weight left to fit."""
    if not isinstance(table, dict):
        raise ScenarioError(f, "leave_out", table, 'a table of target_id = "the reason"')
    ids = [t.target_id for t in targets]
    names = ", ".join(p.name for p in files)
    for target_id, reason in table.items():
        if target_id not in ids:
            close = difflib.get_close_matches(target_id, ids, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ScenarioError(
                f, f"leave_out.{target_id}", target_id, f"the id of a target in {names}{hint}"
            )
        if not isinstance(reason, str) or not reason.strip():
            raise ScenarioError(
                f, f"leave_out.{target_id}", reason, "the reason, as a non-empty string"
            )
    if sum(t.weight for t in targets if t.target_id not in table) <= 0:
        raise ScenarioError(
            f,
            "leave_out",
            sorted(table),
            f"ids that leave some target of {names} with a weight above 0 to fit",
        )
    return {k: v.strip() for k, v in table.items()}


def _start_values(f: str, table: object, names: list, lows: list, highs: list) -> dict:
    """``[start]``: ``name`` = a number inside that fitted parameter's range in
    ``[parameters]`` (spelt as there)."""
    if not isinstance(table, dict):
        raise ScenarioError(f, "start", table, "a table of name = value")
    out = {}
    for name, value in table.items():
        if name not in names:
            raise ScenarioError(
                f,
                f"start.{name}",
                value,
                "a name fitted in [parameters], spelt as there (quote a name with a dot: "
                f'"corridor_constant.MMR-MYS" = 0.5): {", ".join(names)}',
            )
        lo, hi = lows[names.index(name)], highs[names.index(name)]
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ScenarioError(f, f"start.{name}", value, f"a number from {lo} to {hi}")
        out[name] = float(value)
    return out


def _fixed_values(f: str, table: object, scenario: Scenario, fitted: list[str]) -> dict:
    """``[fixed]``: ``name`` or ``name.KEY`` = a number inside the declaration's range, none
    of them also fitted."""
    if not isinstance(table, dict):
        raise ScenarioError(f, "fixed", table, "a table of name = value")
    check_axes(f, "fixed", list(table))
    check_axes(f, "fixed", [*table, *fitted])  # a value both fixed and fitted, in part
    out = {}
    for name, value in table.items():
        if name in fitted:
            raise ScenarioError(
                f, f"fixed.{name}", value, "a parameter not also fitted in [parameters]"
            )
        if is_observation(name):
            raise ScenarioError(
                f, f"fixed.{name}", value, "a model parameter (observation parameters are fitted)"
            )
        try:
            lo, hi = swept_declaration(f, name, scenario).bounds()
        except ScenarioError as exc:  # named as this table's key, not a sweep's
            raise ScenarioError(f, f"fixed.{name}", exc.value, exc.allowed) from None
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise ScenarioError(f, f"fixed.{name}", value, f"a number from {lo} to {hi}")
        out[name] = float(value)
    return out
