"""Batch throughput: runs per minute at the default scale with 1 and 2 local workers, and the
overhead of a Dask LocalCluster against the local process pool.

    .venv/bin/python benchmarks/bench_batch.py [--runs 24]

Each configuration runs the same batch (the baseline, default scale: 500 people per agent,
2010-01 to 2030-12, ``--runs`` replicates) into a fresh folder; wall time includes starting
the workers. Target (issue 3): 2 workers give at least 1.8 times the throughput of 1.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from corridors.batch import run_batch
from corridors.batchspec import load_batch


def _batch_file(folder: Path, runs: int) -> Path:
    path = folder / "bench.toml"
    path.write_text(
        f'name = "bench"\nscenarios = ["baseline"]\nreplicates = {runs}\nroot_seed = 1\n',
        encoding="utf-8",
    )
    return path


def timed(spec, out: Path, **kwargs) -> float:
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    outcome = run_batch(spec, out, progress=False, **kwargs)
    wall = time.perf_counter() - t0
    assert outcome.done == len(spec.tasks()) and not outcome.failed
    return wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=24)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = load_batch(_batch_file(folder, args.runs))
        n = len(spec.tasks())
        results = {}
        results["serial (1 worker)"] = timed(spec, folder / "serial", serial=True)
        results["local pool, 2 workers"] = timed(spec, folder / "pool2", workers=2)
        from distributed import LocalCluster

        t0 = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            start = time.perf_counter() - t0
            results["Dask LocalCluster, 2 workers"] = timed(
                spec, folder / "dask2", dask_address=cluster.scheduler_address
            )
        for name, wall in results.items():
            print(f"{name:30s} {n} runs in {wall:6.1f} s = {60 * n / wall:6.1f} runs/min")
        one = results["serial (1 worker)"]
        two = results["local pool, 2 workers"]
        dask = results["Dask LocalCluster, 2 workers"]
        print(f"speed-up with 2 workers: {one / two:.2f}x (target >= 1.8x)")
        print(
            f"Dask overhead against the local pool: {dask - two:+.1f} s over {n} runs "
            f"({100 * (dask / two - 1):+.0f}%), plus {start:.1f} s to start the cluster"
        )


if __name__ == "__main__":
    main()
