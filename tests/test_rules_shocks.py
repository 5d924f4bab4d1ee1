"""Unit specifications of shocks that move people in weeks (``simulation/shocks.py``, issue 14
mechanism 6): each shock's path (:func:`shock_paths`, :class:`ShockSchedule`), the return wave
(:func:`shock_returns`, :func:`shock_hazard`) and stranding behind a closed border
(:func:`strand_or_return`, :func:`release_stranded`), on hand-built workers in Myanmar ->
Thailand; the decision term is specified in ``tests/test_rules_decisions.py``. With no shock
declared the step reads nothing, draws nothing and changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, CountingUniforms, FixedUniforms, set_levers, small_model

from agents.status import Legal, Status
from simulation import abroad, shocks
from simulation.metrics import FLOW_MEASURES, STOCK_MEASURES

IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": 1,
}
REGULAR = {
    "status": Status.EMPLOYED_REGULAR,
    "legal": Legal.REGULAR,
    "corridor": MMR_THA,
    "channel": 0,
    "contract_left": 10,
}
NO_SHOCKS = {"enforcement_scare_start": ((), (), ()), "pandemic_start": ((), (), ())}


def with_shocks(workers, **levers):
    """A small model whose shock schedule follows ``levers`` (months as month indices)."""
    model = small_model(workers, shock_return_response=0.5, **levers)
    model.shocks = shocks.ShockSchedule.build(model.lv, 12)
    return model


def flow(model, measure: str) -> float:
    """People counted in a flow so far this month (all corridors and channels)."""
    return float(model.metrics.flows[:, FLOW_MEASURES.index(measure)].sum())


def stranded_stock(model) -> float:
    """People in the ``stranded`` stock recorded at the end of the month just closed."""
    model.metrics.close_month(model.population, 1)
    j = len(FLOW_MEASURES) + STOCK_MEASURES.index("stranded")
    return float(model.metrics.corridor_data[1, :, j].sum())


class NoDraws:
    """A stand-in generator that fails the test if a rule draws."""

    def random(self, size):  # pragma: no cover - reaching it is the failure
        raise AssertionError(f"drew {size} uniforms with no shock")


# ---- paths --------------------------------------------------------------------------------
def test_a_shock_peaks_in_its_first_month_and_fades():
    risk, hazard = shocks.shock_paths(
        ((2,), ()), np.array([3, 3]), np.array([0.4, 0.4]), 8, 0.5, 0.5
    )
    assert risk[0].tolist() == [0, 0, 0.4, 0.4, 0.4, 0, 0, 0]  # as long as the shock
    assert hazard[0].tolist() == pytest.approx([0, 0, 0.2, 0.1, 0.05, 0, 0, 0])
    assert not risk[1].any() and not hazard[1].any()  # no start: nothing


def test_overlapping_shocks_take_the_larger_and_the_run_cuts_them():
    risk, hazard = shocks.shock_paths(((0, 1, 5),), np.array([2]), np.array([0.4]), 6, 0.5, 0.5)
    assert hazard[0].tolist() == pytest.approx([0.2, 0.2, 0.1, 0, 0, 0.2])
    assert risk[0].tolist() == [0.4, 0.4, 0.4, 0, 0, 0.4]


def test_a_coups_months_are_its_starts_and_lengths_whatever_its_size():
    """``coup_on`` marks the months a coup's risk lasts, even with a size of 0 (the failed
    verifications of :func:`simulation.regularisation.verification_failures` read it, not
    the risk), and no month of an origin without a coup."""
    starts = ((), (), (3,), (), ())  # Myanmar from the fourth month
    model = with_shocks([], coup_start=starts, coup_length_months=2, coup_size=0.0)
    assert np.flatnonzero(model.shocks.coup_on[2]).tolist() == [3, 4]
    assert not np.delete(model.shocks.coup_on, 2, axis=0).any()
    assert not model.shocks.coup_risk.any()


def test_no_shock_declared_means_no_shock_month():
    model = small_model([])
    assert not model.shocks.deciding.any() and not model.shocks.returning.any()


# ---- the return wave ----------------------------------------------------------------------
def test_without_a_shock_the_step_draws_and_changes_nothing():
    model = small_model([IRREGULAR, REGULAR])
    model.rng = NoDraws()
    before = model.population.status.copy()
    shocks.shock_returns(model, 0)
    assert (model.population.status == before).all()
    assert flow(model, "returns") == 0 and flow(model, "shock_returns") == 0


def test_a_scare_sends_irregular_migrants_home_more_than_regular_ones():
    model = with_shocks(
        [IRREGULAR, REGULAR],
        enforcement_scare_start=((0,), (), ()),
        enforcement_scare_size=0.4,
        scare_regular_response=0.25,
    )
    # hazard: irregular 0.5 x 0.4 = 0.2; regular 0.2 x 0.25 = 0.05
    assert shocks.shock_hazard(model, np.arange(2), 0).tolist() == pytest.approx([0.2, 0.05])
    model.rng = FixedUniforms(0.1)
    shocks.shock_returns(model, 0)
    assert model.population.status.tolist() == [Status.RETURNED, Status.EMPLOYED_REGULAR]
    ppa = model.people_per_agent
    assert flow(model, "shock_returns") == flow(model, "returns") == ppa  # inside returns
    # a month later the hazard is halved: 0.1 for an irregular migrant
    assert shocks.shock_hazard(model, np.arange(1), 1).tolist() == pytest.approx([0.1])


def test_a_pandemic_sends_both_statuses_home_alike_and_combines_with_a_scare():
    model = with_shocks(
        [IRREGULAR, REGULAR],
        pandemic_start=((0,), (), ()),
        pandemic_size=0.2,
        enforcement_scare_start=((0,), (), ()),
        enforcement_scare_size=0.4,
        scare_regular_response=0.0,
    )
    # pandemic 0.1 for both; scare 0.2 for the irregular one only
    assert shocks.shock_hazard(model, np.arange(2), 0).tolist() == pytest.approx(
        [1 - 0.9 * 0.8, 0.1]
    )


def test_only_people_employed_or_unemployed_abroad_are_sent_home():
    detained = {**IRREGULAR, "status": Status.DETAINED}
    model = with_shocks([detained, {"status": Status.AT_HOME}], pandemic_start=((0,), (), ()))
    model.rng = FixedUniforms(0.0)
    shocks.shock_returns(model, 0)
    assert model.population.status.tolist() == [Status.DETAINED, Status.AT_HOME]


def test_registrants_pending_verification_wait_for_it():
    model = with_shocks([IRREGULAR, IRREGULAR], pandemic_start=((0,), (), ()))
    model.population.amnesty_wait[0] = 2
    model.rng = FixedUniforms(0.0)
    shocks.shock_returns(model, 0)
    assert model.population.status.tolist() == [Status.EMPLOYED_IRREGULAR, Status.RETURNED]


# ---- stranding ----------------------------------------------------------------------------
def test_a_closed_border_strands_those_a_shock_sends_home_until_it_opens():
    model = with_shocks([IRREGULAR, REGULAR], pandemic_start=((0,), (), ()), pandemic_size=0.4)
    model.policy.border_closed[THA] = True
    model.rng = FixedUniforms(0.0)
    shocks.shock_returns(model, 0)
    assert model.stranded.tolist() == [0, 1]
    assert (model.population.status != Status.RETURNED).all()
    assert flow(model, "returns") == 0
    assert stranded_stock(model) == 2 * model.people_per_agent
    # next month, border still closed: still stranded, not drawn again
    model.rng = FixedUniforms(0.99)
    shocks.shock_returns(model, 1)
    assert model.stranded.tolist() == [0, 1]
    # the border opens: they go home at once, counted as shock returns
    model.policy.border_closed[THA] = False
    shocks.shock_returns(model, 2)
    assert len(model.stranded) == 0
    assert (model.population.status == Status.RETURNED).all()
    assert flow(model, "shock_returns") == 2 * model.people_per_agent
    assert stranded_stock(model) == 0


def test_the_stranded_who_are_arrested_leave_the_stranded():
    model = with_shocks(
        [IRREGULAR], pandemic_start=((0,), (), ()), pandemic_length_months=np.array([1, 1, 1])
    )
    model.policy.border_closed[THA] = True
    model.rng = FixedUniforms(0.0)
    shocks.shock_returns(model, 0)
    model.population.status[0] = Status.DETAINED
    model.policy.border_closed[THA] = False
    shocks.shock_returns(model, 5)  # after the pandemic: only the release runs
    assert len(model.stranded) == 0
    assert model.population.status[0] == Status.DETAINED
    assert flow(model, "shock_returns") == 0


def test_set_levers_without_shocks_keeps_the_schedule_empty():
    model = small_model([])
    set_levers(model, **NO_SHOCKS)
    assert not shocks.ShockSchedule.build(model.lv, 12).returning.any()


def test_the_stranded_who_register_in_an_amnesty_leave_the_stranded():
    model = with_shocks([IRREGULAR], pandemic_start=((0,), (), ()), pandemic_size=0.4)
    model.policy.border_closed[THA] = True
    model.rng = FixedUniforms(0.0)
    shocks.shock_returns(model, 0)
    model.population.amnesty_wait[0] = 1
    model.policy.border_closed[THA] = False
    model.rng = FixedUniforms(0.99)
    shocks.shock_returns(model, 1)
    assert len(model.stranded) == 0
    assert model.population.status[0] == Status.EMPLOYED_IRREGULAR


# ---- counting a shock return --------------------------------------------------------------
def cell_flow(model, measure: str, corridor: int, channel: int) -> float:
    """People counted in ``measure`` this month in one corridor x channel cell."""
    return float(model.metrics.flows[corridor * 2 + channel, FLOW_MEASURES.index(measure)])


def test_a_shock_return_is_counted_by_legal_status_inside_returns():
    # the channel of the count is the worker's legal status now, not the channel of entry:
    # a worker who entered irregularly and was regularised counts as a regular return
    regularised = {**REGULAR, "channel": 1}
    model = small_model([IRREGULAR, regularised, IRREGULAR])
    ppa = model.people_per_agent
    shocks.go_home_counted(model, np.array([0, 1]))
    assert model.population.status.tolist() == [
        Status.RETURNED,
        Status.RETURNED,
        Status.EMPLOYED_IRREGULAR,
    ]
    for measure in ("shock_returns", "returns"):
        assert cell_flow(model, measure, MMR_THA, 0) == ppa  # the regularised worker
        assert cell_flow(model, measure, MMR_THA, 1) == ppa  # the irregular one
        assert flow(model, measure) == 2 * ppa


def test_no_rows_counts_and_draws_nothing():
    model = small_model([IRREGULAR])
    model.rng = NoDraws()
    shocks.go_home_counted(model, np.array([], dtype=np.int64))
    assert model.population.status.tolist() == [Status.EMPLOYED_IRREGULAR]
    assert flow(model, "shock_returns") == 0 and flow(model, "returns") == 0


# ---- deportations while a border is closed (abroad.removed_now) -------------------------
MMR_MYS = 5  # corridor index of Myanmar -> Malaysia in the baseline world
DUE = {**IRREGULAR, "status": Status.DETAINED, "timer": 1}  # detention over this month


def test_a_closed_border_holds_detainees_its_removal_factor_does_not_let_go():
    # two due in Thailand (border closed), one due in Malaysia (open)
    model = small_model(
        [DUE, DUE, {**DUE, "corridor": MMR_MYS}],
        border_closure_removal_factor=np.array([0.5, 0.0, 0.5]),
        reentry_after_forced_return=0.0,
    )
    model.policy.border_closed[THA] = True
    model.rng = CountingUniforms(0.7)  # above Thailand's 0.5: held
    abroad.deportations(model, np.arange(3))
    pop = model.population
    assert pop.status.tolist() == [Status.DETAINED, Status.DETAINED, Status.RETURNED]
    assert pop.timer[:2].tolist() == [0, 0]  # due again next month
    assert model.rng.sizes == [2]  # one uniform per detainee due behind the closed border
    assert flow(model, "deportations") == model.people_per_agent
    model.rng = CountingUniforms(0.3)  # below 0.5: removed the next month
    abroad.deportations(model, np.arange(2))
    assert (pop.status == Status.RETURNED).all()
    assert flow(model, "deportations") == 3 * model.people_per_agent


def test_an_open_border_or_a_factor_of_one_removes_everyone_due_without_draws():
    for closed, factor in ((False, 0.0), (True, 1.0)):
        model = small_model(
            [DUE, DUE], border_closure_removal_factor=factor, reentry_after_forced_return=0.0
        )
        model.policy.border_closed[THA] = closed
        model.rng = CountingUniforms(0.0)
        abroad.deportations(model, np.arange(2))
        assert (model.population.status == Status.RETURNED).all()
        assert model.rng.sizes == []


def test_arrests_with_no_detention_are_held_too_while_the_border_is_closed():
    model = small_model(
        [IRREGULAR],
        detention_months=0,
        border_closure_removal_factor=0.0,
        reentry_after_forced_return=0.0,
    )
    set_levers(model, enforcement_monthly_arrest_probability=1.0)
    model.policy.arrest_probability[:] = 1.0
    model.policy.border_closed[THA] = True
    model.rng = FixedUniforms(0.5)
    abroad.arrests(model, np.arange(1))
    assert model.population.status[0] == Status.DETAINED
    assert model.population.timer[0] == 0  # due, held
    assert flow(model, "arrests") == model.people_per_agent
    assert flow(model, "deportations") == 0
    model.policy.border_closed[THA] = False  # the border opens: removed the next month
    abroad.deportations(model, np.arange(1))
    assert model.population.status[0] == Status.RETURNED
    assert flow(model, "deportations") == model.people_per_agent
