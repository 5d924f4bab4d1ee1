"""Run a policy search: platypus-opt's NSGA-II asks for lever vectors, each is evaluated
robustly through the batch machinery's executors (a local process pool, this process or a
Dask cluster: :func:`corridors.batch.make_executor`), and every finished run is appended to
the search folder's archive as it arrives.

Resume: the optimiser is seeded (platypus draws from a generator of its own, seeded with the
search's seed: :func:`_private_random`), so a rerun into the same folder asks for the same
vectors in the same order; runs found in the archive are not run again
(:mod:`corridors.search_archive`).
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, wait
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .batch import ExecutorLost
from .search_archive import RunArchive
from .search_eval import RunKey, evaluate_run, robust_value, run_keys, run_scenario_for, vector_key
from .search_spec import SearchSpec

__all__ = ["SearchFailed", "SearchOutcome", "evaluate_vectors", "run_search"]


_LOST = (
    "the executor cancelled or lost runs in flight (a Dask cluster lost or shut down?); every "
    "finished run is kept in the archive: run the same command again to resume"
)


class SearchFailed(RuntimeError):
    """A run of the search failed: the search cannot rank a vector it could not evaluate."""


@dataclass
class SearchOutcome:
    evaluations: pd.DataFrame  # one row per distinct lever vector, in the order asked
    runs_computed: int
    runs_reused: int
    wall_s: float


def lever_vector(spec: SearchSpec, variables: list[float]) -> dict[str, float | int]:
    """The optimiser's variables as the lever values the runs use (see ``Lever.value``)."""
    return {lever.key: lever.value(x) for lever, x in zip(spec.levers, variables, strict=True)}


class _Evaluations:
    """The robust evaluations of a search so far, computing the runs not in the archive."""

    def __init__(self, spec, archive, executor, window) -> None:
        self.spec, self.archive, self.executor = spec, archive, executor
        self.window = window
        self.rows: dict[str, dict] = {}
        self.computed = self.reused = 0

    def evaluate(self, vectors: list[dict]) -> None:
        """Evaluate every vector not evaluated yet: run what the archive lacks, then
        summarise each vector's runs."""
        todo = [v for v in vectors if vector_key(v) not in self.rows]
        runs = list(dict.fromkeys(r for v in todo for r in run_keys(self.spec, v)))
        missing = [r for r in runs if r not in self.archive]
        self.reused += len(runs) - len(missing)
        self._run(missing)
        for v in todo:
            self.rows[vector_key(v)] = self._summary(v)

    def _run(self, missing: list[RunKey]) -> None:
        queue = iter(missing)
        in_flight: dict[Future, RunKey] = {}
        more = True
        failures = []
        while more or in_flight:
            while more and len(in_flight) < self.window:
                run = next(queue, None)
                if run is None:
                    more = False
                    break
                scenario = run_scenario_for(self.spec, run)
                future = self.executor.submit(evaluate_run, scenario, self.spec.quantities())
                in_flight[future] = run
            if not in_flight:
                break
            finished, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
            if not finished and getattr(self.executor, "lost", lambda: False)():
                raise ExecutorLost(_LOST)
            for future in finished:
                run = in_flight.pop(future)
                try:
                    outcome = future.result()
                except CancelledError:  # cancelled by a Dask cluster that went away
                    raise ExecutorLost(_LOST) from None
                except Exception as exc:  # the worker process itself died
                    outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
                if outcome["ok"]:
                    self.archive.add(run, outcome["values"])
                    self.computed += 1
                else:
                    failures.append((run, outcome["error"]))
        if failures:
            run, error = failures[0]
            raise SearchFailed(
                f"{len(failures)} runs failed, the first with levers {run.vector}, parameter "
                f"point {run.point}, seed {run.seed}: {error}"
            )

    def _summary(self, levers: dict) -> dict:
        spec = self.spec
        runs = [self.archive.get(r) for r in run_keys(spec, levers)]
        row: dict = dict(levers)
        violation = 0.0
        for q in spec.objectives:
            row[q.name] = robust_value([r[q.name] for r in runs], spec.percentile, q.direction)
        for q in spec.constraints:
            if q.high is not None:
                hi = robust_value([r[q.name] for r in runs], spec.percentile, "minimise")
                violation += max(0.0, hi - q.high)
                row[q.name] = hi
            if q.low is not None:
                lo = robust_value([r[q.name] for r in runs], spec.percentile, "maximise")
                violation += max(0.0, q.low - lo)
                row[q.name] = lo if q.high is None else row[q.name]
        row["violation"] = violation
        row["feasible"] = violation == 0.0
        for q in spec.quantities():  # the run a solution's TOML reproduces
            row[f"{q.name}__run1"] = runs[0][q.name]
        return row


def _problem(spec: SearchSpec, evaluations: _Evaluations):
    from platypus import Direction, Problem, Real

    class SearchProblem(Problem):
        """The levers as real variables (an integer lever is rounded when applied), the
        objectives with their directions, one ``<= 0`` constraint per constraint (its
        violation, in the quantity's unit)."""

        def __init__(self) -> None:
            super().__init__(len(spec.levers), len(spec.objectives), len(spec.constraints))
            self.types[:] = [Real(lever.low, lever.high) for lever in spec.levers]
            self.directions[:] = [
                Direction.MINIMIZE if q.direction == "minimise" else Direction.MAXIMIZE
                for q in spec.objectives
            ]
            if spec.constraints:
                self.constraints[:] = "<=0"

        def evaluate(self, solution) -> None:
            row = evaluations.rows[vector_key(lever_vector(spec, solution.variables))]
            solution.objectives[:] = [row[q.name] for q in spec.objectives]
            if spec.constraints:
                # the whole violation on each: platypus sums them, feasibility is the same
                solution.constraints[:] = [row["violation"]] * len(spec.constraints)

    return SearchProblem()


def _evaluator(spec: SearchSpec, evaluations: _Evaluations, on_generation: Callable):
    from platypus import Evaluator

    class PoolEvaluator(Evaluator):
        """Evaluates a whole generation at once, so its runs share the executor's workers."""

        def evaluate_all(self, jobs, **kwargs):
            vectors = [lever_vector(spec, job.solution.variables) for job in jobs]
            evaluations.evaluate(vectors)
            for job in jobs:
                job.run()
            on_generation(len(jobs))
            return jobs

    return PoolEvaluator()


_PLATYPUS_RANDOM = ("algorithms", "operators", "types", "_math", "extensions", "weights")
"""The platypus modules that draw from Python's ``random`` module."""


@contextlib.contextmanager
def _private_random(seed: int) -> Iterator[None]:
    """Let platypus draw from a generator of its own, seeded with the search's seed, while the
    search runs. It draws from Python's global ``random`` module, which other code in this
    process also draws from on its own threads (a Dask client does): those draws would change
    the optimiser's choices, and a rerun would no longer ask for the same vectors. Not for two
    searches at once in one process (the modules are shared)."""
    import importlib

    rng = random.Random(seed)
    modules = [importlib.import_module(f"platypus.{name}") for name in _PLATYPUS_RANDOM]
    saved = [getattr(module, "random") for module in modules]  # noqa: B009 (untyped modules)
    for module in modules:
        setattr(module, "random", rng)  # noqa: B010
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            setattr(module, "random", original)  # noqa: B010


def run_search(
    spec: SearchSpec,
    out: Path,
    executor,
    *,
    workers: int = 1,
    progress: bool = True,
) -> SearchOutcome:
    """Run the search into folder ``out`` (its lock held by the caller) with ``executor``;
    reuses every run already in the folder's archive."""
    from platypus import NSGAII

    t0 = time.perf_counter()
    archive = RunArchive(out)
    window = 1 if workers <= 1 else 2 * workers
    evaluations = _Evaluations(spec, archive, executor, window)
    asked = [0]

    def on_generation(n: int) -> None:
        asked[0] += n
        if progress:
            print(
                f"corridors: search {spec.name}: {min(asked[0], spec.budget)}/{spec.budget} "
                f"evaluations, {evaluations.computed} runs computed, {evaluations.reused} "
                f"taken from the archive, {time.perf_counter() - t0:.0f} s",
                file=sys.stderr,
                flush=True,
            )

    with _private_random(spec.seed):
        algorithm = NSGAII(
            _problem(spec, evaluations),
            population_size=spec.population,
            evaluator=_evaluator(spec, evaluations, on_generation),
        )
        algorithm.run(spec.budget)
    table = pd.DataFrame(list(evaluations.rows.values()))
    return SearchOutcome(
        evaluations=table,
        runs_computed=evaluations.computed,
        runs_reused=evaluations.reused,
        wall_s=time.perf_counter() - t0,
    )


def evaluate_vectors(spec: SearchSpec, vectors: list[dict], out: Path, executor) -> pd.DataFrame:
    """Robust evaluations of given lever vectors (the archive in ``out`` reused and grown):
    for checks of a finished search and for tests."""
    evaluations = _Evaluations(spec, RunArchive(out), executor, 1)
    evaluations.evaluate(vectors)
    return pd.DataFrame([evaluations.rows[vector_key(v)] for v in vectors])
