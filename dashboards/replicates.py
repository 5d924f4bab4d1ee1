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

from corridors.batchspec import replicate_seeds
from scenarios.posterior import apply_draw, calibrated_values, load_draws
from scenarios.scenario import Scenario
from simulation.measures import HEADLINE, HEADLINE_LABELS
from simulation.metrics import headline_per_run, modelled_origins_only, over_replicates, yearly
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
SERIES = ("stock", "arrivals", "departures", "registrations")
SHOWN = tuple(dict.fromkeys([*SERIES, *(m for i in HEADLINE for m in i.measures)]))
"""The measures a replicate keeps: monthly series and what the headline indicators read."""


def run_replicate(scenario: Scenario, cancel_path: str | None = None) -> pd.DataFrame:
    """One run (seed and draw already in ``scenario``) as the shown measures' tidy table.

    Runs in a worker process: ``cancel_path`` is the comparison's cancel flag."""
    model = MigrationModel(scenario, keep_choice_probabilities=False)
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
    calibrated = calibrated_values() if parameter_uncertainty else None
    out = []
    for r, seed in enumerate(replicate_seeds(root_seed, check_replicates(replicates))):
        run = scenario if draws is None else apply_draw(scenario, draws, r, calibrated)
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
    """Mean and 90% band across replicates per month (and corridor) and channel.

    Per corridor, every corridor of the runs, the rest of the world's (``ROW-THA``...)
    included; the total (``by_corridor=False``, the "all corridors" charts) counts the
    modelled origins only, as the headline numbers do, so ROW is shown separately rather than
    added to them."""
    t = runs[runs["measure"] == measure]
    keys = ["month", "channel"]
    if by_corridor:
        t = t.assign(corridor=t["origin"] + "-" + t["destination"])
        keys = ["corridor", *keys]
    else:
        t = modelled_origins_only(t)
    per_rep = t.groupby([*keys, "replicate"])["value"].sum().reset_index()
    return over_replicates(per_rep, keys, count=False)


def headline_per_replicate(runs: pd.DataFrame) -> pd.DataFrame:
    """The headline numbers of each replicate (one row per replicate, one column per
    indicator), computed as ``corridors compare`` computes them: from the yearly table."""
    per_run = headline_per_run(yearly(runs, ["replicate"]), ["replicate"])
    return per_run.drop(columns="replicate")


def headline(runs: pd.DataFrame) -> pd.DataFrame:
    """Headline numbers per replicate -> mean and 90% band."""
    return headline_summary(headline_per_replicate(runs))


def headline_summary(per_rep: pd.DataFrame) -> pd.DataFrame:
    """Mean and 90% band of per-replicate headline numbers, in the declared order."""
    long = per_rep.reset_index(drop=True).melt(var_name="key")
    table = over_replicates(long, ["key"], count=False).set_index("key").loc[per_rep.columns]
    table.insert(0, "indicator", [HEADLINE_LABELS[c] for c in per_rep.columns])
    return table.reset_index()[["indicator", "key", "mean", "p05", "p95"]]


def difference(a: pd.DataFrame, b: pd.DataFrame, measure: str) -> pd.DataFrame:
    """B minus A per month and channel, paired by replicate: all corridors of the modelled
    origins, the total :func:`summarise` charts (the rest of the world is not in it)."""
    keys = ["month", "channel", "replicate"]
    a, b = modelled_origins_only(a), modelled_origins_only(b)
    sa = a[a["measure"] == measure].groupby(keys)["value"].sum()
    sb = b[b["measure"] == measure].groupby(keys)["value"].sum()
    d = (sb - sa).dropna().reset_index()
    return over_replicates(d, ["month", "channel"], count=False)
