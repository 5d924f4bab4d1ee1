"""MigrationModel: the Mesa model of labour migration between the CLMV countries (and
Indonesia) and Thailand, Malaysia, Singapore (and Japan).

One step is one month. The order within a month is written out in :meth:`step`.
"""

from __future__ import annotations

import threading

import mesa
import numpy as np

from agents.recruiter import Recruiter, RecruiterTable
from agents.state import State
from agents.status import Legal, Status
from agents.worker import Worker
from scenarios.calendar import month_label
from scenarios.scenario import Scenario, load_scenario

from .abroad import abroad_events
from .decisions import CorridorOffer, corridor_offer, decide_and_move
from .history import ChoiceRecord, TransitionLog
from .home import home_life
from .japan import JapanPrograms, assign_programmes, clear_programmes, open_ssw_places
from .markets import LabourMarket
from .metrics import Metrics
from .policy import Policy, lever_arrays
from .population import build_population
from .recruitment import recruiters_step, summarise
from .revolving_door import start_the_door
from .schedules import Schedules
from .shocks import ShockSchedule, shock_returns

__all__ = ["MigrationModel"]

_WORKERS_LOCK = threading.RLock()
"""Held while a model registers its Worker agents (:meth:`MigrationModel._make_workers`); a
module lock, not a model attribute, so that models still pickle."""


class MigrationModel(mesa.Model):
    """Workers, recruiters and states; monthly from January 2010 to the scenario's end.

    Args:
        scenario: a validated :class:`~scenarios.scenario.Scenario` (default: the baseline).
        rng: seed or numpy Generator; defaults to the scenario's ``seed``.
        keep_choice_probabilities: keep each decider's choice probabilities for
            :meth:`agents.worker.Worker.last_choice` (an inspector's question; batch,
            calibration and replicate runs leave it out, see
            :class:`~simulation.history.ChoiceRecord`). Results are the same either way.
    """

    agent_id_counter: int  # Mesa's next agent id (set in mesa.Model.__init__)

    def __init__(
        self, scenario: Scenario | None = None, *, rng=None, keep_choice_probabilities: bool = True
    ) -> None:
        scenario = scenario if scenario is not None else load_scenario("baseline")
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.scenario = scenario
        self.world = w = scenario.world
        self.people_per_agent = scenario.people_per_agent
        self.lv = lever_arrays(scenario)
        self.schedules = Schedules.build(scenario, self.lv)
        self.shocks = ShockSchedule.build(self.lv, scenario.n_months)
        # rows of the people a shock sent home but a closed border holds (simulation/shocks.py)
        self.stranded = np.zeros(0, np.int64)
        self.c_origin = np.array([w.origins.index(c.origin) for c in w.corridors])
        self.c_dest = np.array([w.destinations.index(c.destination) for c in w.corridors])
        self.c_has_irregular = np.array([c.has_irregular_entry for c in w.corridors])
        self.c_transit = np.nan_to_num(
            np.array([c.irregular_transit_months for c in w.corridors]), nan=1.0
        )
        self.c_is_japan = np.array([c.destination == "JPN" for c in w.corridors])
        self.skill_multiplier_dest = np.array(
            [w.skilled_wage_multiplier[d] for d in w.destinations]
        )
        self.corridors_of_origin = [
            np.flatnonzero(self.c_origin == i) for i in range(len(w.origins))
        ]
        self.population = build_population(
            w,
            self.people_per_agent,
            self.schedules.home_wage[:, 0],
            self.lv.contract_months,
            self.lv.initial_savings_months_of_income,
            self.lv.network_mean_ties,
            self.rng,
        )
        # the revolving door in motion at the start, where a corridor's driver says (no draws)
        start_the_door(self.population, self.lv, w, self.people_per_agent)
        regular_agency_fee = (
            np.array([c.regular_cost_usd for c in w.corridors]) * self.lv.agency_service_fee_share
        )
        lv = self.lv
        self.recruiters = RecruiterTable.build(
            w.corridors,
            regular_agency_fee,
            np.array([c.irregular_cost_usd for c in w.corridors]),
            self.rng,
            agencies_per_corridor=lv.agencies_per_corridor,
            brokers_per_corridor=lv.brokers_per_corridor,
            regular_capacity_share_per_month=lv.regular_capacity_share_per_month,
            irregular_capacity_share_per_month=lv.irregular_capacity_share_per_month,
            agency_malpractice_mean=lv.agency_malpractice_mean,
            broker_malpractice_mean=lv.broker_malpractice_mean,
        )
        # The Worker agents are made when first asked for (:meth:`_make_workers`): no monthly
        # rule reads them, and registering one costs Mesa a few microseconds (0.12 s of a
        # dashboard replicate), so batches, calibrations and comparisons never pay it. Their
        # ids are kept first, as if made here: worker ``row`` has id ``first + row``.
        self._worker_first_id = self.agent_id_counter
        self.agent_id_counter += len(self.population)
        self._workers_ready = self._workers_making = False
        for row in range(len(self.recruiters)):
            Recruiter(self, row)
        self.origin_states = [State(self, o, "origin", i) for i, o in enumerate(w.origins)]
        self.destination_states = [
            State(self, d, "destination", i) for i, d in enumerate(w.destinations)
        ]
        self.policy = Policy(len(w.origins), len(w.destinations), len(w.corridors))
        self.market = LabourMarket.empty(len(w.destinations))
        self.metrics = Metrics(w, self.people_per_agent, scenario.n_months)
        # Japan's programmes (simulation/japan.py): nothing acts, nothing is drawn without JPN
        self.japan = JapanPrograms.build(self)
        self.transitions = TransitionLog(self.population.status)
        self.choices = ChoiceRecord(
            len(self.population),
            [f"{c.code} {ch}" for c in w.corridors for ch in ("regular", "irregular")],
            keep_choice_probabilities,
        )
        self.month = 0  # index of the next month to simulate (0 = 2010-01)
        self.renewals = 0
        self.agencies_blacklisted = 0
        self.brokers_caught = 0
        self.recruitment = summarise(self)
        # what the corridors offer: recomputed each month before the decisions (no draws)
        self.offer: CorridorOffer = corridor_offer(self)
        self.metrics.close_month(self.population, 0, self.japan.programme)

    @property
    def scenario(self) -> Scenario:
        """The run's frozen scenario. (Mesa's setter writes ``scenario.model``; ours keeps no
        back-reference, so one scenario can serve many models, as in a batch.)"""
        return self._scenario

    @scenario.setter
    def scenario(self, value) -> None:
        self._scenario = value

    # ---- the month --------------------------------------------------------------------
    def step(self) -> None:
        """Simulate one month; stops (``running = False``) after the scenario's last month."""
        if self.month > self.scenario.end:
            self.running = False
            return
        m = self.month
        for state in self.origin_states + self.destination_states:
            state.apply_policy(m)  # 1. states apply policy
        if self.japan.on:
            open_ssw_places(self, m)  # 1b. Japan's SSW places
        self.market.clear(self)  # 2. labour markets clear
        self.recruitment = recruiters_step(self)  # 3. recruiters set fees, get inspected
        self.offer = corridor_offer(self)
        decide_and_move(self, m)  # 4. workers at home decide and move
        if self.japan.on:
            assign_programmes(self)  # 4b. Japan: technical intern or SSW
        abroad_events(self, m)  # 5. events abroad: arrivals, pay, arrests, amnesty, returns
        shock_returns(self, m)  # 5b. shocks send people home or strand them
        home_life(self, m)  # 6. life at home, debt, ageing
        if self.japan.on:
            clear_programmes(self)  # 6b. Japan: who left a programme
        self.metrics.close_month(self.population, m + 1, self.japan.programme)  # 7. outputs
        self.transitions.record(m, self.population.status, self.population.corridor)
        self.month += 1
        if self.month > self.scenario.end:
            self.running = False

    def run(self) -> None:
        """Run every remaining month of the scenario."""
        while self.running:
            self.step()

    # ---- views used by the rules and by reporters ------------------------------------
    @property
    def month_label(self) -> str:
        """Label of the last simulated month ("2009-12" before the first step)."""
        return month_label(self.month - 1)

    def irregular_stock_by_destination(self) -> np.ndarray:
        """People with irregular status per destination at the end of last month."""
        stock = self.metrics.latest("stock")[:, 1]
        return np.bincount(self.c_dest, weights=stock, minlength=len(self.world.destinations))

    def leavers_last_month(self) -> np.ndarray:
        """People who left a job abroad last month (returns, arrests, layoffs) per
        destination: what employers seek to replace."""
        gone = sum(self.metrics.latest(k).sum(axis=1) for k in ("returns", "arrests", "layoffs"))
        return np.bincount(self.c_dest, weights=gone, minlength=len(self.world.destinations))

    def origin_share_abroad(self) -> np.ndarray:
        """[origin, corridor]: share of each origin's people now in the corridor's
        destination (network pull)."""
        stock = self.metrics.latest("stock").sum(axis=1)
        people = self.metrics.status_data[self.metrics.months_recorded].sum(axis=1)
        share = np.zeros((len(self.world.origins), len(self.c_dest)))
        share[self.c_origin, np.arange(len(self.c_dest))] = stock / people[self.c_origin]
        return share

    @property
    def regular_stock(self) -> float:
        """People with regular status abroad now."""
        return float((self.population.legal == Legal.REGULAR).sum() * self.people_per_agent)

    @property
    def irregular_stock(self) -> float:
        """People with irregular status abroad now."""
        return float((self.population.legal == Legal.IRREGULAR).sum() * self.people_per_agent)

    def status_counts(self) -> dict[str, float]:
        """People in each status now, by lower-case status name."""
        counts = np.bincount(self.population.status, minlength=len(Status))
        return {s.name.lower(): float(counts[s] * self.people_per_agent) for s in Status}

    @property
    def first_worker_id(self) -> int:
        """The Mesa id of worker row 0; row ``r`` has id ``first_worker_id + r`` (reserved at
        build, whether or not the Worker agents are registered yet)."""
        return self._worker_first_id

    def _make_workers(self) -> None:
        """Register the population's Worker agents with Mesa, once, with the ids reserved at
        build: Mesa's own registration (signals included), only later. They come after the
        recruiters and states in ``model.agents``; ``agents_by_type[Worker]`` is in row order.
        Nothing random is drawn, so a run's results do not depend on when this happens. All
        or nothing: stopped partway (an interrupt at a million agents), the ones made are
        removed again and the next request starts over; one thread at a time (the
        dashboard's inspector and its runs share a process)."""
        if self.__dict__.get("_workers_ready", True):
            return
        with _WORKERS_LOCK:
            # made meanwhile by another thread, or asked again while being made (a Mesa
            # signal observer reading model.agents during the registration)
            if self._workers_ready or self._workers_making:
                return
            self._workers_making = True
            next_id = self.agent_id_counter
            try:
                self._remove_reserved_workers()  # what an interrupted attempt left
                self.agent_id_counter = self._worker_first_id
                for row in range(len(self.population)):
                    Worker(self, row)
                self._workers_ready = True
            except BaseException:
                self._remove_reserved_workers()
                raise
            finally:
                self.agent_id_counter = next_id
                self._workers_making = False

    def _remove_reserved_workers(self) -> None:
        """Remove every registered Worker agent with a reserved id (one per population row):
        Mesa registers an agent inside its constructor, so an interrupt can leave one that
        was registered but never returned."""
        first, n = self._worker_first_id, len(self.population)
        registered = mesa.Model.agents_by_type.fget(self).get(Worker, ())
        for agent in list(registered):
            if agent.unique_id is not None and first <= agent.unique_id < first + n:
                agent.remove()

    @property
    def agents(self):
        """All agents (Mesa's ``model.agents``), the Worker agents made first if need be."""
        self._make_workers()
        return super().agents

    @agents.setter
    def agents(self, value) -> None:
        mesa.Model.agents.fset(self, value)  # Mesa's error: model.agents is Mesa's own

    @property
    def agents_by_type(self):
        """Mesa's ``model.agents_by_type``, the Worker agents made first if need be."""
        self._make_workers()
        return super().agents_by_type

    @property
    def agent_types(self) -> list[type]:
        """Mesa's ``model.agent_types``, the Worker agents made first if need be."""
        self._make_workers()
        return super().agent_types

    def remove_all_agents(self) -> None:
        """Mesa's ``remove_all_agents``: Worker agents not yet registered are never made (so
        afterwards ``agents_by_type`` has no Worker entry at all)."""
        with _WORKERS_LOCK:
            self.__dict__.pop("_worker_list", None)
            self._workers_ready = True
            super().remove_all_agents()

    def worker(self, row: int) -> Worker:
        """The Worker agent of a population row (O(1), unlike ``model.agents[i]``)."""
        return self._workers[row]

    @property
    def _workers(self):
        cached = self.__dict__.get("_worker_list")
        if cached is None:
            cached = self.__dict__["_worker_list"] = self.agents_by_type[Worker].to_list()
            cached.sort(key=lambda a: a.row)
        return cached
