"""What the inspector needs: each worker's status changes and its last choice.

``TransitionLog`` diffs the status column month by month and keeps (month, agent row, from,
to, corridor) for every change: a compact log from which any worker's history is read.
``ChoiceRecord`` keeps, for each worker, the month of its last migration decision, the
choice probabilities behind it and what it chose.
"""

from __future__ import annotations

import numba
import numpy as np

from agents.status import Outcome, Status
from scenarios.calendar import month_label

__all__ = ["ChoiceRecord", "TransitionLog"]

OUTCOME_TEXT = {
    Outcome.NONE: "stayed",
    Outcome.MOVED: "moved",
    Outcome.TURNED_AWAY: "turned away (no place)",
}


class TransitionLog:
    """Every status change: (month, agent rows, from, to, corridor) chunks, one per month."""

    def __init__(self, status: np.ndarray) -> None:
        self._previous = status.copy()
        self._chunks: list[tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def record(self, month: int, status: np.ndarray, corridor: np.ndarray) -> int:
        """Log the changes of ``status`` since the last call; returns how many rows changed."""
        changed = np.flatnonzero(status != self._previous)
        if len(changed):
            self._chunks.append(
                (
                    month,
                    changed.astype(np.int32),
                    self._previous[changed].copy(),
                    status[changed].copy(),
                    corridor[changed].copy(),
                )
            )
            self._previous[changed] = status[changed]
        return len(changed)

    def history(self, row: int, world) -> list[dict]:
        """The status changes of one agent row, oldest first."""
        out = []
        for month, rows, before, after, corridor in self._chunks:
            hit = np.searchsorted(rows, row)
            if hit < len(rows) and rows[hit] == row:
                c = int(corridor[hit])
                out.append(
                    {
                        "month": month_label(month),
                        "from": Status(int(before[hit])).name.lower(),
                        "to": Status(int(after[hit])).name.lower(),
                        "corridor": world.corridors[c].code if c >= 0 else None,
                    }
                )
        return out

    def __len__(self) -> int:
        return sum(len(c[1]) for c in self._chunks)


class ChoiceRecord:
    """Each worker's last migration decision: month, probabilities, choice and ``Outcome``.

    With ``keep_probabilities`` false only the month, choice and outcome are kept (admissions
    write the outcome): the probabilities are there for a person inspecting a run, and copying
    every decider's row of them cost 0.13-0.16 ms of a 5 ms month (issue 16) in batch,
    calibration and dashboard replicate runs that nobody inspects."""

    def __init__(
        self, n_agents: int, alternatives: list[str], keep_probabilities: bool = True
    ) -> None:
        self.alternatives = ["stay", *alternatives]
        self.keeps_probabilities = keep_probabilities
        self.month = np.full(n_agents, -1, np.int16)
        self.chosen = np.full(n_agents, -1, np.int16)
        self.outcome = np.full(n_agents, Outcome.NONE, np.int8)  # agents.status.Outcome
        self._rows: dict[int, int] = {}
        self._probs = np.zeros((0, len(self.alternatives)), np.float32)
        self._slot = np.full(n_agents, -1, np.int64)
        self._used = 0

    def store(
        self, month: int, rows: np.ndarray, probabilities: np.ndarray, chosen: np.ndarray
    ) -> None:
        """Keep this month's deciders' choices, and their probabilities when kept (overwriting
        older ones)."""
        self.month[rows] = month
        self.chosen[rows] = chosen
        self.outcome[rows] = Outcome.NONE
        if not self.keeps_probabilities:
            return
        new = rows[self._slot[rows] < 0]
        if len(new):
            need = self._used + len(new)
            if need > len(self._probs):
                grown = np.zeros(
                    (max(need, 2 * len(self._probs)), self._probs.shape[1]), np.float32
                )
                grown[: self._used] = self._probs[: self._used]
                self._probs = grown
            self._slot[new] = np.arange(self._used, need)
            self._used = need
        _copy_rows(self._probs, self._slot[rows], np.ascontiguousarray(probabilities, float))

    def explain(self, row: int) -> dict | None:
        """The last decision of one agent row in words (``None`` if it never decided); its
        ``probabilities`` are ``None`` in a model built without keeping them."""
        if self.month[row] < 0:
            return None
        return {
            "month": month_label(int(self.month[row])),
            "chosen": self.alternatives[int(self.chosen[row])],
            "outcome": OUTCOME_TEXT[Outcome(int(self.outcome[row]))]
            if self.chosen[row] > 0
            else OUTCOME_TEXT[Outcome.NONE],
            "probabilities": None
            if not self.keeps_probabilities
            else {
                a: float(p)
                for a, p in zip(self.alternatives, self._probs[self._slot[row]], strict=True)
                if p > 0
            },
        }


@numba.njit(cache=True)
def _copy_rows(target: np.ndarray, slots: np.ndarray, source: np.ndarray) -> None:
    """``target[slots[i]] = source[i]`` row by row, rounding to ``target``'s float32 as
    numpy's assignment does; a compiled loop because numpy's scattered assignment with the
    conversion cost 8% of a run at 100,000 agents (issue 16)."""
    for i in range(slots.shape[0]):
        row = target[slots[i]]
        for j in range(source.shape[1]):
            row[j] = source[i, j]
