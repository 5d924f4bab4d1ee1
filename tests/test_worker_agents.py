"""The Worker agents are Mesa agents made when first asked for (``MigrationModel._make_workers``):
a user who reads ``model.agents``, ``agents_by_type`` or one worker gets every worker, with
the ids they would have had if made at build, and a run's results do not depend on whether
or when anyone asked."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest

from agents.recruiter import Recruiter
from agents.state import State
from agents.worker import Worker
from scenarios.scenario import load_scenario
from simulation.model import MigrationModel


@pytest.fixture(scope="module")
def scenario():
    return load_scenario("baseline").with_values(people_per_agent=5000, end="2012-12", seed=3)


def test_every_worker_is_an_agent_with_the_id_of_its_row(scenario):
    model = MigrationModel(scenario)
    n = len(model.population)
    workers = list(model.agents_by_type[Worker])
    assert [w.row for w in workers] == list(range(n))
    assert [w.unique_id for w in workers] == list(range(1, n + 1))
    assert model.worker(7).unique_id == 8 and model.worker(7).row == 7
    recruiters = sorted(r.unique_id for r in model.agents_by_type[Recruiter])
    assert recruiters == list(range(n + 1, n + 1 + len(model.recruiters)))
    states = model.agents_by_type[State]
    ids = [a.unique_id for a in model.agents]
    assert len(ids) == len(set(ids)) == n + len(model.recruiters) + len(states)
    assert set(model.agent_types) == {Worker, Recruiter, State}
    # a new agent gets the next id after all of them
    assert Worker(model, 0).unique_id == max(ids) + 1


def test_asking_for_the_agents_before_a_run_changes_nothing(scenario):
    asked, left = MigrationModel(scenario), MigrationModel(scenario)
    assert len(asked.agents) > len(asked.population)
    asked.run()
    left.run()
    pd.testing.assert_frame_equal(asked.metrics.to_frame(), left.metrics.to_frame())
    assert asked.worker(11).describe() == left.worker(11).describe()


def test_mesa_datacollector_reads_every_worker(scenario):
    model = MigrationModel(scenario.with_values(end="2010-03"))
    collector = mesa.DataCollector(
        agent_reporters={"legal": lambda a: int(a.legal) if isinstance(a, Worker) else None}
    )
    for _ in range(3):
        model.step()
        collector.collect(model)
    table = collector.get_agent_vars_dataframe().dropna()
    assert len(table) == 3 * len(model.population)


def test_remove_all_agents_removes_the_workers_too(scenario):
    """Workers not yet registered are never made; registered ones are removed."""
    model = MigrationModel(scenario)
    model.remove_all_agents()
    assert len(model.agents) == 0 and Worker not in model.agents_by_type
    asked = MigrationModel(scenario)
    assert len(asked.agents_by_type[Worker]) == len(asked.population)
    asked.remove_all_agents()
    assert len(asked.agents) == 0 and len(asked.agents_by_type[Worker]) == 0


def test_an_agent_made_before_the_workers_keeps_its_own_id(scenario):
    """Ids 1 to N stay the workers' even when a user adds an agent before asking for them."""
    model = MigrationModel(scenario)
    n = len(model.population)
    extra = Recruiter(model, 0)
    assert extra.unique_id > n
    assert [w.unique_id for w in model.agents_by_type[Worker]] == list(range(1, n + 1))
    ids = [a.unique_id for a in model.agents]
    assert len(ids) == len(set(ids))


def test_the_id_range_is_known_without_registering_the_workers(scenario, monkeypatch):
    model = MigrationModel(scenario)
    made = []
    original = Worker.__init__

    def counting(self, model, row):
        made.append(row)
        original(self, model, row)

    monkeypatch.setattr(Worker, "__init__", counting)
    assert model.first_worker_id == 1
    assert made == []
    assert model.worker(3).unique_id == model.first_worker_id + 3
    assert len(made) == len(model.population)


@pytest.mark.parametrize("after_registering", [False, True])
def test_registering_stopped_partway_leaves_no_half_set(scenario, monkeypatch, after_registering):
    """An interrupt while a million workers register must not leave some of them for good,
    even one Mesa registered inside its constructor just before the interrupt: the next
    request makes them all, once each, with ids 1 to N."""
    model = MigrationModel(scenario)
    counter = model.agent_id_counter
    original = Worker.__init__

    def interrupted(self, model, row):
        if row == 5 and not after_registering:
            raise KeyboardInterrupt
        original(self, model, row)
        if row == 5:
            raise KeyboardInterrupt

    monkeypatch.setattr(Worker, "__init__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        len(model.agents)
    monkeypatch.setattr(Worker, "__init__", original)
    assert model.agent_id_counter == counter
    workers = list(model.agents_by_type[Worker])
    assert [w.row for w in workers] == list(range(len(model.population)))
    assert [w.unique_id for w in workers] == list(range(1, len(model.population) + 1))
    assert model.worker(6).row == 6


def test_model_agents_stays_mesas_own(scenario):
    with pytest.raises(AttributeError, match="Mesa"):
        MigrationModel(scenario).agents = []
