"""Run a batch on any ``concurrent.futures``-style executor and store the results.

Executors: ``serial`` (in this process), a local process pool (``workers`` processes, the
default), or an existing Dask cluster (``dask_address``; ``Client(address).get_executor()``
is a ``concurrent.futures.Executor``). Workers only compute; this process writes every file,
so a cluster needs no shared file system. The same batch gives identical results on every
executor and any number of workers: a run depends only on its scenario and seed.

On a SLURM cluster, start a Dask cluster with dask-jobqueue and pass its address::

    from dask_jobqueue import SLURMCluster
    cluster = SLURMCluster(cores=8, memory="16GB", walltime="04:00:00")
    cluster.scale(jobs=10)
    print(cluster.scheduler_address)    # then: corridors batch b.toml --out d --dask ADDRESS

(the project must be installed in the workers' environment).
"""

from __future__ import annotations

import io
import multiprocessing
import sys
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

from .batchspec import BatchSpec, Task
from .store import ResultsStore

__all__ = ["BatchOutcome", "SerialExecutor", "execute_task", "run_batch"]


def execute_task(scenario, task: Task) -> dict:
    """Run one task (in a worker). Returns the table or the error, never raises."""
    from simulation.run import run_scenario

    t0 = time.perf_counter()
    try:
        result = run_scenario(scenario)
        table = result.table.assign(run_id=task.run_id, point=task.point,
                                    replicate=task.replicate, seed=task.seed)
        buffer = io.BytesIO()  # encoded here so the writing process only copies bytes
        table.to_parquet(buffer, index=False)
        return {"ok": True, "parquet": buffer.getvalue(), "timings_s": result.timings_s,
                "worker_agents": len(result.model.population),
                "wall_s": time.perf_counter() - t0}
    except Exception as exc:  # recorded as a failure; the batch goes on
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()}


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process."""

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
            if isinstance(exc, KeyboardInterrupt):
                raise
        return future


@dataclass
class BatchOutcome:
    total: int
    done: int
    failed: int
    skipped: int
    interrupted: bool
    wall_s: float


def make_executor(workers: int, dask_address: str | None, serial: bool):
    """The executor and a function that closes it."""
    if dask_address:
        from distributed import Client

        client = Client(dask_address)
        return client.get_executor(), client.close
    if serial or workers <= 1:
        return SerialExecutor(), lambda: None
    context = multiprocessing.get_context("forkserver")
    # import the model once in the fork server; each worker then starts warm
    context.set_forkserver_preload(["simulation.run", "corridors.batch"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    return pool, lambda: pool.shutdown(wait=False, cancel_futures=True)


def run_batch(spec: BatchSpec, out: Path, *, workers: int = 1, dask_address: str | None = None,
              serial: bool = False, executor: Executor | None = None, progress: bool = True,
              on_done: Callable[[Task, dict], None] | None = None) -> BatchOutcome:
    """Run every task of the batch not already done in ``out``."""
    t0 = time.perf_counter()
    tasks = spec.tasks()
    store = ResultsStore.open(out, spec, tasks)
    done_before = store.done()
    pending = [t for t in tasks if t.run_id not in done_before]
    close = lambda: None  # noqa: E731
    if executor is None:
        executor, close = make_executor(workers, dask_address, serial)
    bar = _progress_bar(len(tasks), len(done_before), progress)
    done = failed = 0
    interrupted = False
    window = max(2, 2 * max(workers, 1))
    in_flight: dict[Future, Task] = {}
    queue = list(pending)
    try:
        while queue or in_flight:
            while queue and len(in_flight) < window:
                task = queue.pop(0)
                in_flight[executor.submit(execute_task, spec.scenario_for(task), task)] = task
            finished, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in finished:
                task = in_flight.pop(future)
                try:
                    outcome = future.result()
                except Exception as exc:  # the worker itself died
                    outcome = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                               "traceback": traceback.format_exc()}
                if outcome["ok"]:
                    store.write_run(task, outcome.pop("parquet"), outcome)
                    done += 1
                else:
                    store.write_failure(task, outcome["error"], outcome["traceback"])
                    failed += 1
                if on_done is not None:
                    on_done(task, outcome)
                bar.update(1)
                bar.set_postfix(failed=failed, refresh=False)
    except KeyboardInterrupt:
        interrupted = True
        for future in in_flight:
            future.cancel()
        print(f"\ncorridors: interrupted; {done} runs finished in this session are kept. "
              "Run the same command again to finish the batch.", file=sys.stderr)
    finally:
        bar.close()
        close()
    return BatchOutcome(total=len(tasks), done=done, failed=failed,
                        skipped=len(done_before), interrupted=interrupted,
                        wall_s=time.perf_counter() - t0)


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", desc="runs", disable=not enabled,
                dynamic_ncols=True, file=sys.stderr)


def default_workers() -> int:
    import os

    return max(1, len(os.sched_getaffinity(0)))

