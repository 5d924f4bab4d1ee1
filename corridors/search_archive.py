"""The append-only archive of a search's finished runs: what makes a killed search resumable.

``DIR/evaluations.jsonl`` holds one JSON line per finished run: its lever vector, parameter
point, seed and quantity values. Each line is written with one ``write`` of the whole line,
flushed and fsynced before the next run is counted as done, so a kill (SIGKILL included)
loses at most the line being written; a torn last line (no newline) is ignored when the
archive is read, and cut off before anything new is appended.

Why this and not the optimiser's own state: a run depends only on its scenario and seed, and
the optimiser (platypus, seeded) asks for the same lever vectors in the same order whenever it
gets the same answers. A rerun replays the optimiser from its seed, takes every run it finds
here and computes only the missing ones, ending with the same Pareto set as a search never
interrupted.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .search_eval import RunKey

__all__ = ["ARCHIVE_NAME", "RunArchive"]

ARCHIVE_NAME = "evaluations.jsonl"


class RunArchive:
    """The finished runs of one search folder, read at open and appended to as runs finish."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / ARCHIVE_NAME
        self.values: dict[str, dict[str, float]] = {}
        self._read()

    def _read(self) -> None:
        if not self.path.is_file():
            return
        raw = self.path.read_bytes()
        complete = raw.rfind(b"\n") + 1
        if complete < len(raw):  # a line torn by a kill: drop it before appending
            with open(self.path, "r+b") as fh:
                fh.truncate(complete)
                os.fsync(fh.fileno())
        for line in raw[:complete].decode("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            key = RunKey(row["vector"], row["point"], row["seed"])
            self.values[key.text()] = row["values"]

    def get(self, run: RunKey) -> dict[str, float] | None:
        return self.values.get(run.text())

    def __contains__(self, run: RunKey) -> bool:
        return run.text() in self.values

    def __len__(self) -> int:
        return len(self.values)

    def add(self, run: RunKey, values: dict[str, float]) -> None:
        """Append one finished run, durably, before it counts as done."""
        line = json.dumps(
            {"vector": run.vector, "point": run.point, "seed": run.seed, "values": values}
        )
        data = (line + "\n").encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(f"short write to {self.path}")
            os.fsync(fd)
        finally:
            os.close(fd)
        self.values[run.text()] = values
