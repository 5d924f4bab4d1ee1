"""One small process pool per dashboard server, shared by every session, for replicate runs.

Measured on the project's 2-core machine: ten runs to 2019-12 at 500 people per agent take
13.7 s one after another and 6.4 s on two worker processes (a run is pure Python and numpy,
so threads would not overlap). The pool is started on first need (the baseline precomputed
when the first page opens), its workers import the model once through a fork server, and it
is shut down when the server process exits. It is started on a thread that belongs to no
browser session, so the pool's own threads (its manager and the queue feeder that hands runs
to the workers) are not taken for a session's threads and stopped when the session that
happened to start the pool closes (``dashboards.session_cleanup``). Its size is capped at two
workers so one server cannot take more than the machine has;
``CORRIDORS_DASHBOARD_WORKERS=0`` runs every replicate on one thread of the server instead
(same seeds, same numbers).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor

__all__ = ["InlineExecutor", "shared_executor", "shutdown_shared_executor", "worker_count"]

MAX_WORKERS = 2
_POOL: Executor | None = None
_LOCK = threading.Lock()


class InlineExecutor(ThreadPoolExecutor):
    """Replicates one after another on one thread of this process (no worker processes):
    for tests and single-core machines. A thread, not the caller, so progress and the cancel
    flag are seen while the runs go on."""

    def __init__(self) -> None:
        super().__init__(max_workers=1, thread_name_prefix="corridors-replicate")


def worker_count() -> int:
    """Worker processes for replicates: ``CORRIDORS_DASHBOARD_WORKERS`` or up to two."""
    configured = os.environ.get("CORRIDORS_DASHBOARD_WORKERS")
    if configured is not None:
        return max(0, min(int(configured), MAX_WORKERS))
    return min(MAX_WORKERS, os.cpu_count() or 1)


def shared_executor() -> Executor:
    """The server's executor for replicate runs (created on first call)."""
    global _POOL
    with _LOCK:
        if _POOL is None:
            _POOL = _outside_sessions(_start_pool)
            atexit.register(shutdown_shared_executor)
        return _POOL


def _ready(_: int) -> int:
    return os.getpid()


def _start_pool() -> Executor:
    workers = worker_count()
    if workers <= 1:
        return InlineExecutor()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dashboards.replicates"])
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    # start every worker, the manager thread and the queue feeder thread now, on this thread
    list(pool.map(_ready, range(workers)))
    return pool


def _outside_sessions(make: Callable[[], Executor]) -> Executor:
    """``make()`` run on a new thread with no browser session (Solara gives a thread the
    session of the thread that creates it unless told otherwise)."""
    made: list = []

    def target() -> None:
        try:
            made.append(make())
        except BaseException as exc:  # handed back to the caller
            made.append(exc)

    thread = threading.Thread(target=target, name="corridors-pool-start", daemon=True)
    thread.current_context = None  # read by Solara's thread patch and session cleanup
    thread.start()
    thread.join()
    if isinstance(made[0], BaseException):
        raise made[0]
    return made[0]


def shutdown_shared_executor() -> None:
    """Stop the pool's workers (pending runs are dropped); the next call starts a new one."""
    global _POOL
    with _LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
