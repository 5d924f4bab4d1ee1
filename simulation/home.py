"""Life at home: income, saving, debt, ageing and the renewal of the population at risk.

People at home (never migrated, returned, or waiting for a placement) earn their origin's
wage (skilled more; less during a push shock; more for returnees in a reintegration
programme), save ``home_saving_rate`` of it and pay debt from savings. Everyone's debt grows at
``monthly_interest_rate_pct``. Everyone ages a month; a person at home who reaches 55 leaves
the population at risk and is replaced by an 18-year-old who has never migrated (same agent,
new person), which keeps the population at risk constant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import Legal, Status

from .decisions import home_income
from .population import RENEWAL_AGE_MONTHS

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = ["home_life"]


def home_life(model: MigrationModel, month: int) -> None:
    pop, lv = model.population, model.lv
    st = pop.status
    home = np.flatnonzero((st == Status.AT_HOME) | (st == Status.RETURNED) | (st == Status.WAITING))
    income = home_income(model, home, month)
    pop.savings[home] += income * lv.home_saving_rate
    repay = np.minimum(pop.debt[home], pop.savings[home])
    pop.debt[home] -= repay
    pop.savings[home] -= repay
    np.multiply(
        pop.debt, 1.0 + lv.monthly_interest_rate_pct / 100.0, out=pop.debt, where=pop.debt > 0
    )
    active = np.flatnonzero(pop.reintegration_left)
    pop.reintegration_left[active] -= 1
    pop.age_months += 1
    old = np.flatnonzero(pop.age_months >= RENEWAL_AGE_MONTHS)
    old = old[(st[old] == Status.AT_HOME) | (st[old] == Status.RETURNED)]
    if len(old):
        _renew(model, old, month)


def _renew(model: MigrationModel, rows: np.ndarray, month: int) -> None:
    pop, rng, lv = model.population, model.rng, model.lv
    w = model.world
    o = pop.origin[rows]
    pop.age_months[rows] = 18 * 12
    pop.status[rows] = Status.AT_HOME
    pop.legal[rows] = Legal.NONE
    pop.corridor[rows] = -1
    pop.channel[rows] = -1
    pop.recruiter[rows] = -1
    pop.debt[rows] = 0.0
    pop.skilled[rows] = rng.random(len(rows)) < np.array([w.skilled_share[x] for x in w.origins])[o]
    pop.female[rows] = rng.random(len(rows)) < np.array([w.female_share[x] for x in w.origins])[o]
    pop.savings[rows] = (
        rng.exponential(max(lv.initial_savings_months_of_income, 1e-9), len(rows))
        * model.schedules.home_wage[o, month]
    )
    pop.network_ties[rows] = rng.poisson(lv.network_mean_ties, len(rows))
    pop.exploited[rows] = False
    pop.exploitation_count[rows] = 0
    pop.trafficked[rows] = False
    pop.trained[rows] = False
    pop.social_security[rows] = 0.0
    pop.reintegration_left[rows] = 0
    pop.timer[rows] = 0
    pop.contract_left[rows] = 0
    model.renewals += len(rows)
