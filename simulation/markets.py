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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Legal, Status

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = ["LabourMarket"]


@dataclass
class LabourMarket:
    employment_rate: np.ndarray  # [destination, 2] regular / irregular, for expectations
    irregular_hiring: np.ndarray  # [destination] willingness to hire irregular workers
    job_finding: np.ndarray  # [destination] chance a regular job-seeker finds a job
    job_orders: np.ndarray  # [destination] people: regular placements employers ask for
    vacancy_rate: np.ndarray  # [destination] unfilled vacancies after hiring / demand

    @classmethod
    def empty(cls, n_destinations: int) -> LabourMarket:
        return cls(
            np.ones((n_destinations, 2)),
            np.ones(n_destinations),
            np.ones(n_destinations),
            np.zeros(n_destinations),
            np.zeros(n_destinations),
        )

    def clear(self, model: MigrationModel) -> None:
        pop, lv, pol, rng = model.population, model.lv, model.policy, model.rng
        ppa, n_d = model.people_per_agent, len(model.world.destinations)
        st = pop.status
        away = np.flatnonzero(pop.legal != Legal.NONE)  # everyone in a destination
        dest = model.c_dest[pop.corridor[away]]
        s_away = st[away]
        is_emp = (s_away == Status.EMPLOYED_REGULAR) | (s_away == Status.EMPLOYED_IRREGULAR)
        emp_idx, emp_dest = away[is_emp], dest[is_emp]
        employed_people = ppa * np.bincount(emp_dest, minlength=n_d)
        # layoffs where demand fell below employment
        excess = np.maximum(employed_people - pol.demand, 0.0)
        p_layoff = np.divide(excess, employed_people, out=np.zeros(n_d), where=employed_people > 0)
        if excess.any():
            hit = rng.random(len(emp_idx)) < p_layoff[emp_dest]
            laid = emp_idx[hit]
            model.metrics.add("layoffs", pop.corridor[laid], pop.legal[laid] - 1)
            st[laid] = Status.UNEMPLOYED_ABROAD
            pop.timer[laid] = np.where(pop.legal[laid] == Legal.REGULAR, lv.regular_grace_months, 0)
            employed_people -= ppa * np.bincount(emp_dest[hit], minlength=n_d)
        # employers weigh the expected yearly fine for an irregular worker: they hire fewer
        # irregular workers and let some of those they have go
        catch_year = 1.0 - (1.0 - pol.arrest_probability) ** 12
        deterrence = 1.0 - np.exp(
            -lv.employer_sanction_sensitivity
            * lv.employer_sanction_usd_per_irregular_worker
            * catch_year
        )
        self.irregular_hiring = lv.employer_irregular_hiring_base * (1.0 - deterrence)
        still = emp_idx[st[emp_idx] == Status.EMPLOYED_IRREGULAR]
        let_go = still[
            rng.random(len(still))
            < lv.sanction_dismissal_rate * deterrence[model.c_dest[pop.corridor[still]]]
        ]
        if len(let_go):
            model.metrics.add("layoffs", pop.corridor[let_go], 1)
            st[let_go] = Status.UNEMPLOYED_ABROAD
            employed_people -= ppa * np.bincount(model.c_dest[pop.corridor[let_go]], minlength=n_d)
        vacancies = np.maximum(pol.demand - employed_people, 0.0)
        is_unemp = st[away] == Status.UNEMPLOYED_ABROAD
        unemployed, u_dest = away[is_unemp], dest[is_unemp]
        u_irregular = pop.legal[unemployed] == Legal.IRREGULAR
        seekers = ppa * (
            np.bincount(u_dest[~u_irregular], minlength=n_d)
            + self.irregular_hiring * np.bincount(u_dest[u_irregular], minlength=n_d)
        )
        self.job_finding = np.minimum(
            1.0, np.divide(vacancies, seekers, out=np.ones(n_d), where=seekers > 0)
        )
        p_find = self.job_finding[u_dest] * np.where(
            u_irregular, self.irregular_hiring[u_dest], 1.0
        )
        hired = unemployed[rng.random(len(unemployed)) < p_find]
        st[hired] = np.where(
            pop.legal[hired] == Legal.REGULAR, Status.EMPLOYED_REGULAR, Status.EMPLOYED_IRREGULAR
        )
        vacancies = np.maximum(
            vacancies - ppa * np.bincount(model.c_dest[pop.corridor[hired]], minlength=n_d), 0
        )
        self.vacancy_rate = np.divide(
            vacancies, pol.demand, out=np.zeros(n_d), where=pol.demand > 0
        )
        # regular job orders, net of placements already in the pipeline
        wage_floor_gap = np.maximum(lv.migrant_minimum_wage_usd_per_month - pol.market_wage, 0.0)
        order_share = lv.regular_job_order_share * np.exp(
            -lv.levy_job_order_elasticity * (lv.employer_levy_usd_per_month + wage_floor_gap)
        )
        waiting = np.flatnonzero(st == Status.WAITING)
        pipeline = ppa * np.bincount(model.c_dest[pop.corridor[waiting]], minlength=n_d)
        # employers replace last month's leavers as well as filling open vacancies
        self.job_orders = np.maximum(
            order_share * (vacancies + model.leavers_last_month()) - pipeline, 0.0
        )
        for state in model.destination_states:
            state.record_unfilled(vacancies[state.index] / 12.0)
        # employment rates for expectations (by legal status)
        s_away, legal = st[away], pop.legal[away]
        cell = dest * 2 + legal - 1
        employed = (s_away == Status.EMPLOYED_REGULAR) | (s_away == Status.EMPLOYED_IRREGULAR)
        emp = ppa * np.bincount(cell[employed], minlength=2 * n_d)
        tot = ppa * np.bincount(cell[s_away != Status.DETAINED], minlength=2 * n_d)
        rate = np.divide(emp, tot, out=np.ones(2 * n_d), where=tot > 0).reshape(n_d, 2)
        self.employment_rate = np.clip(rate, 0.05, 1.0)
