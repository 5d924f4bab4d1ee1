"""Back-pressure for playing: the browser says when it has drawn a frame.

Why: the server can simulate and send months faster than a loaded browser draws them. If it
kept sending, the page would fall behind (old months still arriving seconds after Pause).
``FrameClock`` is an invisible widget whose ``frame`` number the player raises with every
frame it sends; in the browser, the next animation frame after the new number arrived (that
is, after the frame's messages were applied and painted) sends the number back. The player
then draws the next frame only once the previous one was shown, and keeps simulating
meanwhile, so a slow browser sees fewer frames, not a growing backlog.

``FrameAcks`` is the server side: a per-session record of the last frame the browser drew.
Without a browser (component tests, a closed tab) nothing is ever acknowledged, and the
player does not wait.
"""

from __future__ import annotations

import threading

import ipyvuetify
import solara
import traitlets

__all__ = ["FrameAcks", "FrameClock"]


class FrameClockWidget(ipyvuetify.VuetifyTemplate):
    template = traitlets.Unicode("""
<template>
  <span class="explore-frame-clock" style="display: none" :data-frame="frame"></span>
</template>
<script>
module.exports = {
  watch: {
    frame(value) {
      window.requestAnimationFrame(() => this.drawn(value));
    },
  },
};
</script>
""").tag(sync=True)
    frame = traitlets.Int(0).tag(sync=True)
    on_drawn = traitlets.Callable(None, allow_none=True)

    def vue_drawn(self, value) -> None:
        if self.on_drawn is not None:
            self.on_drawn(value)


class FrameAcks:
    """The last frame number the browser has drawn (thread-safe)."""

    def __init__(self) -> None:
        self._drawn = -1
        self._changed = threading.Condition()

    @property
    def heard(self) -> bool:
        """Has a browser ever acknowledged a frame (is anyone drawing)?"""
        return self._drawn >= 0

    def record(self, value) -> None:
        with self._changed:
            self._drawn = max(self._drawn, int(value))
            self._changed.notify_all()

    def drawn(self, frame: int) -> bool:
        return self._drawn >= frame

    def wait(self, frame: int, timeout_s: float) -> bool:
        """Wait until ``frame`` was drawn (at most ``timeout_s``); ``True`` if it was."""
        with self._changed:
            return self._changed.wait_for(lambda: self._drawn >= frame, timeout=timeout_s)


@solara.component
def FrameClock(frame: int, acks: FrameAcks):
    return FrameClockWidget.element(frame=frame, on_drawn=acks.record)
