"""Unit specifications of the receiving state's monthly policy (``agents/state.py``) and of
the decision steps not covered elsewhere (``simulation/decisions.py``), on Thailand and a
handful of hand-built workers from Myanmar."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from rule_workers import MMR_THA, THA, small_model

from agents.status import Channel, Outcome, Status
from simulation import admissions, decisions
from simulation.policy import lever_arrays
from simulation.schedules import Schedules

MMR = 2


def thailand(model):
    state = model.destination_states[THA]
    assert state.country == "THA"
    return state


# ---- receiving state ---------------------------------------------------------------------------
def test_quota_year_starts_with_the_declared_quota():
    model = small_model([], annual_regular_quota=1000)
    state = thailand(model)
    state.start_quota_year(12)
    assert model.policy.quota_remaining[THA] == 1000.0
    assert (state.unfilled_vacancies_this_year, state.demand_this_year) == (0.0, 0.0)


def test_adaptive_state_raises_the_quota_after_a_labour_shortage():
    model = small_model(
        [],
        annual_regular_quota=1000,
        adaptive_policy=True,
        labour_shortage_vacancy_rate=0.1,
        quota_increase_on_shortage_pct=20.0,
    )
    state = thailand(model)
    state.quota_this_year = 1500.0
    state.unfilled_vacancies_this_year, state.demand_this_year = 20.0, 100.0  # 20% > 10%
    state.start_quota_year(12)
    assert model.policy.quota_remaining[THA] == pytest.approx(1800.0)  # max(1500, 1000) x 1.2


def test_crackdown_when_the_irregular_stock_passes_the_threshold(monkeypatch):
    model = small_model(
        [],
        adaptive_policy=True,
        crackdown_threshold_irregular_people=1000.0,
        enforcement_monthly_arrest_probability=0.02,
        crackdown_enforcement_multiplier=3.0,
    )
    state = thailand(model)
    monkeypatch.setattr(model, "irregular_stock_by_destination", lambda: np.array([2e3, 0, 0]))
    state.set_enforcement()
    assert state.crackdown and state.crackdown_months == 1
    assert model.policy.arrest_probability[THA] == pytest.approx(0.06)
    monkeypatch.setattr(model, "irregular_stock_by_destination", lambda: np.array([5e2, 0, 0]))
    state.set_enforcement()
    assert not state.crackdown
    assert model.policy.arrest_probability[THA] == pytest.approx(0.02)


def test_no_crackdown_unless_adaptive(monkeypatch):
    model = small_model([], adaptive_policy=False, crackdown_threshold_irregular_people=0.0)
    monkeypatch.setattr(model, "irregular_stock_by_destination", lambda: np.array([1e9, 0, 0]))
    thailand(model).set_enforcement()
    assert not thailand(model).crackdown


def test_border_closure_cuts_demand():
    model = small_model([], border_closure_demand_factor=0.5)
    state = thailand(model)
    closure = model.schedules.closure.copy()
    closure[THA, 3] = True
    object.__setattr__(model.schedules, "closure", closure)
    state.set_market(3)
    assert model.policy.border_closed[THA]
    assert model.policy.demand[THA] == pytest.approx(0.5 * model.schedules.demand[THA, 3])
    assert model.policy.market_wage[THA] == model.schedules.dest_wage[THA, 3]
    assert state.demand_this_year == pytest.approx(model.policy.demand[THA] / 12)


def test_the_threat_announced_with_a_window_is_one_in_its_high_threat_months_only():
    """Thailand's windows of 2010-03 and 2010-06 (3 months each), announced with enforcement
    after the deadline (0.5), the second opened amid a crackdown in its first two months:
    the schedules hold the threat month by month, and the state writes this month's."""
    model = small_model([])
    scenario = model.scenario.with_values(
        amnesty_start={"THA": ["2010-03", "2010-06"]},
        amnesty_enforcement_threat={"THA": 0.5},
        # 2011-06 is after the run's end (2010-12): read nowhere
        amnesty_high_threat_months={"THA": ["2010-06", "2010-07", "2011-06"]},
    )
    model.lv = lever_arrays(scenario)
    object.__setattr__(model, "schedules", Schedules.build(scenario, model.lv))
    assert model.schedules.amnesty_threat[THA].tolist() == [0.5] * 5 + [1.0, 1.0] + [0.5] * 5
    state = thailand(model)
    for month, is_open, threat in ((2, True, 0.5), (5, True, 1.0), (7, True, 0.5), (9, False, 0.5)):
        state.set_market(month)
        assert model.policy.amnesty_open[THA] == is_open, month
        assert model.policy.amnesty_threat[THA] == threat, month


def test_each_open_month_knows_the_month_its_window_opened():
    """Thailand's one-month windows of 2010-02 and 2010-03 (back to back: one window, as the
    candidate's month-by-month windows are), 2010-06 and 2010-07 (another) and 2010-12: the
    schedules hold each open month's opening month, -1 while closed, and the state writes
    this month's."""
    model = small_model([])
    scenario = model.scenario.with_values(
        amnesty_start={"THA": ["2010-02", "2010-03", "2010-06", "2010-07", "2010-12"]},
        amnesty_length_months={"THA": 1},
    )
    model.lv = lever_arrays(scenario)
    object.__setattr__(model, "schedules", Schedules.build(scenario, model.lv))
    closed = -1
    assert model.schedules.amnesty_opened[THA].tolist() == [
        *[closed, 1, 1, closed, closed, 5, 5],
        *[closed, closed, closed, closed, 11],
    ]
    state = thailand(model)
    for month, opened in ((1, 1), (2, 1), (4, closed), (6, 5), (11, 11)):
        state.set_market(month)
        assert model.policy.amnesty_opened[THA] == opened, month


# ---- decisions ----------------------------------------------------------------------------------
def test_vacancy_pull_weighs_destinations_by_where_the_origin_already_is():
    model = small_model([])
    model.market.vacancy_rate[:] = [0.4, 0.0, 0.0]  # only Thailand short of workers
    share = np.zeros((len(model.world.origins), len(model.c_dest)))
    pull = decisions.vacancy_pull(model, share)
    mmr_corridors = model.corridors_of_origin[MMR]
    in_thailand = (model.c_dest[mmr_corridors] == THA).sum()
    assert pull[MMR] == pytest.approx(0.4 * in_thailand / len(mmr_corridors))  # plain mean
    share[MMR, MMR_THA] = 0.1  # everyone abroad is in Thailand
    assert decisions.vacancy_pull(model, share)[MMR] == pytest.approx(0.4)


def test_demand_counts_every_applicant_toward_fee_pressure():
    model = small_model([])
    rec = model.recruiters
    pool = (rec.corridor == MMR_THA) & (rec.channel == Channel.IRREGULAR) & rec.active
    rec.applications[:] = 0.0
    admissions.record_demand(model, np.full(3, MMR_THA), Channel.IRREGULAR)
    assert rec.applications[pool].sum() == pytest.approx(3 * model.people_per_agent)
    assert rec.applications[~pool].sum() == 0.0


def test_a_full_destination_is_marked_on_its_recruiters_of_the_channel():
    model = small_model([])
    rec = model.recruiters
    rec.destination_full[:] = False
    full = np.zeros(len(model.world.destinations), bool)
    full[model.c_dest[MMR_THA]] = True
    admissions.record_demand(model, np.full(3, MMR_THA), Channel.REGULAR, full)
    marked = (model.c_dest[rec.corridor] == model.c_dest[MMR_THA]) & (
        rec.channel == Channel.REGULAR
    )
    assert rec.destination_full.tolist() == marked.tolist() and marked.any()


def test_choices_are_recorded_and_staying_is_certain_when_nothing_is_open():
    model = small_model([{}, {}])
    model.offer.open[:] = False
    share = model.origin_share_abroad()
    chosen = decisions.choose_alternatives(model, np.arange(2), 0, share)
    assert chosen.tolist() == [0, 0]
    explained = model.choices.explain(0)
    assert explained is not None
    assert explained["chosen"] == "stay"
    assert explained["probabilities"] == {"stay": 1.0}
    assert model.choices.outcome[0] == Outcome.NONE


def test_leaving_out_the_choice_probabilities_changes_no_result():
    """Batch runs build the model without keeping the probabilities: the same run, the same
    choices and outcomes, and the inspector is told the probabilities were not kept."""
    from scenarios.scenario import load_scenario
    from simulation.model import MigrationModel

    scenario = load_scenario("crackdown").with_values(people_per_agent=20_000, end="2013-12")
    kept, left = (MigrationModel(scenario, keep_choice_probabilities=k) for k in (True, False))
    kept.run()
    left.run()
    pd.testing.assert_frame_equal(kept.metrics.to_frame(), left.metrics.to_frame())
    for column in ("month", "chosen", "outcome"):
        assert np.array_equal(getattr(kept.choices, column), getattr(left.choices, column))
    decided = np.flatnonzero(kept.choices.chosen > 0)
    assert len(decided) > 10
    row = int(decided[0])
    assert kept.choices.explain(row)["probabilities"]
    assert left.choices.explain(row)["probabilities"] is None
    assert {k: v for k, v in left.choices.explain(row).items() if k != "probabilities"} == {
        k: v for k, v in kept.choices.explain(row).items() if k != "probabilities"
    }


def test_decide_and_move_nobody_at_home_of_age_decides():
    model = small_model(
        [{"age_months": 60 * 12}, {"status": Status.WAITING, "corridor": MMR_THA}],
        decision_rate_per_month=1.0,
    )
    decisions.decide_and_move(model, 0)
    assert model.choices.month[:2].tolist() == [-1, -1]
