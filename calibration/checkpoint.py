"""The stage record of a calibration or validation folder (``state.json``).

``corridors calibrate`` and ``corridors validate`` both run in stages (the MSM, ABC-SMC, the
fit report; the training calibration, the predictive runs, the hindcast report) and both
resume after an interruption: a finished stage is recorded in ``DIR/state.json`` with what
later stages need, and is not run again. The file also carries the start time and the wall
time spent so far (seconds), so a resumed run reports the time of the interrupted ones as
well. One module, so both commands read and write the same format: ``{"started_utc": ISO
time, "wall_s_before": seconds, <stage>: {...}, ...}``, written atomically after each stage.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Any

from corridors.atomic import write_text_atomic

__all__ = ["StageState"]


class StageState:
    """``DIR/state.json``, loaded (or started) when a command begins.

    ``data`` holds the finished stages by name; :meth:`checkpoint` writes it with the wall
    time so far; :meth:`wall_s` is that time (the interrupted runs' and this one's)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / "state.json"
        self.data: dict[str, Any] = (
            json.loads(self.path.read_text())
            if self.path.exists()
            else {"started_utc": dt.datetime.now(dt.UTC).isoformat(), "wall_s_before": 0.0}
        )
        self._before = float(self.data["wall_s_before"])
        self._t0 = time.perf_counter()

    def __contains__(self, stage: str) -> bool:
        return stage in self.data

    def __getitem__(self, stage: str) -> Any:
        return self.data[stage]

    def __setitem__(self, stage: str, value: Any) -> None:
        self.data[stage] = value

    def get(self, stage: str, default: Any = None) -> Any:
        return self.data.get(stage, default)

    @property
    def started_utc(self) -> str:
        return str(self.data["started_utc"])

    def wall_s(self) -> float:
        """Wall time of this folder's work so far, seconds (every session's)."""
        return self._before + time.perf_counter() - self._t0

    def checkpoint(self) -> None:
        """Write the record (atomically), the wall time so far included."""
        self.data["wall_s_before"] = self.wall_s()
        write_text_atomic(self.path, json.dumps(self.data, indent=1, default=float))
