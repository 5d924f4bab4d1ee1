"""Labour markets of the destinations, cleared once a month.

Per destination: if more migrants are employed than employers demand, the excess is laid off
at random; vacancies left are filled from the unemployed abroad, regular workers first in
effect (irregular job-seekers count only with the employers' willingness to hire them, which
falls with the expected yearly employer sanction, and sanctions also make employers let go of
irregular workers they have); a share of the remaining vacancies, and of last
month's leavers to be replaced, is posted as regular job orders for the recruitment channel
(less with a higher levy or a binding migrant minimum wage). Employment rates per
destination and legal status feed the workers' Harris-Todaro expected earnings; the share of
demand still unfilled (``vacancy_rate``) is the demand pull beyond full employment, which
raises how many people at home weigh a move (``decisions.vacancy_pull``).

One pool per destination: demand, layoffs, hiring, job orders and employment rates count
every worker in the destination whatever their origin, so with the rest of the world on
(``[world] origins`` with ``ROW``) its workers compete for the same jobs as the modelled
origins' (its own part of the demand is added in ``simulation/schedules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status, channel_of_legal

from .formulas import yearly_from_monthly
from .market_counts import employment_counts, in_destination_rows

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = [
    "LabourMarket",
    "employment_rates",
    "hire_unemployed",
    "layoffs",
    "regular_job_orders",
    "sanction_deterrence",
    "sanction_dismissals",
]


@dataclass
class LabourMarket:
    """What the destinations' labour markets tell workers and recruiters this month."""

    employment_rate: np.ndarray  # [destination, 2] regular / irregular, for expectations
    irregular_hiring: np.ndarray  # [destination] willingness to hire irregular workers
    job_finding: np.ndarray  # [destination] chance a regular job-seeker finds a job
    job_orders: np.ndarray  # [destination] people: regular placements employers ask for
    vacancy_rate: np.ndarray  # [destination] unfilled vacancies after hiring / demand

    @classmethod
    def empty(cls, n_destinations: int) -> LabourMarket:
        """Before the first month: full employment, everyone hired, no orders or vacancies."""
        return cls(
            np.ones((n_destinations, 2)),
            np.ones(n_destinations),
            np.ones(n_destinations),
            np.zeros(n_destinations),
            np.zeros(n_destinations),
        )

    def clear(self, model: MigrationModel) -> None:
        """This month's market in every destination, in five steps: layoffs where demand fell
        below employment (:func:`layoffs`); employers' sanction deterrence, which sets
        ``irregular_hiring`` (:func:`sanction_deterrence`) and lets some irregular workers go
        (:func:`sanction_dismissals`); hiring of the unemployed abroad into the vacancies
        (:func:`hire_unemployed`), which sets ``job_finding`` and ``vacancy_rate``; regular
        job orders (:func:`regular_job_orders`); and the employment rates workers expect
        (:func:`employment_rates`). Random draws in that order."""
        pop, lv, pol = model.population, model.lv, model.policy
        ppa, n_d = model.people_per_agent, len(model.world.destinations)
        # everyone in a destination, and the employed among them (one compiled pass)
        away, dest, emp_idx, emp_dest, employed = in_destination_rows(
            pop.legal, pop.status, pop.corridor, model.c_dest, n_d
        )
        employed_people = ppa * employed
        employed_people -= layoffs(model, emp_idx, emp_dest, employed_people)
        deterrence = sanction_deterrence(
            pol.arrest_probability,
            lv.employer_sanction_usd_per_irregular_worker,
            lv.employer_sanction_sensitivity,
        )
        self.irregular_hiring = lv.employer_irregular_hiring_base * (1.0 - deterrence)
        employed_people -= sanction_dismissals(model, emp_idx, deterrence)
        vacancies = np.maximum(pol.demand - employed_people, 0.0)
        self.job_finding, vacancies = hire_unemployed(
            model, away, dest, vacancies, self.irregular_hiring
        )
        self.vacancy_rate = np.divide(
            vacancies, pol.demand, out=np.zeros(n_d), where=pol.demand > 0
        )
        self.job_orders = regular_job_orders(model, vacancies)
        for state in model.destination_states:
            state.record_unfilled(vacancies[state.index] / 12.0)
        self.employment_rate = employment_rates(model, away, dest)


def layoffs(
    model: MigrationModel, employed: np.ndarray, employed_dest: np.ndarray, people: np.ndarray
) -> np.ndarray:
    """Reads the destinations' ``demand`` and ``people`` employed there [destination]; where
    more are employed than demanded, lays off each of the rows ``employed`` (in
    ``employed_dest``) with the destination's excess share (one uniform each, drawn only if
    some destination has an excess): ``status`` unemployed abroad, ``timer`` the grace period
    ``regular_grace_months`` for regular workers (0 for irregular ones). Counts ``layoffs``.
    Returns the people laid off per destination.

    Why: employers shed workers when their demand falls."""
    pop, ppa = model.population, model.people_per_agent
    n_d = len(people)
    excess = np.maximum(people - model.policy.demand, 0.0)
    if not excess.any():
        return np.zeros(n_d)
    p_layoff = np.divide(excess, people, out=np.zeros(n_d), where=people > 0)
    hit = model.rng.random(len(employed)) < p_layoff[employed_dest]
    laid = employed[hit]
    model.metrics.add("layoffs", pop.corridor[laid], channel_of_legal(pop.legal[laid]))
    pop.status[laid] = Status.UNEMPLOYED_ABROAD
    pop.timer[laid] = np.where(pop.legal[laid] == Legal.REGULAR, model.lv.regular_grace_months, 0)
    return ppa * np.bincount(employed_dest[hit], minlength=n_d)


def sanction_deterrence(
    arrest_probability: np.ndarray, sanction_usd: np.ndarray, sensitivity: float
) -> np.ndarray:
    """[destination] How much employers are deterred from employing irregular workers:
    ``1 - exp(-sensitivity x sanction x yearly chance of being caught)``, the yearly chance
    from the month's arrest probability. No state, no draws.

    Why: employers weigh the expected yearly fine for an irregular worker."""
    catch_year = yearly_from_monthly(arrest_probability)
    return 1.0 - np.exp(-sensitivity * sanction_usd * catch_year)


def sanction_dismissals(
    model: MigrationModel, employed: np.ndarray, deterrence: np.ndarray
) -> np.ndarray:
    """Of the rows ``employed`` (employed before the layoffs), those still employed
    irregularly are let go with ``sanction_dismissal_rate`` x the destination's
    ``deterrence`` (one uniform each, always drawn): ``status`` unemployed abroad, counted in
    ``layoffs`` (irregular). Returns the people let go per destination.

    Why: sanctions make employers let go of irregular workers they have."""
    pop, lv = model.population, model.lv
    n_d = len(deterrence)
    still = employed[pop.status[employed] == Status.EMPLOYED_IRREGULAR]
    d = model.c_dest[pop.corridor[still]]
    let_go = still[model.rng.random(len(still)) < lv.sanction_dismissal_rate * deterrence[d]]
    if len(let_go) == 0:
        return np.zeros(n_d)
    model.metrics.add("layoffs", pop.corridor[let_go], Channel.IRREGULAR)
    pop.status[let_go] = Status.UNEMPLOYED_ABROAD
    return model.people_per_agent * np.bincount(model.c_dest[pop.corridor[let_go]], minlength=n_d)


def hire_unemployed(
    model: MigrationModel,
    away: np.ndarray,
    dest: np.ndarray,
    vacancies: np.ndarray,
    irregular_hiring: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Of the rows ``away`` (in a destination; ``dest`` theirs), the unemployed are hired with
    the destination's job-finding chance ``min(1, vacancies / job-seekers)``, where an
    irregular job-seeker counts (and is hired) only with ``irregular_hiring`` (one uniform per
    unemployed person): ``status`` employed, regular or irregular by legal status. Returns
    (job-finding chance [destination], vacancies left [destination], people).

    Why: vacancies are filled from the unemployed abroad, regular workers first in effect."""
    pop, ppa = model.population, model.people_per_agent
    n_d = len(vacancies)
    is_unemp = pop.status[away] == Status.UNEMPLOYED_ABROAD
    unemployed, u_dest = away[is_unemp], dest[is_unemp]
    u_irregular = pop.legal[unemployed] == Legal.IRREGULAR
    seekers = ppa * (
        np.bincount(u_dest[~u_irregular], minlength=n_d)
        + irregular_hiring * np.bincount(u_dest[u_irregular], minlength=n_d)
    )
    job_finding = np.minimum(
        1.0, np.divide(vacancies, seekers, out=np.ones(n_d), where=seekers > 0)
    )
    p_find = job_finding[u_dest] * np.where(u_irregular, irregular_hiring[u_dest], 1.0)
    hired = unemployed[model.rng.random(len(unemployed)) < p_find]
    pop.status[hired] = np.where(
        pop.legal[hired] == Legal.REGULAR, Status.EMPLOYED_REGULAR, Status.EMPLOYED_IRREGULAR
    )
    left = np.maximum(
        vacancies - ppa * np.bincount(model.c_dest[pop.corridor[hired]], minlength=n_d), 0
    )
    return job_finding, left


def regular_job_orders(model: MigrationModel, vacancies: np.ndarray) -> np.ndarray:
    """[destination] People employers ask the regular channel for: ``regular_job_order_share``
    (less with a higher levy or a binding migrant minimum wage, elasticity
    ``levy_job_order_elasticity``) of the open ``vacancies`` and of last month's leavers, net of
    the placements already waiting. Reads ``status`` and ``corridor`` (who is waiting); no
    draws.

    Why: employers replace leavers as well as fill vacancies, and the dearer a regular worker
    is to them, the fewer they order."""
    lv, pol, ppa = model.lv, model.policy, model.people_per_agent
    wage_floor_gap = np.maximum(lv.migrant_minimum_wage_usd_per_month - pol.market_wage, 0.0)
    order_share = lv.regular_job_order_share * np.exp(
        -lv.levy_job_order_elasticity * (lv.employer_levy_usd_per_month + wage_floor_gap)
    )
    pop = model.population
    waiting = np.flatnonzero(pop.status == Status.WAITING)
    pipeline = ppa * np.bincount(model.c_dest[pop.corridor[waiting]], minlength=len(vacancies))
    return np.maximum(order_share * (vacancies + model.leavers_last_month()) - pipeline, 0.0)


def employment_rates(model: MigrationModel, away: np.ndarray, dest: np.ndarray) -> np.ndarray:
    """[destination, channel] Share employed among the people in a destination and not
    detained, by legal status (1 where there is nobody), clipped to 5%..100%. Reads ``status``
    and ``legal`` of ``away`` (``dest`` theirs); no draws.

    Why: the employment rate is the Harris-Todaro chance of a job in workers' expected
    earnings."""
    pop, ppa = model.population, model.people_per_agent
    n_d = len(model.world.destinations)
    employed, present = employment_counts(away, dest, pop.status, pop.legal, n_d)
    emp = ppa * employed
    tot = ppa * present
    rate = np.divide(emp, tot, out=np.ones(2 * n_d), where=tot > 0).reshape(n_d, 2)
    return np.clip(rate, 0.05, 1.0)
