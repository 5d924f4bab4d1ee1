"""Unit specifications of the monthly events abroad (``simulation/abroad.py``), one per
sub-step, on a handful of hand-built workers in Myanmar -> Thailand: each rule does what
ODD.md says, to the person."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, FixedUniforms, rows, set_levers, small_model

from agents.status import Legal, Status
from simulation import abroad, permits, regularisation
from simulation.metrics import FLOW_MEASURES

EMPLOYED_REGULAR = {
    "status": Status.EMPLOYED_REGULAR,
    "legal": Legal.REGULAR,
    "corridor": MMR_THA,
    "channel": 0,
}
EMPLOYED_IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
}
UNEMPLOYED_IRREGULAR = {**EMPLOYED_IRREGULAR, "status": Status.UNEMPLOYED_ABROAD}


# ---- 1-2 --------------------------------------------------------------------------------------
def test_waiting_regular_migrant_departs_when_processing_is_over():
    waiting = {"status": Status.WAITING, "corridor": MMR_THA, "channel": 0}
    model = small_model([{**waiting, "timer": 1}, {**waiting, "timer": 3}])
    model.offer = dataclasses.replace(model.offer, training=np.ones(len(model.c_dest)))
    model.policy.deployment_ban[:] = False
    model.policy.border_closed[:] = False
    abroad.regular_departures(model, rows(2))
    pop = model.population
    assert pop.status.tolist() == [Status.EMPLOYED_REGULAR, Status.WAITING]
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.NONE]
    assert pop.contract_left[0] == model.lv.contract_months
    assert pop.trained[0]  # training coverage 1
    assert pop.timer[1] == 2


def test_deployment_ban_holds_the_queue():
    model = small_model([{"status": Status.WAITING, "corridor": MMR_THA, "timer": 1}])
    model.policy.deployment_ban[MMR_THA] = True
    abroad.regular_departures(model, rows(1))
    assert model.population.status[0] == Status.WAITING
    assert model.population.timer[0] == 1


@pytest.mark.parametrize(
    ("job_finding", "expected"),
    [(1.0, Status.EMPLOYED_IRREGULAR), (0.0, Status.UNEMPLOYED_ABROAD)],
)
def test_irregular_crossing_arrives_and_looks_for_work(job_finding, expected):
    model = small_model(
        [{"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": 1, "timer": 1}],
        border_control=0.0,
    )
    model.market.job_finding[:] = job_finding
    model.market.irregular_hiring[:] = 1.0
    abroad.irregular_arrivals(model, rows(1))
    assert model.population.status[0] == expected
    assert model.population.legal[0] == Legal.IRREGULAR


def test_intercepted_crossing_is_sent_home():
    model = small_model(
        [{"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": 1, "timer": 1}],
        border_control=1.0,
        border_interception_max=1.0,
    )
    abroad.irregular_arrivals(model, rows(1))
    assert model.population.status[0] == Status.RETURNED
    assert model.population.legal[0] == Legal.NONE


# ---- 3 ----------------------------------------------------------------------------------------
def test_wages_repayment_remittances_and_savings_by_hand():
    model = small_model(
        [
            {**EMPLOYED_REGULAR, "trained": True, "debt": 100.0},
            {**EMPLOYED_IRREGULAR, "exploited": True},
        ],
        migrant_minimum_wage_usd_per_month=0.0,
        training_wage_premium=0.1,
        irregular_wage_discount=0.8,
        exploitation_wage_loss=0.5,
        living_cost_share_abroad=0.5,
        debt_repayment_share=0.5,
        remittance_share=0.5,
        social_security_contribution_share=0.05,
    )
    model.policy.market_wage[THA] = 400.0
    abroad.earn_and_spend(model, rows(2))
    pop = model.population
    # regular, trained: wage 400 x 1.1 = 440; net of living costs 220; repays min(100, 110);
    # sends half of the remaining 120; saves 60; contributes 5% of 440
    assert pop.debt[0] == pytest.approx(0.0)
    assert pop.savings[0] == pytest.approx(60.0)
    assert pop.social_security[0] == pytest.approx(22.0)
    # irregular, exploited: 400 x 0.8 x 0.5 = 160; net 80; no debt; sends 40, saves 40
    assert pop.savings[1] == pytest.approx(40.0)
    assert pop.social_security[1] == 0.0
    # the month's flows per corridor x channel cell, in people (x people per agent)
    flows = model.metrics.flows / model.people_per_agent
    regular, irregular = 2 * MMR_THA, 2 * MMR_THA + 1
    earnings = flows[:, FLOW_MEASURES.index("earnings_usd")]
    sent = flows[:, FLOW_MEASURES.index("remittances_sent_usd")]
    cost = flows[:, FLOW_MEASURES.index("remittance_cost_usd")]
    received = flows[:, FLOW_MEASURES.index("remittances_received_usd")]
    assert earnings[regular] == pytest.approx(440.0) and earnings[irregular] == pytest.approx(160.0)
    assert sent[regular] == pytest.approx(60.0) and sent[irregular] == pytest.approx(40.0)
    pct = model.lv.remittance_cost_pct[MMR_THA] / 100.0
    assert cost[regular] == pytest.approx(60.0 * pct) and cost[irregular] == pytest.approx(
        40.0 * pct
    )
    assert received.sum() == pytest.approx(100.0 * (1.0 - pct))
    assert earnings.sum() == pytest.approx(600.0)  # nobody else, no other cell


def test_skilled_workers_earn_the_destinations_skill_multiplier():
    model = small_model(
        [EMPLOYED_IRREGULAR, {**EMPLOYED_IRREGULAR, "skilled": True}],
        irregular_wage_discount=1.0,
        living_cost_share_abroad=0.0,
        remittance_share=0.0,
    )
    model.policy.market_wage[THA] = 400.0
    abroad.earn_and_spend(model, rows(2))
    multiplier = model.skill_multiplier_dest[THA]
    assert multiplier > 1.0
    assert model.population.savings.tolist() == pytest.approx([400.0, 400.0 * multiplier])


def test_migrant_minimum_wage_is_a_floor_for_regular_workers_only():
    model = small_model(
        [EMPLOYED_REGULAR, EMPLOYED_IRREGULAR],
        migrant_minimum_wage_usd_per_month=500.0,
        training_wage_premium=0.0,
        irregular_wage_discount=1.0,
        living_cost_share_abroad=0.0,
        remittance_share=0.0,
        social_security_contribution_share=0.0,
    )
    model.policy.market_wage[THA] = 400.0
    abroad.earn_and_spend(model, rows(2))
    assert model.population.savings.tolist() == pytest.approx([500.0, 400.0])


def test_unemployed_live_on_savings():
    model = small_model(
        [{**UNEMPLOYED_IRREGULAR, "savings": 150.0}, {**UNEMPLOYED_IRREGULAR, "savings": 50.0}],
        living_cost_share_abroad=0.5,
    )
    model.policy.market_wage[THA] = 400.0
    abroad.jobless_upkeep(model, rows(2))
    # half the living cost of an employed worker: 0.5 x 0.5 x 400 = 100, never below zero
    assert model.population.savings.tolist() == pytest.approx([50.0, 0.0])


# ---- 4 ----------------------------------------------------------------------------------------
def test_exploitation_starts_with_hazard_one_and_ends_with_exit_one():
    model = small_model(
        [EMPLOYED_IRREGULAR, {**EMPLOYED_REGULAR, "exploited": True}],
        exploitation_base_irregular=1.0,
        broker_malpractice_mean=0.0,
        protection_coverage=0.0,
        exploitation_exit_per_month=1.0,
    )
    abroad.exploitation(model, rows(2))
    pop = model.population
    assert pop.exploited.tolist() == [True, False]
    assert pop.exploitation_count.tolist() == [1, 0]


def test_no_exploitation_with_zero_hazard():
    model = small_model(
        [EMPLOYED_IRREGULAR, EMPLOYED_REGULAR],
        exploitation_base_irregular=0.0,
        exploitation_base_regular=0.0,
    )
    abroad.exploitation(model, rows(2))
    assert not model.population.exploited.any()


# ---- 5 ----------------------------------------------------------------------------------------
def test_permit_ends_without_renewal_and_worker_overstays_as_irregular():
    model = small_model(
        [{**EMPLOYED_REGULAR, "contract_left": 1}],
        contract_renewal_probability=0.0,
        overstay_probability=1.0,
        social_security_portability=0.0,
    )
    ending = permits.permits_ending(model, rows(1), rows(0))
    assert ending.rows.tolist() == [0]
    permits.overstay_or_return(model, ending)
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR
    assert model.population.legal[0] == Legal.IRREGULAR


def test_renewed_contract_runs_again():
    model = small_model(
        [{**EMPLOYED_REGULAR, "contract_left": 1}], contract_renewal_probability=1.0
    )
    assert len(permits.permits_ending(model, rows(1), rows(0))) == 0
    assert model.population.contract_left[0] == model.lv.contract_months


def test_grace_period_over_and_no_overstay_means_going_home_with_portable_savings():
    model = small_model(
        [
            {
                **EMPLOYED_REGULAR,
                "status": Status.UNEMPLOYED_ABROAD,
                "timer": 1,
                "social_security": 100.0,
            }
        ],
        overstay_probability=0.0,
        social_security_portability=0.6,
        reintegration_programme_coverage=0.0,
    )
    ending = permits.permits_ending(model, rows(0), rows(1))
    permits.overstay_or_return(model, ending)
    pop = model.population
    assert pop.status[0] == Status.RETURNED
    assert pop.legal[0] == Legal.NONE
    assert pop.savings[0] == pytest.approx(60.0)
    assert pop.social_security[0] == 0.0


# ---- 6 ----------------------------------------------------------------------------------------
def test_detained_person_is_deported_when_detention_is_over():
    detained = {**EMPLOYED_IRREGULAR, "status": Status.DETAINED}
    model = small_model([{**detained, "timer": 1}, {**detained, "timer": 2}])
    abroad.deportations(model, rows(2))
    pop = model.population
    assert pop.status.tolist() == [Status.RETURNED, Status.DETAINED]
    assert pop.legal.tolist() == [Legal.NONE, Legal.IRREGULAR]


def test_irregular_worker_is_arrested_and_detained_regular_worker_is_not():
    model = small_model(
        [{**EMPLOYED_IRREGULAR, "exploited": True}, EMPLOYED_REGULAR], detention_months=2
    )
    model.policy.arrest_probability[THA] = 1.0
    irregular = abroad.arrests(model, rows(2))
    pop = model.population
    assert irregular.tolist() == [0]
    assert pop.status.tolist() == [Status.DETAINED, Status.EMPLOYED_REGULAR]
    assert pop.timer[0] == 2
    assert not pop.exploited[0]


def test_arrested_irregular_worker_is_deported_at_once_without_detention():
    model = small_model([EMPLOYED_IRREGULAR], detention_months=0)
    model.policy.arrest_probability[THA] = 1.0
    abroad.arrests(model, rows(1))
    assert model.population.status[0] == Status.RETURNED


def test_unemployed_irregular_are_easier_to_catch():
    model = small_model([EMPLOYED_IRREGULAR, UNEMPLOYED_IRREGULAR], unemployed_arrest_factor=2.0)
    model.policy.arrest_probability[THA] = 0.3
    model.rng = FixedUniforms(0.5)  # 0.5 >= 0.3 (employed), 0.5 < 0.6 (unemployed)
    abroad.arrests(model, rows(2))
    assert model.population.status.tolist() == [Status.EMPLOYED_IRREGULAR, Status.DETAINED]


# ---- 7 ----------------------------------------------------------------------------------------
def test_amnesty_registers_those_who_can_pay():
    model = small_model(
        [
            {**EMPLOYED_IRREGULAR, "savings": 300.0},
            {**UNEMPLOYED_IRREGULAR, "savings": 300.0},
            {**EMPLOYED_IRREGULAR, "savings": 100.0},
        ],
        amnesty_fee_usd=200.0,
        amnesty_monthly_takeup=1.0,
        amnesty_eligible_share=1.0,
    )
    model.policy.amnesty_open[THA] = True
    regularisation.amnesty_registration(model, rows(3))
    pop = model.population
    assert pop.status.tolist() == [
        Status.EMPLOYED_REGULAR,
        Status.UNEMPLOYED_ABROAD,
        Status.EMPLOYED_IRREGULAR,
    ]
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.REGULAR, Legal.IRREGULAR]
    assert pop.savings.tolist() == pytest.approx([100.0, 100.0, 100.0])
    assert pop.contract_left[0] == model.lv.contract_months
    assert pop.timer[1] == model.lv.regular_grace_months  # registered without a job: grace


def test_closed_window_registers_nobody():
    model = small_model(
        [{**EMPLOYED_IRREGULAR, "savings": 300.0}],
        amnesty_fee_usd=0.0,
        amnesty_monthly_takeup=1.0,
        amnesty_eligible_share=1.0,
    )
    model.policy.amnesty_open[:] = False
    regularisation.amnesty_registration(model, rows(1))
    assert model.population.legal[0] == Legal.IRREGULAR


# ---- 8 ----------------------------------------------------------------------------------------
def test_voluntary_return_hazards():
    model = small_model(
        [
            EMPLOYED_REGULAR,  # draw 0.05 >= hazard 0.02: stays
            UNEMPLOYED_IRREGULAR,  # unemployed hazard 0.2 > 0.05: goes
            {**EMPLOYED_IRREGULAR, "age_months": 50 * 12},  # at least 0.1 from 50: goes
        ],
        return_hazard_per_month=0.02,
        unemployed_return_hazard_per_month=0.2,
        reintegration_programme_coverage=1.0,
        reintegration_months=6,
    )
    model.rng = FixedUniforms(0.05)
    abroad.voluntary_returns(model, rows(3))
    pop = model.population
    assert pop.status.tolist() == [Status.EMPLOYED_REGULAR, Status.RETURNED, Status.RETURNED]
    assert pop.reintegration_left.tolist() == [0, 6, 6]


# ---- the whole month --------------------------------------------------------------------------
STAYS_ON = {"overstay_probability": 1.0, "social_security_portability": 0.0}


@pytest.mark.parametrize(
    ("worker", "levers", "cause"),
    [
        # the contract ends and the employer does not renew: overstay
        ({"contract_left": 1}, {"contract_renewal_probability": 0.0, **STAYS_ON}, "overstay"),
        # the employer renews but the worker can neither pay nor borrow the fee: lapse
        (
            {"contract_left": 1},
            {
                "contract_renewal_probability": 1.0,
                "permit_renewal_fee_usd": 100.0,
                "borrowing_limit_months_of_income": 0.0,
                **STAYS_ON,
            },
            "lapse",
        ),
        # taken on by another employer after a layoff, on a tied permit: employer change
        ({"contract_left": 10, "timer": 1}, {"permit_employer_tie": 1.0}, "employer_change"),
    ],
)
def test_month_abroad_regular_worker_becomes_irregular_by_cause(worker, levers, cause):
    model = small_model(
        [{**EMPLOYED_REGULAR, **worker}],
        exploitation_base_regular=0.0,
        exploitation_base_irregular=0.0,
        return_hazard_per_month=0.0,
        **levers,
    )
    model.policy.arrest_probability[:] = 0.0
    abroad.abroad_events(model, 0)
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR
    assert model.population.legal[0] == Legal.IRREGULAR
    flows = model.metrics.flows[:, list(FLOW_MEASURES).index(f"irregular_by_{cause}")]
    assert flows.sum() == model.people_per_agent


def test_month_abroad_arrested_irregular_worker_is_deported_the_month_after():
    model = small_model(
        [EMPLOYED_IRREGULAR],
        detention_months=1,
        exploitation_base_irregular=0.0,
        return_hazard_per_month=0.0,
    )
    model.policy.arrest_probability[:] = 1.0
    abroad.abroad_events(model, 0)
    assert model.population.status[0] == Status.DETAINED
    abroad.abroad_events(model, 1)
    assert model.population.status[0] == Status.RETURNED
    assert model.population.legal[0] == Legal.NONE


def test_set_levers_keeps_arrays_per_key():
    model = small_model([], border_control=[0.1, 0.2, 0.3])
    assert model.lv.border_control.tolist() == [0.1, 0.2, 0.3]
    set_levers(model, border_control=0.5)
    assert model.lv.border_control.tolist() == [0.5, 0.5, 0.5]
