"""What a finished policy search writes: the Pareto set (CSV and Markdown), each solution as a
scenario TOML, a parallel-coordinates figure, the report (which levers matter for which
objective) and ``search.json``, the manifest the dashboard lists finished searches by.

The Pareto set is computed here from the evaluations (:func:`pareto_mask`), not taken from the
optimiser: every distinct lever vector the search evaluated is a candidate, and a vector is in
the set when it is feasible (or, if none is, among the least violating) and no other candidate
is at least as good on every objective and better on one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from scenarios.extends import is_preset_reference
from scenarios.points import apply_point
from simulation.measures import HEADLINE_LABELS

from .atomic import write_atomic, write_text_atomic
from .batchspec import replicate_seeds
from .search_spec import SearchSpec

__all__ = [
    "MANIFEST",
    "lever_importance",
    "pareto_mask",
    "pareto_set",
    "solution_toml",
    "write_manifest",
    "write_outputs",
]

MANIFEST = "search.json"
SOLUTIONS = "solutions"


def pareto_mask(values: np.ndarray, maximise: list[bool]) -> np.ndarray:
    """Which rows of ``values`` (rows: candidates, columns: objectives) no other row
    dominates: at least as good on every objective and strictly better on one."""
    v = np.asarray(values, dtype=float) * np.where(maximise, -1.0, 1.0)  # all minimised
    n = len(v)
    keep = np.ones(n, dtype=bool)
    for i in range(n):
        no_worse = np.all(v <= v[i], axis=1)
        better = np.any(v < v[i], axis=1)
        keep[i] = not np.any(no_worse & better)
    return keep


def pareto_set(spec: SearchSpec, evaluations: pd.DataFrame) -> pd.DataFrame:
    """The non-dominated evaluations among the feasible ones (or the least violating, when no
    evaluation meets the constraints), sorted by the first objective, numbered s01, s02..."""
    if evaluations.empty:
        return evaluations.assign(solution=[])
    pool = evaluations[evaluations["violation"] == evaluations["violation"].min()]
    names = [q.name for q in spec.objectives]
    mask = pareto_mask(pool[names].to_numpy(), [q.direction == "maximise" for q in spec.objectives])
    out = pool[mask].sort_values(names).reset_index(drop=True)
    width = max(2, len(str(len(out))))
    out.insert(0, "solution", [f"s{i + 1:0{width}d}" for i in range(len(out))])
    return out


def solution_toml(spec: SearchSpec, row: pd.Series, extends: str) -> str:
    """One solution as a scenario file: it extends the search's base scenario and sets the
    searched levers, the search's run settings and the first replicate's seed, so
    ``corridors run`` on it repeats the search's first run of this solution."""
    vector = {lever.key: _plain(row[lever.key]) for lever in spec.levers}
    scenario = apply_point(spec.base, vector)
    resolved = scenario.to_dict()
    levers: dict = {}
    for lever in spec.levers:
        name = lever.key.partition(".")[0]
        levers[name] = resolved["levers"][name]  # every key of a per-country lever
    objectives = ", ".join(f"{q.name} {row[q.name]:.6g}" for q in spec.objectives)
    settings = resolved["settings"]
    data = {
        "extends": extends,
        "name": f"{spec.name} {row['solution']}",
        "description": (
            f"Solution {row['solution']} of the policy search {spec.name!r} "
            f"({spec.source_file}): robust objectives ({spec.percentile:g}th percentile, bad "
            f"side): {objectives}."
        ),
        "levers": levers,
        "settings": {
            "seed": replicate_seeds(spec.root_seed, spec.replicates)[0],
            "end": settings["end"],
            "people_per_agent": settings["people_per_agent"],
        },
    }
    return tomli_w.dumps(data)


def _plain(value):
    """A numpy scalar as the Python number TOML and the scenario checks expect."""
    return value.item() if hasattr(value, "item") else value


def lever_importance(spec: SearchSpec, evaluations: pd.DataFrame) -> pd.DataFrame:
    """Spearman rank correlation of each lever with each objective across every evaluation
    of the search (one row per objective and lever). Rank, not linear: a lever whose effect
    saturates still shows; over the optimiser's evaluations, which crowd where it searched,
    not over a uniform sample, so read it as a guide, not an effect size."""
    rows = []
    for q in spec.objectives:
        for lever in spec.levers:
            x, y = evaluations[lever.key], evaluations[q.name]
            rho = np.nan if x.nunique() < 2 or y.nunique() < 2 else x.corr(y, method="spearman")
            rows.append({"objective": q.name, "lever": lever.key, "spearman_rho": rho})
    return pd.DataFrame(rows)


def _strength(rho: float) -> str:
    a = abs(rho)
    return "strongly" if a >= 0.5 else "moderately" if a >= 0.3 else "little"


def importance_text(spec: SearchSpec, importance: pd.DataFrame, n: int) -> list[str]:
    """One sentence per objective: its levers from the most to the least related."""
    lines = []
    for q in spec.objectives:
        part = importance[importance["objective"] == q.name].copy()
        part["abs"] = part["spearman_rho"].abs().fillna(0.0)
        part = part.sort_values("abs", ascending=False)
        phrases = []
        for _, r in part.iterrows():
            rho = r["spearman_rho"]
            if not np.isfinite(rho):
                phrases.append(f"`{r['lever']}` cannot be judged (constant)")
                continue
            way = "raises" if rho > 0 else "lowers"
            phrases.append(
                f"`{r['lever']}` matters {_strength(rho)} (Spearman rho = {rho:+.2f}: "
                f"more of it {way} {q.name})"
            )
        goal = "lower" if q.direction == "minimise" else "higher"
        lines.append(f"- **{q.name}** ({goal} is better): " + "; ".join(phrases) + ".")
    lines.append(
        f"\nRank correlations over the {n} evaluated lever vectors; |rho| of 0.5 or more is "
        "called strong, 0.3 to 0.5 moderate, below 0.3 little. The optimiser's evaluations "
        "crowd near the Pareto front, so a lever's correlation there describes the trade-off "
        "it searched, not an effect over the whole range."
    )
    return lines


def _markdown_table(frame: pd.DataFrame) -> str:
    def cell(v) -> str:
        if isinstance(v, float | np.floating):
            return f"{v:.6g}"
        return str(v)

    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def parallel_figure(spec: SearchSpec, evaluations: pd.DataFrame, pareto: pd.DataFrame):
    """Parallel coordinates of the levers and the objectives: every evaluation in grey, the
    Pareto set in colour; each axis scaled from its smallest to its largest evaluated value
    (written at its ends)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = [lever.key for lever in spec.levers] + [q.name for q in spec.objectives]
    lo = evaluations[columns].min()
    span = (evaluations[columns].max() - lo).replace(0.0, 1.0)
    fig, ax = plt.subplots(figsize=(2.2 * len(columns) + 2, 4.8))
    xs = np.arange(len(columns))
    for row in ((evaluations[columns] - lo) / span).to_numpy():
        ax.plot(xs, row, color="0.8", lw=0.6, zorder=1)
    colours = plt.get_cmap("viridis")(np.linspace(0, 1, max(len(pareto), 1)))
    for colour, row in zip(colours, ((pareto[columns] - lo) / span).to_numpy(), strict=False):
        ax.plot(xs, row, color=colour, lw=1.6, zorder=2)
    for x, c in zip(xs.tolist(), columns, strict=True):
        ax.axvline(x, color="0.3", lw=0.8)
        ax.text(x, -0.06, f"{lo[c]:.3g}", ha="center", va="top", fontsize=8)
        ax.text(x, 1.04, f"{lo[c] + span[c]:.3g}", ha="center", va="bottom", fontsize=8)
    goals = {
        q.name: f" ({'lower' if q.direction == 'minimise' else 'higher'} is better)"
        for q in spec.objectives
    }
    labels = [c.replace("_", " ").replace(".", " ") + goals.get(c, "") for c in columns]
    ax.set_xticks(xs, labels, rotation=15, fontsize=8)
    ax.set_yticks([])
    ax.set_ylim(-0.12, 1.12)
    ax.set_title(
        f"Policy search {spec.name}: {len(evaluations)} evaluations (grey), "
        f"Pareto set of {len(pareto)} (colour)",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


def write_manifest(out: Path, spec: SearchSpec, status: str, extra: dict | None = None) -> None:
    """``search.json``: what the search is (so a rerun can check it is the same search) and
    whether it finished (the dashboard lists finished ones only)."""
    data = {
        "kind": "corridors-search",
        "status": status,
        "name": spec.name,
        "description": spec.description,
        "source_file": spec.source_file,
        "fingerprint": spec.fingerprint(),
        "base_scenario": spec.base_ref,
        "levers": [
            {"key": lv.key, "low": lv.low, "high": lv.high, "unit": lv.unit} for lv in spec.levers
        ],
        "objectives": [
            {
                "name": q.name,
                "direction": q.direction,
                "label": HEADLINE_LABELS.get(q.indicator or "", q.name),
            }
            for q in spec.objectives
        ],
        "constraints": [{"name": q.name, "min": q.low, "max": q.high} for q in spec.constraints],
        "robustness": {
            "replicates": spec.replicates,
            "posterior_draws": spec.posterior_draws,
            "percentile": spec.percentile,
            "root_seed": spec.root_seed,
        },
        "budget": spec.budget,
        "population": spec.population,
        "seed": spec.seed,
        **(extra or {}),
    }
    write_text_atomic(out / MANIFEST, json.dumps(data, indent=2, default=str))


def write_outputs(out: Path, spec: SearchSpec, outcome) -> pd.DataFrame:
    """Write every output of a finished search (the manifest last, marking it finished);
    returns the Pareto set."""
    evaluations = outcome.evaluations
    pareto = pareto_set(spec, evaluations)
    write_atomic(out / "evaluations.csv", lambda p: evaluations.to_csv(p, index=False))
    write_atomic(out / "pareto.csv", lambda p: pareto.to_csv(p, index=False))
    extends = _write_base(out, spec)
    keep = {f"{name}.toml" for name in pareto["solution"]} | {"base.toml"}
    for stale in (out / SOLUTIONS).glob("s*.toml"):  # of an earlier, shorter or longer, run
        if stale.name not in keep:
            stale.unlink()
    for _, row in pareto.iterrows():
        write_text_atomic(
            out / SOLUTIONS / f"{row['solution']}.toml", solution_toml(spec, row, extends)
        )
    fig = parallel_figure(spec, evaluations, pareto)
    write_atomic(
        out / "figures" / "parallel_coordinates.png",
        functools.partial(fig.savefig, format="png", dpi=110),
    )
    importance = lever_importance(spec, evaluations)
    write_atomic(out / "lever_importance.csv", lambda p: importance.to_csv(p, index=False))
    write_text_atomic(out / "report.md", _report(spec, outcome, pareto, importance))
    write_manifest(
        out,
        spec,
        "finished",
        {
            "evaluations": len(evaluations),
            "pareto_solutions": len(pareto),
            "runs_computed": outcome.runs_computed,
            "runs_reused": outcome.runs_reused,
            "wall_s": round(outcome.wall_s, 1),
            "finished_utc": dt.datetime.now(dt.UTC).isoformat(),
        },
    )
    return pareto


def _write_base(out: Path, spec: SearchSpec) -> str:
    """What the solutions extend: a preset by name; a scenario file, which a solution in
    another folder may not reach, as its resolved copy ``solutions/base.toml``."""
    if is_preset_reference(spec.base_ref):
        return spec.base_ref
    data = spec.base.to_dict(resolved=True)
    write_text_atomic(out / SOLUTIONS / "base.toml", tomli_w.dumps(data))
    return "base.toml"


def _report(spec: SearchSpec, outcome, pareto: pd.DataFrame, importance: pd.DataFrame) -> str:
    evaluations = outcome.evaluations
    objectives = ", ".join(f"{q.name} ({q.direction})" for q in spec.objectives)
    levers = ", ".join(f"`{lv.key}` in [{lv.low:g}, {lv.high:g}] {lv.unit}" for lv in spec.levers)
    constraints = "; ".join(
        f"{q.name}"
        + (f" >= {q.low:g}" if q.low is not None else "")
        + (f" <= {q.high:g}" if q.high is not None else "")
        for q in spec.constraints
    )
    columns = ["solution", *(lv.key for lv in spec.levers), *(q.name for q in spec.objectives)]
    lines = [
        f"# Policy search: {spec.name}",
        "",
        spec.description,
        "",
        f"- Base scenario: `{spec.base_ref}`; levers searched: {levers}.",
        f"- Objectives: {objectives}." + (f" Constraints: {constraints}." if constraints else ""),
        f"- Robustness: each lever vector ran on {1 + spec.posterior_draws} parameter point(s) "
        f"(the calibrated parameters and {spec.posterior_draws} posterior draws) x "
        f"{spec.replicates} seed(s) = {spec.runs_per_evaluation} runs; each objective is the "
        f"{spec.percentile:g}th percentile of its runs on the bad side.",
        f"- Optimiser: NSGA-II (platypus-opt), population {spec.population}, budget "
        f"{spec.budget} evaluations, seed {spec.seed}.",
        f"- Evaluated {len(evaluations)} distinct lever vectors; {outcome.runs_computed} runs "
        f"computed in this session and {outcome.runs_reused} taken from the archive, in "
        f"{outcome.wall_s:.0f} s. {int(evaluations['feasible'].sum())} meet the constraints.",
        "",
        f"## Pareto set ({len(pareto)} solutions)",
        "",
        _markdown_table(pareto[columns]),
        "",
        f"Each solution is a scenario file in `{SOLUTIONS}/` (for example "
        f"`corridors run {SOLUTIONS}/{pareto['solution'].iloc[0] if len(pareto) else 's01'}"
        ".toml --out DIR`); it repeats the search's first run of that solution (calibrated "
        "parameters, first seed), whose values are the `__run1` columns of `pareto.csv`.",
        "",
        "![parallel coordinates](figures/parallel_coordinates.png)",
        "",
        "## Which levers matter for which objective",
        "",
        *importance_text(spec, importance, len(evaluations)),
        "",
    ]
    return "\n".join(lines)
