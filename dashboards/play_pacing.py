"""When the Explore player simulates the next month and when it draws a frame.

Why separate from the view: these two rules decide what a student sees while a run plays,
and they are easy to get wrong (a backlog of frames, a run that bursts to catch up after a
pause, a "Run to end" that spends its time drawing); as plain functions they are tested
without a browser.

* ``Pacer`` keeps the chosen speed (months per second of wall time) on average: a month
  that took long (a frame drawn, another process busy) is made up by not waiting after the
  next ones; but when it is more than ``BEHIND_S`` behind (a stall), it does not try to catch
  up in a burst: the schedule restarts from now.
* ``frame_due`` draws a frame once the chosen number of months has passed and the browser
  has shown the previous frame (or has not answered for ``MAX_WAIT_S``); "Run to end" draws
  only a progress frame every ``TO_END_FRAME_S``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["MAX_WAIT_S", "TO_END_FRAME_S", "Pacer", "frame_due"]

MAX_WAIT_S = 2.0  # draw anyway if the browser has not confirmed the last frame by then
TO_END_FRAME_S = 0.5  # progress frames while running to the end
BEHIND_S = 1.0  # further behind schedule than this: restart the schedule from now


@dataclass
class Pacer:
    """Months per second of wall time (``math.inf``: as fast as the model steps)."""

    months_per_s: float
    _start_s: float = 0.0
    _months: int = 0

    def restart(self, now_s: float) -> None:
        self._start_s, self._months = now_s, 0

    def wait_s(self, now_s: float) -> float:
        """Count one more month and return how long to wait before the next one."""
        self._months += 1
        if not math.isfinite(self.months_per_s) or self.months_per_s <= 0:
            return 0.0
        due_s = self._start_s + self._months / self.months_per_s
        if now_s - due_s > BEHIND_S:
            self.restart(now_s)
            return 0.0
        return max(0.0, due_s - now_s)


def frame_due(
    *, months_since: int, every_months: int, seconds_since: float, to_end: bool, shown: bool
) -> bool:
    """Should the player draw now?

    ``months_since``: months simulated since the last frame; ``every_months``: the render
    interval; ``seconds_since``: wall time since the last frame; ``shown``: the browser has
    confirmed the last frame (always ``True`` when no browser answers at all)."""
    if months_since <= 0:
        return False
    if to_end:
        return seconds_since >= TO_END_FRAME_S
    if months_since < max(1, every_months):
        return False
    return shown or seconds_since >= MAX_WAIT_S
