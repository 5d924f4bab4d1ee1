"""A policy search definition (``corridors search SEARCH.toml``), read from TOML and validated.

    name = "fee_cap_search"
    scenario = "baseline"          # preset name or scenario .toml path (relative to this file)
    budget = 300                   # lever vectors the optimiser evaluates
    population = 20                # NSGA-II population size
    algorithm = "nsga2"            # NSGA-II of platypus-opt (the one offered so far)
    seed = 3                       # of the optimiser (same seed, same search)

    [settings]                     # applied to every run
    end = "2020-12"
    people_per_agent = 5000

    [robustness]
    replicates = 2                 # seeds per parameter point
    posterior_draws = 0            # posterior draws beside the calibrated parameters
    percentile = 90                # the pessimistic percentile over all runs
    root_seed = 7                  # seeds as a batch's: SeedSequence(root_seed).spawn(...)

    [levers]                       # searched: "declared" (its whole range) or [min, max]
    recruitment_fee_cap_usd = "declared"
    "enforcement_monthly_arrest_probability.MYS" = [0.0, 0.05]

    [[objectives]]                 # a headline indicator ...
    indicator = "irregular_share_final_year"     # direction: its declared "better" by default
    [[objectives]]                 # ... or a declared measure in one year
    measure = "stock"
    channel = "irregular"          # optional; also optional: origin, destination
    year = 2020
    direction = "minimise"         # minimise | maximise

    [[constraints]]                # optional, same quantities, with min and/or max
    indicator = "remittances_received_usd"
    min = 1e9

Robustness: each lever vector runs once per parameter point (the calibrated parameters, then
``posterior_draws`` posterior draws) and replicate seed; an objective is the ``percentile``-th
percentile of its runs when minimised and the ``100 - percentile``-th when maximised, the bad
side either way (a solution that is good in nine runs out of ten). A constraint holds at the
same pessimistic percentile.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scenarios.errors import ScenarioError
from scenarios.points import apply_point, swept_declaration
from scenarios.posterior import POSTERIOR_DRAWS, load_draws
from scenarios.scenario import Scenario
from scenarios.tomlfile import read_toml
from simulation.measures import FLOW_MEASURES, HEADLINE, STOCK_MEASURES

from .batchspec import check_axes, check_name, checked_range, load_named_scenario, run_settings

__all__ = ["Lever", "Quantity", "SearchSpec", "load_search"]

_TOP = {
    "name",
    "description",
    "scenario",
    "budget",
    "population",
    "algorithm",
    "seed",
    "settings",
    "robustness",
    "levers",
    "objectives",
    "constraints",
}
_ROBUST = {"replicates", "posterior_draws", "percentile", "root_seed"}
_QUANTITY = {"name", "indicator", "measure", "channel", "origin", "destination", "year"}
ALGORITHMS = ("nsga2",)
DIRECTIONS = ("minimise", "maximise")
MAX_RUNS = 100_000
"""Most runs (budget x parameter points x replicates) a search may ask for."""


@dataclass(frozen=True)
class Lever:
    """One searched value: a declared numeric lever (``name``) or one of its countries or
    corridors (``name.KEY``), within ``[low, high]`` (in the lever's declared unit)."""

    key: str
    low: float
    high: float
    integer: bool
    unit: str

    def value(self, x: float) -> float | int:
        """The value the scenario gets for the optimiser's ``x``: rounded to 6 significant
        digits (a whole number for an integer lever) so a solution TOML written in decimal
        reads back to exactly the value that was evaluated."""
        x = min(max(float(x), self.low), self.high)
        return round(x) if self.integer else float(f"{x:.6g}")


@dataclass(frozen=True)
class Quantity:
    """An objective or a constraint: a headline indicator, or a declared measure summed over
    one year (flows over the year, stocks at its end) for the rows that match ``channel``,
    ``origin`` and ``destination`` when given."""

    name: str
    indicator: str | None = None
    measure: str | None = None
    channel: str | None = None
    origin: str | None = None
    destination: str | None = None
    year: int | None = None
    direction: str = "minimise"  # objectives; constraints: the side the bound guards
    low: float | None = None  # constraints only
    high: float | None = None

    def definition(self) -> dict:
        """What is computed (the archive's fingerprint reads it: a changed definition is a
        different search)."""
        keys = ("indicator", "measure", "channel", "origin", "destination", "year")
        return {"name": self.name, **{k: getattr(self, k) for k in keys if getattr(self, k)}}


@dataclass(frozen=True)
class SearchSpec:
    name: str
    description: str
    source_file: str
    base_ref: str  # as written in the file: a preset name or a path relative to it
    base: Scenario  # with the settings applied
    levers: tuple[Lever, ...]
    objectives: tuple[Quantity, ...]
    constraints: tuple[Quantity, ...]
    budget: int
    population: int
    algorithm: str
    seed: int
    replicates: int
    posterior_draws: int
    percentile: float
    root_seed: int
    raw: dict

    @property
    def runs_per_evaluation(self) -> int:
        return (1 + self.posterior_draws) * self.replicates

    def quantities(self) -> tuple[Quantity, ...]:
        """Every quantity a run must report: the objectives, then the constraints."""
        return self.objectives + self.constraints

    def fingerprint(self) -> str:
        """What a run's values depend on besides its levers, draw and seed: the base scenario
        with its settings and the quantities' definitions. An archive written under another
        fingerprint cannot be reused."""
        text = json.dumps(
            [self.base.digest(), [q.definition() for q in self.quantities()]], sort_keys=True
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_search(path: str | Path) -> SearchSpec:
    """Read and check a search file; any problem is a ScenarioError naming the file, the key,
    the value and what is allowed (nothing is run or written before this returns)."""
    p = Path(path)
    data, f = read_toml(p, "search", _TOP)
    name = check_name(f, data, p.stem)
    base_ref = data.get("scenario", "baseline")
    base = load_named_scenario(f, "scenario", base_ref, p.parent)
    settings = run_settings(f, data)
    try:
        base = base.with_values(**settings) if settings else base
    except ScenarioError as exc:
        raise ScenarioError(
            f, f"settings.{exc.key.split('.')[-1]}", exc.value, exc.allowed
        ) from None
    levers = _levers(f, data.get("levers"), base)
    objectives = _quantities(f, "objectives", data.get("objectives"), base, True)
    constraints = _quantities(f, "constraints", data.get("constraints", []), base, False)
    seen: set[str] = set()
    for key, items in (("objectives", objectives), ("constraints", constraints)):
        for i, q in enumerate(items):
            if q.name in seen:
                raise ScenarioError(
                    f,
                    f"{key}[{i}]",
                    q.name,
                    'a name no other objective or constraint has: give it name = "..." '
                    "(letters, digits and _)",
                )
            seen.add(q.name)
    robust = _table(f, "robustness", data.get("robustness", {}), _ROBUST)
    replicates = _whole(f, "robustness.replicates", robust.get("replicates", 1), 1, 1000)
    draws = _whole(f, "robustness.posterior_draws", robust.get("posterior_draws", 0), 0, 1000)
    if draws:
        table = load_draws()
        if table is None:
            raise ScenarioError(
                f, "robustness.posterior_draws", draws, f"0: no posterior draws ({POSTERIOR_DRAWS})"
            )
        if draws > len(table):
            raise ScenarioError(
                f, "robustness.posterior_draws", draws, f"at most {len(table)} (the shipped draws)"
            )
    percentile = robust.get("percentile", 90)
    if isinstance(percentile, bool) or not isinstance(percentile, int | float):
        raise ScenarioError(f, "robustness.percentile", percentile, "a number from 50 to 100")
    if not 50 <= percentile <= 100:
        raise ScenarioError(f, "robustness.percentile", percentile, "a number from 50 to 100")
    root_seed = _whole(f, "robustness.root_seed", robust.get("root_seed", 0), 0, 2**63 - 1)
    population = _whole(f, "population", data.get("population", 20), 4, 10_000)
    budget = _whole(f, "budget", data.get("budget", 10 * population), 1, 1_000_000)
    if budget < population:
        raise ScenarioError(f, "budget", budget, f"at least the population ({population})")
    runs = budget * (1 + draws) * replicates
    if runs > MAX_RUNS:
        raise ScenarioError(
            f,
            "budget",
            budget,
            f"a budget whose runs (budget x (1 + posterior_draws) x "
            f"replicates = {runs:,}) are at most {MAX_RUNS:,}",
        )
    algorithm = data.get("algorithm", "nsga2")
    if algorithm not in ALGORITHMS:
        raise ScenarioError(f, "algorithm", algorithm, f"one of {list(ALGORITHMS)}")
    return SearchSpec(
        name=name,
        description=data.get("description", ""),
        source_file=f,
        base_ref=base_ref,
        base=base,
        levers=levers,
        objectives=objectives,
        constraints=constraints,
        budget=budget,
        population=population,
        algorithm=algorithm,
        seed=_whole(f, "seed", data.get("seed", 0), 0, 2**32 - 1),
        replicates=replicates,
        posterior_draws=draws,
        percentile=float(percentile),
        root_seed=root_seed,
        raw=data,
    )


def _whole(f: str, key: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ScenarioError(f, key, value, f"a whole number from {lo} to {hi}")
    return value


def _table(f: str, key: str, value: Any, allowed: set[str]) -> dict:
    if not isinstance(value, dict):
        raise ScenarioError(f, key, value, "a table")
    for k in value:
        if k not in allowed:
            raise ScenarioError(f, f"{key}.{k}", value[k], f"one of {sorted(allowed)}")
    return value


def _levers(f: str, table: Any, base: Scenario) -> tuple[Lever, ...]:
    """The searched levers: declared numeric levers (not drivers, parameters or settings:
    a search chooses policies), each over its declared range or a narrower ``[min, max]``."""
    if not isinstance(table, dict) or not table:
        raise ScenarioError(
            f, "levers", table, 'a table of lever names, each "declared" or [min, max]'
        )
    check_axes(f, "levers", list(table))
    out = []
    for key, rng in table.items():
        from scenarios.registry import DECLARATIONS

        decl = DECLARATIONS.get(key.partition(".")[0])
        if decl is None or not _is_lever(decl.name) or decl.kind not in ("float", "int"):
            raise ScenarioError(
                f,
                f"levers.{key}",
                key,
                "a numeric policy lever, optionally name.KEY for one country or corridor "
                "(see corridors levers)",
            )
        try:
            decl = swept_declaration(f, key, base)
        except ScenarioError as exc:
            raise ScenarioError(f, f"levers.{key}", exc.value, exc.allowed) from None
        lo, hi = decl.bounds()
        if rng != "declared":
            lo, hi = checked_range(
                f, f"levers.{key}", rng, lo, hi, f'{decl.allowed()} or "declared"'
            )
        out.append(Lever(key, lo, hi, decl.kind == "int", decl.unit))
        apply_point(base, {key: out[-1].value(lo)})  # both ends must make a valid scenario
        apply_point(base, {key: out[-1].value(hi)})
    return tuple(out)


def _is_lever(name: str) -> bool:
    from scenarios.registry import SECTION_OF

    return SECTION_OF.get(name) == "levers"


def _quantities(
    f: str, key: str, items: Any, base: Scenario, objectives: bool
) -> tuple[Quantity, ...]:
    if not isinstance(items, list) or (objectives and not items):
        what = "at least one [[objectives]] table" if objectives else "a list of tables"
        raise ScenarioError(f, key, items, what)
    if objectives and len(items) > 8:
        raise ScenarioError(f, key, f"{len(items)} objectives", "at most 8 objectives")
    return tuple(
        _quantity(f, f"{key}[{i}]", item, base, objectives) for i, item in enumerate(items)
    )


def _quantity(f: str, key: str, item: Any, base: Scenario, objective: bool) -> Quantity:
    extra = {"direction"} if objective else {"min", "max"}
    item = _table(f, key, item, _QUANTITY | extra)
    has_ind, has_meas = "indicator" in item, "measure" in item
    if has_ind == has_meas:
        raise ScenarioError(f, key, item, "exactly one of indicator = ... or measure = ...")
    fields: dict[str, Any] = {}
    if has_ind:
        ind = item["indicator"]
        by_name = {i.name: i for i in HEADLINE}
        if ind not in by_name:
            raise ScenarioError(f, f"{key}.indicator", ind, f"one of {sorted(by_name)}")
        for k in ("measure", "channel", "origin", "destination", "year"):
            if k in item:
                raise ScenarioError(f, f"{key}.{k}", item[k], "only with measure = ...")
        fields.update(indicator=ind, name=item.get("name", ind))
        default_dir = "minimise" if by_name[ind].better == "lower" else "maximise"
    else:
        fields.update(_measure_fields(f, key, item, base))
        default_dir = "minimise"
    if not isinstance(fields["name"], str) or not fields["name"].isidentifier():
        raise ScenarioError(f, f"{key}.name", fields["name"], "a name of letters, digits and _")
    if objective:
        direction = item.get("direction", default_dir)
        if direction not in DIRECTIONS:
            raise ScenarioError(f, f"{key}.direction", direction, f"one of {list(DIRECTIONS)}")
        return Quantity(direction=direction, **fields)
    bounds = {}
    for b in ("min", "max"):
        if b in item:
            v = item[b]
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise ScenarioError(f, f"{key}.{b}", v, "a number")
            bounds[b] = float(v)
    if not bounds:
        raise ScenarioError(f, key, item, "a bound: min = ..., max = ... or both")
    if len(bounds) == 2 and bounds["min"] > bounds["max"]:
        raise ScenarioError(f, f"{key}.max", bounds["max"], f"at least min ({bounds['min']})")
    return Quantity(low=bounds.get("min"), high=bounds.get("max"), **fields)


def _measure_fields(f: str, key: str, item: dict, base: Scenario) -> dict:
    final_year = int(base.to_dict()["settings"]["end"][:4])
    meas = item["measure"]
    corridor_measures = FLOW_MEASURES + STOCK_MEASURES
    if meas not in corridor_measures:
        raise ScenarioError(
            f, f"{key}.measure", meas, f"a declared corridor measure: {sorted(corridor_measures)}"
        )
    year = item.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2010 <= year <= final_year:
        raise ScenarioError(
            f, f"{key}.year", year, f"a whole year from 2010 to {final_year} (the run's end)"
        )
    out: dict[str, Any] = {"measure": meas, "year": year}
    if "channel" in item:
        if item["channel"] not in ("regular", "irregular"):
            raise ScenarioError(f, f"{key}.channel", item["channel"], "regular or irregular")
        out["channel"] = item["channel"]
    countries = {"origin": base.world.origins, "destination": base.world.destinations}
    for k, codes in countries.items():
        if k in item:
            if item[k] not in codes:
                raise ScenarioError(f, f"{key}.{k}", item[k], f"one of {list(codes)}")
            out[k] = item[k]
    parts = [meas, out.get("channel"), out.get("origin"), out.get("destination"), str(year)]
    out["name"] = item.get("name", "_".join(p for p in parts if p))
    return out
