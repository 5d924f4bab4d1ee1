"""Unit specifications of Japan's programmes (issue 14, mechanism 5; ``simulation/japan.py``)
on hand-built workers in the world of ``baseline_japan``: SSW places from the SSW start
(:func:`japan.open_ssw_places`), technical intern or SSW at signing and the SSW fee
(:func:`japan.assign_programmes`, :func:`japan.settle_ssw_fees`), fixed terms at departure
(:func:`japan.start_stays`), absconding (:func:`japan.abscond_hazard`,
:func:`japan.absconding`), terms that end unrenewed (:func:`japan.programme_ends`) and the
programme cleared on leaving it (:func:`japan.clear_programmes`), and the month-end stocks on
each programme (``stock_titp``, ``stock_ssw``, counted by ``Metrics.close_month``). Without
Japan in the run nothing of it exists."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import (
    DEFAULT_WORKER,
    MMR_THA,
    FixedUniforms,
    population_of,
    set_levers,
    small_model,
)

from agents.status import Channel, Legal, Status
from scenarios.calendar import month_index
from scenarios.scenario import load_scenario
from simulation import japan
from simulation.metrics import FLOW_MEASURES
from simulation.model import MigrationModel


def japan_model(workers: list[dict], **levers) -> MigrationModel:
    """The ``baseline_japan`` model with ``workers`` as its population, ``levers`` replaced."""
    scenario = load_scenario("baseline_japan").with_values(
        people_per_agent=1_000_000.0, end="2010-12"
    )
    model = MigrationModel(scenario)
    model.population = population_of(workers)
    model.japan = japan.JapanPrograms.build(model)
    set_levers(model, **levers)
    return model


def corridor(model: MigrationModel, code: str) -> int:
    return model.world.corridor_codes().index(code)


def flow(model: MigrationModel, measure: str, channel: int) -> float:
    """People (or USD) counted in a flow so far this month, all corridors, one channel."""
    return float(model.metrics.flows[channel::2, FLOW_MEASURES.index(measure)].sum())


class NoDraws:
    """A stand-in generator that fails the test if a rule draws."""

    def random(self, size):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"drew {size} uniforms")


def vnm_jpn(**columns) -> dict:
    """A worker from Viet Nam on the regular channel to Japan (corridor filled in later)."""
    return {"origin": 3, "legal": Legal.REGULAR, "channel": 0, **columns}


def placed(model: MigrationModel, workers_corridor: str = "VNM-JPN") -> None:
    """Put every hand-built worker on ``workers_corridor``."""
    model.population.corridor[:] = corridor(model, workers_corridor)


# ---- off without Japan -------------------------------------------------------------------
def test_without_japan_there_is_no_programme_state():
    model = small_model([DEFAULT_WORKER])
    assert not model.japan.on and model.japan.jpn == -1 and len(model.japan.programme) == 0


# ---- 1: SSW places -----------------------------------------------------------------------
def test_no_ssw_places_before_the_start_then_a_prorated_year_then_full_years():
    model = japan_model([DEFAULT_WORKER], ssw_annual_intake=1200.0)
    jp, pol = model.japan, model.policy
    start = month_index("2019-04")
    assert japan.ssw_start_month(model.lv) == start
    pol.quota_remaining[jp.jpn] = 500.0
    japan.open_ssw_places(model, start - 1)
    assert jp.ssw_left == 0.0 and pol.quota_remaining[jp.jpn] == 500.0
    assert jp.places_before == 500.0
    japan.open_ssw_places(model, start)  # April: 9 months of the year left
    assert jp.ssw_left == pytest.approx(900.0)
    assert pol.quota_remaining[jp.jpn] == pytest.approx(1400.0)
    assert jp.places_before == pytest.approx(1400.0)
    japan.open_ssw_places(model, start + 1)  # May: nothing new
    assert jp.ssw_left == pytest.approx(900.0)
    pol.quota_remaining[jp.jpn] = 80.0  # the state's January reset to the TITP quota
    japan.open_ssw_places(model, month_index("2020-01"))
    assert jp.ssw_left == pytest.approx(1200.0)
    assert pol.quota_remaining[jp.jpn] == pytest.approx(1280.0)


def test_no_ssw_ever_without_a_start():
    model = japan_model([DEFAULT_WORKER], ssw_start=())
    model.policy.quota_remaining[model.japan.jpn] = 500.0
    for month in (0, month_index("2019-04"), month_index("2020-01")):
        japan.open_ssw_places(model, month)
    assert model.japan.ssw_left == 0.0 and model.policy.quota_remaining[model.japan.jpn] == 500.0


# ---- 2: programmes at signing ------------------------------------------------------------
def test_without_ssw_places_new_recruits_for_japan_are_trainees_and_nothing_is_drawn():
    waiting = vnm_jpn(status=Status.WAITING, recruiter=0, debt=7000.0)
    model = japan_model([waiting, waiting, {**waiting, "origin": 2}])
    placed(model)
    model.population.corridor[2] = corridor(model, "MMR-THA")  # not a corridor to Japan
    model.rng = NoDraws()
    japan.assign_programmes(model)
    assert model.japan.programme.tolist() == [japan.TITP, japan.TITP, japan.NO_PROGRAMME]
    assert model.population.debt.tolist() == [7000.0, 7000.0, 7000.0]


def test_recruits_join_ssw_with_its_share_of_places_and_pay_its_share_of_the_fee():
    waiting = vnm_jpn(status=Status.WAITING, recruiter=0, debt=1000.0, savings=0.0)
    model = japan_model([waiting, waiting], ssw_cost_share=0.25)
    placed(model)
    jp = model.japan
    jp.programme[1] = japan.TITP  # signed earlier: keeps its programme
    jp.ssw_left, jp.places_before = 2_000_000.0, 4_000_000.0  # half the places are SSW
    fee = 2000.0
    model.recruitment.charged[0] = fee
    model.rng = FixedUniforms(0.4)  # below one half: SSW
    japan.assign_programmes(model)
    assert jp.programme.tolist() == [japan.SSW, japan.TITP]
    assert jp.ssw_left == pytest.approx(1_000_000.0)  # one agent of a million people taken
    back = 0.75 * fee  # 1500: repays the 1000 of debt, the rest back to savings
    pop = model.population
    assert pop.debt[0] == 0.0 and pop.savings[0] == pytest.approx(back - 1000.0)
    assert pop.debt[1] == 1000.0  # the earlier recruit is not touched
    assert flow(model, "recruitment_fees_paid_usd", Channel.REGULAR) == pytest.approx(-back * 1e6)

    model.rng = FixedUniforms(0.6)  # above one half: a trainee
    jp.programme[0] = japan.NO_PROGRAMME
    jp.ssw_left = 2_000_000.0
    japan.assign_programmes(model)
    assert jp.programme[0] == japan.TITP and jp.ssw_left == 2_000_000.0


# ---- 3: fixed terms ----------------------------------------------------------------------
def test_departing_recruits_get_their_programme_term_and_are_counted_by_programme():
    employed = vnm_jpn(status=Status.EMPLOYED_REGULAR, contract_left=24)
    model = japan_model([employed] * 3, titp_max_stay_months=60, ssw_max_stay_months=48)
    placed(model)
    model.japan.programme[:] = [japan.TITP, japan.SSW, japan.NO_PROGRAMME]
    japan.start_stays(model, np.arange(3))
    assert model.population.contract_left.tolist() == [60, 48, 24]
    assert flow(model, "arrivals_titp", Channel.REGULAR) == 1e6
    assert flow(model, "arrivals_ssw", Channel.REGULAR) == 1e6


# ---- 4: absconding -----------------------------------------------------------------------
def test_abscond_hazard_rises_with_debt_and_poor_conditions_and_falls_with_protection():
    model = japan_model([DEFAULT_WORKER])
    set_levers(
        model,
        titp_abscond_base_per_month=0.01,
        abscond_debt_sensitivity=0.5,
        abscond_exploited_factor=3.0,
        protection_effectiveness=0.8,
    )
    lv = model.lv
    debt = np.array([0.0, 2000.0, 2000.0, 2000.0])
    wage = np.full(4, 1000.0)
    exploited = np.array([False, False, True, True])
    coverage = np.array([0.0, 0.0, 0.0, 0.5])
    p = japan.abscond_hazard(lv, debt, wage, exploited, coverage)
    assert p == pytest.approx([0.01, 0.02, 0.06, 0.06 * 0.6])
    assert (
        japan.abscond_hazard(lv, np.array([1e9]), np.array([1.0]), np.array([True]), np.zeros(1))[0]
        == 1.0
    )


def test_trainees_who_abscond_become_irregular_counted_by_their_own_cause():
    trainee = vnm_jpn(status=Status.EMPLOYED_REGULAR, contract_left=20, debt=7000.0)
    model = japan_model([trainee] * 3, titp_abscond_base_per_month=0.05)
    placed(model)
    model.japan.programme[:] = [japan.TITP, japan.SSW, japan.NO_PROGRAMME]
    model.policy.market_wage[model.japan.jpn] = 1000.0
    model.rng = FixedUniforms(0.0)  # every trainee at risk absconds
    still = japan.absconding(model, np.arange(3))
    pop = model.population
    assert still.tolist() == [1, 2]  # SSW and other statuses are not at risk
    assert pop.legal.tolist() == [Legal.IRREGULAR, Legal.REGULAR, Legal.REGULAR]
    assert pop.status[0] == Status.EMPLOYED_IRREGULAR and pop.contract_left[0] == 0
    assert model.japan.programme[0] == japan.NO_PROGRAMME
    assert flow(model, "absconding", Channel.IRREGULAR) == 1e6
    assert flow(model, "overstays", Channel.IRREGULAR) == 1e6  # a move into irregularity


def test_no_trainee_no_draw():
    model = japan_model([vnm_jpn(status=Status.EMPLOYED_REGULAR, contract_left=20)])
    placed(model)
    model.rng = NoDraws()
    assert japan.absconding(model, np.arange(1)).tolist() == [0]


# ---- 5: terms end unrenewed --------------------------------------------------------------
@pytest.mark.parametrize(("overstay", "home"), [(0.0, True), (1.0, False)])
def test_a_programme_term_ends_without_renewal_home_or_an_irregular_stay(overstay, home):
    ending = vnm_jpn(status=Status.EMPLOYED_REGULAR, contract_left=1)
    going_on = vnm_jpn(status=Status.EMPLOYED_REGULAR, contract_left=5)
    model = japan_model([ending, going_on, ending], overstay_probability=overstay)
    placed(model)
    model.japan.programme[:] = [japan.TITP, japan.SSW, japan.NO_PROGRAMME]
    model.rng = FixedUniforms(0.5)
    ordinary = japan.programme_ends(model, np.arange(3))
    pop = model.population
    assert ordinary.tolist() == [2]  # its contract is left to the ordinary permits
    assert pop.contract_left[1] == 4 and pop.contract_left[2] == 1
    assert model.japan.programme[0] == japan.NO_PROGRAMME
    if home:
        assert pop.status[0] == Status.RETURNED
        assert flow(model, "returns", Channel.REGULAR) == 1e6
    else:
        assert pop.legal[0] == Legal.IRREGULAR and pop.status[0] == Status.EMPLOYED_IRREGULAR
        assert flow(model, "irregular_by_overstay", Channel.IRREGULAR) == 1e6


# ---- 6: leaving a programme --------------------------------------------------------------
def test_programmes_are_cleared_for_whoever_is_neither_waiting_nor_regular():
    model = japan_model(
        [
            vnm_jpn(status=Status.WAITING, legal=Legal.NONE),
            vnm_jpn(status=Status.EMPLOYED_REGULAR),
            vnm_jpn(status=Status.EMPLOYED_IRREGULAR, legal=Legal.IRREGULAR),
            vnm_jpn(status=Status.RETURNED, legal=Legal.NONE),
        ]
    )
    placed(model)
    model.japan.programme[:] = japan.TITP
    japan.clear_programmes(model)
    assert model.japan.programme.tolist() == [japan.TITP, japan.TITP, 0, 0]


# ---- outputs: the programme stocks at the end of the month ---------------------------------
def stock_of(model: MigrationModel, measure: str, code: str) -> list[float]:
    """[regular, irregular] people of a stock at the end of the last recorded month."""
    return model.metrics.latest(measure)[corridor(model, code)].tolist()


def test_programme_stocks_count_regular_people_in_japan_on_each_programme():
    """``stock_titp`` / ``stock_ssw``: regular in Japan (employed or not) on that programme,
    in the regular row; not those waiting to go, not absconders, not the 2010 stock."""
    workers = [
        vnm_jpn(status=Status.EMPLOYED_REGULAR),  # trainee at work
        vnm_jpn(status=Status.UNEMPLOYED_ABROAD),  # trainee between jobs: still on the permit
        vnm_jpn(status=Status.WAITING, legal=Legal.NONE),  # signed, not yet in Japan
        vnm_jpn(status=Status.EMPLOYED_REGULAR),  # SSW worker
        vnm_jpn(status=Status.EMPLOYED_REGULAR),  # 2010 stock: regular, no programme
        vnm_jpn(status=Status.EMPLOYED_IRREGULAR, legal=Legal.IRREGULAR, channel=0),  # absconded
        vnm_jpn(status=Status.EMPLOYED_REGULAR),  # SSW worker from Indonesia
    ]
    model = japan_model(workers)
    placed(model)
    model.population.origin[6] = 1  # IDN
    model.population.corridor[6] = corridor(model, "IDN-JPN")
    t, s, none = japan.TITP, japan.SSW, japan.NO_PROGRAMME
    model.japan.programme[:] = [t, t, t, s, none, none, s]
    model.metrics.close_month(model.population, 1, model.japan.programme)
    assert stock_of(model, "stock_titp", "VNM-JPN") == [2e6, 0.0]
    assert stock_of(model, "stock_ssw", "VNM-JPN") == [1e6, 0.0]
    assert stock_of(model, "stock_ssw", "IDN-JPN") == [1e6, 0.0]
    assert stock_of(model, "stock_titp", "IDN-JPN") == [0.0, 0.0]
    assert stock_of(model, "stock", "VNM-JPN") == [4e6, 1e6]  # the programmes are part of it
    on_programme = model.metrics.latest("stock_titp") + model.metrics.latest("stock_ssw")
    assert on_programme.sum() == 4e6


def test_programme_stocks_are_zero_without_a_programme_array_or_without_japan():
    regular = vnm_jpn(status=Status.EMPLOYED_REGULAR)
    model = japan_model([regular])
    placed(model)
    model.japan.programme[:] = japan.TITP
    model.metrics.close_month(model.population, 1)  # no programme given: no programme stock
    assert model.metrics.latest("stock_titp").sum() == 0.0
    off = small_model([{**regular, "origin": 2, "corridor": MMR_THA}])  # Japan off
    assert len(off.japan.programme) == 0
    off.metrics.close_month(off.population, 1, off.japan.programme)
    assert off.metrics.latest("stock").sum() == 1e6
    for measure in ("stock_titp", "stock_ssw"):
        assert off.metrics.latest(measure).sum() == 0.0
