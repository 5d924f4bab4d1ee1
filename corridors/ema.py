"""The model as an EMA Workbench ``Model``: exploratory modelling, scenario discovery (PRIM)
and robust search with EMA's own tools, on the real simulation.

::

    from ema_workbench import perform_experiments
    from corridors.ema import corridors_model

    model = corridors_model(
        "crackdown",
        uncertainties=["beta_arrest_risk", "labour_demand_factor.MYS"],
        levers=["enforcement_monthly_arrest_probability.MYS", "border_control"],
        posterior_draw=True,
        people_per_agent=20000,
        end="2014-12",
    )
    experiments, outcomes = perform_experiments(model, scenarios=50, policies=4)

Names are those of the declarations (``scenarios/levers.py``, ``drivers.py``,
``parameters.py``), optionally one country or corridor of a scoped value (``name.KEY``, as in
batch sweeps); a scoped name without a key sets every country or corridor to one value.
EMA wants Python identifiers, so ``name.KEY`` appears in EMA as ``name__KEY`` (a ``-`` in a
corridor becomes ``_``: ``corridor_constant__VNM_MYS``); :func:`ema_name` gives the spelling.
Ranges are the declared ones unless ``ranges`` narrows them (inside the declared range).

Uncertainties are drivers and behavioural parameters, plus two optional integer indices:
``posterior_draw`` (a row of the shipped posterior draws, applied first, so a parameter named
explicitly wins over the draw's value) and ``replicate`` (which of ``replicates`` seeds, as a
batch derives them from ``root_seed``); at least one uncertainty is required (EMA Workbench
3.0 cannot run a model without one). Levers are the declared levers (booleans become EMA
``BooleanParameter``). Outcomes are the headline indicators (``simulation/measures.py``,
direction of improvement as EMA's MINIMIZE or MAXIMIZE) and any declared measure in one year,
written ``measure_YEAR`` or ``measure_CHANNEL_YEAR`` (``stock_irregular_2014``: the irregular
stock at the end of 2014; ``deportations_2013``: deportations during 2013).

Why a callable object (:class:`CorridorsRun`) rather than a closure: EMA's
``MultiprocessingEvaluator`` pickles the model into its worker processes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from scenarios.declarations import Declaration
from scenarios.errors import ScenarioError
from scenarios.points import apply_point
from scenarios.posterior import POSTERIOR_DRAWS, apply_draw, load_draws
from scenarios.registry import DECLARATIONS, SECTION_OF
from scenarios.scenario import Scenario, load_scenario
from simulation.measures import CHANNEL_NAMES, FLOW_MEASURES, HEADLINE, STOCK_MEASURES
from simulation.metrics import headline_per_run, yearly

from .batchspec import replicate_seeds

__all__ = [
    "CorridorsRun",
    "MeasureOutcome",
    "corridors_model",
    "ema_name",
    "outcome_frame",
    "outcome_names",
    "run_outcomes",
]

WHERE = "corridors.ema"
"""The 'file' an error names: the arguments of :func:`corridors_model`."""
POSTERIOR_DRAW = "posterior_draw"
REPLICATE = "replicate"
_HEADLINE = {i.name: i for i in HEADLINE}
_CORRIDOR_MEASURES = (*FLOW_MEASURES, *STOCK_MEASURES)


def ema_name(key: str) -> str:
    """The Python identifier EMA shows for a declared name or ``name.KEY``
    (``border_control.SGP`` -> ``border_control__SGP``, ``corridor_constant.VNM-MYS`` ->
    ``corridor_constant__VNM_MYS``)."""
    return key.replace(".", "__").replace("-", "_")


@dataclass(frozen=True)
class MeasureOutcome:
    """A declared measure in one calendar year, summed over every corridor: a flow over the
    year, a stock at the end of its December (or of the run's last month); one channel row or
    both."""

    measure: str
    year: int
    channel: str | None = None

    @property
    def name(self) -> str:
        """The outcome's name in EMA: ``measure[_CHANNEL]_YEAR``."""
        middle = f"_{self.channel}" if self.channel else ""
        return f"{self.measure}{middle}_{self.year}"

    def value(self, annual: pd.DataFrame) -> float:
        """This outcome from one run's :func:`~simulation.metrics.yearly` table."""
        rows = annual[(annual["measure"] == self.measure) & (annual["year"] == self.year)]
        if self.channel is not None:
            rows = rows[rows["channel"] == self.channel]
        return float(rows["value"].sum())


def _measure_outcome(name: str, last_year: int) -> MeasureOutcome | None:
    """``name`` read as ``measure[_CHANNEL]_YEAR``, or None when it is not of that form."""
    match = re.fullmatch(r"(.+)_(\d{4})", name)
    if match is None:
        return None
    head, year = match.group(1), int(match.group(2))
    channel = None
    for c in CHANNEL_NAMES:
        if head.endswith(f"_{c}") and head not in _CORRIDOR_MEASURES:
            head, channel = head[: -len(c) - 1], c
    if head not in _CORRIDOR_MEASURES:
        return None
    if not 2010 <= year <= last_year:
        raise ScenarioError(
            WHERE,
            "outcomes",
            name,
            f"a year from 2010 to {last_year} (the run ends in {last_year})",
        )
    return MeasureOutcome(head, year, channel)


def outcome_names(last_year: int = 2035) -> str:
    """What ``outcomes`` may name, in words, for error messages and help."""
    return (
        f"a headline indicator ({', '.join(_HEADLINE)}) or a measure in a year, "
        f"measure_YEAR or measure_regular_YEAR / measure_irregular_YEAR, year 2010-{last_year}"
        f" (measures: {', '.join(_CORRIDOR_MEASURES)})"
    )


def run_outcomes(scenario: Scenario, outcomes: Sequence[str | MeasureOutcome]) -> dict[str, float]:
    """Run ``scenario`` (the real simulation, its own seed) and return the named outcomes:
    headline indicators computed as ``corridors compare`` computes them (from the yearly
    table), measures in a year as :class:`MeasureOutcome` says."""
    from simulation.run import run_scenario  # the model is imported by the worker that runs

    table = run_scenario(scenario).table
    table = table[table["measure"].isin(_CORRIDOR_MEASURES)]
    table = table.astype(
        {k: str for k in ("month", "origin", "destination", "channel", "measure")}
    ).assign(run=0)
    annual = yearly(table, ["run"])
    headline = headline_per_run(annual, ["run"]).iloc[0]
    out: dict[str, float] = {}
    for o in outcomes:
        if isinstance(o, MeasureOutcome):
            out[o.name] = o.value(annual)
        else:
            out[o] = float(headline[o])
    return out


@dataclass(frozen=True)
class CorridorsRun:
    """The function EMA calls for one experiment: keyword arguments named as EMA names the
    uncertainties and levers; returns the outcomes by name. Picklable (it holds a validated
    scenario and plain data), so EMA's multiprocessing evaluator can send it to workers."""

    base: Scenario
    keys: Mapping[str, str]
    """EMA name -> declared name or ``name.KEY``."""
    kinds: Mapping[str, str]
    """EMA name -> declared kind (``int`` values are rounded, ``bool`` ones made bool)."""
    outcomes: tuple[str | MeasureOutcome, ...]
    seeds: tuple[int, ...] = ()
    """Seeds ``replicate`` indexes (empty: every run uses the base scenario's seed)."""
    draws: pd.DataFrame | None = None
    """The posterior draws ``posterior_draw`` indexes (None: no such uncertainty)."""

    def scenario(self, **values: Any) -> Scenario:
        """The scenario of one experiment: the base, then the posterior draw, then the named
        values, then the replicate's seed."""
        unknown = set(values) - set(self.keys) - {POSTERIOR_DRAW, REPLICATE}
        if unknown:
            raise ScenarioError(
                WHERE, "experiment", sorted(unknown)[0], f"one of {sorted(self.keys)}"
            )
        scenario = self.base
        if POSTERIOR_DRAW in values and self.draws is not None:
            scenario = apply_draw(scenario, self.draws, int(values[POSTERIOR_DRAW]))
        point = {
            self.keys[k]: _typed(v, self.kinds[k]) for k, v in values.items() if k in self.keys
        }
        scenario = apply_point(scenario, point)
        if REPLICATE in values and self.seeds:
            scenario = scenario.with_values(seed=self.seeds[int(values[REPLICATE])])
        return scenario

    def __call__(self, **values: Any) -> dict[str, float]:
        return run_outcomes(self.scenario(**values), self.outcomes)


def _typed(value: Any, kind: str) -> Any:
    if kind == "int":
        return round(float(value))
    if kind == "bool":
        return bool(value)
    return float(value)


def _declaration(key: str, sections: tuple[str, ...], scenario: Scenario) -> Declaration:
    """The declaration ``key`` varies, checked: declared, in one of ``sections``, numeric or
    boolean, and for ``name.KEY`` a key of that scoped value."""
    what = " or ".join(sections)
    name, _, sub = key.partition(".")
    decl = DECLARATIONS.get(name)
    if decl is None or SECTION_OF[name] not in sections or decl.kind == "months":
        choices = sorted(
            d.name
            for d in DECLARATIONS.values()
            if SECTION_OF[d.name] in sections and d.kind != "months"
        )
        raise ScenarioError(
            WHERE,
            what,
            key,
            f"a declared numeric or true/false name of the {what} (optionally name.KEY): "
            + ", ".join(choices),
        )
    if sub and (decl.scope == "global" or sub not in scenario.values[name]):
        allowed = list(scenario.values[name]) if decl.scope != "global" else []
        raise ScenarioError(
            WHERE, f"{what}.{key}", sub, f"a key of this {decl.scope}-level value: {allowed}"
        )
    return decl


def _bounds(key: str, decl: Declaration, ranges: Mapping[str, Sequence[float]]) -> tuple:
    lo, hi = decl.bounds()
    if key not in ranges:
        return lo, hi
    given = ranges[key]
    ok = (
        isinstance(given, list | tuple)
        and len(given) == 2
        and all(isinstance(x, int | float) and not isinstance(x, bool) for x in given)
        and lo <= given[0] < given[1] <= hi
    )
    if not ok:
        raise ScenarioError(
            WHERE, f"ranges.{key}", given, f"[min, max] with min < max inside {decl.allowed()}"
        )
    return given[0], given[1]


def _ema():
    """EMA Workbench, imported when a model is built (importing it costs a second and warns
    about its optional ipyparallel; plain runs of the simulation need neither)."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        import ema_workbench
    return ema_workbench


def _parameter(key: str, decl: Declaration, ranges: Mapping[str, Sequence[float]]):
    ema = _ema()
    if decl.kind == "bool":
        return ema.BooleanParameter(ema_name(key))
    lo, hi = _bounds(key, decl, ranges)
    if decl.kind == "int":
        return ema.IntegerParameter(ema_name(key), int(lo), int(hi))
    return ema.RealParameter(ema_name(key), float(lo), float(hi))


def _outcome(name: str, last_year: int):
    ema = _ema()
    if name in _HEADLINE:
        better = _HEADLINE[name].better
        kind = ema.ScalarOutcome.MINIMIZE if better == "lower" else ema.ScalarOutcome.MAXIMIZE
        return name, ema.ScalarOutcome(name, kind=kind)
    found = _measure_outcome(name, last_year)
    if found is None:
        raise ScenarioError(WHERE, "outcomes", name, outcome_names(last_year))
    return found, ema.ScalarOutcome(found.name)


def corridors_model(
    scenario: Scenario | str = "baseline",
    *,
    uncertainties: Iterable[str] = (),
    levers: Iterable[str] = (),
    outcomes: Iterable[str] | None = None,
    ranges: Mapping[str, Sequence[float]] | None = None,
    posterior_draw: bool = False,
    replicates: int = 1,
    root_seed: int = 0,
    people_per_agent: float = 20000,
    end: str = "2014-12",
    name: str = "corridors",
):
    """An EMA Workbench ``Model`` that runs the simulation from ``scenario`` (a preset name
    or a :class:`Scenario`) at ``people_per_agent`` to ``end`` ("YYYY-MM").

    Args:
        uncertainties: drivers and behavioural parameters (``name`` or ``name.KEY``).
        levers: declared levers (``name`` or ``name.KEY``).
        outcomes: headline indicators and ``measure[_CHANNEL]_YEAR``; default every headline
            indicator.
        ranges: narrower ``[min, max]`` for some of the names (inside the declared range).
        posterior_draw: add the uncertainty ``posterior_draw``, an index into the shipped
            posterior draws (``scenarios/data/calibrated/posterior_draws.csv``).
        replicates: more than 1 adds the uncertainty ``replicate``, an index into the seeds
            a batch with ``root_seed`` and that many replicates would use.
        people_per_agent, end: the scale and horizon of every run (coarse is fast).

    Unknown or non-numeric names, a key a scoped value does not have, a range outside the
    declared one or an unknown outcome raise :class:`ScenarioError` naming the argument.
    """
    ema = _ema()
    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    try:
        base = base.with_values(people_per_agent=people_per_agent, end=end)
    except ScenarioError as exc:
        raise ScenarioError(WHERE, exc.key.split(".")[-1], exc.value, exc.allowed) from None
    ranges = dict(ranges or {})
    last_year = 2010 + base.end // 12  # the year of the last simulated month
    keys: dict[str, str] = {}
    kinds: dict[str, str] = {}
    params: dict[str, list] = {"uncertainties": [], "levers": []}
    for role, names, sections in (
        ("uncertainties", uncertainties, ("drivers", "parameters")),
        ("levers", levers, ("levers",)),
    ):
        for key in names:
            decl = _declaration(key, sections, base)
            if ema_name(key) in keys:
                raise ScenarioError(WHERE, role, key, "each name once")
            keys[ema_name(key)], kinds[ema_name(key)] = key, decl.kind
            params[role].append(_parameter(key, decl, ranges))
    unused = set(ranges) - set(keys.values())
    if unused:
        raise ScenarioError(
            WHERE, "ranges", sorted(unused)[0], "a name given in uncertainties or levers"
        )
    draws = None
    if posterior_draw:
        draws = load_draws()
        if draws is None:
            raise ScenarioError(
                WHERE, "posterior_draw", True, f"false: no posterior draws ({POSTERIOR_DRAWS})"
            )
        params["uncertainties"].append(ema.IntegerParameter(POSTERIOR_DRAW, 0, len(draws) - 1))
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 1:
        raise ScenarioError(WHERE, "replicates", replicates, "a whole number >= 1")
    seeds: tuple[int, ...] = ()
    if replicates > 1:
        seeds = tuple(replicate_seeds(root_seed, replicates))
        params["uncertainties"].append(ema.IntegerParameter(REPLICATE, 0, replicates - 1))
    if not params["uncertainties"]:
        # EMA Workbench 3.0 fails on a model without uncertainties (the lever values reach
        # its scenario too: "Parameters exist in both"), so say it here, plainly
        raise ScenarioError(
            WHERE,
            "uncertainties",
            [],
            "at least one uncertainty: a driver or parameter, posterior_draw=True or "
            "replicates=2 or more (EMA Workbench cannot run a model without uncertainties)",
        )
    chosen = list(_HEADLINE) if outcomes is None else list(outcomes)
    if not chosen:
        raise ScenarioError(WHERE, "outcomes", chosen, outcome_names(last_year))
    made = [_outcome(o, last_year) for o in chosen]
    if len({o.name for _, o in made}) < len(made):
        raise ScenarioError(WHERE, "outcomes", chosen, "each outcome once")
    run = CorridorsRun(base, keys, kinds, tuple(m for m, _ in made), seeds=seeds, draws=draws)
    model = ema.Model(name, function=run)
    model.uncertainties = params["uncertainties"]
    model.levers = params["levers"]
    model.outcomes = [o for _, o in made]
    return model


def outcome_frame(outcomes: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """EMA's outcomes (name -> array, aligned with the experiments) as one table."""
    return pd.DataFrame({k: np.asarray(v) for k, v in outcomes.items()})
