"""Unit specifications of the decisions at home and the admissions
(``simulation/decisions.py``, ``simulation/admissions.py``), and of the formulas expectation
and realisation share (``simulation/formulas.py``), on a handful of hand-built workers from
Myanmar."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, set_levers, small_model

from agents.status import Channel, Legal, Outcome, Status
from simulation import abroad, admissions, decisions
from simulation.formulas import (
    irregular_wage,
    monthly_exploitation_hazard,
    protection_factor,
    regular_wage,
    training_exploitation_factor,
    yearly_from_monthly,
)

MMR = 2


# ---- formulas ---------------------------------------------------------------------------------
def test_yearly_from_monthly():
    assert yearly_from_monthly(0.1) == pytest.approx(1.0 - 0.9**12)
    assert yearly_from_monthly(np.array([0.0, 1.0])).tolist() == [0.0, 1.0]


def test_wage_rule_by_hand():
    wage = regular_wage(np.array([400.0, 400.0]), np.array([500.0, 0.0]), 0.1, np.array([0, 1]))
    assert wage.tolist() == pytest.approx([500.0, 440.0])  # minimum wage floor; trained +10%
    assert irregular_wage(np.array([400.0]), 0.8).tolist() == pytest.approx([320.0])


def test_exploitation_hazard_by_hand():
    p = monthly_exploitation_hazard(
        0.01,
        0.5,
        training_exploitation_factor(np.array([True, False])),
        protection_factor(0.5, np.array([0.4, 0.4])),
        np.array([1.0, 1.2]),
    )
    # 0.01 x 1.5 x (0.5 trained | 1) x (1 - 0.5 x 0.4) x (1 | 1.2 for a woman)
    assert p.tolist() == pytest.approx([0.01 * 1.5 * 0.5 * 0.8, 0.01 * 1.5 * 0.8 * 1.2])


def test_expected_wage_is_the_wage_a_trained_regular_worker_earns():
    model = small_model(
        [
            {
                "status": Status.EMPLOYED_REGULAR,
                "legal": Legal.REGULAR,
                "corridor": MMR_THA,
                "trained": True,
            }
        ],
        predeparture_training_coverage=1.0,
        living_cost_share_abroad=0.0,
        remittance_share=0.0,
        social_security_contribution_share=0.0,
    )
    model.policy.market_wage[THA] = 333.0
    offer = decisions.corridor_offer(model)
    abroad.earn_and_spend(model, np.arange(1))
    assert offer.wage[MMR_THA, Channel.REGULAR] == model.population.savings[0]


def test_expected_exploitation_risk_is_the_realised_hazard_over_a_year():
    model = small_model(
        [],
        predeparture_training_coverage=1.0,
        protection_coverage=0.5,
        protection_effectiveness=0.6,
    )
    model.recruitment.malpractice[MMR_THA] = [0.2, 0.4]
    offer = decisions.corridor_offer(model)
    lv = model.lv
    regular = lv.exploitation_base_regular * 1.2 * 0.5 * (1 - 0.6 * 0.5)
    irregular = lv.exploitation_base_irregular * 1.4 * (1 - 0.6 * 0.5)
    assert offer.exploitation_risk[MMR_THA].tolist() == pytest.approx(
        [1 - (1 - regular) ** 12, 1 - (1 - irregular) ** 12]
    )


# ---- who decides ------------------------------------------------------------------------------
def test_decision_rate_rises_with_a_push_shock():
    model = small_model(
        [],
        decision_rate_per_month=0.01,
        push_shock_decision_factor=3.0,
        vacancy_recruitment_pull=0.0,
    )
    model.policy.push_shock[MMR] = True
    rate = decisions.decision_rates(model, model.origin_share_abroad())
    assert rate[MMR] == pytest.approx(0.03)
    assert rate[0] == pytest.approx(0.01)


def test_only_people_at_home_aged_18_to_49_weigh_migrating():
    model = small_model(
        [
            {},  # 30, at home
            {"status": Status.RETURNED},
            {"age_months": 50 * 12},
            {"age_months": 17 * 12},
            {"status": Status.WAITING, "corridor": MMR_THA},
        ]
    )
    assert decisions.draw_deciders(model, np.ones(5)).tolist() == [0, 1]
    assert decisions.draw_deciders(model, np.zeros(5)).tolist() == []


def test_chosen_column_is_corridor_and_channel():
    model = small_model([{}, {}])
    rows, corridor, channel = decisions.movers_in_random_order(
        model, np.array([0, 1]), np.array([0, 1 + 2 * MMR_THA + 1])
    )
    assert (rows.tolist(), corridor.tolist(), channel.tolist()) == ([1], [MMR_THA], [1])


# ---- admissions -------------------------------------------------------------------------------
def test_places_up_to_capacity_the_rest_turned_away():
    model = small_model([{"savings": 1e6}] * 3)
    ppa = model.people_per_agent
    model.recruitment.capacity[MMR_THA, Channel.IRREGULAR] = 2 * ppa  # two agents' worth
    rows = np.arange(3)
    admitted, _, recruiter = admissions.take_places(
        model, rows, np.full(3, MMR_THA), Channel.IRREGULAR, np.zeros(len(model.c_dest))
    )
    assert admitted.tolist() == [0, 1]
    assert model.choices.outcome[:3].tolist() == [Outcome.MOVED, Outcome.MOVED, Outcome.TURNED_AWAY]
    assert (model.recruiters.corridor[recruiter] == MMR_THA).all()
    assert (model.recruiters.channel[recruiter] == Channel.IRREGULAR).all()
    assert model.population.corridor.tolist() == [MMR_THA, MMR_THA, -1]


def test_movers_pay_from_savings_and_borrow_the_rest():
    model = small_model([{"savings": 100.0}, {"savings": 500.0}])
    admissions.pay(model, np.arange(2), np.array([150.0, 150.0]))
    assert model.population.savings.tolist() == [0.0, 350.0]
    assert model.population.debt.tolist() == [50.0, 0.0]


def test_regular_applicant_signs_and_waits_within_quota():
    model = small_model([{"savings": 1e6}], regular_processing_months=0.0)
    ppa = model.people_per_agent
    model.recruitment.capacity[MMR_THA, Channel.REGULAR] = ppa
    model.policy.quota_remaining[THA] = 5 * ppa
    model.market.job_orders[THA] = 5 * ppa
    admissions.admit_regular(model, np.arange(1), np.array([MMR_THA]), model.offer)
    pop = model.population
    assert pop.status[0] == Status.WAITING
    assert pop.timer[0] == 1  # + Poisson(0): leaves in next month's events
    assert model.policy.quota_remaining[THA] == 4 * ppa
    assert model.market.job_orders[THA] == 4 * ppa


def test_no_quota_left_means_turned_away():
    model = small_model([{"savings": 1e6}])
    model.recruitment.capacity[MMR_THA, Channel.REGULAR] = model.people_per_agent
    model.policy.quota_remaining[THA] = 0.0
    model.market.job_orders[THA] = 1e9
    admissions.admit_regular(model, np.arange(1), np.array([MMR_THA]), model.offer)
    assert model.population.status[0] == Status.AT_HOME
    assert model.choices.outcome[0] == Outcome.TURNED_AWAY


def test_irregular_mover_crosses_and_may_be_trafficked():
    model = small_model(
        [{"savings": 1e6, "female": True}],
        trafficking_probability_per_crossing=1.0,
        female_vulnerability=1.0,
        anti_trafficking_enforcement=0.0,
    )
    model.recruitment.capacity[MMR_THA, Channel.IRREGULAR] = model.people_per_agent
    model.recruiters.malpractice[:] = 1.0
    admissions.admit_irregular(model, np.arange(1), np.array([MMR_THA]))
    pop = model.population
    assert pop.status[0] == Status.IN_TRANSIT
    assert pop.timer[0] == 1 + max(1, int(np.ceil(model.c_transit[MMR_THA])))
    assert pop.trafficked[0] and pop.exploited[0]
    assert pop.exploitation_count[0] == 1


# ---- utilities --------------------------------------------------------------------------------
def offer_for_one_corridor(model, **fields):
    n_c = len(model.c_dest)
    base = {
        "wage": np.tile([400.0, 300.0], (n_c, 1)),
        "skill_multiplier": np.full(n_c, 1.5),
        "employment": np.tile([0.9, 0.5], (n_c, 1)),
        "remit_factor": np.full(n_c, 0.95),
        "social_security": np.full(n_c, 0.02),
        "wait": np.tile([3.0, 1.0], (n_c, 1)),
        "arrest_risk": np.full(n_c, 0.2),
        "exploitation_risk": np.tile([0.1, 0.3], (n_c, 1)),
    }
    base.update(fields)
    return dataclasses.replace(model.offer, **base)


def test_expected_earnings_by_hand():
    model = small_model([])
    offer = offer_for_one_corridor(model)
    earnings = decisions.expected_earnings(offer, np.array([MMR_THA]))
    # regular keeps the remittance factor plus portable social security; irregular only the
    # remittance factor; the skilled earn the skill multiplier
    assert earnings == pytest.approx(
        np.array(
            [
                [400 * 0.9 * 0.97, 300 * 0.5 * 0.95],
                [400 * 1.5 * 0.9 * 0.97, 300 * 1.5 * 0.5 * 0.95],
            ]
        )
    )


def test_information_removes_risk_misperception_and_the_complexity_penalty():
    model = small_model(
        [],
        risk_misperception=0.25,
        beta_arrest_risk=2.0,
        beta_exploitation_risk=3.0,
        female_vulnerability=1.5,
        regular_complexity_penalty=1.0,
    )
    u = decisions.group_utilities(model.lv, offer_for_one_corridor(model), np.array([MMR_THA]))
    unskilled_woman, informed = 0 * 4 + 1 * 2, 1
    gap = u[unskilled_woman + informed] - u[unskilled_woman]
    # informed see the full risks (irregular: 2 x 0.2 + 3 x 0.3 x 1.5), not a quarter of them;
    # regular: exploitation 3 x 0.1 x 1.5, and no complexity penalty (1)
    irregular_risk = 2.0 * 0.2 + 3.0 * 0.3 * 1.5
    regular_risk = 3.0 * 0.1 * 1.5
    assert gap.tolist() == pytest.approx(
        [-(1 - 0.25) * regular_risk + 1.0, -(1 - 0.25) * irregular_risk]
    )
    skilled = u[4] - u[0]  # skilled earn 1.5 x and bear half the complexity penalty
    b_gap = model.lv.beta_log_earnings_gap
    assert skilled.tolist() == pytest.approx([b_gap * np.log(1.5) + 0.5, b_gap * np.log(1.5)])


def test_a_corridors_arrest_risk_weight_scales_only_its_irregular_risk_term():
    """``corridor_arrest_risk_weight`` 0.25 on Myanmar -> Thailand: its irregular
    alternative's utility rises by 0.75 x beta_arrest_risk x perceived risk, its regular one
    and every other corridor's are unchanged."""
    model = small_model([], beta_arrest_risk=2.0, risk_misperception=0.5)
    cs = np.arange(len(model.c_dest))
    offer = offer_for_one_corridor(model)
    before = decisions.group_utilities(model.lv, offer, cs)
    weight = np.ones(len(cs))
    weight[MMR_THA] = 0.25
    set_levers(model, corridor_arrest_risk_weight=weight)
    after = decisions.group_utilities(model.lv, offer, cs)
    gain = after - before
    # rows 4 skilled + 2 female + informed: the uninformed perceive half the risk, whoever
    # they are
    irregular = gain[:, 2 * MMR_THA + 1]
    perceived = np.array([0.5, 1.0] * 4)
    assert irregular == pytest.approx(0.75 * 2.0 * perceived * 0.2)
    gain[:, 2 * MMR_THA + 1] = 0.0
    assert not gain.any()


# ---- shocks (issue 14, mechanism 6) --------------------------------------------------------
KHM_THA, MMR_MYS = 0, 5  # corridor indices in the baseline world


def shocked(month: int = 0, **levers):
    """A small model whose shock schedule follows ``levers``, and its utility term in
    ``month``."""
    from simulation.shocks import ShockSchedule

    model = small_model([], **levers)
    model.shocks = ShockSchedule.build(model.lv, 12)
    return model, decisions.shock_utility(model, month)


def test_no_shock_adds_nothing_to_the_utilities():
    model, extra = shocked()
    assert extra is None and decisions.corridor_offer(model).shock_utility is None


def test_a_scare_lowers_the_utility_of_going_there_most_on_the_irregular_channel():
    _, extra = shocked(
        enforcement_scare_start=((0,), (), ()),
        enforcement_scare_size=0.3,
        beta_arrest_risk=2.0,
        scare_regular_response=0.25,
    )
    assert extra is not None
    assert extra[MMR_THA].tolist() == pytest.approx([-2.0 * 0.3 * 0.25, -2.0 * 0.3])
    assert extra[MMR_MYS].tolist() == [0.0, 0.0]  # another destination: untouched
    assert shocked(4, enforcement_scare_start=((0,), (), ()))[1] is None  # over after 3 months


def test_a_scare_weighs_by_the_corridors_arrest_risk_weight():
    """The scare's term on Myanmar -> Thailand x its ``corridor_arrest_risk_weight`` (3);
    Cambodia -> Thailand, at 1, as without the driver."""
    model, _ = shocked(
        enforcement_scare_start=((0,), (), ()),
        enforcement_scare_size=0.3,
        beta_arrest_risk=2.0,
        scare_regular_response=0.25,
    )
    weight = np.ones(len(model.c_dest))
    weight[MMR_THA] = 3.0
    set_levers(model, corridor_arrest_risk_weight=weight)
    extra = decisions.shock_utility(model, 0)
    assert extra is not None
    assert extra[MMR_THA].tolist() == pytest.approx([-6.0 * 0.3 * 0.25, -6.0 * 0.3])
    assert extra[KHM_THA].tolist() == pytest.approx([-2.0 * 0.3 * 0.25, -2.0 * 0.3])


def test_a_pandemic_lowers_both_channels_and_a_coup_raises_every_alternative_of_its_origin():
    _, extra = shocked(
        pandemic_start=((0,), (), ()),
        pandemic_size=0.2,
        coup_start=((), (), (0,), (), ()),
        coup_size=0.5,
        beta_shock_risk=3.0,
    )
    assert extra is not None
    assert extra[MMR_THA].tolist() == pytest.approx([3.0 * (0.5 - 0.2)] * 2)
    assert extra[MMR_MYS].tolist() == pytest.approx([3.0 * 0.5] * 2)
    assert extra[KHM_THA].tolist() == pytest.approx([-3.0 * 0.2] * 2)


def test_a_coup_at_home_raises_the_chance_of_leaving():
    model, extra = shocked(coup_start=((), (), (0,), (), ()), coup_size=0.5, beta_shock_risk=4.0)
    model.population.savings[:] = 0.0
    open_all = np.ones((len(model.c_dest), 2), bool)
    calm = offer_for_one_corridor(model, open=open_all, cost=np.zeros((len(model.c_dest), 2)))
    coup = dataclasses.replace(calm, shock_utility=extra)
    args = (np.ones(1, bool), np.full(1, 0.5), np.zeros((5, len(model.c_dest))))
    model.population = small_model([{}]).population
    p_calm, _ = decisions.choice_probabilities(model, np.arange(1), 0, calm, *args)
    p_coup, _ = decisions.choice_probabilities(model, np.arange(1), 0, coup, *args)
    assert 0 < p_coup[0, 0] < p_calm[0, 0] < 1  # staying less likely
    # the same shift as lowering the utility of staying by 4 x 0.5
    model.lv = dataclasses.replace(model.lv, stay_constant=model.lv.stay_constant - 2.0)
    p_lower_stay, _ = decisions.choice_probabilities(model, np.arange(1), 0, calm, *args)
    assert p_coup[0].tolist() == pytest.approx(p_lower_stay[0].tolist())
