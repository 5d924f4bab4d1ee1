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
import logging
import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import (
    FIRST_COMPLETED,
    CancelledError,
    Executor,
    Future,
    ProcessPoolExecutor,
    wait,
)
from dataclasses import dataclass
from pathlib import Path

from scenarios.errors import ScenarioError

from .batchspec import BatchSpec, Task
from .lock import folder_lock
from .store import ResultsStore

__all__ = [
    "BatchOutcome",
    "DaskExecutor",
    "ExecutorLost",
    "SerialExecutor",
    "execute_task",
    "run_batch",
]


class ExecutorLost(RuntimeError):
    """The executor cancelled runs it had accepted (a lost Dask scheduler): the batch stops
    with a clear message; the cancelled runs are not failures and run again on a rerun."""


def execute_task(scenario, task: Task) -> dict:
    """Run one task (in a worker). Returns the table or the error, never raises."""
    from simulation.run import run_scenario

    t0 = time.perf_counter()
    try:
        result = run_scenario(scenario)
        table = result.table.assign(
            run_id=task.run_id, point=task.point, replicate=task.replicate, seed=task.seed
        )
        buffer = io.BytesIO()  # encoded here so the writing process only copies bytes
        table.to_parquet(buffer, index=False)
        return {
            "ok": True,
            "parquet": buffer.getvalue(),
            "timings_s": result.timings_s,
            "worker_agents": len(result.model.population),
            "wall_s": time.perf_counter() - t0,
        }
    except Exception as exc:  # recorded as a failure; the batch goes on
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "traceback": traceback.format_exc(),
        }


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


DASK_CONNECT_TIMEOUT_S = 10
"""How long to try a Dask scheduler's address before calling it unreachable, and to try to
reconnect to a scheduler that went away before calling the cluster lost."""


class DaskExecutor(Executor):
    """A Dask client's ``concurrent.futures`` executor that also says when the cluster is
    lost. Dask cancels the runs in flight when its scheduler goes, but a run whose result was
    being fetched at that moment may never finish: :func:`run_batch` stops waiting for it
    once the client has given up reconnecting."""

    def __init__(self, client) -> None:
        self.client = client
        self._executor = client.get_executor()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        return self._executor.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._executor.shutdown(wait=wait)

    def lost(self) -> bool:
        return self.client.status in ("closing", "closed")


def make_executor(workers: int, dask_address: str | None, serial: bool):
    """The executor and a function that closes it. A Dask address that cannot be reached is
    a ScenarioError (exit 2), raised before any output folder is created."""
    if dask_address:
        from distributed import Client

        try:
            client = Client(dask_address, timeout=DASK_CONNECT_TIMEOUT_S)
        except (OSError, ValueError, TypeError) as exc:  # TimeoutError is an OSError
            raise ScenarioError(
                "(command line)",
                "--dask",
                dask_address,
                "the address of a running Dask scheduler, as "
                f"tcp://host:port ({type(exc).__name__}: "
                f"{str(exc)[:200]})",
            ) from None
        # A lost scheduler is reported once, in one line, by run_batch (ExecutorLost). Dask's
        # client side would add its reconnection attempts and tracebacks of its closed
        # connections: quiet its log in this process (the scheduler and workers keep theirs).
        # Tornado's callback log carries the same tracebacks when a gather in flight meets
        # the closed connection (distributed's cfexecutor cascades it into the IO loop).
        for name in ("distributed", "distributed.client", "tornado.application"):
            logging.getLogger(name).setLevel(logging.CRITICAL)
        return DaskExecutor(client), client.close
    if serial or workers <= 1:
        return SerialExecutor(), lambda: None
    context = multiprocessing.get_context("forkserver")
    # import the model once in the fork server; each worker then starts warm
    context.set_forkserver_preload(["simulation.run", "corridors.batch"])
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )
    return pool, lambda: pool.shutdown(wait=False, cancel_futures=True)


def exit_with_parent(parent_pid: int, interval_s: float = 1.0) -> None:
    """Pool worker initializer: end this worker once the process that started the batch is
    gone. A SIGKILL of the main process alone (what an out-of-memory kill does) otherwise
    leaves the workers computing runs nobody will write, holding their memory; and since
    each worker holds the fork server's "alive" pipe, the fork server and then the resource
    tracker (which end when every holder of their pipe has) stay with them. Once the workers
    exit, both follow within a second.

    "Gone" includes a zombie (killed, not yet reaped by its own parent, which may take
    long or never happen): it still answers ``kill(pid, 0)`` but has closed its files."""
    started = _start_time(parent_pid)
    if started is None and Path("/proc/self/stat").exists():
        os._exit(1)  # the parent was gone before this worker started

    def watch() -> None:
        while True:
            time.sleep(interval_s)
            if not _is_running(parent_pid, started):
                os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _start_time(pid: int) -> str | None:
    """The process's start time from ``/proc`` (None where there is no ``/proc``): with it a
    reused pid is not mistaken for the parent."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[19]
    except (OSError, IndexError):
        return None


def _is_running(pid: int, started: str | None) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):  # PermissionError: reused by another user
        return False
    if started is None:
        return True
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[0] not in ("Z", "X") and fields[19] == started


def run_batch(
    spec: BatchSpec,
    out: Path,
    *,
    workers: int = 1,
    dask_address: str | None = None,
    serial: bool = False,
    executor: Executor | None = None,
    progress: bool = True,
    on_done: Callable[[Task, dict], None] | None = None,
) -> BatchOutcome:
    """Run every task of the batch not already done in ``out``, holding the folder's lock
    (a second writer is refused)."""
    t0 = time.perf_counter()
    tasks = spec.tasks()
    close = lambda: None  # noqa: E731
    if executor is None:
        executor, close = make_executor(workers, dask_address, serial)
    try:
        with folder_lock(out):
            store = ResultsStore.open(out, spec, tasks)
            done_before = store.done()
            # made one at a time as the runs are dispatched: memory does not grow with the
            # size of the batch
            pending = (t for t in tasks if t.run_id not in done_before)
            done, failed, interrupted = _run_tasks(
                spec,
                store,
                executor,
                pending,
                len(tasks),
                len(done_before),
                workers,
                progress,
                on_done,
            )
    finally:
        close()
    return BatchOutcome(
        total=len(tasks),
        done=done,
        failed=failed,
        skipped=len(done_before),
        interrupted=interrupted,
        wall_s=time.perf_counter() - t0,
    )


def _run_tasks(spec, store, executor, pending, total, initial, workers, progress, on_done):
    """Submit the pending tasks and store each result as it arrives."""
    bar = _progress_bar(total, initial, progress)
    done = failed = lost = 0
    interrupted = False
    # a serial executor runs a task when it is submitted: one at a time, so each run is
    # written as soon as it finishes and a kill loses at most the run under way
    window = 1 if isinstance(executor, SerialExecutor) else max(2, 2 * max(workers, 1))
    in_flight: dict[Future, Task] = {}
    queue = iter(pending)
    more = True
    try:
        while more or in_flight:
            while more and len(in_flight) < window:
                task = next(queue, None)
                if task is None:
                    more = False
                    break
                in_flight[executor.submit(execute_task, spec.scenario_for(task), task)] = task
            if not in_flight:
                break
            finished, _ = wait(list(in_flight), timeout=1.0, return_when=FIRST_COMPLETED)
            if not finished and getattr(executor, "lost", lambda: False)():
                # the runs still in flight will never come back: not failures either
                lost += len(in_flight)
                in_flight.clear()
                more = False
                continue
            for future in finished:
                task = in_flight.pop(future)
                try:
                    outcome = future.result()
                except CancelledError:
                    # cancelled by the executor, not by us: a Dask cluster that went away.
                    # Not a failure of the run; stop submitting and say so below.
                    lost += 1
                    more = False
                    continue
                except Exception as exc:  # the worker itself died
                    outcome = {
                        "ok": False,
                        "error": f"{type(exc).__name__}: {exc}",
                        "traceback": traceback.format_exc(),
                    }
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
        print(
            f"\ncorridors: interrupted; {done} runs finished in this session are kept. "
            "Run the same command again to finish the batch.",
            file=sys.stderr,
        )
    finally:
        bar.close()
    if lost:
        raise ExecutorLost(
            f"the executor cancelled or lost {lost} runs in flight (a Dask cluster "
            f"lost or shut down?); {done} runs finished in this session are "
            "kept, none was recorded as failed. Run the same command again "
            "to finish the batch."
        )
    return done, failed, interrupted


def _progress_bar(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="run",
        desc="runs",
        disable=not enabled,
        dynamic_ncols=True,
        file=sys.stderr,
    )


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))


def worker_count(requested: int | None) -> int:
    """Local worker processes for a command's ``--workers``: all cores by default; below 1 is
    bad input (a ScenarioError, exit 2); more than the cores is capped with a warning (each
    worker holds a model in memory, and extra ones only compete for the cores). Every command
    that takes ``--workers`` reads it through here, so they agree."""
    cores = default_workers()
    if requested is None:
        return cores
    if requested < 1:
        raise ScenarioError("(command line)", "--workers", requested, "at least 1")
    if requested > cores:
        print(
            f"corridors: warning: --workers {requested} is more than the {cores} cores "
            f"available; using {cores}",
            file=sys.stderr,
        )
        return cores
    return requested
