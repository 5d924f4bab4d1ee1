"""Where a calibration's model runs go: this process, a local pool, or a Dask cluster.

``corridors calibrate`` and ``corridors validate`` submit every model run (the MSM's
candidates, ABC-SMC's proposals, the report's and the hindcast's runs) to one
``concurrent.futures`` executor from :func:`corridors.batch.make_executor`, as ``corridors
batch`` does: ``--dask ADDRESS`` sends them to a running Dask scheduler
(``Client(address).get_executor()``). Results do not depend on where the runs go: each run
depends only on its parameters and seed, and ABC-SMC's proposals are seeded by their number
(:mod:`calibration.abc_smc`), so a cluster gives the posterior a local pool gives.

The number of workers only sizes the window of runs kept in flight (twice the workers); on a
cluster it is the cluster's thread count when the command starts.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor

from corridors.batch import make_executor

__all__ = ["calibration_executor"]


def calibration_executor(
    workers: int, dask_address: str | None = None
) -> tuple[Executor, Callable[[], None], int]:
    """(executor, close, workers): a Dask cluster's executor when ``dask_address`` is given
    (an unreachable address is a ScenarioError naming ``--dask``), else ``workers`` local
    processes (this process when 1)."""
    executor, close = make_executor(workers, dask_address, workers <= 1)
    if dask_address:
        client = executor.client  # a DaskExecutor
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        workers = max(1, threads)
    return executor, close, workers
