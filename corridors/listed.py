"""Read exactly the runs a batch folder's ``batch.json`` lists, and nothing else.

Reading every Parquet file under ``results/`` let a stray copy or a second batch writing into
the same folder change a comparison's numbers silently (the regular-stock change of one
scenario doubled, still labelled with the original replicate count). Here the folder is
checked first: an unknown or duplicated file is an error naming it; runs listed but not
finished are reported, so a caller can say the batch is incomplete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from scenarios.errors import ScenarioError

__all__ = ["ListedRuns", "listed_runs", "read_listed"]

KEYS = ["run_id", "month", "origin", "destination", "channel", "measure"]


@dataclass(frozen=True)
class ListedRuns:
    root: Path
    finished: dict[str, Path]  # run id -> its Parquet file
    missing: tuple[str, ...]  # listed run ids not finished
    replicates: int  # asked for per scenario and point

    @property
    def total(self) -> int:
        return len(self.finished) + len(self.missing)

    def incomplete_note(self) -> str:
        """One sentence when runs are missing, else ''."""
        if not self.missing:
            return ""
        return (
            f"Incomplete batch: {len(self.finished)} of {self.total} runs finished "
            f"({self.replicates} replicates were asked per scenario and point; see the "
            "replicates column). Run the batch command again to finish it."
        )


def _bad(root: Path, value: object, allowed: str) -> ScenarioError:
    return ScenarioError(str(root), "folder", value, allowed)


def listed_runs(root: Path) -> ListedRuns:
    """Check a batch folder against its ``batch.json`` (read-only)."""
    root = Path(root)
    what = "a batch results folder written by 'corridors batch'"
    try:
        meta = json.loads((root / "batch.json").read_text(encoding="utf-8"))
        tasks = meta["tasks"]
        ids = [str(t["run_id"]) for t in tasks]
        labels = [str(t["scenario_label"]) for t in tasks]
        replicates = int(meta.get("replicates", 1))
    except (OSError, ValueError, KeyError, TypeError):
        raise _bad(root, str(root), f"{what} (with a readable batch.json)") from None
    if len(set(ids)) != len(ids):
        raise _bad(root, "batch.json", f"{what}: its batch.json lists a run twice")
    expected = {
        rid: root / "results" / f"scenario={label}" / f"{rid}.parquet"
        for rid, label in zip(ids, labels, strict=True)
    }
    known = set(expected.values())
    results = root / "results"
    unknown = (
        sorted(
            str(p.relative_to(root))
            for p in results.rglob("*")
            if p.is_file() and not p.name.startswith((".", "_")) and p not in known
        )
        if results.is_dir()
        else []
    )
    if unknown:
        raise _bad(
            root,
            unknown[:3],
            f"a batch folder holding only the runs its batch.json lists ({len(unknown)} "
            "other files are in results/: a copy, or another batch written here; move "
            "them out)",
        )
    runs = root / "runs"
    stray = (
        sorted(p.name for p in runs.glob("*.json") if p.stem not in expected)
        if runs.is_dir()
        else []
    )
    if stray:
        raise _bad(
            root,
            stray[:3],
            "a batch folder whose runs/ holds only manifests of the runs its batch.json lists",
        )
    finished = {
        rid: path
        for rid, path in expected.items()
        if path.is_file() and (runs / f"{rid}.json").is_file()
    }
    if not finished:
        raise _bad(root, str(root), f"{what} with at least one finished run")
    missing = tuple(rid for rid in ids if rid not in finished)
    return ListedRuns(root, finished, missing, replicates)


def read_listed(listed: ListedRuns, **filters) -> pd.DataFrame:
    """The finished runs' rows (``filters`` such as ``measure="stock"`` select while
    reading), with ``scenario`` from the partition; an error if a file holds rows of another
    run or a row twice."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    paths = [str(p) for p in listed.finished.values()]
    try:
        dataset = ds.dataset(
            paths,
            format="parquet",
            partitioning="hive",
            partition_base_dir=str(listed.root / "results"),
        )
        expr = None
        for key, value in filters.items():
            term = ds.field(key) == value
            expr = term if expr is None else expr & term
        table = dataset.to_table(filter=expr).to_pandas()
    except (pa.ArrowException, OSError) as exc:
        raise _bad(
            listed.root,
            "results",
            f"readable Parquet files of finished runs ({type(exc).__name__})",
        ) from None
    if table.empty:
        return table
    ids = set(table["run_id"].astype(str).unique())
    if not ids <= set(listed.finished):
        raise _bad(
            listed.root,
            "results",
            "files each holding the rows of its own run (some "
            "hold rows of runs not finished or not listed)",
        )
    if table.duplicated(KEYS).any():
        raise _bad(
            listed.root,
            "results",
            "each run's rows once (some appear twice: a file copied over another's name?)",
        )
    return table
