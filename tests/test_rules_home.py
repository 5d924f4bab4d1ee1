"""Unit specifications of life at home (``simulation/home.py``) and the income it rests on,
on a handful of hand-built workers from Myanmar (home wage 45 USD a month in 2010)."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import MMR_THA, small_model

from agents.status import Legal, Status
from simulation import home
from simulation.decisions import home_income
from simulation.population import RENEWAL_AGE_MONTHS

MMR = 2


def test_home_income_by_skill_push_shock_and_reintegration():
    model = small_model(
        [{}, {"skilled": True}, {"reintegration_left": 3}],
        skilled_home_wage_multiplier=1.5,
        reintegration_income_boost=0.2,
        push_shock_home_income_factor=0.5,
    )
    wage = model.schedules.home_wage[MMR, 0]
    assert home_income(model, np.arange(3), 0).tolist() == pytest.approx(
        [wage, 1.5 * wage, 1.2 * wage]
    )
    model.policy.push_shock[MMR] = True
    assert home_income(model, np.arange(1), 0)[0] == pytest.approx(0.5 * wage)


def test_people_at_home_save_and_repay_debt_from_savings():
    model = small_model(
        [{"savings": 10.0, "debt": 15.0}, {"savings": 0.0, "debt": 100.0}], home_saving_rate=0.2
    )
    saved = 0.2 * model.schedules.home_wage[MMR, 0]  # 9 USD
    home.earn_at_home(model, np.arange(2), 0)
    pop = model.population
    assert pop.debt.tolist() == pytest.approx([0.0, 100.0 - saved])
    assert pop.savings.tolist() == pytest.approx([10.0 + saved - 15.0, 0.0])


def test_debt_grows_with_interest_wherever_the_debtor_is():
    model = small_model(
        [
            {"debt": 100.0},
            {"debt": 0.0},
            {"debt": 50.0, "status": Status.EMPLOYED_REGULAR, "legal": Legal.REGULAR},
        ],
        monthly_interest_rate_pct=2.0,
    )
    home.debt_interest(model)
    assert model.population.debt.tolist() == pytest.approx([102.0, 0.0, 51.0])


def test_reintegration_support_counts_down():
    model = small_model([{"reintegration_left": 2}, {"reintegration_left": 0}])
    home.reintegration_countdown(model)
    assert model.population.reintegration_left.tolist() == [1, 0]


def test_a_returnee_reaching_55_is_replaced_by_an_18_year_old_who_never_migrated():
    returnee = {
        "status": Status.RETURNED,
        "corridor": MMR_THA,
        "channel": 1,
        "debt": 500.0,
        "exploitation_count": 2,
        "trafficked": True,
        "age_months": RENEWAL_AGE_MONTHS - 1,
    }
    abroad = {
        "status": Status.EMPLOYED_REGULAR,
        "legal": Legal.REGULAR,
        "corridor": MMR_THA,
        "age_months": RENEWAL_AGE_MONTHS - 1,
    }
    model = small_model([returnee, abroad, {"age_months": 30 * 12}])
    renewals = model.renewals
    home.age_and_renew(model, 0)
    pop = model.population
    assert pop.age_months.tolist() == [18 * 12, RENEWAL_AGE_MONTHS, 30 * 12 + 1]
    assert pop.status[0] == Status.AT_HOME
    assert (pop.corridor[0], pop.channel[0], pop.debt[0]) == (-1, -1, 0.0)
    assert (pop.exploitation_count[0], pop.trafficked[0]) == (0, False)
    assert pop.origin[0] == MMR
    assert pop.status[1] == Status.EMPLOYED_REGULAR  # abroad: not renewed
    assert model.renewals == renewals + 1


def test_home_life_month():
    model = small_model([{"debt": 100.0, "savings": 0.0}], home_saving_rate=0.0)
    home.home_life(model, 0)
    pop = model.population
    assert pop.debt[0] == pytest.approx(100.0 * (1.0 + model.lv.monthly_interest_rate_pct / 100))
    assert pop.age_months[0] == 30 * 12 + 1


def test_earn_at_home_in_one_pass_gives_the_numpy_passes_bits():
    """The compiled pass (issue 16) against the seven numpy passes it replaced, written out
    here, on 200 random people: the same savings and debt to the bit (nan debt included)."""
    rng = np.random.default_rng(5)
    n = 200
    model = small_model([{} for _ in range(n)], home_saving_rate=0.17)
    pop = model.population
    pop.skilled[:] = rng.random(n) < 0.3
    pop.reintegration_left[:] = np.where(rng.random(n) < 0.2, 4, 0)
    pop.savings[:] = rng.random(n) * 50
    pop.debt[:] = np.where(rng.random(n) < 0.5, rng.random(n) * 80, 0.0)
    pop.debt[7] = np.nan
    rows = np.flatnonzero(rng.random(n) < 0.8)
    savings, debt = pop.savings.copy(), pop.debt.copy()
    income = home_income(model, rows, 0)
    savings[rows] += income * 0.17
    repay = np.minimum(debt[rows], savings[rows])
    debt[rows] -= repay
    savings[rows] -= repay
    home.earn_at_home(model, rows, 0)
    np.testing.assert_array_equal(pop.savings, savings)
    np.testing.assert_array_equal(pop.debt, debt)
