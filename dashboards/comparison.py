"""A comparison of scenario A with scenario B: what the Compare view computes, kept apart
from how it is drawn so the benchmark, the tests and the export use the same numbers.

Both scenarios run with the same replicate seeds (and, with parameter uncertainty, the same
posterior draws), so B minus A is paired by replicate. A comparison remembers what it was
asked (:class:`ComparisonInputs`), so the page can say when the levers have moved on since.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

import pandas as pd
import tomli_w

from scenarios.scenario import Scenario
from simulation.metrics import same_sign_share

from .cancel import CancelToken
from .replicate_cache import ReplicateCache
from .replicates import (
    ROOT_SEED,
    ReplicateRuns,
    difference,
    headline_per_replicate,
    headline_summary,
    replicate_scenarios,
    stack,
    summarise,
)
from .run_pool import InlineExecutor

__all__ = ["Comparison", "ComparisonInputs", "compare_runs", "scenario_toml"]


def scenario_toml(scenario: Scenario, name: str | None = None) -> str:
    """A scenario as a self-contained TOML file (every value resolved)."""
    data = scenario.to_dict(resolved=True)
    if name is not None:
        data["name"] = name
    return tomli_w.dumps(data)


@dataclass(frozen=True)
class ComparisonInputs:
    """What a comparison was asked: compared with the page's current choices to mark a shown
    result out of date, and to say what changed."""

    choice_a: str
    choice_b: str
    label_a: str
    label_b: str
    values_a: dict = field(compare=False, repr=False)
    values_b: dict = field(compare=False, repr=False)
    digest_a: str = ""
    digest_b: str = ""
    replicates: int = 5
    parameter_uncertainty: bool = False

    @classmethod
    def of(
        cls,
        choice_a: str,
        choice_b: str,
        a: Scenario,
        b: Scenario,
        labels,
        replicates: int,
        parameter_uncertainty: bool,
    ) -> ComparisonInputs:
        return cls(
            choice_a,
            choice_b,
            labels[0],
            labels[1],
            a.to_dict(resolved=True),
            b.to_dict(resolved=True),
            a.digest(),
            b.digest(),
            int(replicates),
            bool(parameter_uncertainty),
        )

    def changes_since(self, now: ComparisonInputs) -> list[str]:
        """Plain-language list of what differs in ``now`` (empty: the result is current)."""
        out = []
        for side in ("a", "b"):
            was, is_ = getattr(self, f"choice_{side}"), getattr(now, f"choice_{side}")
            if was != is_:
                out.append(f"scenario {side.upper()}: {was} -> {is_}")
            elif getattr(self, f"digest_{side}") != getattr(now, f"digest_{side}"):
                names = _changed_names(
                    getattr(self, f"values_{side}"), getattr(now, f"values_{side}")
                )
                out.append(
                    f"scenario {side.upper()} ({is_}): {', '.join(names) or 'settings'} changed"
                )
        if self.replicates != now.replicates:
            out.append(f"replicates: {self.replicates} -> {now.replicates}")
        if self.parameter_uncertainty != now.parameter_uncertainty:
            label = {True: "posterior draws", False: "point estimate"}
            out.append(
                f"parameters: {label[self.parameter_uncertainty]} -> "
                f"{label[now.parameter_uncertainty]}"
            )
        return out


def _changed_names(before: dict, after: dict) -> list[str]:
    names = []
    for section in sorted(set(before) | set(after)):
        b, a = before.get(section), after.get(section)
        if isinstance(b, dict) and isinstance(a, dict):
            names += [k for k in sorted(set(b) | set(a)) if b.get(k) != a.get(k)]
        elif b != a:
            names.append(section)
    return names


@dataclass(frozen=True)
class Comparison:
    """Everything the Compare view shows and exports for one A-versus-B request."""

    inputs: ComparisonInputs
    toml_a: str
    toml_b: str
    headline: pd.DataFrame  # indicator, key, A/B mean, p05, p95, B_minus_A, same_sign_share,
    # robust, sign_verdict (simulation.metrics.same_sign_share)
    stock: tuple[pd.DataFrame, pd.DataFrame]  # per corridor, month, channel: mean, p05, p95
    arrivals: tuple[pd.DataFrame, pd.DataFrame]
    # all corridors of the modelled origins (per-replicate totals; ROW only per corridor)
    stock_total: tuple[pd.DataFrame, pd.DataFrame]
    arrivals_total: tuple[pd.DataFrame, pd.DataFrame]
    difference_stock: pd.DataFrame  # the same total, B minus A per month and channel
    difference_arrivals: pd.DataFrame
    wall_s: float = 0.0

    def __getitem__(self, key: str):
        """Dict-style access (``result["headline"]``), as the earlier interface had."""
        return getattr(self, key)

    @property
    def labels(self) -> tuple[str, str]:
        return self.inputs.label_a, self.inputs.label_b

    def series(self) -> pd.DataFrame:
        """Stock and arrivals of both scenarios in one table, scenarios by name, per corridor
        (the rest of the world's included) and for all corridors of the modelled origins
        (``corridor`` = "all")."""
        parts = []
        for measure in ("stock", "arrivals"):
            pairs = (getattr(self, measure), getattr(self, f"{measure}_total"))
            for summaries, total in zip(pairs, (False, True), strict=True):
                for summary, label in zip(summaries, self.labels, strict=True):
                    extra = {"corridor": "all"} if total else {}
                    parts.append(summary.assign(scenario=label, measure=measure, **extra))
        out = pd.concat(parts, ignore_index=True)
        return out[["scenario", "measure", "corridor", "month", "channel", "mean", "p05", "p95"]]


def _paired_headline(runs_a: pd.DataFrame, runs_b: pd.DataFrame) -> pd.DataFrame:
    per_a, per_b = headline_per_replicate(runs_a), headline_per_replicate(runs_b)
    ha, hb = headline_summary(per_a), headline_summary(per_b)
    diff = (per_b - per_a).reset_index(drop=True)
    long = diff.rename_axis("replicate").reset_index().melt("replicate", var_name="key")
    signs = same_sign_share(long, ["key"]).set_index("key").loc[list(diff.columns)]
    return pd.DataFrame(
        {
            "indicator": ha["indicator"],
            "key": ha["key"],
            "A_mean": ha["mean"],
            "A_p05": ha["p05"],
            "A_p95": ha["p95"],
            "B_mean": hb["mean"],
            "B_p05": hb["p05"],
            "B_p95": hb["p95"],
            "B_minus_A": hb["mean"] - ha["mean"],
            "same_sign_share": signs["same_sign_share"].to_numpy(),
            "robust": signs["robust"].to_numpy(),
            "sign_verdict": signs["sign_verdict"].to_numpy(),
        }
    )


def compare_runs(
    a: Scenario,
    b: Scenario,
    replicates: int,
    progress=None,
    parameter_uncertainty: bool = False,
    *,
    executor: Executor | None = None,
    cache: ReplicateCache | None = None,
    cancel: CancelToken | None = None,
    labels: tuple[str, str] = ("A", "B"),
    choices: tuple[str, str] | None = None,
    root_seed: int = ROOT_SEED,
) -> Comparison:
    """Run A and B with the same replicate seeds (and posterior draws), all at once on
    ``executor`` (default: here, one after another); ``progress(fraction)`` after each
    replicate. Raises :class:`~dashboards.cancel.ComparisonCancelled` when cancelled."""
    import time

    t0 = time.perf_counter()
    report: Callable[[int, int], None] | None = None
    if progress is not None:

        def report(done: int, total: int) -> None:
            progress(done / total)

    own = InlineExecutor() if executor is None else None
    try:
        job = ReplicateRuns(executor or own, cache, cancel)
        part_a = job.add(replicate_scenarios(a, replicates, root_seed, parameter_uncertainty))
        part_b = job.add(replicate_scenarios(b, replicates, root_seed, parameter_uncertainty))
        tables = job.gather(report)
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)
    runs_a, runs_b = stack(tables[part_a]), stack(tables[part_b])
    choices = choices or labels
    inputs = ComparisonInputs.of(
        choices[0], choices[1], a, b, labels, replicates, parameter_uncertainty
    )
    return Comparison(
        inputs=inputs,
        toml_a=scenario_toml(a, labels[0]),
        toml_b=scenario_toml(b, labels[1]),
        headline=_paired_headline(runs_a, runs_b),
        stock=(summarise(runs_a, "stock"), summarise(runs_b, "stock")),
        arrivals=(summarise(runs_a, "arrivals"), summarise(runs_b, "arrivals")),
        stock_total=(
            summarise(runs_a, "stock", by_corridor=False),
            summarise(runs_b, "stock", by_corridor=False),
        ),
        arrivals_total=(
            summarise(runs_a, "arrivals", by_corridor=False),
            summarise(runs_b, "arrivals", by_corridor=False),
        ),
        difference_stock=difference(runs_a, runs_b, "stock"),
        difference_arrivals=difference(runs_a, runs_b, "arrivals"),
        wall_s=time.perf_counter() - t0,
    )
