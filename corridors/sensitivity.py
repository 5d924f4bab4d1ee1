"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

``corridors sensitivity CONFIG.toml --out DIR``::

    name = "what_drives_irregular_share"
    scenario = "baseline"
    method = "morris"          # morris | sobol
    samples = 10               # Morris trajectories, or Sobol base sample N (power of two)
    replicates = 2             # model runs averaged per sample point (common seeds)
    root_seed = 1
    [settings]
    end = "2030-12"
    people_per_agent = 2000
    [ranges]                   # any numeric lever, driver or parameter (or name.KEY)
    enforcement_monthly_arrest_probability = [0.001, 0.02]
    recruitment_fee_cap_usd = [0, 2000]
    [output]
    indicator = "irregular_share"   # irregular_share, or any measure of the results table
                                    # (either of the modelled origins: ROW, when on, is
                                    # left out)
    year = 2030
    destination = "THA"             # optional: one destination (default all)
    channel = "irregular"           # for a measure: one channel (default both)

The sample points run through the batch runner (same executors, resumable store in
``DIR``); the indices with their 95% confidence intervals go to ``DIR/sensitivity/indices.csv``
with a bar chart (PNG and SVG).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from scenarios.errors import ScenarioError
from scenarios.points import apply_point, swept_declaration
from scenarios.tomlfile import read_toml
from simulation.measures import CHANNEL_NAMES, FLOW_MEASURES, STOCK_MEASURES, measure
from simulation.metrics import modelled_origins_only

from .atomic import write_atomic
from .batch import run_batch
from .batchspec import (
    DEFAULT_MAX_RUNS,
    BatchSpec,
    check_axes,
    check_name,
    check_run_count,
    checked_range,
    load_named_scenario,
    run_settings,
)
from .listed import listed_runs, read_listed

__all__ = ["load_sensitivity", "run_sensitivity"]

_TOP = {
    "name",
    "scenario",
    "method",
    "samples",
    "replicates",
    "root_seed",
    "settings",
    "ranges",
    "output",
}


_OUTPUT = {"indicator", "year", "destination", "channel"}
INDICATORS = ("irregular_share", *FLOW_MEASURES, *STOCK_MEASURES)


def _whole(f: str, data: dict, key: str, default: int, lo: int, hi: int) -> int:
    v = data.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise ScenarioError(f, key, v, f"a whole number from {lo} to {hi}")
    return v


def load_sensitivity(path: Path, max_runs: int = DEFAULT_MAX_RUNS) -> tuple[BatchSpec, dict]:
    """Read and validate everything (ranges, output, run count) before the first run."""
    data, f = read_toml(path, "sensitivity", _TOP)
    name = check_name(f, data, Path(path).stem)
    method = data.get("method", "morris")
    if method not in ("morris", "sobol"):
        raise ScenarioError(f, "method", method, "morris or sobol")
    samples = _whole(f, data, "samples", 8, 2, 10_000)
    if method == "sobol" and samples & (samples - 1):
        raise ScenarioError(f, "samples", samples, "a power of two for Sobol")
    replicates = _whole(f, data, "replicates", 1, 1, 10_000)
    seed = _whole(f, data, "root_seed", 0, 0, 2**32 - 1)
    ranges = data.get("ranges")
    if not isinstance(ranges, dict) or len(ranges) < 2:
        raise ScenarioError(f, "ranges", ranges, "a table of at least two names with [min, max]")
    check_axes(f, "ranges", list(ranges))
    # Morris: a trajectory of one point per name plus one; Sobol: N x (names + 2)
    per_sample = len(ranges) + (1 if method == "morris" else 2)
    check_run_count(f, samples * per_sample * replicates, max_runs, "sample points x replicates")
    scenario = load_named_scenario(
        f, "scenario", data.get("scenario", "baseline"), Path(path).parent
    )
    settings = run_settings(f, data)
    if settings:
        try:
            scenario = scenario.with_values(**settings)
        except ScenarioError as exc:
            raise ScenarioError(
                f, f"settings.{exc.key.split('.')[-1]}", exc.value, exc.allowed
            ) from None
    bounds = []
    for key, rng in ranges.items():
        decl = swept_declaration(f, key, scenario)
        lo, hi = decl.minimum, decl.maximum
        assert lo is not None and hi is not None  # every numeric declaration has a range
        bounds.append(list(checked_range(f, f"ranges.{key}", rng, lo, hi, decl.allowed())))
    output, year = _output(f, data.get("output", {"indicator": "irregular_share"}), scenario)
    problem: dict[str, Any] = {"num_vars": len(bounds), "names": list(ranges), "bounds": bounds}
    if method == "morris":
        from SALib.sample import morris

        x = morris.sample(problem, samples, num_levels=4, seed=seed)
    else:
        from SALib.sample import sobol

        x = sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    points = []
    for row in x:
        point = {}
        for key, v in zip(problem["names"], row, strict=True):
            kind = swept_declaration(f, key, scenario).kind
            point[key] = round(float(v)) if kind == "int" else float(v)
        points.append(point)
    apply_point(scenario, points[0])  # validates names and keys early
    spec = BatchSpec(
        name=name,
        description="sensitivity",
        source_file=f,
        scenarios=(scenario,),
        scenario_labels=(scenario.name,),
        replicates=replicates,
        root_seed=seed,
        points=tuple(points),
        sweep_method=method,
        raw=data,
    )
    config = {"method": method, "problem": problem, "x": x, "output": output, "year": year}
    return spec, config


def _output(f: str, output: object, scenario) -> tuple[dict, int]:
    """The ``[output]`` table checked in full (an unknown key, indicator, channel or
    destination is an error now, not after every run was computed)."""
    if not isinstance(output, dict) or "indicator" not in output:
        raise ScenarioError(f, "output", output, "a table with at least 'indicator'")
    for key, value in output.items():
        if key not in _OUTPUT:
            raise ScenarioError(f, f"output.{key}", value, f"one of the keys {sorted(_OUTPUT)}")
    if output["indicator"] not in INDICATORS:
        raise ScenarioError(
            f,
            "output.indicator",
            output["indicator"],
            f"irregular_share or a measure of the results table ({', '.join(INDICATORS[1:])})",
        )
    destinations = list(scenario.world.destinations)
    if "destination" in output and output["destination"] not in destinations:
        raise ScenarioError(
            f,
            "output.destination",
            output["destination"],
            f"one of the scenario's destinations {destinations}",
        )
    if "channel" in output and (
        output["channel"] not in CHANNEL_NAMES or output["indicator"] == "irregular_share"
    ):
        raise ScenarioError(
            f,
            "output.channel",
            output["channel"],
            "regular or irregular, for an indicator other than irregular_share",
        )
    last_full_year = 2010 + (scenario.end + 1) // 12 - 1  # whose December is simulated
    year = output.get("year", last_full_year)
    if isinstance(year, bool) or not isinstance(year, int) or not 2010 <= year <= last_full_year:
        raise ScenarioError(
            f,
            "output.year",
            year,
            f"a year from 2010 to {last_full_year} (its December must be simulated)",
        )
    return output, year


def indicator_values(root: Path, output: dict, year: int, n_points: int) -> np.ndarray:
    """The chosen output per sample point (mean over replicates)."""
    t = read_listed(listed_runs(root), measure=_measure_read(output))
    per_point = indicator_per_point(t, output, year)
    if len(per_point) != n_points:
        raise RuntimeError(
            f"{n_points - len(per_point)} sample points have no results "
            "(failed runs?); rerun the command"
        )
    return per_point.sort_index().to_numpy()


def _measure_read(output: dict) -> str:
    return "stock" if output["indicator"] == "irregular_share" else output["indicator"]


def indicator_per_point(table: pd.DataFrame, output: dict, year: int) -> pd.Series:
    """The chosen output of each sample point (mean over its replicates), from the results
    rows of its measure (columns ``point``, ``replicate``, ``month``, ``origin``,
    ``destination``, ``channel``, ``value``).

    Either output counts the modelled origins only
    (:func:`~simulation.metrics.modelled_origins_only`): ``irregular_share`` is the headline
    indicator's share, and a measure is summed over the same origins, so with the rest of the
    world on ROW's workers do not move the output a lever is ranked by (and a ROW-on study
    compares with a ROW-off one)."""
    name = _measure_read(output)
    t = table[table["measure"].astype(str) == name].copy()
    t["month"] = t["month"].astype(str)
    if measure(name).is_stock:
        t = t[t["month"] == f"{year}-12"]
    else:
        t = t[t["month"].str.startswith(str(year))]
    if "destination" in output:
        t = t[t["destination"].astype(str) == output["destination"]]
    t = modelled_origins_only(t)
    if output["indicator"] == "irregular_share":
        g = t.groupby(["point", "replicate", "channel"], observed=True)["value"].sum().unstack()
        per_run = g["irregular"] / g.sum(axis=1)
    else:
        if "channel" in output:
            t = t[t["channel"].astype(str) == output["channel"]]
        per_run = t.groupby(["point", "replicate"], observed=True)["value"].sum()
    return per_run.groupby(level="point").mean()


def run_sensitivity(spec: BatchSpec, config: dict, out: Path, **batch_kwargs) -> pd.DataFrame:
    outcome = run_batch(spec, out, **batch_kwargs)
    if outcome.interrupted or outcome.failed:
        raise RuntimeError("some runs did not finish; rerun the same command to complete them")
    y = indicator_values(out, config["output"], config["year"], len(spec.points))
    problem = config["problem"]
    if config["method"] == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, config["x"], y, num_levels=4, seed=spec.root_seed)
        table = pd.DataFrame(
            {
                "name": problem["names"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "mu": res["mu"],
                "sigma": res["sigma"],
            }
        )
        value, conf = "mu_star", "mu_star_conf"
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, seed=spec.root_seed)
        table = pd.DataFrame(
            {
                "name": problem["names"],
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
        value, conf = "ST", "ST_conf"
    table["output"] = _describe(config["output"], config["year"])
    folder = Path(out) / "sensitivity"
    write_atomic(folder / "indices.csv", lambda p: table.to_csv(p, index=False))
    write_atomic(
        folder / "outputs.csv",
        lambda p: (
            pd.DataFrame(config["x"], columns=problem["names"])
            .assign(output=y)
            .to_csv(p, index=False)
        ),
    )
    fig = Figure(figsize=(7, 0.5 * len(table) + 1.5))
    ax = fig.subplots()
    order = table.sort_values(value)
    ax.barh(order["name"], order[value], xerr=order[conf], color="#1f77b4", capsize=3)
    ax.set_xlabel(f"{value} (95% confidence interval)")
    ax.set_title(f"{config['method'].title()}: {table['output'].iloc[0]}", fontsize=9)
    fig.tight_layout()
    for ext in ("png", "svg"):
        write_atomic(folder / f"indices.{ext}", partial(fig.savefig, format=ext))
    return table


def _describe(output: dict, year: int) -> str:
    """The output in words, as the table and the chart's title name it, saying whose it is:
    the modelled origins', see :func:`indicator_per_point`."""
    where = output.get("destination", "all destinations")
    channel = f", {output['channel']}" if "channel" in output else ""
    return f"{output['indicator']} in {year} ({where}{channel}, modelled origins)"
