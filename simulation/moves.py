"""Moves shared by the rules abroad: going home, being sent back (and crossing again),
taking a regular contract, returning of one's own accord, a pending registrant lapsing.

Why a module of its own: the events abroad, the permits, regularisation and shocks all move
people home or into regular status, and must do it the same way (one place that clears a
person's state, counts the flow and pays out portable social security).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import NO_IRREGULAR_ENTRY, Channel, Legal, Status, channel_of_legal

from .admissions import count_trips, pay

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = [
    "amnesty_lapse",
    "go_home",
    "return_home",
    "send_back",
    "to_regular_contract",
]


# ---- shared moves ---------------------------------------------------------------------------
def go_home(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``status`` (returned), ``legal`` (none), ``exploited``, ``timer``,
    ``contract_left``, ``stay_months``, ``irregular_entry_month``, ``amnesty_wait`` and
    ``amnesty_window_eligible`` (where kept: -1, so one who comes back during a window is a
    new arrival to it) (cleared) of ``rows``: they are
    back in their origin; ``season_left`` -1 for those on a seasonal stay (back from a
    season: they weigh the next one more often), written only where some corridor has
    seasonal stays. A
    registrant pending verification who leaves gives the registration up: counted in
    ``amnesty_lapses`` (:func:`amnesty_lapse`), so pending registrants add up."""
    pop = model.population
    amnesty_lapse(model, rows[pop.amnesty_wait[rows] > 0])
    pop.status[rows] = Status.RETURNED
    pop.legal[rows] = Legal.NONE
    pop.exploited[rows] = False
    pop.timer[rows] = 0
    pop.contract_left[rows] = 0
    pop.stay_months[rows] = 0
    pop.irregular_entry_month[rows] = NO_IRREGULAR_ENTRY
    if len(pop.amnesty_window_eligible):  # kept only where a window's eligibility is fixed
        pop.amnesty_window_eligible[rows] = -1
    if model.lv.seasonal_share.any():  # nobody is on a seasonal stay otherwise
        pop.season_left[rows] = np.where(pop.season_left[rows] != 0, -1, 0)


def send_back(model: MigrationModel, rows: np.ndarray) -> None:
    """A forced return: ``rows`` were deported or stopped at the border (counted by the
    caller). Everyone goes home (:func:`go_home`); then, only where a destination's
    ``reentry_after_forced_return`` is above 0, that share of them (one uniform each) cross
    again at once, on corridors with an irregular channel (none on the others). Once any
    destination's share is above 0, one uniform is drawn for everyone sent back anywhere.
    They pay ``reentry_fee_usd`` (:func:`~simulation.admissions.pay`: savings, then debt);
    ``status`` in transit, ``legal`` none, ``channel`` irregular, ``timer`` the corridor's
    transit months (at least 1: they arrive next month, and can be stopped at the border
    again); ``recruiter`` none (fixers at the border, not a modelled broker: abroad they
    carry the irregular channel's mean malpractice) and ``trained`` false, as after any new
    irregular move; counted in ``departures`` and ``forced_return_reentries`` (irregular) and
    as a re-migration (:func:`~simulation.admissions.count_trips`).

    Why: across a land border a deportation can end in a crossing straight back: "many have
    been deported on more than one occasion" (Poipet's checkpoint chief, Cambodia Daily);
    in Mae Sot deportees return if they pay bribes (HRW 2004) or through brokers to their
    jobs (Mizzima 2012). Without it, the model's counts of people sent back are of distinct
    people, where the sources' counts include the same people several times."""
    go_home(model, rows)
    share = model.lv.reentry_after_forced_return
    if len(rows) == 0 or not share.any():
        return
    pop = model.population
    c = pop.corridor[rows]
    p = np.where(model.c_has_irregular[c], share[model.c_dest[c]], 0.0)
    again = rows[model.rng.random(len(rows)) < p]
    if len(again) == 0:
        return
    c = pop.corridor[again]
    pay(model, again, np.full(len(again), model.lv.reentry_fee_usd))
    pop.status[again] = Status.IN_TRANSIT
    pop.legal[again] = Legal.NONE
    pop.channel[again] = Channel.IRREGULAR
    pop.recruiter[again] = -1
    pop.trained[again] = False
    # no +1 (unlike a move decided at home): this month's crossings have been counted down
    pop.timer[again] = np.maximum(1, np.ceil(model.c_transit[c])).astype(np.int16)
    model.metrics.add("departures", c, Channel.IRREGULAR)
    model.metrics.add("forced_return_reentries", c, Channel.IRREGULAR)
    count_trips(model, again, c, Channel.IRREGULAR)


def to_regular_contract(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``legal`` (regular) and ``contract_left`` (``contract_months``) of ``rows``: a
    new regular contract or registration."""
    pop = model.population
    pop.legal[rows] = Legal.REGULAR
    pop.contract_left[rows] = model.lv.contract_months


def return_home(model: MigrationModel, rows: np.ndarray) -> None:
    """A voluntary return (contract end, a season's end, own choice, a shock, a programme's
    return), counted in ``returns`` by legal status.

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
