"""Shocks that move people in weeks: enforcement scares, pandemics and coups at home.

A shock is a declared driver with its start months, a length and a size, the yearly risk it
adds in people's eyes (``scenarios/drivers.py``):

* an **enforcement scare** in a destination (``enforcement_scare_*``): a higher perceived
  arrest risk, fully for irregular migrants, ``scare_regular_response`` of it for regular ones;
* a **pandemic** in a destination (``pandemic_*``): a perceived risk of being there, for both
  channels alike;
* a **coup** in an origin (``coup_*``): a perceived risk of staying at home.

They act in four ways:

1. *Decisions at home* (:func:`~simulation.decisions.shock_utility`, part of
   :func:`~simulation.decisions.corridor_offer`): while a shock lasts, the utility of going to
   a scared or pandemic destination falls by the weight of the risk (``beta_arrest_risk`` x
   the corridor's ``corridor_arrest_risk_weight`` for a scare, ``beta_shock_risk`` for a
   pandemic), so fewer leave for it; a coup raises the
   utility of every alternative of its origin against staying by ``beta_shock_risk`` x its
   size, so more leave.
2. *A return wave* (:func:`shock_returns`, right after the events abroad): people abroad in a
   scared or pandemic destination go home with a monthly hazard of ``shock_return_response`` x
   the size in the shock's first month, times ``shock_return_decay_per_month`` for each month
   since (the wave comes in the first weeks and fades).
3. *Stranding*: while the destination's border is closed (``border_closure_start``) a return
   cannot cross, so those the shock sends home are stranded there instead
   (``model.stranded``, the ``stranded`` stock); they go home in the first month the border
   is open again.
4. *Verification abroad* (coups only): in the months a coup's risk lasts (``coup_on``, whatever
   its size), ``coup_verification_failure_share`` of the origin's registrants whose
   verification is due fail it (:func:`~simulation.regularisation.verification_failures`):
   the origin's documents cannot be had.

With no shock declared nothing here reads the population or draws a random number, so
results are those of a model without shocks, bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Legal, Status, channel_of_legal

from .moves import return_home

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import FloatArray, IntArray, LeverArrays

__all__ = [
    "ShockSchedule",
    "go_home_counted",
    "release_stranded",
    "shock_hazard",
    "shock_paths",
    "shock_returns",
    "strand_or_return",
]


def shock_paths(
    starts: tuple[tuple[int, ...], ...],
    length: IntArray,
    size: FloatArray,
    n_months: int,
    response: float,
    decay: float,
) -> tuple[FloatArray, FloatArray]:
    """([key, month] perceived yearly risk, [key, month] monthly return hazard) of one kind of
    shock: during the ``length`` months from each start the risk is the key's ``size`` and the
    hazard ``min(1, response x size x decay ^ months since the start)``; where two shocks of a
    key overlap, the larger of each. No draws.

    Why: the risk lasts as long as the shock; the return wave is front-loaded (those who go
    home on the news go at once)."""
    risk = np.zeros((len(starts), n_months))
    hazard = np.zeros((len(starts), n_months))
    for key, key_starts in enumerate(starts):
        months_since = np.arange(int(length[key]))
        for s in key_starts:
            t = s + months_since
            inside = (t >= 0) & (t < n_months)
            t, k = t[inside], months_since[inside]
            risk[key, t] = np.maximum(risk[key, t], size[key])
            wave = np.minimum(1.0, response * size[key] * decay**k)
            hazard[key, t] = np.maximum(hazard[key, t], wave)
    return risk, hazard


@dataclass(frozen=True)
class ShockSchedule:
    """Each shock's path over the run's months (see the module doc)."""

    scare_risk: FloatArray  # [destination, month] perceived yearly arrest risk added
    scare_hazard: FloatArray  # [destination, month] return hazard of irregular migrants
    pandemic_risk: FloatArray  # [destination, month] perceived yearly risk
    pandemic_hazard: FloatArray  # [destination, month] return hazard
    coup_risk: FloatArray  # [origin, month] perceived yearly risk of staying at home
    coup_on: np.ndarray  # [origin, month] bool: a coup's risk lasts (whatever its size)
    deciding: np.ndarray  # [month] bool: some shock changes decisions
    returning: np.ndarray  # [month] bool: some shock sends people home

    @classmethod
    def build(cls, lv: LeverArrays, n_months: int) -> ShockSchedule:
        """The paths of the declared shocks ``lv`` over ``n_months`` months."""
        response, decay = lv.shock_return_response, lv.shock_return_decay_per_month
        scare_risk, scare_hazard = shock_paths(
            lv.enforcement_scare_start,
            lv.enforcement_scare_length_months,
            lv.enforcement_scare_size,
            n_months,
            response,
            decay,
        )
        pandemic_risk, pandemic_hazard = shock_paths(
            lv.pandemic_start,
            lv.pandemic_length_months,
            lv.pandemic_size,
            n_months,
            response,
            decay,
        )
        coup_risk, _ = shock_paths(
            lv.coup_start, lv.coup_length_months, lv.coup_size, n_months, 0.0, 0.0
        )
        coup_on, _ = shock_paths(
            lv.coup_start, lv.coup_length_months, np.ones(len(lv.coup_start)), n_months, 0, 0
        )
        return cls(
            scare_risk=scare_risk,
            scare_hazard=scare_hazard,
            pandemic_risk=pandemic_risk,
            pandemic_hazard=pandemic_hazard,
            coup_risk=coup_risk,
            coup_on=coup_on > 0,
            deciding=(scare_risk.any(axis=0) | pandemic_risk.any(axis=0) | coup_risk.any(axis=0)),
            returning=scare_hazard.any(axis=0) | pandemic_hazard.any(axis=0),
        )


def shock_hazard(model: MigrationModel, rows: np.ndarray, month: int) -> FloatArray:
    """[row] This month's shock return hazard of the people ``rows`` abroad: the scare's in
    their destination (x ``scare_regular_response`` for regular migrants) combined with the
    pandemic's, ``1 - (1 - scare) x (1 - pandemic)``. Reads ``corridor`` and ``legal``; no
    draws."""
    pop, sch = model.population, model.shocks
    d = model.c_dest[pop.corridor[rows]]
    regular = pop.legal[rows] == Legal.REGULAR
    scare = sch.scare_hazard[d, month] * np.where(regular, model.lv.scare_regular_response, 1.0)
    return 1.0 - (1.0 - scare) * (1.0 - sch.pandemic_hazard[d, month])


def shock_returns(model: MigrationModel, month: int) -> None:
    """The month's shock returns, right after the events abroad: the stranded whose border is
    open again go home (:func:`release_stranded`); then, while a scare or a pandemic sends
    people home, each person employed or unemployed abroad, not stranded and not a registrant
    pending verification (``amnesty_wait``, as in the ordinary returns) goes with
    :func:`shock_hazard` (one uniform each, only where it is above 0) and is sent home or
    stranded (:func:`strand_or_return`). Records the ``stranded`` stock. Returns at once,
    reading and drawing nothing, while no shock sends anyone home and nobody is stranded.

    Why: announcements, epidemics and closures move people within weeks, beyond the
    ordinary returns and arrests."""
    returning = month < len(model.shocks.returning) and bool(model.shocks.returning[month])
    if not returning and len(model.stranded) == 0:
        return
    release_stranded(model)
    if returning:
        pop = model.population
        st = pop.status
        here = np.flatnonzero(
            (st == Status.EMPLOYED_REGULAR)
            | (st == Status.EMPLOYED_IRREGULAR)
            | (st == Status.UNEMPLOYED_ABROAD)
        )
        here = here[pop.amnesty_wait[here] == 0]  # registrants wait for their verification
        here = np.setdiff1d(here, model.stranded, assume_unique=True)
        hazard = shock_hazard(model, here, month)
        cand = np.flatnonzero(hazard > 0)
        strand_or_return(model, here[cand[model.rng.random(len(cand)) < hazard[cand]]])
    stranded = model.stranded
    model.metrics.set_stock(
        "stranded",
        model.population.corridor[stranded],
        channel_of_legal(model.population.legal[stranded]),
    )


def release_stranded(model: MigrationModel) -> None:
    """Reads ``status``, ``amnesty_wait`` and ``corridor`` of ``model.stranded``: those no
    longer employed or unemployed abroad (arrested, deported, gone home of their own accord)
    and those who registered in an amnesty window and wait for verification (they chose to
    stay) leave the list; those whose destination's border is open this month go home
    (counted in ``returns`` and ``shock_returns``: :func:`~simulation.moves.return_home`).
    Writes ``model.stranded``.

    Why: a person stranded by a closure goes home as soon as the border opens."""
    rows, pop = model.stranded, model.population
    st = pop.status[rows]
    rows = rows[
        (st == Status.EMPLOYED_REGULAR)
        | (st == Status.EMPLOYED_IRREGULAR)
        | (st == Status.UNEMPLOYED_ABROAD)
    ]
    rows = rows[pop.amnesty_wait[rows] == 0]
    closed = model.policy.border_closed[model.c_dest[pop.corridor[rows]]]
    model.stranded = rows[closed]
    go_home_counted(model, rows[~closed])


def strand_or_return(model: MigrationModel, rows: np.ndarray) -> None:
    """The people ``rows`` whom a shock sends home: those whose destination's border is closed
    this month are added to ``model.stranded``; the others go home (counted in ``returns``
    and ``shock_returns``). Reads ``corridor``; no draws besides those of
    :func:`~simulation.moves.return_home`.

    Why: a return needs a crossing, which a closed border does not allow."""
    pop = model.population
    closed = model.policy.border_closed[model.c_dest[pop.corridor[rows]]]
    model.stranded = np.union1d(model.stranded, rows[closed])
    go_home_counted(model, rows[~closed])


def go_home_counted(model: MigrationModel, rows: np.ndarray) -> None:
    """A shock return of ``rows``: counted in ``shock_returns`` by legal status, then
    :func:`~simulation.moves.return_home` (which counts it in ``returns``)."""
    if len(rows) == 0:
        return
    pop = model.population
    model.metrics.add("shock_returns", pop.corridor[rows], channel_of_legal(pop.legal[rows]))
    return_home(model, rows)
