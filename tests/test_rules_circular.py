"""Unit specifications of circular migration (issue 14, mechanism 3) on hand-built workers in
Myanmar -> Thailand: returns at contract end as planned (:func:`permits.planned_returns`
inside :func:`permits.permits_ending`), seasonal stays (:func:`abroad.seasonal_stays`,
:func:`abroad.season_ends`, the flag :func:`moves.go_home` leaves), re-migrations counted
(:func:`admissions.count_trips`) and what having migrated before does to a decision
(:func:`decisions.decision_chances`, :func:`decisions.returnee_utility`), and the renewal of a
person (:func:`home.renew`). With the declarations at their defaults each rule reads and
draws nothing (results stay identical to a model without the mechanism)."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import MMR_THA, CountingUniforms, FixedUniforms, rows, small_model

from agents.status import Channel, Legal, Status
from simulation import abroad, admissions, decisions, home, moves, permits
from simulation.metrics import FLOW_MEASURES

REGULAR = {"legal": Legal.REGULAR, "corridor": MMR_THA, "channel": 0, "trips": 1}
EMPLOYED_REGULAR = {**REGULAR, "status": Status.EMPLOYED_REGULAR, "contract_left": 10}
ENDING = {**EMPLOYED_REGULAR, "contract_left": 1}  # contract ends this month
SEASONAL = {**EMPLOYED_REGULAR, "season_left": 1}  # season ends this month
RETURNED = {"status": Status.RETURNED, "corridor": MMR_THA, "channel": 0, "trips": 1}


def flow(model, measure: str, channel: int | None = None) -> float:
    """People counted in a flow so far this month (all corridors; one channel or both)."""
    cells = model.metrics.flows[:, FLOW_MEASURES.index(measure)]
    if channel is not None:
        cells = cells[channel::2]
    return float(cells.sum())


class NoDraws:
    """A stand-in generator that fails the test if a rule draws."""

    def random(self, size):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"drew {size} uniforms with the mechanism off")


# ---- returns at contract end ---------------------------------------------------------------
def test_planned_return_sends_an_ending_contract_home_before_the_renewal():
    model = small_model([ENDING, EMPLOYED_REGULAR], planned_return_share=0.5)
    model.rng = FixedUniforms(0.2)  # below 0.5: planned; the renewal draw is not reached
    ends = permits.permits_ending(model, rows(2), rows(0))
    pop = model.population
    assert len(ends) == 0  # the planned return is not an ending permit left to decide
    assert pop.status.tolist() == [Status.RETURNED, Status.EMPLOYED_REGULAR]
    assert pop.legal[0] == Legal.NONE
    ppa = model.people_per_agent
    assert flow(model, "planned_returns", Channel.REGULAR) == ppa
    assert flow(model, "returns", Channel.REGULAR) == ppa  # inside the returns


def test_unplanned_ending_contract_goes_to_the_employer_as_before():
    model = small_model([ENDING], planned_return_share=0.5, contract_renewal_probability=1.0)
    model.rng = FixedUniforms(0.7)  # above 0.5: not planned; kept by the employer
    ends = permits.permits_ending(model, rows(1), rows(0))
    assert len(ends) == 0
    assert model.population.contract_left[0] == model.lv.contract_months  # renewed
    assert flow(model, "planned_returns") == 0.0


def test_a_legalised_worker_never_plans_a_return():
    """Two ending contracts, the same uniform below the share: the one who came on a contract
    goes home as planned, the one legalised in a window (last move irregular) goes to the
    employer, who renews. Both still draw their planned-return uniform (the streams stay as
    they were)."""
    legalised = {**ENDING, "channel": Channel.IRREGULAR}
    model = small_model(
        [ENDING, legalised], planned_return_share=0.5, contract_renewal_probability=1.0
    )
    model.rng = counting = CountingUniforms(0.2)
    ends = permits.permits_ending(model, rows(2), rows(0))
    pop = model.population
    assert len(ends) == 0
    assert pop.status.tolist() == [Status.RETURNED, Status.EMPLOYED_REGULAR]
    assert pop.contract_left[1] == model.lv.contract_months  # renewed
    assert flow(model, "planned_returns", Channel.REGULAR) == model.people_per_agent
    # both planned-return uniforms, the returnee's reintegration draw (return_home), then the
    # employer's keep draw for the legalised worker
    assert counting.sizes == [2, 1, 1]


def test_no_planned_returns_draw_nothing_extra():
    model = small_model([ENDING], contract_renewal_probability=1.0)
    model.rng = counting = CountingUniforms(0.0)
    permits.permits_ending(model, rows(1), rows(0))
    assert counting.sizes == [1]  # the employer's keep draw only
    assert flow(model, "planned_returns") == 0.0


# ---- seasonal stays ------------------------------------------------------------------------
def test_seasonal_share_gives_arrivals_a_season():
    model = small_model(
        [EMPLOYED_REGULAR, EMPLOYED_REGULAR], seasonal_share=0.5, season_length_months=4
    )
    model.rng = FixedUniforms(0.3)
    abroad.seasonal_stays(model, rows(2), np.array([MMR_THA, MMR_THA]))
    assert model.population.season_left.tolist() == [4, 4]
    model.rng = FixedUniforms(0.9)  # above the share: not seasonal (a former flag is cleared)
    abroad.seasonal_stays(model, rows(2), np.array([MMR_THA, MMR_THA]))
    assert model.population.season_left.tolist() == [0, 0]


def test_no_seasonal_share_draws_and_writes_nothing():
    model = small_model([EMPLOYED_REGULAR])
    model.rng = NoDraws()
    abroad.seasonal_stays(model, rows(1), np.array([MMR_THA]))
    assert model.population.season_left.tolist() == [0]


def test_season_ends_sends_home_and_flags_the_seasonal_returnee():
    later = {**EMPLOYED_REGULAR, "season_left": 3}
    detained = {**SEASONAL, "status": Status.DETAINED, "legal": Legal.IRREGULAR}
    model = small_model([SEASONAL, later, detained], seasonal_share=0.5)
    model.rng = FixedUniforms(0.9)  # no reintegration programme reaches them
    abroad.season_ends(model, rows(3))
    pop = model.population
    assert pop.status.tolist() == [Status.RETURNED, Status.EMPLOYED_REGULAR, Status.DETAINED]
    assert pop.season_left.tolist() == [-1, 2, 1]  # the detained do not count down
    ppa = model.people_per_agent
    assert flow(model, "seasonal_returns", Channel.REGULAR) == ppa
    assert flow(model, "returns", Channel.REGULAR) == ppa


def test_going_home_early_from_a_season_flags_the_seasonal_returnee():
    model = small_model([{**SEASONAL, "season_left": 3}, EMPLOYED_REGULAR], seasonal_share=0.5)
    moves.go_home(model, rows(2))
    assert model.population.season_left.tolist() == [-1, 0]


# ---- re-migration --------------------------------------------------------------------------
def test_count_trips_counts_departures_of_those_who_left_before():
    model = small_model([{"trips": 0}, {"trips": 2}])
    admissions.count_trips(model, rows(2), np.array([MMR_THA, MMR_THA]), Channel.IRREGULAR)
    assert model.population.trips.tolist() == [1, 3]
    assert flow(model, "remigrations", Channel.IRREGULAR) == model.people_per_agent


MMR = 2  # Myanmar's index among the origins


def test_decision_chances_are_the_origin_rate_by_default():
    model = small_model([RETURNED, {}, {**RETURNED, "age_months": 50 * 12}])  # 50: too old
    rate = np.array([0.01, 0.02, 0.03, 0.04, 0.05, 0.06])[: len(model.world.origins)]
    candidates, p = decisions.decision_chances(model, rate)
    assert candidates.tolist() == [0, 1]
    assert p.tolist() == [rate[MMR], rate[MMR]]


def test_returnee_and_seasonal_factors_raise_the_decision_rate():
    model = small_model(
        [RETURNED, {**RETURNED, "season_left": -1}, {}, {"status": Status.WAITING}],
        returnee_decision_factor=2.0,
        seasonal_decision_factor=5.0,
        seasonal_share=0.5,
    )
    n_origins = len(model.world.origins)
    candidates, p = decisions.decision_chances(model, np.full(n_origins, 0.05))
    assert candidates.tolist() == [0, 1, 2]  # the one waiting for a placement does not weigh
    assert p == pytest.approx([0.1, 0.5, 0.05])
    _, p = decisions.decision_chances(model, np.full(n_origins, 0.5))
    assert p == pytest.approx([1.0, 1.0, 0.5])  # at most 1


def test_returnee_utility_is_none_by_default():
    model = small_model([RETURNED])
    assert decisions.returnee_utility(model, rows(1), np.array([MMR_THA]), np.ones(1)) is None


def test_returnee_utility_adds_experience_known_employer_and_debt():
    cs = np.array([MMR_THA, MMR_THA + 3])  # Myanmar -> Thailand, Myanmar -> Malaysia
    irregular_before = {**RETURNED, "channel": 1}
    model = small_model(
        [RETURNED, irregular_before, {"debt": 300.0}],
        remigration_utility=0.5,
        returnee_known_employer_utility=1.0,
        beta_debt_push=0.1,
    )
    extra = decisions.returnee_utility(model, rows(3), cs, np.full(3, 100.0))
    assert extra is not None
    # alternatives: THA regular, THA irregular, MYS regular, MYS irregular
    assert extra[0] == pytest.approx([1.5, 0.5, 0.5, 0.5])  # known employer: THA regular
    assert extra[1] == pytest.approx([0.5, 0.5, 0.5, 0.5])  # last move irregular
    assert extra[2] == pytest.approx([0.3, 0.3, 0.3, 0.3])  # never left; 3 months of debt


def test_renewal_clears_trips_and_seasons():
    model = small_model([{**RETURNED, "season_left": -1, "trips": 3}])
    home.renew(model, rows(1), 0)
    assert model.population.trips[0] == 0 and model.population.season_left[0] == 0
