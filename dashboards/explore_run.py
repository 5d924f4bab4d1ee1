"""The run behind the Explore view: one model per browser session, built only when asked.

``ExploreSession`` is one run of one scenario: it steps the model, times each month and
reads the series the view draws straight from the model's metrics arrays (no tables are
rebuilt per month). ``ExploreRun`` is what a session's view keeps: the scenario the page
currently asks for and, once the student pressed Step, Play or Run to end, the run of that
scenario. It never builds a model by itself (a page that is opened and never explored costs
no model), and when the settings change it drops the old run so the next one starts from the
new settings. Both are created per browser session, never at module level.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from agents.status import Legal, Status
from scenarios.calendar import INITIAL_LABEL, month_label
from scenarios.scenario import Scenario
from simulation.metrics import FLOW_MEASURES, STOCK_MEASURES
from simulation.model import MigrationModel

__all__ = ["CHANNELS", "ExploreRun", "ExploreSession"]

CHANNELS = ("regular", "irregular")
_MEASURES = FLOW_MEASURES + STOCK_MEASURES
_LEGAL_OF = {"regular": Legal.REGULAR, "irregular": Legal.IRREGULAR}


class ExploreSession:
    """One run of one scenario, stepped a month at a time."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.digest = scenario.digest()
        self.lock = threading.Lock()
        self.model = MigrationModel(scenario)
        self.step_seconds: list[float] = []
        # label of every slot of the metrics arrays: 2009-12 (the initial state), then months
        self.month_labels = [INITIAL_LABEL] + [month_label(m) for m in range(scenario.end + 1)]

    # ---- stepping -----------------------------------------------------------------------
    def step(self) -> bool:
        """Simulate one month; ``False`` (and nothing done) once the last month is done."""
        with self.lock:
            if not self.model.running:
                return False
            t0 = time.perf_counter()
            self.model.step()
            self.step_seconds.append(time.perf_counter() - t0)
            return True

    @property
    def finished(self) -> bool:
        return not self.model.running

    @property
    def months_done(self) -> int:
        """Months simulated so far (0 before the first step)."""
        return self.model.metrics.months_recorded

    @property
    def months_total(self) -> int:
        return self.scenario.end + 1

    # ---- what the charts draw -----------------------------------------------------------
    def channel_series(self, measure: str) -> np.ndarray:
        """[slot, channel]: a measure summed over corridors, from 2009-12 to the last month
        simulated (flows are NaN at 2009-12: nothing flowed before the run started)."""
        slots = self.months_done + 1
        j = _MEASURES.index(measure)
        data = self.model.metrics.corridor_data[:slots, :, j].reshape(slots, -1, 2).sum(axis=1)
        if measure in FLOW_MEASURES:
            data[0] = np.nan
        return data

    def peak(self, measure: str) -> float:
        """The largest value of a measure in any corridor, channel and month so far (the
        map's arrow scale: it only grows during a run)."""
        slots = self.months_done + 1
        if slots < 2:
            return 0.0
        j = _MEASURES.index(measure)
        return float(self.model.metrics.corridor_data[1:slots, :, j].max())

    def latest(self, measure: str) -> np.ndarray:
        """[corridor, channel]: the last month of a measure."""
        return self.model.metrics.latest(measure)

    # ---- workers ------------------------------------------------------------------------
    def first_agent_id(self) -> int:
        """The workers' ids run on from this one (reserved at build: reading it does not
        register the Worker agents)."""
        return int(self.model.first_worker_id)

    def agent_ids(self) -> range:
        first = self.first_agent_id()
        return range(first, first + len(self.model.population))

    def worker_by_id(self, agent_id: int):
        """The Worker agent with this Mesa ``unique_id`` (``None`` if there is none)."""
        row = int(agent_id) - self.first_agent_id()
        if not 0 <= row < len(self.model.population):
            return None
        worker = self.model.worker(row)
        return worker if worker.unique_id == agent_id else None

    def pick_worker(
        self,
        rng: np.random.Generator,
        *,
        origin: str | None = None,
        destination: str | None = None,
        corridor: str | None = None,
        channel: str | None = None,
    ) -> int | None:
        """The agent id of a random worker matching what was clicked, or ``None``.

        A corridor (with or without a channel) gives someone abroad on it now, else someone
        whose last move was through it; a destination gives someone there now; an origin
        gives someone from there who has migrated, else who has weighed it; a channel alone
        gives someone with that legal status now; nothing gives a worker who moved."""
        pools = self._pools(origin, destination, corridor, channel)
        for pool in pools:
            rows = np.flatnonzero(pool)
            if len(rows):
                return self.first_agent_id() + int(rng.choice(rows))
        return None

    def _pools(self, origin, destination, corridor, channel) -> list[np.ndarray]:
        m, pop = self.model, self.model.population
        world = m.world
        legal_any = pop.legal != Legal.NONE
        if corridor is not None:
            codes = [c.code for c in world.corridors]
            if corridor not in codes:
                return []
            on_it = pop.corridor == codes.index(corridor)
            if channel is None:
                return [on_it & legal_any, on_it]
            return [
                on_it & (pop.legal == _LEGAL_OF[channel]),
                on_it & (pop.channel == CHANNELS.index(channel)),
            ]
        if destination is not None:
            if destination not in world.destinations:
                return []
            dest_of_row = np.where(pop.corridor >= 0, m.c_dest[np.maximum(pop.corridor, 0)], -1)
            there = dest_of_row == world.destinations.index(destination)
            return [there & legal_any, there]
        if origin is not None:
            if origin not in world.origins:
                return []
            mine = pop.origin == world.origins.index(origin)
            return [mine & (pop.status != Status.AT_HOME), mine & (m.choices.month >= 0), mine]
        if channel is not None:
            return [pop.legal == _LEGAL_OF[channel]]
        return [m.choices.outcome == 1, m.choices.month >= 0, pop.status != Status.AT_HOME]


class ExploreRun:
    """The Explore view's run for one browser session: the scenario asked for, and its run
    once the student asked for one (thread-safe: the play loop and the page both use it)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.wanted: Scenario | None = None
        self._wanted_digest = ""
        self.session: ExploreSession | None = None
        self.builds = 0  # models built so far (tested: none before the student asks)
        self._loop_token = 0
        self.closed = False

    # ---- the play loop: at most one steps the run at a time -------------------------------
    def start_loop(self) -> int:
        """A new play loop takes over (any older loop stops at its next month)."""
        with self._lock:
            self._loop_token += 1
            return self._loop_token

    def stop_loop(self) -> None:
        with self._lock:
            self._loop_token += 1

    def loop_active(self, token: int) -> bool:
        return token == self._loop_token

    def close(self) -> None:
        """The page is gone: stop any play loop and free the run's memory."""
        with self._lock:
            self._loop_token += 1
            self.closed = True
            self.session = None

    def want(self, scenario: Scenario) -> None:
        """The page's settings now describe ``scenario``: a run of anything else is dropped
        (its memory freed), the next one is built from this."""
        digest = scenario.digest()
        with self._lock:
            self.wanted, self._wanted_digest = scenario, digest
            if self.session is not None and self.session.digest != digest:
                self.session = None

    def current(self) -> ExploreSession | None:
        """The run of the wanted scenario, if one was built."""
        with self._lock:
            session = self.session
        return session if session is not None and session.digest == self._wanted_digest else None

    def ensure(self) -> ExploreSession:
        """The run of the wanted scenario, built now if there is none."""
        return self.current() or self.restart()

    def restart(self) -> ExploreSession:
        """A fresh run of the wanted scenario (from its first month)."""
        with self._lock:
            scenario = self.wanted
        if scenario is None:
            raise RuntimeError("no scenario was asked for yet")
        session = ExploreSession(scenario)
        with self._lock:
            self.builds += 1
            if scenario is self.wanted:  # the settings did not change meanwhile
                self.session = session
                return session
        return self.ensure()
