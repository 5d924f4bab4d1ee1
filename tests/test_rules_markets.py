"""Unit specifications of the labour market's sub-steps (``simulation/markets.py``) on a
handful of hand-built workers in Thailand."""

from __future__ import annotations

import numpy as np
import pytest
from rule_workers import MMR_THA, THA, small_model

from agents.status import Legal, Status
from simulation import markets

REGULAR = {"legal": Legal.REGULAR, "corridor": MMR_THA, "channel": 0}
IRREGULAR = {"legal": Legal.IRREGULAR, "corridor": MMR_THA, "channel": 1}


def in_thailand(model):
    rows = np.arange(len(model.population))
    return rows, model.c_dest[model.population.corridor[rows]]


def test_everyone_is_laid_off_when_demand_falls_to_zero():
    model = small_model(
        [
            {**REGULAR, "status": Status.EMPLOYED_REGULAR},
            {**IRREGULAR, "status": Status.EMPLOYED_IRREGULAR},
        ],
        regular_grace_months=2,
    )
    model.policy.demand[:] = 0.0
    rows, dest = in_thailand(model)
    people = model.people_per_agent * np.bincount(dest, minlength=3)
    laid_off = markets.layoffs(model, rows, dest, people)
    pop = model.population
    assert pop.status.tolist() == [Status.UNEMPLOYED_ABROAD] * 2
    assert pop.timer.tolist() == [2, 0]  # a regular permit's grace period; none if irregular
    assert laid_off[THA] == 2 * model.people_per_agent


def test_nobody_is_laid_off_without_excess_and_nothing_is_drawn():
    model = small_model([{**REGULAR, "status": Status.EMPLOYED_REGULAR}])
    model.policy.demand[:] = 1e9
    model.rng = None  # any draw would fail
    rows, dest = in_thailand(model)
    laid_off = markets.layoffs(model, rows, dest, np.array([1e6, 0.0, 0.0]))
    assert laid_off.tolist() == [0.0, 0.0, 0.0]
    assert model.population.status[0] == Status.EMPLOYED_REGULAR


def test_sanction_deterrence_by_hand():
    d = markets.sanction_deterrence(np.array([0.1, 0.0]), np.array([1000.0, 1000.0]), 0.002)
    catch_year = 1.0 - 0.9**12
    assert d[0] == pytest.approx(1.0 - np.exp(-0.002 * 1000.0 * catch_year))
    assert d[1] == 0.0  # no arrests, no deterrence


def test_sanctions_make_employers_let_irregular_workers_go():
    model = small_model(
        [
            {**REGULAR, "status": Status.EMPLOYED_REGULAR},
            {**IRREGULAR, "status": Status.EMPLOYED_IRREGULAR},
        ],
        sanction_dismissal_rate=1.0,
    )
    let_go = markets.sanction_dismissals(model, np.arange(2), np.array([1.0, 0.0, 0.0]))
    assert model.population.status.tolist() == [Status.EMPLOYED_REGULAR, Status.UNEMPLOYED_ABROAD]
    assert let_go[THA] == model.people_per_agent


def test_unemployed_fill_vacancies_irregular_only_if_employers_hire_them():
    model = small_model(
        [
            {**REGULAR, "status": Status.UNEMPLOYED_ABROAD},
            {**IRREGULAR, "status": Status.UNEMPLOYED_ABROAD},
        ]
    )
    rows, dest = in_thailand(model)
    vacancies = np.array([1e9, 0.0, 0.0])
    job_finding, left = markets.hire_unemployed(
        model, rows, dest, vacancies, np.array([0.0, 1.0, 1.0])
    )
    assert job_finding[THA] == 1.0
    assert model.population.status.tolist() == [Status.EMPLOYED_REGULAR, Status.UNEMPLOYED_ABROAD]
    assert left[THA] == 1e9 - model.people_per_agent


def test_job_finding_is_vacancies_over_job_seekers():
    model = small_model([{**REGULAR, "status": Status.UNEMPLOYED_ABROAD}] * 4)
    model.rng = np.random.default_rng(0)
    rows, dest = in_thailand(model)
    ppa = model.people_per_agent
    job_finding, _ = markets.hire_unemployed(
        model, rows, dest, np.array([ppa, 0.0, 0.0]), np.ones(3)
    )
    assert job_finding[THA] == pytest.approx(0.25)


def test_regular_job_orders_by_hand():
    model = small_model(
        [{"status": Status.WAITING, "corridor": MMR_THA}],
        regular_job_order_share=0.5,
        levy_job_order_elasticity=0.0,
    )
    vacancies = np.array([10 * model.people_per_agent, 0.0, 0.0])
    orders = markets.regular_job_orders(model, vacancies)
    # half of the vacancies (no leavers last month), less the one placement already waiting
    assert orders[THA] == pytest.approx(4 * model.people_per_agent)
    assert orders[1] == 0.0


def test_levy_reduces_job_orders():
    model = small_model(
        [],
        regular_job_order_share=0.5,
        levy_job_order_elasticity=0.01,
        employer_levy_usd_per_month=100.0,
        migrant_minimum_wage_usd_per_month=0.0,
    )
    orders = markets.regular_job_orders(model, np.array([1000.0, 0.0, 0.0]))
    assert orders[THA] == pytest.approx(500.0 * np.exp(-1.0))


def test_employment_rates_by_legal_status():
    model = small_model(
        [
            {**REGULAR, "status": Status.EMPLOYED_REGULAR},
            {**REGULAR, "status": Status.EMPLOYED_REGULAR},
            {**REGULAR, "status": Status.UNEMPLOYED_ABROAD},
            {**IRREGULAR, "status": Status.DETAINED},  # not counted
        ]
    )
    rows, dest = in_thailand(model)
    rate = markets.employment_rates(model, rows, dest)
    assert rate[THA].tolist() == pytest.approx([2 / 3, 1.0])  # nobody irregular: 1


def test_clear_runs_the_steps_in_order():
    model = small_model(
        [
            {**REGULAR, "status": Status.EMPLOYED_REGULAR},
            {**REGULAR, "status": Status.UNEMPLOYED_ABROAD},
        ],
        employer_sanction_usd_per_irregular_worker=0.0,
    )
    model.policy.demand[THA] = 2 * model.people_per_agent
    model.market.clear(model)
    assert model.population.status.tolist() == [Status.EMPLOYED_REGULAR] * 2
    assert model.market.vacancy_rate[THA] == 0.0
    assert model.market.employment_rate[THA, 0] == 1.0
