"""Moves shared by the rules abroad: going home, taking a regular contract, returning of
one's own accord, a pending registrant lapsing.

Why a module of its own: the events abroad, the permits, regularisation and shocks all move
people home or into regular status, and must do it the same way (one place that clears a
person's state, counts the flow and pays out portable social security).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status, channel_of_legal

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = [
    "amnesty_lapse",
    "go_home",
    "return_home",
    "to_regular_contract",
]


# ---- shared moves ---------------------------------------------------------------------------
def go_home(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``status`` (returned), ``legal`` (none), ``exploited``, ``timer``,
    ``contract_left`` and ``amnesty_wait`` (cleared) of ``rows``: they are back in their
    origin; ``season_left`` -1 for those on a seasonal stay (back from a season: they weigh
    the next one more often), written only where some corridor has seasonal stays. A
    registrant pending verification who leaves gives the registration up: counted in
    ``amnesty_lapses`` (:func:`amnesty_lapse`), so pending registrants add up."""
    pop = model.population
    amnesty_lapse(model, rows[pop.amnesty_wait[rows] > 0])
    pop.status[rows] = Status.RETURNED
    pop.legal[rows] = Legal.NONE
    pop.exploited[rows] = False
    pop.timer[rows] = 0
    pop.contract_left[rows] = 0
    if model.lv.seasonal_share.any():  # nobody is on a seasonal stay otherwise
        pop.season_left[rows] = np.where(pop.season_left[rows] != 0, -1, 0)


def to_regular_contract(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``legal`` (regular) and ``contract_left`` (``contract_months``) of ``rows``: a
    new regular contract or registration."""
    pop = model.population
    pop.legal[rows] = Legal.REGULAR
    pop.contract_left[rows] = model.lv.contract_months


def return_home(model: MigrationModel, rows: np.ndarray) -> None:
    """A voluntary return (contract end or own choice), counted in ``returns`` by legal status.

    Reads ``corridor``, ``legal``, ``social_security``, ``origin``; writes ``savings`` (plus the
    portable share ``social_security_portability`` of the regular workers' contributions),
    ``social_security`` (cleared), ``reintegration_left`` (``reintegration_months`` for those
    a reintegration programme reaches, with the origin's coverage: one uniform each) and
    everything :func:`go_home` writes."""
    if len(rows) == 0:
        return
    pop, lv = model.population, model.lv
    c = pop.corridor[rows]
    model.metrics.add("returns", c, channel_of_legal(pop.legal[rows]))
    d = model.c_dest[c]
    regular = pop.legal[rows] == Legal.REGULAR
    pop.savings[rows] += np.where(
        regular, pop.social_security[rows] * lv.social_security_portability[d], 0.0
    )
    pop.social_security[rows] = 0.0
    o = pop.origin[rows]
    reached = model.rng.random(len(rows)) < lv.reintegration_programme_coverage[o]
    pop.reintegration_left[rows[reached]] = lv.reintegration_months
    go_home(model, rows)


def amnesty_lapse(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``amnesty_wait`` (0) of ``rows`` and counts ``amnesty_lapses`` (irregular): the
    registrants are plainly irregular again (arrested like anyone, free to register again in
    an open window). No draws.

    Why: a registration that is not turned into legal status in time leaves the worker where
    they were."""
    if len(rows):
        model.population.amnesty_wait[rows] = 0
        model.metrics.add("amnesty_lapses", model.population.corridor[rows], Channel.IRREGULAR)
