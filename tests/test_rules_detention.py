"""Unit specification of detention places (``abroad.within_detention_places``, lever
``detention_places``, ODD 7.7 item 6): on hand-built workers in Thailand (and one detained in
Malaysia), an arrest that would put more people in a destination's depots than it has places
is not made; the others are detained as before. With no limit nothing is drawn."""

from __future__ import annotations

import numpy as np
from rule_workers import MMR_THA, CountingUniforms, flow_count, set_levers, small_model

from agents.status import Channel, Legal, Status
from simulation import abroad
from simulation.measures import FLOW_MEASURES

IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
}
MMR_MYS = 5  # corridor index of Myanmar -> Malaysia in the baseline world
HELD = {**IRREGULAR, "status": Status.DETAINED, "timer": 3}  # detained, not yet due


class Permuting(CountingUniforms):
    """Uniforms of 0 (everyone at risk is caught) and permutations recorded in ``orders``,
    each the reversed order (so a test knows who is kept)."""

    def __init__(self) -> None:
        super().__init__(0.0)
        self.orders: list[int] = []

    def permutation(self, n: int) -> np.ndarray:
        self.orders.append(n)
        return np.arange(n)[::-1]


def caught_model(workers, places_people: float):
    """A small model (1,000,000 people per agent) whose Thai arrest probability is 1 and whose
    Thai depots have ``places_people`` places."""
    model = small_model(workers, detention_places=np.array([places_people, 0.0, 0.0]))
    set_levers(model, enforcement_monthly_arrest_probability=1.0)
    model.policy.arrest_probability[:] = 1.0
    model.rng = Permuting()
    return model


def test_arrests_beyond_the_free_places_are_not_made():
    # rows 0-2 irregular in Thailand; row 3 detained in Thailand; row 4 detained in Malaysia
    workers = [IRREGULAR, IRREGULAR, IRREGULAR, HELD, {**HELD, "corridor": MMR_MYS}]
    model = caught_model(workers, places_people=3_000_000.0)  # 3 agents' places, 1 taken
    abroad.arrests(model, np.arange(5))
    pop = model.population
    # the permutation [2, 1, 0] keeps the first two of it: rows 2 and 1
    assert pop.status[:3].tolist() == [
        Status.EMPLOYED_IRREGULAR,
        Status.DETAINED,
        Status.DETAINED,
    ]
    assert pop.legal[0] == Legal.IRREGULAR and pop.timer[0] == 0
    assert flow_count(model, "arrests") == 2 * model.people_per_agent
    # the one caught without a place is counted apart, in Thailand's corridor, irregular
    without_place = model.metrics.flows[:, FLOW_MEASURES.index("arrests_without_place")]
    assert without_place[MMR_THA * 2 + Channel.IRREGULAR] == model.people_per_agent
    assert without_place.sum() == model.people_per_agent
    assert model.rng.orders == [3]  # one permutation of Thailand's caught, drawn as it binds


def test_full_depots_arrest_no_one_and_another_destinations_detainees_take_no_place():
    workers = [IRREGULAR, IRREGULAR, HELD, {**HELD, "corridor": MMR_MYS}]
    model = caught_model(workers, places_people=1_999_999.0)  # 1 agent's place (rounded down)
    abroad.arrests(model, np.arange(4))
    assert model.population.status[:2].tolist() == [Status.EMPLOYED_IRREGULAR] * 2
    assert flow_count(model, "arrests") == 0
    assert flow_count(model, "arrests_without_place") == 2 * model.people_per_agent
    model = caught_model(workers, places_people=3_000_000.0)  # Malaysia's detainee is not here
    abroad.arrests(model, np.arange(4))
    assert model.population.status[:2].tolist() == [Status.DETAINED] * 2
    assert flow_count(model, "arrests_without_place") == 0
    assert model.rng.orders == []  # room for both: nothing drawn


def test_no_limit_draws_nothing_and_detains_everyone_caught():
    model = caught_model([IRREGULAR, IRREGULAR, HELD], places_people=0.0)
    abroad.arrests(model, np.arange(3))
    assert (model.population.status == Status.DETAINED).all()
    assert flow_count(model, "arrests") == 2 * model.people_per_agent
    assert flow_count(model, "arrests_without_place") == 0
    assert model.rng.orders == [] and model.rng.sizes == [2]  # a uniform per person at risk


def test_detainees_held_behind_a_closed_border_keep_their_places():
    # row 0 due for deportation in Thailand, whose border is closed and removes no one; rows
    # 1-2 irregular in Thailand; one place in all: the held detainee keeps it
    workers = [{**HELD, "timer": 1}, IRREGULAR, IRREGULAR]
    model = caught_model(workers, places_people=1_000_000.0)
    set_levers(model, border_closure_removal_factor=0.0, reentry_after_forced_return=0.0)
    model.policy.border_closed[:] = True
    abroad.deportations(model, np.arange(1))
    assert model.population.status[0] == Status.DETAINED  # held, due again next month
    abroad.arrests(model, np.arange(3))
    assert model.population.status[1:].tolist() == [Status.EMPLOYED_IRREGULAR] * 2
    assert flow_count(model, "arrests") == 0
    assert flow_count(model, "arrests_without_place") == 2 * model.people_per_agent
    # the border opens: the detainee is deported, the place is free again
    model.policy.border_closed[:] = False
    abroad.deportations(model, np.arange(1))
    abroad.arrests(model, np.arange(3))
    assert sorted(model.population.status[1:].tolist()) == [
        Status.EMPLOYED_IRREGULAR,
        Status.DETAINED,
    ]


def test_with_no_detention_months_the_caught_within_the_places_are_deported_at_once():
    model = caught_model([IRREGULAR, IRREGULAR, IRREGULAR], places_people=2_000_000.0)
    set_levers(model, detention_months=0, reentry_after_forced_return=0.0)
    abroad.arrests(model, np.arange(3))
    # the permutation [2, 1, 0] keeps rows 2 and 1, deported at once
    assert model.population.status.tolist() == [
        Status.EMPLOYED_IRREGULAR,
        Status.RETURNED,
        Status.RETURNED,
    ]
    assert flow_count(model, "deportations") == 2 * model.people_per_agent
