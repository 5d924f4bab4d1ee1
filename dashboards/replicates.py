"""Run a scenario several times (seeded replicates) and summarise what the dashboard shows.

Replicate seeds come from ``numpy.random.SeedSequence(root).spawn(n)``, the same for every
scenario compared (common random numbers), so the difference between A and B is the policy's
effect rather than seed noise. Replicates run on the server's shared executor
(:mod:`dashboards.run_pool`) and are remembered per process (:mod:`dashboards.replicate_cache`);
a replicate's numbers depend only on its scenario (seed and posterior draw included), so the
executor and the cache never change an answer. A running comparison stops when its cancel
flag (:mod:`dashboards.cancel`) is set: between replicates and every ``CANCEL_CHECK_MONTHS``
simulated months inside one.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait

import pandas as pd

from scenarios.posterior import apply_draw, load_draws
from corridors.batchspec import replicate_seeds
from scenarios.calendar import INITIAL_LABEL
from scenarios.scenario import Scenario
from simulation.model import MigrationModel

from .cancel import CancelToken, ComparisonCancelled, is_cancelled
from .replicate_cache import ReplicateCache

__all__ = [
    "CANCEL_CHECK_MONTHS",
    "HEADLINE_LABELS",
    "MAX_REPLICATES",
    "ROOT_SEED",
    "ReplicateRuns",
    "difference",
    "headline",
    "replicate_scenarios",
    "run_replicate",
    "run_replicates",
    "summarise",
]

MAX_REPLICATES = 10  # per scenario and request: bounds what one session can ask of the server
ROOT_SEED = 2010
CANCEL_CHECK_MONTHS = 3
SHOWN = (
    "stock",
    "arrivals",
    "departures",
    "deportations",
    "registrations",
    "recruitment_fees_paid_usd",
    "debt_outstanding_usd",
    "remittances_received_usd",
    "exploitation_cases",
)
HEADLINE_LABELS = {
    "irregular_share_final_year": "Irregular share of the stock, final year",
    "deportations": "Deportations (people, whole run)",
    "recruitment_fees_paid_usd": "Recruitment fees paid (USD, whole run)",
    "debt_outstanding_usd": "Migration debt outstanding at the end (USD)",
    "remittances_received_usd": "Remittances received at home (USD, whole run)",
    "exploitation_cases": "Exploitation cases (whole run)",
}


def run_replicate(scenario: Scenario, cancel_path: str | None = None) -> pd.DataFrame:
    """One run (seed and draw already in ``scenario``) as the shown measures' tidy table.

    Runs in a worker process: ``cancel_path`` is the comparison's cancel flag."""
    model = MigrationModel(scenario)
    while model.running:
        if model.month % CANCEL_CHECK_MONTHS == 0 and is_cancelled(cancel_path):
            raise ComparisonCancelled(f"cancelled at month {model.month}")
        model.step()
    table = model.metrics.to_frame(measures=SHOWN, include_status=False)
    for col in ("month", "origin", "destination", "channel", "measure"):
        table[col] = table[col].astype(str)
    return table.drop(columns="unit")


def check_replicates(replicates: int) -> int:
    if not 1 <= int(replicates) <= MAX_REPLICATES:
        raise ValueError(f"replicates must be 1 to {MAX_REPLICATES}, not {replicates}")
    return int(replicates)


def replicate_scenarios(
    scenario: Scenario,
    replicates: int,
    root_seed: int = ROOT_SEED,
    parameter_uncertainty: bool = False,
) -> list[Scenario]:
    """The scenario of each replicate: its seed, and with ``parameter_uncertainty`` posterior
    draw r of the calibration for replicate r."""
    draws = load_draws() if parameter_uncertainty else None
    out = []
    for r, seed in enumerate(replicate_seeds(root_seed, check_replicates(replicates))):
        run = scenario if draws is None else apply_draw(scenario, draws, r)
        out.append(run.with_values(seed=seed))
    return out


class ReplicateRuns:
    """Replicates of one or more scenarios submitted together, gathered with progress and a
    cancel flag. A replicate already cached (or running for someone else) is not run again."""

    def __init__(
        self,
        executor: Executor,
        cache: ReplicateCache | None = None,
        cancel: CancelToken | None = None,
    ) -> None:
        self.executor, self.cache, self.cancel = executor, cache, cancel
        self.scenarios: list[Scenario] = []
        self.futures: list[Future] = []

    def add(self, runs: list[Scenario]) -> slice:
        """Submit replicate scenarios; the slice of :meth:`gather`'s list they fill."""
        start = len(self.scenarios)
        for s in runs:
            self.scenarios.append(s)
            self.futures.append(self._submit(s))
        return slice(start, len(self.scenarios))

    def cached_count(self) -> int:
        return sum(f.done() and f.exception() is None for f in self.futures if not f.cancelled())

    def _submit(self, scenario: Scenario) -> Future:
        path = None if self.cancel is None else self.cancel.path

        def submit() -> Future:
            return self.executor.submit(run_replicate, scenario, path)

        if self.cache is None:
            return submit()
        return self.cache.get_or_submit(scenario.digest(), submit)

    def gather(self, progress: Callable[[int, int], None] | None = None) -> list[pd.DataFrame]:
        """Every replicate's table, in submission order. Raises :class:`ComparisonCancelled`
        once the cancel flag is set (this request's runs not yet started are dropped)."""
        total = len(self.futures)
        pending = set(range(total))
        while pending:
            if self.cancel is not None and self.cancel.cancelled:
                for i in pending:
                    self.futures[i].cancel()
                raise ComparisonCancelled("cancelled by the user")
            done, _ = wait(
                [self.futures[i] for i in pending], timeout=0.1, return_when=FIRST_COMPLETED
            )
            for i in [i for i in pending if self.futures[i] in done]:
                if self._stopped_by_someone_else(self.futures[i]):
                    self.futures[i] = self._submit(self.scenarios[i])  # run it ourselves
                    continue
                pending.discard(i)
                if progress is not None:
                    progress(total - len(pending), total)
        return [f.result() for f in self.futures]

    def _stopped_by_someone_else(self, future: Future) -> bool:
        """A shared run another session cancelled: not our answer, so run it again."""
        if self.cancel is not None and self.cancel.cancelled:
            return False
        return future.cancelled() or isinstance(future.exception(), ComparisonCancelled)


def run_replicates(
    scenario: Scenario,
    replicates: int,
    root_seed: int = ROOT_SEED,
    progress: Callable[[int, int], None] | None = None,
    parameter_uncertainty: bool = False,
    executor: Executor | None = None,
    cache: ReplicateCache | None = None,
    cancel: CancelToken | None = None,
) -> pd.DataFrame:
    """Tidy table of every replicate (column ``replicate``), shown measures only. With
    ``parameter_uncertainty`` replicate r also takes posterior draw r of the calibration.
    Without an executor the replicates run here, one after another."""
    from .run_pool import InlineExecutor

    own = InlineExecutor() if executor is None else None
    try:
        job = ReplicateRuns(executor or own, cache, cancel)
        job.add(replicate_scenarios(scenario, replicates, root_seed, parameter_uncertainty))
        return stack(job.gather(progress))
    finally:
        if own is not None:
            own.shutdown(wait=True, cancel_futures=True)


def stack(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Replicate tables as one, numbered in order (the tables are not modified)."""
    return pd.concat([t.assign(replicate=r) for r, t in enumerate(tables)], ignore_index=True)


def summarise(runs: pd.DataFrame, measure: str, by_corridor: bool = True) -> pd.DataFrame:
    """Mean and 90% band across replicates per month (and corridor) and channel."""
    t = runs[runs["measure"] == measure]
    keys = ["month", "channel"]
    if by_corridor:
        t = t.assign(corridor=t["origin"] + "-" + t["destination"])
        keys = ["corridor", *keys]
    per_rep = t.groupby([*keys, "replicate"])["value"].sum().reset_index()
    g = per_rep.groupby(keys)["value"]
    return pd.DataFrame(
        {"mean": g.mean(), "p05": g.quantile(0.05), "p95": g.quantile(0.95)}
    ).reset_index()


def headline_per_replicate(runs: pd.DataFrame) -> pd.DataFrame:
    """The headline numbers of each replicate (one row per replicate, one column per key)."""
    last = runs["month"].max()
    reps = pd.Index(sorted(runs["replicate"].unique()), name="replicate")

    def total(rows: pd.Series) -> pd.Series:
        return runs[rows].groupby("replicate")["value"].sum().reindex(reps, fill_value=0.0)

    measure, month = runs["measure"], runs["month"]
    final_stock = (measure == "stock") & (month == last)
    out = pd.DataFrame(index=reps)
    out["irregular_share_final_year"] = total(
        final_stock & (runs["channel"] == "irregular")
    ) / total(final_stock).clip(lower=1e-9)
    for m in (
        "deportations",
        "recruitment_fees_paid_usd",
        "remittances_received_usd",
        "exploitation_cases",
    ):
        out[m] = total((measure == m) & (month != INITIAL_LABEL))
    out["debt_outstanding_usd"] = total((measure == "debt_outstanding_usd") & (month == last))
    return out[list(HEADLINE_LABELS)].reset_index(drop=True)


def headline(runs: pd.DataFrame) -> pd.DataFrame:
    """Headline numbers per replicate -> mean and 90% band."""
    return headline_summary(headline_per_replicate(runs))


def headline_summary(per_rep: pd.DataFrame) -> pd.DataFrame:
    """Mean and 90% band of per-replicate headline numbers."""
    return pd.DataFrame(
        {
            "indicator": [HEADLINE_LABELS[c] for c in per_rep.columns],
            "key": per_rep.columns,
            "mean": per_rep.mean().to_numpy(),
            "p05": per_rep.quantile(0.05).to_numpy(),
            "p95": per_rep.quantile(0.95).to_numpy(),
        }
    )


def difference(a: pd.DataFrame, b: pd.DataFrame, measure: str) -> pd.DataFrame:
    """B minus A per month and channel (all corridors), paired by replicate."""
    keys = ["month", "channel", "replicate"]
    sa = a[a["measure"] == measure].groupby(keys)["value"].sum()
    sb = b[b["measure"] == measure].groupby(keys)["value"].sum()
    d = (sb - sa).dropna().reset_index()
    g = d.groupby(["month", "channel"])["value"]
    return pd.DataFrame(
        {"mean": g.mean(), "p05": g.quantile(0.05), "p95": g.quantile(0.95)}
    ).reset_index()
