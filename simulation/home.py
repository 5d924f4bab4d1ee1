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

import numba
import numpy as np

from agents.status import Legal, Status

from .decisions import home_income_table
from .home_income import income_row
from .population import RENEWAL_AGE_MONTHS

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = [
    "age_and_renew",
    "debt_interest",
    "earn_at_home",
    "earn_at_home_rows",
    "home_life",
    "reintegration_countdown",
    "renew",
]


def home_life(model: MigrationModel, month: int) -> None:
    """The month at home for everyone, in order: earnings and saving (:func:`earn_at_home`),
    interest on debt (:func:`debt_interest`), the reintegration programme's countdown
    (:func:`reintegration_countdown`), ageing and the renewal of the population at risk
    (:func:`age_and_renew`)."""
    st = model.population.status
    home = np.flatnonzero((st == Status.AT_HOME) | (st == Status.RETURNED) | (st == Status.WAITING))
    earn_at_home(model, home, month)
    debt_interest(model)
    reintegration_countdown(model)
    age_and_renew(model, month)


def earn_at_home(model: MigrationModel, home: np.ndarray, month: int) -> None:
    """Reads ``origin``, ``skilled``, ``reintegration_left``, ``savings``, ``debt`` of the rows
    ``home`` (at home or waiting); writes ``savings`` (plus ``home_saving_rate`` of this
    month's home income, :func:`~simulation.decisions.home_income`, less what goes to debt) and
    ``debt`` (repaid from savings as far as they go). No draws.

    Why: people at home earn their origin's wage, save part of it and pay their debts."""
    pop, lv = model.population, model.lv
    earn_at_home_rows(
        home,
        pop.origin,
        pop.skilled,
        pop.reintegration_left,
        home_income_table(model, month),
        1.0 + lv.reintegration_income_boost,
        lv.home_saving_rate,
        pop.savings,
        pop.debt,
    )


@numba.njit(cache=True)
def earn_at_home_rows(
    home: np.ndarray,
    origin: np.ndarray,
    skilled: np.ndarray,
    reintegration_left: np.ndarray,
    income_table: np.ndarray,
    reintegration_factor: float,
    saving_rate: float,
    savings: np.ndarray,
    debt: np.ndarray,
) -> None:
    """:func:`earn_at_home` in one compiled pass over the rows ``home`` (issue 16: it was
    seven numpy passes over everyone at home, 4% of a run): each row's income is
    :func:`~simulation.home_income.income_row` (its entry of
    :func:`~simulation.decisions.home_income_table`, with the reintegration boost);
    ``saving_rate`` of it joins ``savings``, and
    the debt is repaid from savings as far as they go. The same operations in the same order
    as the numpy passes, so the same bits."""
    for i in range(home.size):
        r = home[i]
        income = income_row(
            income_table, origin[r], skilled[r], reintegration_left[r], reintegration_factor
        )
        savings[r] += income * saving_rate
        repay = np.minimum(debt[r], savings[r])  # nan as numpy's
        debt[r] -= repay
        savings[r] -= repay


def debt_interest(model: MigrationModel) -> None:
    """Reads and writes ``debt`` of everyone who owes: it grows by
    ``monthly_interest_rate_pct``. No draws.

    Why: recruitment debt is costly, wherever the debtor is."""
    pop = model.population
    np.multiply(
        pop.debt,
        1.0 + model.lv.monthly_interest_rate_pct / 100.0,
        out=pop.debt,
        where=pop.debt > 0,
    )


def reintegration_countdown(model: MigrationModel) -> None:
    """Reads and writes ``reintegration_left``: one month less for everyone in a programme.

    Why: reintegration support (a higher home income) lasts ``reintegration_months``."""
    pop = model.population
    active = np.flatnonzero(pop.reintegration_left)
    pop.reintegration_left[active] -= 1


def age_and_renew(model: MigrationModel, month: int) -> None:
    """Writes ``age_months`` (everyone a month older); a person at home (never migrated or
    returned) who reaches 55 is replaced by an 18-year-old who never migrated
    (:func:`renew`).

    Why: keeps the population at risk of migrating constant while people age."""
    pop = model.population
    pop.age_months += 1
    old = np.flatnonzero(pop.age_months >= RENEWAL_AGE_MONTHS)
    old = old[(pop.status[old] == Status.AT_HOME) | (pop.status[old] == Status.RETURNED)]
    if len(old):
        renew(model, old, month)


def renew(model: MigrationModel, rows: np.ndarray, month: int) -> None:
    """Rows ``rows`` become new people of the same origin: 18 years old, at home, never
    migrated, no debt, no history; ``skilled`` and ``female`` drawn with the origin's shares,
    ``savings`` exponential around ``initial_savings_months_of_income`` months of the home
    wage, ``network_ties`` Poisson around ``network_mean_ties`` (draws in that order); no
    ``trips``, no seasonal stay. Counts
    ``model.renewals``.

    Why: the same agent stands for a new person entering the population at risk."""
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
    pop.trips[rows] = 0
    pop.season_left[rows] = 0
    model.renewals += len(rows)
