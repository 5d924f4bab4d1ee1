"""The results store of a batch: one tidy Parquet dataset plus manifests, safe to kill.
Open it only while holding the folder's lock (:func:`corridors.lock.folder_lock`).

Layout of a batch folder::

    batch.json                         the batch: definition, every task, seeds, provenance
    results/scenario=<label>/<run>.parquet   one file per run (hive-partitioned dataset)
    runs/<run>.json                    run manifest, written after its Parquet file
    failures/<run>.json                error and traceback of a run that raised

Every file is written atomically (temporary file, fsync, rename). A run counts as done when
its manifest exists, so a batch killed at any moment (SIGKILL included) is finished by running
the same command again: done runs are skipped, half-written files never existed, and a run
whose Parquet file was written but not its manifest is simply run and written again.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from scenarios.errors import ScenarioError

from .atomic import write_atomic, write_text_atomic
from .batchspec import BatchSpec, Task
from .lock import is_lock_file
from .manifest import code_version, package_versions, platform_info

__all__ = ["ResultsStore", "read_results"]


class ResultsStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ---- opening -----------------------------------------------------------------------
    @classmethod
    def open(cls, root: Path, spec: BatchSpec, tasks: Sequence[Task]) -> ResultsStore:
        """Create the folder for a new batch, or reopen it for the same batch (an error if it
        holds a different one)."""
        store = cls(root)
        if store.root.exists() and not store.root.is_dir():
            raise ScenarioError(
                str(root), "--out", str(root), "a folder (a file of that name exists)"
            )
        manifest = store.root / "batch.json"
        if manifest.exists():
            try:
                old = json.loads(manifest.read_text(encoding="utf-8"))
                if not isinstance(old, dict):
                    raise ValueError("not a table")
            except (ValueError, OSError):
                raise ScenarioError(
                    str(root),
                    "--out",
                    str(root),
                    "a batch folder whose batch.json is readable JSON (this "
                    "one is not: choose a new folder)",
                ) from None
            if old.get("run_ids") != [t.run_id for t in tasks]:
                raise ScenarioError(
                    str(root),
                    "--out",
                    str(root),
                    "an empty folder or one holding this same batch (it holds "
                    f"batch {old.get('name')!r} with other runs)",
                )
        else:
            if store.root.exists() and any(not is_lock_file(p) for p in store.root.iterdir()):
                raise ScenarioError(
                    str(root),
                    "--out",
                    str(root),
                    "an empty or new folder (this one holds other files)",
                )
            store.root.mkdir(parents=True, exist_ok=True)
            write_json_atomic(
                manifest,
                {
                    "name": spec.name,
                    "description": spec.description,
                    "batch_file": spec.source_file,
                    "definition": spec.raw,
                    "root_seed": spec.root_seed,
                    "replicates": spec.replicates,
                    "sweep_method": spec.sweep_method,
                    "scenarios": {
                        label: s.to_dict()
                        for label, s in zip(spec.scenario_labels, spec.scenarios, strict=True)
                    },
                    "scenario_digests": {
                        label: s.digest()
                        for label, s in zip(spec.scenario_labels, spec.scenarios, strict=True)
                    },
                    # listed one by one as they are written: a batch of any size
                    # takes no memory to start (its batch.json takes disk)
                    "tasks": _Streamed(lambda: (t.__dict__ for t in tasks), len(tasks)),
                    "run_ids": _Streamed(lambda: (t.run_id for t in tasks), len(tasks)),
                    "code": code_version(),
                    "packages": package_versions(),
                    "machine": platform_info(),
                    "created_utc": dt.datetime.now(dt.UTC).isoformat(),
                },
            )
        for sub in ("results", "runs", "failures"):
            (store.root / sub).mkdir(exist_ok=True)
        store.remove_temporaries()
        return store

    def remove_temporaries(self) -> None:
        """Temporary files of a writer that died (safe: the caller holds the folder's
        lock, so no live process is writing them)."""
        for tmp in self.root.rglob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    # ---- state -------------------------------------------------------------------------
    def done(self) -> set[str]:
        return {p.stem for p in (self.root / "runs").glob("*.json")}

    def failed(self) -> set[str]:
        return {p.stem for p in (self.root / "failures").glob("*.json")}

    def parquet_path(self, task: Task) -> Path:
        return self.root / "results" / f"scenario={task.scenario_label}" / f"{task.run_id}.parquet"

    # ---- writing -----------------------------------------------------------------------
    def write_run(self, task: Task, parquet: bytes, info: dict) -> None:
        """Store one finished run: its table (Parquet bytes, with run_id, point, replicate
        and seed columns), then its manifest."""
        path = self.parquet_path(task)
        write_atomic(path, lambda p: p.write_bytes(parquet))
        write_text_atomic(
            self.root / "runs" / f"{task.run_id}.json",
            json.dumps(
                {**task.__dict__, **info, "file": str(path.relative_to(self.root))},
                indent=1,
                default=str,
            ),
        )
        (self.root / "failures" / f"{task.run_id}.json").unlink(missing_ok=True)

    def write_failure(self, task: Task, error: str, trace: str) -> None:
        write_text_atomic(
            self.root / "failures" / f"{task.run_id}.json",
            json.dumps(
                {
                    **task.__dict__,
                    "error": error,
                    "traceback": trace,
                    "failed_utc": dt.datetime.now(dt.UTC).isoformat(),
                },
                indent=1,
                default=str,
            ),
        )


class _Streamed(list):
    """A list to :mod:`json` whose items are made while they are encoded (the encoder with
    an indent, written in pure Python, asks a list only for its length and its items)."""

    def __init__(self, items: Callable[[], Iterator], n: int) -> None:
        super().__init__()
        self._items = items
        self._n = n

    def __len__(self) -> int:
        return self._n

    def __iter__(self) -> Iterator:
        return iter(self._items())


def write_json_atomic(path: Path, data: dict) -> None:
    """``json.dumps(data, indent=1, default=str)`` written atomically piece by piece, so
    :class:`_Streamed` lists are never held whole (the same bytes as ``json.dumps``)."""

    def write(tmp: Path) -> None:
        encoder = json.JSONEncoder(indent=1, default=str)
        with tmp.open("w", encoding="utf-8") as fh:
            for chunk in encoder.iterencode(data):
                fh.write(chunk)

    write_atomic(path, write)


def read_results(root: Path, **filters) -> pd.DataFrame:
    """The whole tidy dataset of a batch folder (one row per run x month x corridor x channel
    x measure), with ``scenario`` from the partition. ``filters`` such as
    ``measure="stock"`` select rows while reading."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(Path(root) / "results", format="parquet", partitioning="hive")
    expr = None
    for key, value in filters.items():
        term = ds.field(key) == value
        expr = term if expr is None else expr & term
    return dataset.to_table(filter=expr).to_pandas()
