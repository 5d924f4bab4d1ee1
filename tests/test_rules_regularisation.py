"""Unit specifications of regularisation as it runs (``simulation/abroad.py``, issue 14
mechanism 2): who comes forward in an open window (:func:`amnesty_takeup`), registration
(:func:`amnesty_registration`), verification within a capacity and a deadline
(:func:`amnesty_verification`, :func:`verification_queue`, :func:`verification_failures`),
legal status (:func:`legalise`), lapse back to irregular status (:func:`amnesty_lapse`) and
the return track (:func:`programme_returns`), on hand-built workers in Myanmar -> Thailand.
Registrants pending verification are still irregular until legalised. With the declarations
at their defaults, registration legalises at once at the constant take-up and nothing else is
read, written or drawn (results stay identical to the amnesty before the mechanism)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, CountingUniforms, FixedUniforms, small_model
from test_rules_churn import NoDraws, flow, rows

from agents.status import Legal, Status
from simulation import abroad, moves, regularisation

EMPLOYED_IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
    "savings": 500.0,
}
UNEMPLOYED_IRREGULAR = {**EMPLOYED_IRREGULAR, "status": Status.UNEMPLOYED_ABROAD}
OPEN = {"amnesty_fee_usd": 100.0, "amnesty_monthly_takeup": 1.0, "amnesty_eligible_share": 1.0}


def window(workers, **levers):
    """Thailand's window open this month, with the threat announced as in a month outside
    ``amnesty_high_threat_months`` (what :meth:`State.set_market` writes)."""
    model = small_model(workers, **{**OPEN, **levers})
    model.policy.amnesty_open[THA] = True
    model.policy.amnesty_threat[THA] = model.lv.amnesty_enforcement_threat[THA]
    return model


# ---- take-up ---------------------------------------------------------------------------------
def test_takeup_is_the_constant_rate_while_every_sensitivity_is_zero():
    model = window([EMPLOYED_IRREGULAR], amnesty_monthly_takeup=0.3, amnesty_enforcement_threat=1.0)
    assert regularisation.amnesty_takeup(model, rows(1), np.array([THA])) == 0.3


def test_takeup_follows_threat_information_time_and_fee():
    model = window(
        [EMPLOYED_IRREGULAR],
        amnesty_monthly_takeup=0.1,
        amnesty_fee_usd=150.0,
        amnesty_verification_fee_usd=150.0,
        amnesty_verification_months=2.0,
        amnesty_enforcement_threat=1.0,
        amnesty_information_coverage=0.5,
        amnesty_takeup_threat_sensitivity=1.0,
        amnesty_takeup_information_sensitivity=0.4,
        amnesty_takeup_time_sensitivity=0.1,
        amnesty_takeup_fee_sensitivity=0.5,
    )
    model.policy.market_wage[THA] = 300.0  # fees: one month of wage
    x = 1.0 * 1.0 + 0.4 * 0.5 - 0.1 * 2.0 - 0.5 * 1.0
    p = regularisation.amnesty_takeup(model, rows(1), np.array([THA]))
    assert p[0] == pytest.approx(0.1 * math.exp(x))


def test_a_window_open_amid_a_crackdown_pulls_with_the_threat_of_one():
    """The month's announced threat (``amnesty_threat``, 1 in a high-threat month) sets the
    take-up, not the destination's ``amnesty_enforcement_threat``."""
    levers = {
        "amnesty_monthly_takeup": 0.1,
        "amnesty_enforcement_threat": 0.5,
        "amnesty_takeup_threat_sensitivity": 2.0,
    }
    ordinary = window([EMPLOYED_IRREGULAR], **levers)
    high = window([EMPLOYED_IRREGULAR], **levers)
    high.policy.amnesty_threat[THA] = 1.0
    one = rows(1)
    assert regularisation.amnesty_takeup(ordinary, one, np.array([THA]))[0] == pytest.approx(
        0.1 * math.exp(2.0 * 0.5)
    )
    assert regularisation.amnesty_takeup(high, one, np.array([THA]))[0] == pytest.approx(
        0.1 * math.exp(2.0 * 1.0)
    )
    # a return-only programme reads the destination's threat, not the window's month
    assert regularisation.return_programme_takeup(high, np.array([THA])) == pytest.approx(
        regularisation.return_programme_takeup(ordinary, np.array([THA]))
    )


def test_the_threat_sensitivity_is_the_destinations_own():
    """Thailand's sensitivity 2, Malaysia's 0, the same announced threat (1) in both: the
    chance of coming forward rises in Thailand only."""
    mys = 1  # destination index of Malaysia in the baseline world
    model = window(
        [EMPLOYED_IRREGULAR, EMPLOYED_IRREGULAR],
        amnesty_monthly_takeup=0.1,
        amnesty_takeup_threat_sensitivity=np.array([2.0, 0.0, 0.0]),
    )
    assert model.world.destinations[mys] == "MYS"
    model.policy.amnesty_threat[:] = 1.0
    p = regularisation.amnesty_takeup(model, rows(2), np.array([THA, mys]))
    assert p.tolist() == pytest.approx([0.1 * math.exp(2.0), 0.1])
    # a return-only programme reads the destination's own sensitivity too
    model = return_programme_model(
        [EMPLOYED_IRREGULAR],
        return_programme_monthly_takeup=0.05,
        amnesty_enforcement_threat=1.0,
        amnesty_takeup_threat_sensitivity=np.array([2.0, 0.0, 0.0]),
    )
    p = regularisation.return_programme_takeup(model, np.array([THA, mys]))
    assert p.tolist() == pytest.approx([0.05 * math.exp(2.0), 0.05])


def test_employers_need_raises_takeup_of_the_employed_only_and_takeup_is_at_most_one():
    model = window(
        [EMPLOYED_IRREGULAR, UNEMPLOYED_IRREGULAR],
        amnesty_monthly_takeup=0.2,
        amnesty_takeup_need_sensitivity=2.0,
    )
    model.market.vacancy_rate[:] = 0.5
    model.market.job_finding[:] = 1.0  # tightness 0.5
    p = regularisation.amnesty_takeup(model, rows(2), np.array([THA, THA]))
    assert p.tolist() == pytest.approx([0.2 * math.e, 0.2])
    high = window(
        [EMPLOYED_IRREGULAR],
        amnesty_takeup_threat_sensitivity=5.0,
        amnesty_enforcement_threat=1.0,
    )
    assert regularisation.amnesty_takeup(high, rows(1), np.array([THA]))[0] == 1.0


# ---- registration ----------------------------------------------------------------------------
def test_without_verification_registration_legalises_at_once():
    model = window([EMPLOYED_IRREGULAR, {**UNEMPLOYED_IRREGULAR, "savings": 50.0}])
    regularisation.amnesty_registration(model, rows(2))
    pop = model.population
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.IRREGULAR]  # row 1 cannot pay
    assert pop.status[0] == Status.EMPLOYED_REGULAR
    assert pop.amnesty_wait.tolist() == [0, 0]
    ppa = model.people_per_agent
    assert flow(model, "amnesty_registrants") == ppa
    assert flow(model, "registrations") == ppa
    assert flow(model, "amnesty_returns") == 0.0


def test_with_verification_a_registrant_pays_and_is_pending_still_irregular():
    model = window([EMPLOYED_IRREGULAR], amnesty_verification_months=2.0)
    regularisation.amnesty_registration(model, rows(1))
    pop = model.population
    assert pop.legal[0] == Legal.IRREGULAR and pop.status[0] == Status.EMPLOYED_IRREGULAR
    assert pop.amnesty_wait[0] == 1
    assert pop.savings[0] == pytest.approx(400.0)
    assert flow(model, "amnesty_registrants") == model.people_per_agent
    assert flow(model, "registrations") == 0.0


def test_pending_registrants_are_not_arrested_and_do_not_go_home():
    model = window(
        [EMPLOYED_IRREGULAR, EMPLOYED_IRREGULAR],
        amnesty_verification_months=2.0,
        return_hazard_per_month=1.0,
    )
    model.population.amnesty_wait[0] = 1
    model.policy.arrest_probability[THA] = 1.0
    could = abroad.arrests(model, rows(2))
    assert could.tolist() == [1]
    assert model.population.status.tolist() == [Status.EMPLOYED_IRREGULAR, Status.DETAINED]
    abroad.voluntary_returns(model, rows(1))
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR


def test_return_track_sends_home_those_who_come_forward_but_cannot_be_legalised():
    workers = [EMPLOYED_IRREGULAR, {**EMPLOYED_IRREGULAR, "savings": 0.0}]
    levers = {"amnesty_eligible_share": 0.5, "reintegration_programme_coverage": 0.0}
    for track, status in ((False, Status.EMPLOYED_IRREGULAR), (True, Status.RETURNED)):
        model = window(workers, amnesty_return_track=track, **levers)
        model.rng = FixedUniforms(0.7)  # 0.7 < take-up 1 (comes forward), >= 1 x 0.5 (not eligible)
        regularisation.amnesty_registration(model, rows(2))
        assert model.population.status.tolist() == [status, status]
        assert flow(model, "amnesty_returns") == (2 * model.people_per_agent if track else 0)
        assert flow(model, "returns") == flow(model, "amnesty_returns")
    model = window(workers, amnesty_return_track=True, **levers)
    model.rng = FixedUniforms(0.3)  # eligible: row 0 registers, row 1 cannot pay and goes home
    regularisation.amnesty_registration(model, rows(2))
    assert model.population.status.tolist() == [Status.EMPLOYED_REGULAR, Status.RETURNED]


def test_only_eligible_origins_register_and_the_others_may_take_the_return_track():
    eligible = np.ones(len(small_model([]).lv.amnesty_origin_eligible), bool)
    eligible[MMR_THA] = False
    cambodian = {**EMPLOYED_IRREGULAR, "origin": 0, "corridor": 0}  # KHM -> THA
    model = window([EMPLOYED_IRREGULAR, cambodian], amnesty_origin_eligible=eligible)
    assert model.world.corridors[0].code == "KHM-THA"
    regularisation.amnesty_registration(model, rows(2))
    assert model.population.legal.tolist() == [Legal.IRREGULAR, Legal.REGULAR]
    model = window(
        [EMPLOYED_IRREGULAR],
        amnesty_origin_eligible=eligible,
        amnesty_return_track=True,
        reintegration_programme_coverage=0.0,
    )
    regularisation.amnesty_registration(model, rows(1))
    assert model.population.status[0] == Status.RETURNED
    assert flow(model, "amnesty_returns") == model.people_per_agent


# ---- eligibility fixed for a window ----------------------------------------------------------
AT_HOME = {"status": Status.AT_HOME, "legal": Legal.NONE, "corridor": -1}


def window_per_person(workers, month: int, opened: int, **levers):
    """Thailand's window open in ``month`` since ``opened``, its eligibility fixed for the
    window (``amnesty_eligibility_per_window``)."""
    model = window(workers, **{"amnesty_eligibility_per_window": True, **levers})
    model.month = month
    model.policy.amnesty_opened[THA] = opened
    return model


MMR_MYS = 5  # corridor index of Myanmar -> Malaysia in the baseline world
MYS = 1


def test_a_windows_conditions_are_drawn_once_at_its_opening_for_those_in_the_country():
    """Drawn for everyone in Thailand at the opening, regular, irregular or detained; not
    for those at home nor for those in Malaysia, whose window opens the same month with
    the lever off there."""
    workers = [
        EMPLOYED_IRREGULAR,
        {**EMPLOYED_IRREGULAR, "legal": Legal.REGULAR, "status": Status.EMPLOYED_REGULAR},
        {**EMPLOYED_IRREGULAR, "status": Status.DETAINED},
        AT_HOME,
        {**EMPLOYED_IRREGULAR, "corridor": MMR_MYS},
    ]
    per_window = np.zeros(len(small_model([]).world.destinations), bool)
    per_window[THA] = True
    for u, expected in ((0.3, [5, 5, 5]), (0.7, [-1, -1, -1])):
        model = window_per_person(
            workers, 5, 5, amnesty_eligible_share=0.5, amnesty_eligibility_per_window=per_window
        )
        model.policy.amnesty_open[MYS] = True
        model.policy.amnesty_opened[MYS] = 5
        model.rng = CountingUniforms(u)
        regularisation.window_conditions(model)
        assert model.rng.sizes == [3]  # the three in Thailand
        assert model.population.amnesty_window_eligible.tolist() == [*expected, -1, -1]
    model.month = 6  # the window's second month: nothing drawn, nothing changed
    model.population.amnesty_window_eligible[:3] = 5
    model.rng = NoDraws()
    regularisation.window_conditions(model)
    assert model.population.amnesty_window_eligible.tolist() == [5, 5, 5, -1, -1]


def test_one_who_leaves_and_comes_back_during_a_window_is_a_new_arrival_to_it():
    """Found eligible at the opening (month 5), sent home, back irregular in month 7: not
    eligible, take-up 1 notwithstanding."""
    model = window_per_person([EMPLOYED_IRREGULAR], 7, 5, amnesty_eligible_share=0.5)
    model.population.amnesty_window_eligible = np.array([5], np.int16)
    moves.go_home(model, rows(1))
    assert model.population.amnesty_window_eligible.tolist() == [-1]
    pop = model.population
    pop.status[0], pop.legal[0], pop.corridor[0] = (
        Status.EMPLOYED_IRREGULAR,
        Legal.IRREGULAR,
        MMR_THA,
    )
    model.rng = FixedUniforms(0.1)
    regularisation.amnesty_registration(model, rows(1))
    assert pop.legal[0] == Legal.IRREGULAR


def test_nobody_meets_the_conditions_of_a_closed_window():
    """A closed window (its opening month -1, like the never drawn): nobody registers, and
    with a return track nobody goes home through it."""
    model = window_per_person(
        [EMPLOYED_IRREGULAR], 7, -1, amnesty_return_track=True, amnesty_eligible_share=1.0
    )
    model.policy.amnesty_open[THA] = False
    model.rng = FixedUniforms(0.1)
    regularisation.amnesty_registration(model, rows(1))
    assert model.population.legal[0] == Legal.IRREGULAR
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR


def test_with_eligibility_fixed_for_a_window_only_those_who_met_its_conditions_register():
    """Take-up 1, share 0.5, in the window's third month: the worker found eligible at this
    window's opening registers; one found eligible for an earlier window, one found not
    eligible, and one who arrived after the opening (never drawn) do not, whatever their
    uniform; with a return track they go home through it."""
    for track in (False, True):
        model = window_per_person(
            [EMPLOYED_IRREGULAR] * 4,
            7,
            5,
            amnesty_eligible_share=0.5,
            amnesty_return_track=track,
            reintegration_programme_coverage=0.0,
        )
        model.population.amnesty_window_eligible = np.array([5, 2, -1, -1], np.int16)
        model.rng = FixedUniforms(0.9)  # comes forward (take-up 1), above the share
        regularisation.amnesty_registration(model, rows(4))
        assert model.population.legal[0] == Legal.REGULAR
        left = Status.RETURNED if track else Status.EMPLOYED_IRREGULAR
        assert model.population.status.tolist()[1:] == [left] * 3


def test_a_long_window_registers_at_most_the_eligible_share_when_it_is_fixed_for_the_window():
    """4,000 irregular workers, a six-month window, take-up 0.5 a month, eligible share 0.4,
    real draws: fixed for the window, 0.4 x (1 - 0.5^6) = 0.394 register; read as a scale on
    each month's chance (the lever off), 1 - (1 - 0.2)^6 = 0.738."""
    n = 4000
    for per_window, expected in ((True, 0.4 * (1 - 0.5**6)), (False, 1 - 0.8**6)):
        model = window(
            [EMPLOYED_IRREGULAR] * n,
            amnesty_monthly_takeup=0.5,
            amnesty_eligible_share=0.4,
            amnesty_eligibility_per_window=per_window,
        )
        model.rng = np.random.default_rng(7)
        model.policy.amnesty_opened[THA] = 3
        for month in range(3, 9):
            model.month = month
            irregular = np.flatnonzero(model.population.legal == Legal.IRREGULAR)
            regularisation.amnesty_registration(model, irregular)
        share = float((model.population.legal == Legal.REGULAR).mean())
        assert share == pytest.approx(expected, abs=0.03), per_window  # sd about 0.008


# ---- return-only programmes -----------------------------------------------------------------
RETURN_OPEN = {"return_programme_fee_usd": 100.0, "return_programme_monthly_takeup": 1.0}


def return_programme_model(workers, **levers):
    no_reintegration = {"reintegration_programme_coverage": 0.0}
    model = small_model(workers, **{**RETURN_OPEN, **no_reintegration, **levers})
    model.policy.return_programme_open[THA] = True
    return model


def test_return_programme_sends_home_those_who_come_forward_and_pay_and_legalises_nobody():
    workers = [
        EMPLOYED_IRREGULAR,
        UNEMPLOYED_IRREGULAR,
        {**EMPLOYED_IRREGULAR, "savings": 50.0},  # cannot pay the fee
        {**EMPLOYED_IRREGULAR, "status": Status.DETAINED},
        {**EMPLOYED_IRREGULAR, "legal": Legal.REGULAR, "status": Status.EMPLOYED_REGULAR},
        EMPLOYED_IRREGULAR,  # pending verification (below)
    ]
    model = return_programme_model(workers)
    model.population.amnesty_wait[5] = 1
    regularisation.return_programme(model, rows(6))
    pop = model.population
    assert pop.status.tolist() == [
        Status.RETURNED,
        Status.RETURNED,
        Status.EMPLOYED_IRREGULAR,
        Status.DETAINED,
        Status.EMPLOYED_REGULAR,
        Status.EMPLOYED_IRREGULAR,
    ]
    assert pop.savings[:3].tolist() == pytest.approx([400.0, 400.0, 50.0])  # the fee is paid
    ppa = model.people_per_agent
    assert flow(model, "amnesty_returns") == 2 * ppa
    assert flow(model, "returns") == 2 * ppa
    assert flow(model, "registrations") == flow(model, "amnesty_registrants") == 0.0


def test_return_programme_takeup_is_a_draw_against_its_own_rate():
    for u, status in ((0.29, Status.RETURNED), (0.3, Status.EMPLOYED_IRREGULAR)):
        model = return_programme_model(
            [EMPLOYED_IRREGULAR], return_programme_monthly_takeup=0.3, amnesty_monthly_takeup=0.9
        )
        model.rng = FixedUniforms(u)
        regularisation.return_programme(model, rows(1))
        assert model.population.status[0] == status


def test_return_programme_takeup_follows_threat_information_and_its_fee_not_the_windows():
    levers = {
        "return_programme_monthly_takeup": 0.05,
        "return_programme_fee_usd": 150.0,
        "amnesty_fee_usd": 1000.0,
        "amnesty_verification_months": 6.0,
        "amnesty_enforcement_threat": 1.0,
        "amnesty_information_coverage": 0.5,
    }
    model = return_programme_model([EMPLOYED_IRREGULAR], **levers)
    assert regularisation.return_programme_takeup(model, np.array([THA])) == 0.05
    model = return_programme_model(
        [EMPLOYED_IRREGULAR],
        **levers,
        amnesty_takeup_threat_sensitivity=1.0,
        amnesty_takeup_information_sensitivity=0.4,
        amnesty_takeup_time_sensitivity=0.1,
        amnesty_takeup_fee_sensitivity=0.5,
        amnesty_takeup_need_sensitivity=2.0,
    )
    model.policy.market_wage[THA] = 300.0  # the programme's fee: half a month of wage
    p = regularisation.return_programme_takeup(model, np.array([THA]))
    assert p[0] == pytest.approx(0.05 * math.exp(1.0 + 0.4 * 0.5 - 0.5 * 0.5))
    loud = return_programme_model(
        [EMPLOYED_IRREGULAR], **levers, amnesty_takeup_threat_sensitivity=5.0
    )
    assert regularisation.return_programme_takeup(loud, np.array([THA]))[0] == 1.0


def test_closed_return_programme_draws_and_changes_nothing_and_the_baseline_has_none():
    model = return_programme_model([EMPLOYED_IRREGULAR])
    model.policy.return_programme_open[THA] = False
    model.rng = NoDraws()
    regularisation.return_programme(model, rows(1))
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR
    assert not small_model([]).schedules.return_programme_open.any()  # the baseline has none


def test_return_programme_and_window_open_together_register_the_eligible_first():
    model = return_programme_model(
        [EMPLOYED_IRREGULAR, {**EMPLOYED_IRREGULAR, "savings": 150.0}],
        **{**OPEN, "amnesty_fee_usd": 200.0},
    )
    model.policy.amnesty_open[THA] = True
    irregular = rows(2)
    regularisation.amnesty_registration(model, irregular)
    regularisation.return_programme(model, irregular)
    pop = model.population
    # row 0 registers and is legal; row 1 cannot pay the window's 200 but pays the programme's 100
    assert pop.legal[0] == Legal.REGULAR and pop.status[0] == Status.EMPLOYED_REGULAR
    assert pop.status[1] == Status.RETURNED
    assert flow(model, "amnesty_returns") == model.people_per_agent


# ---- verification ----------------------------------------------------------------------------
def test_verification_legalises_when_processing_is_over():
    model = window([EMPLOYED_IRREGULAR, UNEMPLOYED_IRREGULAR], amnesty_verification_months=2.0)
    model.population.amnesty_wait[:] = [1, 2]
    regularisation.amnesty_verification(model, rows(2))
    pop = model.population
    assert pop.amnesty_wait.tolist() == [2, 0]
    assert pop.legal.tolist() == [Legal.IRREGULAR, Legal.REGULAR]
    assert pop.status[1] == Status.UNEMPLOYED_ABROAD
    assert pop.timer[1] == model.lv.regular_grace_months
    assert flow(model, "registrations") == model.people_per_agent
    regularisation.amnesty_verification(model, rows(2))
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.REGULAR]


def test_capacity_serves_the_longest_waiting_and_the_rest_lapse_at_the_deadline():
    model = window(
        [EMPLOYED_IRREGULAR] * 3,
        amnesty_verification_months=1.0,
        amnesty_verification_capacity_per_month=1_500_000.0,  # one agent a month
        amnesty_verification_deadline_months=3,
    )
    pop = model.population
    pop.amnesty_wait[:] = [2, 3, 1]
    regularisation.amnesty_verification(model, rows(3))
    assert pop.legal.tolist() == [Legal.IRREGULAR, Legal.REGULAR, Legal.IRREGULAR]
    assert pop.amnesty_wait.tolist() == [3, 0, 2]
    regularisation.amnesty_verification(model, rows(3))
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.REGULAR, Legal.IRREGULAR]
    assert pop.amnesty_wait.tolist() == [0, 0, 3]
    regularisation.amnesty_verification(
        model, rows(3)
    )  # served at its deadline: verified, not lapsed
    assert pop.legal[2] == Legal.REGULAR
    assert flow(model, "amnesty_lapses") == 0.0


def test_queue_past_the_deadline_lapses():
    model = window(
        [EMPLOYED_IRREGULAR] * 2,
        amnesty_verification_months=1.0,
        amnesty_verification_capacity_per_month=1_000_000.0,
        amnesty_verification_deadline_months=2,
    )
    model.population.amnesty_wait[:] = [2, 2]
    regularisation.amnesty_verification(model, rows(2))
    assert model.population.legal.tolist() == [Legal.REGULAR, Legal.IRREGULAR]
    assert model.population.amnesty_wait.tolist() == [0, 0]
    assert flow(model, "amnesty_lapses") == model.people_per_agent


def test_verification_fee_unpaid_or_failure_lapses_back_to_irregular():
    model = window(
        [EMPLOYED_IRREGULAR, {**EMPLOYED_IRREGULAR, "savings": 10.0}],
        amnesty_verification_months=1.0,
        amnesty_verification_fee_usd=200.0,
    )
    model.population.amnesty_wait[:] = 1
    regularisation.amnesty_verification(model, rows(2))
    pop = model.population
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.IRREGULAR]
    assert pop.savings.tolist() == pytest.approx([300.0, 10.0])
    assert pop.amnesty_wait.tolist() == [0, 0]
    assert flow(model, "amnesty_lapses") == model.people_per_agent
    model = window(
        [EMPLOYED_IRREGULAR],
        amnesty_verification_months=1.0,
        amnesty_verification_failure_share=0.5,
    )
    model.population.amnesty_wait[:] = 1
    model.rng = FixedUniforms(0.4)  # 0.4 < 0.5: fails
    regularisation.amnesty_verification(model, rows(1))
    assert model.population.legal[0] == Legal.IRREGULAR
    assert flow(model, "amnesty_lapses") == model.people_per_agent


def test_a_coup_fails_its_own_nationals_verification_while_its_risk_lasts():
    """A Burmese and a Cambodian registrant in Thailand and a Burmese one in Malaysia are due
    for verification; Myanmar's coup fails every verification of its nationals
    (``coup_verification_failure_share`` 1) in a month its risk lasts, in both destinations,
    and none in a month it does not, when nothing is drawn; the Cambodian is legalised
    either way. With the share at 0 everywhere nothing is drawn either."""
    khm_tha, mmr_mys, mmr, mys = 0, 5, 2, 1  # corridors, origin Myanmar, destination Malaysia
    registrants = [
        EMPLOYED_IRREGULAR,
        {**EMPLOYED_IRREGULAR, "corridor": khm_tha},
        {**EMPLOYED_IRREGULAR, "corridor": mmr_mys},
    ]
    for coup_now, burmese, draws in ((True, Legal.IRREGULAR, [3]), (False, Legal.REGULAR, [])):
        model = window(
            registrants,
            amnesty_verification_months=1.0,
            coup_verification_failure_share=[0.0, 0.0, 1.0, 0.0, 0.0],
        )
        model.policy.amnesty_open[mys] = True
        on = np.zeros_like(model.shocks.coup_on)
        on[mmr, model.month] = coup_now
        model.shocks = dataclasses.replace(model.shocks, coup_on=on)
        model.population.amnesty_wait[:] = 1
        model.rng = CountingUniforms(0.99)  # below a share of 1, above a share of 0
        regularisation.amnesty_verification(model, rows(3))
        assert model.population.legal.tolist() == [burmese, Legal.REGULAR, burmese]
        assert model.rng.sizes == draws
        lapses = 2 * model.people_per_agent if coup_now else 0.0
        assert flow(model, "amnesty_lapses") == lapses
    model = window(registrants, amnesty_verification_months=1.0)
    model.policy.amnesty_open[mys] = True
    model.shocks = dataclasses.replace(model.shocks, coup_on=np.ones_like(model.shocks.coup_on))
    model.population.amnesty_wait[:] = 1
    model.rng = NoDraws()
    regularisation.amnesty_verification(model, rows(3))
    assert model.population.legal.tolist() == [Legal.REGULAR] * 3


def test_a_coup_and_the_destinations_own_failures_combine():
    """The destination's failure share and the coup's combine as independent causes: 1 - (1 -
    0.5) x (1 - 0.5) = 0.75, so a uniform of 0.7 fails and one of 0.8 does not."""
    for u, legal in ((0.7, Legal.IRREGULAR), (0.8, Legal.REGULAR)):
        model = window(
            [EMPLOYED_IRREGULAR],
            amnesty_verification_months=1.0,
            amnesty_verification_failure_share=0.5,
            coup_verification_failure_share=0.5,
        )
        model.shocks = dataclasses.replace(model.shocks, coup_on=np.ones_like(model.shocks.coup_on))
        model.population.amnesty_wait[:] = 1
        model.rng = FixedUniforms(u)
        regularisation.amnesty_verification(model, rows(1))
        assert model.population.legal[0] == legal


def test_going_home_gives_a_pending_registration_up():
    model = window([EMPLOYED_IRREGULAR], amnesty_verification_months=2.0)
    model.population.amnesty_wait[0] = 1
    moves.go_home(model, rows(1))
    assert model.population.amnesty_wait[0] == 0
    assert flow(model, "amnesty_lapses") == model.people_per_agent  # gave the registration up


# ---- off: nothing read, written or drawn -------------------------------------------------------
def test_defaults_verify_nobody_and_draw_nothing():
    model = window([EMPLOYED_IRREGULAR])
    assert not model.lv.amnesty_verification_months.any()
    assert not model.lv.amnesty_return_track.any()
    model.rng = NoDraws()
    regularisation.amnesty_verification(model, rows(1))  # nobody pending: returns before any draw
    q = regularisation.verification_queue(model, np.array([THA]), np.array([1]), np.array([True]))
    assert q.tolist() == [True]
    assert model.population.amnesty_wait[0] == 0
    model.rng = CountingUniforms(0.5)  # eligibility as a scale: one uniform each, no column
    regularisation.amnesty_registration(model, rows(1))
    assert model.rng.sizes == [1]
    assert len(model.population.amnesty_window_eligible) == 0
