"""Admissions: the places that movers who chose a channel get, and what taking one does.

Regular applicants are taken in random order up to the corridor's agency capacity and the
destination's remaining quota and job orders; the rest are turned away this month. Irregular
movers are taken up to the brokers' capacity; some of them are trafficked on the way. Movers
pay their recruiter's fee (plus official fees on the regular channel) from savings and borrow
the rest.

Why a module of its own: the choice (:mod:`simulation.decisions`) says what people want;
this says what the recruitment industry and the destination let them have. Other rules reuse
its pieces: the permit renewal pays (:func:`pay`), returns and crossings count trips
(:func:`count_trips`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Outcome, Status

from .groups import admit_within_capacity, stochastic_round

if TYPE_CHECKING:
    from .decisions import CorridorOffer
    from .model import MigrationModel

__all__ = [
    "admission_lottery",
    "admit_irregular",
    "admit_regular",
    "assign_recruiters",
    "count_trips",
    "pay",
    "record_demand",
    "recruiter_pools",
    "take_places",
    "trafficking",
]


def admit_regular(
    model: MigrationModel, rows: np.ndarray, corridor: np.ndarray, offer: CorridorOffer
) -> None:
    """Regular applicants ``rows`` (for ``corridor``, in lottery order) sign with an agency
    within the agencies' capacity and the destination's remaining quota and job orders
    (:func:`take_places`, paying the agency's fee plus ``offer.official_fee``): ``status``
    waiting, ``timer`` 1 + a Poisson draw around the corridor's
    ``regular_processing_months``. Writes the policy's ``quota_remaining`` and the market's
    ``job_orders`` (less the places taken). Counts ``applications``.

    Why: the regular channel is rationed by agencies, quotas and employers' job orders."""
    if len(rows) == 0:
        return
    pol, ppa = model.policy, model.people_per_agent
    rows, corridor, _ = take_places(
        model,
        rows,
        corridor,
        Channel.REGULAR,
        offer.official_fee,
        destination_limit=np.minimum(pol.quota_remaining, model.market.job_orders),
    )
    model.population.status[rows] = Status.WAITING
    # +1: the countdown in this month's events must not count the month of signing
    model.population.timer[rows] = 1 + model.rng.poisson(
        model.lv.regular_processing_months[corridor]
    )
    placed = ppa * np.bincount(model.c_dest[corridor], minlength=len(pol.quota_remaining))
    pol.quota_remaining -= placed
    model.market.job_orders -= placed
    model.metrics.add("applications", corridor, Channel.REGULAR)


def admit_irregular(model: MigrationModel, rows: np.ndarray, corridor: np.ndarray) -> None:
    """Irregular movers ``rows`` (for ``corridor``, in lottery order) pay a broker within the
    brokers' capacity (:func:`take_places`) and start crossing: ``status`` in transit,
    ``legal`` none, ``timer`` 1 + the corridor's transit months (at least 1); then
    :func:`trafficking`. Counts ``departures`` (irregular) and, of them, the re-migrations
    (:func:`count_trips`).

    Why: the irregular channel is rationed only by the brokers' capacity."""
    if len(rows) == 0:
        return
    pop = model.population
    rows, corridor, recruiter = take_places(
        model, rows, corridor, Channel.IRREGULAR, np.zeros(len(model.c_dest))
    )
    pop.status[rows] = Status.IN_TRANSIT
    pop.legal[rows] = Legal.NONE
    # +1 as for regular moves: a crossing of up to a month arrives next month
    pop.timer[rows] = 1 + np.maximum(1, np.ceil(model.c_transit[corridor])).astype(np.int16)
    model.metrics.add("departures", corridor, Channel.IRREGULAR)
    count_trips(model, rows, corridor, Channel.IRREGULAR)
    trafficking(model, rows, corridor, recruiter)


def trafficking(
    model: MigrationModel, rows: np.ndarray, corridor: np.ndarray, recruiter: np.ndarray
) -> None:
    """Of the irregular movers ``rows`` (crossing ``corridor`` with ``recruiter``), each is
    trafficked with ``trafficking_probability_per_crossing`` x the broker's malpractice x
    ``female_vulnerability`` for women x (1 - the destination's
    ``anti_trafficking_enforcement``) (one uniform each): ``trafficked``, ``exploited`` and
    one more ``exploitation_count``. Counts ``trafficking_cases`` and ``exploitation_cases``.

    Why: some irregular moves end in trafficking: worse brokers, women more, less with
    enforcement."""
    pop, lv = model.population, model.lv
    p = (
        lv.trafficking_probability_per_crossing
        * model.recruiters.malpractice[recruiter]
        * np.where(pop.female[rows], lv.female_vulnerability, 1.0)
        * (1.0 - lv.anti_trafficking_enforcement[model.c_dest[corridor]])
    )
    hit = rows[model.rng.random(len(rows)) < p]
    if len(hit):
        pop.trafficked[hit] = True
        pop.exploited[hit] = True
        pop.exploitation_count[hit] += 1
        model.metrics.add("trafficking_cases", pop.corridor[hit], Channel.IRREGULAR)
        model.metrics.add("exploitation_cases", pop.corridor[hit], Channel.IRREGULAR)


def take_places(
    model: MigrationModel,
    rows: np.ndarray,
    corridor: np.ndarray,
    channel: Channel,
    official_fee: np.ndarray,
    destination_limit: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Admit movers in array order within the places (:func:`admission_lottery`), count every
    applicant toward the recruiters' fee pressure (:func:`record_demand`), mark each
    decider's ``Outcome`` (moved or turned away), give each admitted mover a recruiter
    (:func:`assign_recruiters`) and charge its fee plus ``official_fee`` (:func:`pay`). Writes
    ``corridor``, ``channel``, ``recruiter``, ``trained`` (false) of the admitted, and the
    recruiters' ``placed``; counts ``recruitment_fees_paid_usd``. Returns the admitted rows,
    their corridors and recruiters."""
    pop, ppa = model.population, model.people_per_agent
    # which destinations' places ran out (only a destination limit can run out)
    full = None if destination_limit is None else np.zeros(len(destination_limit), bool)
    ok = admission_lottery(model, corridor, channel, destination_limit, full)
    pools = recruiter_pools(model, channel)  # record_demand writes nothing they read
    record_demand(model, corridor, channel, full, pools)
    model.choices.outcome[rows[~ok]] = Outcome.TURNED_AWAY
    rows, corridor = rows[ok], corridor[ok]
    model.choices.outcome[rows] = Outcome.MOVED
    recruiter = assign_recruiters(model, corridor, channel, pools)
    fee = model.recruitment.charged[recruiter] + official_fee[corridor]
    pay(model, rows, fee)
    pop.corridor[rows] = corridor
    pop.channel[rows] = channel
    pop.recruiter[rows] = recruiter
    pop.trained[rows] = False
    np.add.at(model.recruiters.placed, recruiter, ppa)
    model.metrics.add("recruitment_fees_paid_usd", corridor, channel, fee)
    return rows, corridor, recruiter


def admission_lottery(
    model: MigrationModel,
    corridor: np.ndarray,
    channel: Channel,
    destination_limit: np.ndarray | None = None,
    full: np.ndarray | None = None,
) -> np.ndarray:
    """Mask of the applicants (for ``corridor``, in array order) who get a place: the first
    ones up to the corridor's recruiter capacity this month in agents (people stochastically
    rounded: one uniform per corridor), then of those the first up to ``destination_limit``
    [destination] people (one uniform per destination). Reads the recruitment summary's
    ``capacity``; writes ``full`` [destination] where given: True where the destination's
    limit turned away someone the agencies could have taken.

    Why: places are rationed; shuffled beforehand, array order is a fair lottery."""
    rng, ppa = model.rng, model.people_per_agent
    capacity = stochastic_round(model.recruitment.capacity[:, channel] / ppa, rng)
    ok = admit_within_capacity(corridor, capacity)
    if destination_limit is not None:
        idx = np.flatnonzero(ok)
        dest = model.c_dest[corridor[idx]]
        ok[idx] = admit_within_capacity(dest, stochastic_round(destination_limit / ppa, rng))
        if full is not None:
            full[np.unique(dest[~ok[idx]])] = True
    return ok


def count_trips(model: MigrationModel, rows: np.ndarray, c: np.ndarray, channel: Channel) -> None:
    """Reads and writes ``trips`` of ``rows`` (departing on corridors ``c`` by ``channel``):
    those who had left before (``trips`` above 0) are counted in ``remigrations``; everyone's
    ``trips`` goes up by one. No draws.

    Why: re-migration of returnees is the circular part of the flows; it is counted apart
    inside the departures."""
    again = model.population.trips[rows] > 0
    model.metrics.add("remigrations", c[again], channel)
    model.population.trips[rows] += 1


def pay(model: MigrationModel, rows: np.ndarray, amount: np.ndarray) -> None:
    """Rows ``rows`` pay ``amount`` (USD each) from ``savings`` as far as they go and borrow
    the rest (``debt``)."""
    pop = model.population
    from_savings = np.minimum(pop.savings[rows], amount)
    pop.savings[rows] -= from_savings
    pop.debt[rows] += amount - from_savings


def recruiter_pools(model: MigrationModel, channel: Channel) -> tuple[np.ndarray, np.ndarray]:
    """The active recruiters of ``channel`` grouped by corridor: ``(rows, starts)``, where
    corridor ``c``'s pool is ``rows[starts[c]:starts[c + 1]]``, in ascending row order (a
    stable sort). No draws, nothing written.

    Why: one sort a month instead of a pass over every recruiter for each corridor."""
    rec = model.recruiters
    rows = np.flatnonzero((rec.channel == channel) & rec.active)
    rows = rows[np.argsort(rec.corridor[rows], kind="stable")]
    n_c = len(model.c_dest)
    starts = np.searchsorted(rec.corridor[rows], np.arange(n_c + 1))
    return rows, starts


def assign_recruiters(
    model: MigrationModel,
    corridor: np.ndarray,
    channel: Channel,
    pools: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """An active recruiter of the corridor and channel for each mover, chosen in proportion to
    capacity: one uniform per mover, drawn at once, taken by corridor in ascending order and
    by mover in array order within a corridor, each the inverse of its pool's cumulative
    capacity share (what ``rng.choice`` with ``p`` does, draw for draw). ``pools``: from
    :func:`recruiter_pools`, made here if not given. Writes nothing."""
    rec = model.recruiters
    rows, starts = recruiter_pools(model, channel) if pools is None else pools
    out = np.full(len(corridor), -1, np.int64)
    if len(corridor) == 0:
        return out
    u = model.rng.random(len(corridor))
    movers = np.argsort(corridor, kind="stable")
    counts = np.bincount(corridor, minlength=len(starts) - 1)
    first = 0
    for c in np.flatnonzero(counts):
        pool = rows[starts[c] : starts[c + 1]]
        capacity = rec.capacity[pool]
        if not capacity.sum() > 0:  # the lottery admits no one where there is no capacity
            raise ValueError(f"corridor {c}: {counts[c]} movers and no active recruiter capacity")
        cdf = (capacity / capacity.sum()).cumsum()
        cdf /= cdf[-1]
        last = first + counts[c]
        out[movers[first:last]] = pool[cdf.searchsorted(u[first:last], side="right")]
        first = last
    return out


def record_demand(
    model: MigrationModel,
    corridor: np.ndarray,
    channel: Channel,
    full: np.ndarray | None = None,
    pools: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Everyone who asked for a place (``corridor``) counts toward the fee pressure of the
    corridor's active recruiters of ``channel``, shared in proportion to capacity: writes
    their ``applications`` (people), and marks ``destination_full`` of every recruiter
    whose destination ``full`` [destination] says ran out of places. ``pools``: from
    :func:`recruiter_pools`, made here if not given. No draws."""
    rec = model.recruiters
    if full is not None and full.any():
        rec.destination_full |= full[model.c_dest[rec.corridor]] & (rec.channel == channel)
    rows, starts = recruiter_pools(model, channel) if pools is None else pools
    counts = np.bincount(corridor, minlength=len(model.c_dest)) * model.people_per_agent
    for c in np.flatnonzero(counts):
        pool = rows[starts[c] : starts[c + 1]]
        rec.applications[pool] += counts[c] * rec.capacity[pool] / rec.capacity[pool].sum()
