"""Monthly events of people on the move and abroad, for all of them at once.

In this order each month (one named sub-step each, called by :func:`abroad_events`):

1. :func:`regular_departures`: waiting regular migrants count down their processing (paused
   during a deployment ban or border closure) and depart: they arrive employed with a regular
   contract, trained with the corridor's training coverage.
2. :func:`irregular_arrivals`: irregular movers arrive after their crossing, unless
   intercepted at the border (border control, more during a closure) and sent back
   (:func:`~simulation.moves.send_back`: home, or straight back across where the
   destination's ``reentry_after_forced_return`` is above 0); arrivals
   find work with the destination's job-finding chance times the employers' willingness to
   hire irregular workers. Departures of people who left before are counted as
   re-migrations (:func:`count_trips`); the corridor's ``seasonal_share`` of arrivals come
   for a season (:func:`seasonal_stays`, no draws while no corridor has one).
3. Everyone on a work permit in the destination counts one more month on permits
   (``stay_months``). :func:`earn_and_spend` and :func:`jobless_upkeep`: employed migrants
   earn (regular: at least the migrant minimum wage; irregular: at a discount; exploited:
   with pay withheld), pay living costs, repay debt, remit at the corridor's cost and save;
   regular workers accrue social security. The unemployed live on savings.
4. :func:`exploitation`: exploitation starts and ends; protection turns cases into complaints
   against the recruiter. :func:`employer_changes`: regular workers who leave the employer
   named on their permit (taken on elsewhere after a layoff, out of an exploitative job, a job
   move of their own) become irregular where the permit is tied to that employer or their
   documents are held (off, with no draws, while ``permit_employer_tie`` and
   ``documents_held_share`` are 0).
5. :func:`permits_ending` and :func:`overstay_or_return`: regular contracts end (and cannot
   be renewed past the destination's longest stay, :func:`stay_limits`): renewal if
   the employer keeps the worker and the worker has the fee and the time
   (:func:`renewal_failures`), otherwise overstay (becoming irregular: by overstay, or by
   lapse when the renewal the employer wanted failed) or return; regular workers out of work
   past the grace period overstay or go home. Before the renewal, those who planned a fixed
   stay go home at the end of their contract (:func:`planned_returns`, off with no draws
   while ``planned_return_share`` is 0).
6. :func:`deportations` then :func:`arrests`: detained people are deported (sent back as
   the intercepted are); irregular people are arrested with the month's arrest probability,
   as many as the destination's depots have places for (:func:`within_detention_places`,
   off with no draws while ``detention_places`` is 0 everywhere).
7. :func:`amnesty_verification` then :func:`amnesty_registration`: earlier registrants whose
   verification is due are verified within the month's capacity (legalised, or lapsing back
   to irregular status when it fails, the fee is not paid or the deadline passes); then open
   amnesty windows register irregular people who come forward (:func:`amnesty_takeup`), are
   eligible (``amnesty_eligible_share``) and can pay the fee: regular at once without a
   verification step, else pending (still irregular, not arrested, not leaving); those who
   come forward but cannot be legalised go home where the window has a return track.
   Verification is off, with no draws, while ``amnesty_verification_months`` is 0. Last,
   :func:`return_programme` (only where a return-only programme is open): irregular people
   who come forward and can pay its fee go home through it; nobody is legalised.
8. :func:`season_ends` (only while some corridor has a ``seasonal_share``): seasonal and
   cross-border movers whose season is over go home. :func:`voluntary_returns`: voluntary
   returns (more for the unemployed and those over 50);
   returnees collect portable social security and may join a reintegration programme
   (:func:`return_home`).

Who takes part in each sub-step is selected from the statuses as they stand when that step
starts (:class:`AbroadGroups` for steps 3 to 6, taken once after step 2: steps 3 and 4 change
no status but :func:`employer_changes` and, when Japan is in the run, its interns'
absconding and programme ends, which return who is still regular and employed for step 5;
step 5 changes none before its own selections and touches no one detained).
Every move into irregular status is counted by its cause: ``irregular_by_entry`` (step 2),
``irregular_by_employer_change`` (step 4), ``irregular_by_overstay`` and
``irregular_by_lapse`` (step 5); these three, with ``absconding`` when Japan is in the run,
add up to ``overstays``.
Random numbers are drawn in this order, step by step, so results are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status, channel_of_legal

from .abroad_rows import abroad_groups_rows, arrest_candidates, return_candidates
from .admissions import count_trips
from .decisions import border_interception_probability
from .earnings import MONEY_FLOWS, earn_and_spend_rows, wage_table
from .exploitation import exploitation_rows
from .formulas import protection_factor, training_exploitation_factor
from .japan import absconding, programme_ends, start_stays
from .moves import return_home, send_back, to_regular_contract
from .permits import (
    employer_changes,
    overstay_or_return,
    permits_ending,
)
from .regularisation import (
    amnesty_registration,
    amnesty_verification,
    return_programme,
)

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = [
    "AbroadGroups",
    "abroad_events",
    "arrests",
    "deport",
    "deportations",
    "earn_and_spend",
    "exploitation",
    "irregular_arrivals",
    "jobless_upkeep",
    "regular_departures",
    "removed_now",
    "season_ends",
    "seasonal_stays",
    "voluntary_returns",
    "within_detention_places",
]

OLD_AGE_MONTHS = 50 * 12
OLD_AGE_RETURN_HAZARD = 0.1
"""From 50 a person abroad goes home with at least this monthly probability."""


def abroad_events(model: MigrationModel, month: int) -> None:
    """The month's events of everyone waiting, crossing or abroad (steps 1-8 of the module
    doc), in order."""
    st = model.population.status
    # everyone not at home; statuses change below but nobody joins this set this month
    away = np.flatnonzero((st >= Status.WAITING) & (st <= Status.DETAINED))
    s_away = st[away]
    waiting = away[s_away == Status.WAITING]
    transit = away[s_away == Status.IN_TRANSIT]  # step 1 makes nobody IN_TRANSIT
    departed = regular_departures(model, waiting)
    if model.japan.on:
        start_stays(model, departed)  # Japan's programmes: fixed terms
    irregular_arrivals(model, transit)
    groups = AbroadGroups.of(model, away)
    on_permit = groups.present[model.population.legal[groups.present] == Legal.REGULAR]
    model.population.stay_months[on_permit] += 1
    earn_and_spend(model, groups.employed)
    jobless_upkeep(model, groups.jobless)
    exits = exploitation(model, groups.present)
    regular_employed = employer_changes(model, groups.regular_employed, exits)
    if model.japan.on:  # trainees abscond; programme terms end unrenewed
        regular_employed = programme_ends(model, absconding(model, regular_employed))
    overstay_or_return(model, permits_ending(model, regular_employed, groups.regular_jobless))
    deportations(model, groups.detained)
    irregular = arrests(model, away)
    if model.lv.amnesty_verification_months.any():
        amnesty_verification(model, away)
    if model.policy.amnesty_open.any():
        amnesty_registration(model, irregular)
    if model.policy.return_programme_open.any():
        return_programme(model, irregular)
    if model.lv.seasonal_share.any():
        season_ends(model, away)
    voluntary_returns(model, away)


@dataclass(frozen=True, slots=True)
class AbroadGroups:
    """Rows of the people abroad by status, as they stand after the arrivals (step 2)."""

    employed: np.ndarray  # employed, regular or irregular
    jobless: np.ndarray  # unemployed abroad, regular or irregular
    present: np.ndarray  # in a destination and not detained
    regular_employed: np.ndarray
    regular_jobless: np.ndarray  # unemployed with a regular permit (in the grace period)
    detained: np.ndarray

    @classmethod
    def of(cls, model: MigrationModel, away: np.ndarray) -> AbroadGroups:
        """Reads ``status`` and ``legal`` of the rows ``away`` (one compiled pass:
        :func:`~simulation.abroad_rows.abroad_groups_rows`)."""
        pop = model.population
        return cls(*abroad_groups_rows(away, pop.status, pop.legal))


# ---- 1-2: departures and arrivals -----------------------------------------------------------
def seasonal_stays(model: MigrationModel, rows: np.ndarray, c: np.ndarray) -> None:
    """Of the arrivals ``rows`` (on corridors ``c``), ``seasonal_share`` of the corridor stay a
    season: ``season_left`` ``season_length_months``; the others' ``season_left`` is 0 (one
    uniform each). Nothing read, written or drawn while ``seasonal_share`` is 0 everywhere.

    Why: seasonal and cross-border commuters (border passes, seasonal schemes) come for a
    season and go home when it ends."""
    share = model.lv.seasonal_share
    if not share.any() or len(rows) == 0:
        return
    seasonal = model.rng.random(len(rows)) < share[c]
    model.population.season_left[rows] = np.where(seasonal, model.lv.season_length_months, 0)


def regular_departures(model: MigrationModel, waiting: np.ndarray) -> np.ndarray:
    """Step 1. Reads ``corridor`` and ``timer`` of the ``waiting`` rows and this month's
    deployment bans and border closures; writes ``timer`` (one month less, unless paused) and,
    for those whose processing is over, ``status`` (employed regular), a regular contract,
    ``trained`` (with the corridor's training coverage: one uniform per departure) and
    ``social_security`` (zero). Counts ``departures`` and ``arrivals`` (regular), then
    :func:`count_trips` and :func:`seasonal_stays`. Returns the rows that departed.

    Why: a regular placement leaves when the agency's processing time has passed; a ban or a
    closure holds the queue where it is."""
    pop, pol = model.population, model.policy
    c = pop.corridor[waiting]
    paused = pol.deployment_ban[c] | pol.border_closed[model.c_dest[c]]
    pop.timer[waiting[~paused]] -= 1
    leave = waiting[~paused & (pop.timer[waiting] <= 0)]
    if len(leave):
        c = pop.corridor[leave]
        pop.status[leave] = Status.EMPLOYED_REGULAR
        to_regular_contract(model, leave)
        pop.trained[leave] = model.rng.random(len(leave)) < model.offer.training[c]
        pop.social_security[leave] = 0.0
        model.metrics.add("departures", c, Channel.REGULAR)
        model.metrics.add("arrivals", c, Channel.REGULAR)
        count_trips(model, leave, c, Channel.REGULAR)
        seasonal_stays(model, leave, c)
    return leave


def irregular_arrivals(model: MigrationModel, transit: np.ndarray) -> None:
    """Step 2. Reads ``corridor`` and ``timer`` of the ``transit`` rows; writes ``timer`` (one
    month less). Those whose crossing is over are intercepted with the border's interception
    probability (one uniform each; counted in ``border_interceptions``, sent back by
    :func:`~simulation.moves.send_back`) or get in:
    ``legal`` irregular, ``social_security`` zero, ``irregular_entry_month`` this month,
    ``status`` employed irregular with the
    destination's job-finding chance x irregular hiring (one uniform each) or unemployed
    abroad. Counts ``arrivals`` and ``irregular_by_entry`` (irregular); then
    :func:`seasonal_stays` of those who got in.

    Why: a crossing takes the corridor's transit time; border control stops some; an irregular
    newcomer looks for work like anyone abroad, with employers less willing to hire them."""
    pop, rng, mx, d_of = model.population, model.rng, model.metrics, model.c_dest
    pop.timer[transit] -= 1
    arrive = transit[pop.timer[transit] <= 0]
    if len(arrive) == 0:
        return
    c = pop.corridor[arrive]
    d = d_of[c]
    stopped = rng.random(len(arrive)) < border_interception_probability(model, d)
    mx.add("border_interceptions", c[stopped], Channel.IRREGULAR)
    send_back(model, arrive[stopped])
    inside, c, d = arrive[~stopped], c[~stopped], d[~stopped]
    pop.legal[inside] = Legal.IRREGULAR
    pop.social_security[inside] = 0.0
    pop.irregular_entry_month[inside] = model.month
    p_job = model.market.job_finding[d] * model.market.irregular_hiring[d]
    pop.status[inside] = np.where(
        rng.random(len(inside)) < p_job, Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD
    )
    mx.add("arrivals", c, Channel.IRREGULAR)
    mx.add("irregular_by_entry", c, Channel.IRREGULAR)
    seasonal_stays(model, inside, c)


# ---- 3: earnings and spending ---------------------------------------------------------------
def earn_and_spend(model: MigrationModel, employed: np.ndarray) -> None:
    """Step 3, the employed. Reads ``corridor``, ``legal``, ``trained``, ``skilled``,
    ``exploited``, ``debt`` of ``employed`` and this month's market wages; writes ``debt``
    (repaid), ``savings`` (what is neither spent, repaid nor sent) and ``social_security``
    (regular: contributions on the wage). Counts earnings, remittances sent, their cost and
    remittances received, by channel. No random draws.

    Why: the wage rule is the one workers expect (:func:`~simulation.formulas.regular_wage`,
    :func:`~simulation.formulas.irregular_wage`), times the destination's skill multiplier for
    the skilled, less ``exploitation_wage_loss`` while exploited. Of the wage,
    ``living_cost_share_abroad`` is spent, then ``debt_repayment_share`` of the rest repays
    debt, then ``remittance_share`` of what is left is sent home at the corridor's cost.
    One compiled pass over the employed (:mod:`simulation.earnings`)."""
    pop, lv, pol, mx = model.population, model.lv, model.policy, model.metrics
    wages = wage_table(
        pol.market_wage,
        lv.migrant_minimum_wage_usd_per_month,
        lv.training_wage_premium,
        lv.irregular_wage_discount,
        model.skill_multiplier_dest,
        lv.exploitation_wage_loss,
    )
    sums = np.zeros((len(MONEY_FLOWS), mx.n_cells))
    earn_and_spend_rows(
        employed,
        pop.corridor,
        pop.legal,
        pop.trained,
        pop.skilled,
        pop.exploited,
        model.c_dest,
        wages,
        lv.living_cost_share_abroad,
        lv.debt_repayment_share,
        lv.remittance_share,
        lv.remittance_cost_pct,
        lv.social_security_contribution_share,
        pop.debt,
        pop.savings,
        pop.social_security,
        sums,
    )
    for measure, cell_sums in zip(MONEY_FLOWS, sums, strict=True):
        mx.add_sums(measure, cell_sums)


def jobless_upkeep(model: MigrationModel, jobless: np.ndarray) -> None:
    """Step 3, the unemployed abroad. Reads ``corridor`` and ``savings`` of ``jobless``;
    writes ``savings``, less half the living cost of an employed worker on the market wage
    (never below zero). No random draws.

    Why: people out of work abroad live on their savings."""
    pop, lv, pol = model.population, model.lv, model.policy
    upkeep = (
        0.5 * lv.living_cost_share_abroad * pol.market_wage[model.c_dest[pop.corridor[jobless]]]
    )
    pop.savings[jobless] = np.maximum(pop.savings[jobless] - upkeep, 0.0)


# ---- 4: exploitation ------------------------------------------------------------------------
def exploitation(model: MigrationModel, present: np.ndarray) -> np.ndarray:
    """Step 4. Reads ``corridor``, ``legal``, ``recruiter``, ``trained``, ``female``,
    ``exploited`` of ``present`` (in a destination, not detained) and the recruiters'
    malpractice; writes ``exploited`` (starts and ends) and ``exploitation_count``, and adds
    complaints to the recruiters of new cases that protection reaches. Draws two uniforms per
    person (start, end), then one per new case (complaint). Counts ``exploitation_cases``.
    Returns the rows whose case ended this month (they left the exploitative job, for
    :func:`employer_changes`).

    Why: exploitation starts with the hazard workers weigh when they choose
    (:func:`~simulation.formulas.monthly_exploitation_hazard`: the channel's base hazard,
    raised by the recruiter's malpractice, halved by training, reduced by protection, raised
    for women by ``female_vulnerability``). People already abroad in 2010 came through no
    modelled recruiter and carry the channel's mean malpractice. A case ends with
    ``exploitation_exit_per_month`` plus half the destination's protection coverage."""
    pop, lv, rng = model.population, model.lv, model.rng
    u = rng.random((2, len(present)))
    starts = np.empty(len(present), dtype=bool)
    ends = np.empty(len(present), dtype=bool)
    exploitation_rows(
        present,
        pop.corridor,
        pop.legal,
        pop.recruiter,
        pop.trained,
        pop.female,
        pop.exploited,
        model.c_dest,
        model.recruiters.malpractice,
        np.array([lv.broker_malpractice_mean, lv.agency_malpractice_mean]),
        np.array([lv.exploitation_base_irregular, lv.exploitation_base_regular]),
        training_exploitation_factor(np.array([False, True])),
        protection_factor(lv.protection_effectiveness, lv.protection_coverage),
        np.array([1.0, lv.female_vulnerability]),
        lv.exploitation_exit_per_month + 0.5 * lv.protection_coverage,
        u[0],
        u[1],
        starts,
        ends,
    )
    new = present[starts]
    if len(new):
        pop.exploited[new] = True
        pop.exploitation_count[new] += 1
        model.metrics.add("exploitation_cases", pop.corridor[new], channel_of_legal(pop.legal[new]))
        complain = new[
            (rng.random(len(new)) < lv.protection_coverage[model.c_dest[pop.corridor[new]]])
            & (pop.recruiter[new] >= 0)
        ]
        np.add.at(model.recruiters.complaints, pop.recruiter[complain], model.people_per_agent)
    ended = present[ends]
    pop.exploited[ended] = False
    return ended


# ---- 6: deportations and arrests ------------------------------------------------------------
def deportations(model: MigrationModel, detained: np.ndarray) -> None:
    """Step 6, first half. Reads and writes ``timer`` of ``detained`` (one month less); those
    whose detention is over are deported (:func:`deport`). No random draws but the
    re-entry's (and, during a border closure that slows removals, :func:`removed_now`'s).

    Why: detention lasts ``detention_months`` before deportation."""
    pop = model.population
    pop.timer[detained] -= 1
    deport(model, detained[pop.timer[detained] <= 0])


def deport(model: MigrationModel, due: np.ndarray) -> None:
    """The detainees ``due`` for deportation whom :func:`removed_now` lets go this month are
    counted in ``deportations`` and sent back (:func:`~simulation.moves.send_back`); the
    others stay detained with ``timer`` 0, due again next month."""
    if len(due) == 0:
        return
    pop = model.population
    out = removed_now(model, due)
    if len(out) < len(due):
        pop.timer[due] = 0  # the held ones wait at 0; the removed ones leave detention below
    if len(out):
        model.metrics.add("deportations", pop.corridor[out], Channel.IRREGULAR)
        send_back(model, out)


def removed_now(model: MigrationModel, due: np.ndarray) -> np.ndarray:
    """Of the detainees ``due`` for deportation (rows, in order), those removed this month:
    all of them, except where their destination's border is closed and its
    ``border_closure_removal_factor`` is below 1, where each is removed with that factor
    (one uniform per detainee due in such a destination; none drawn otherwise).

    Why: deportation needs a flight or a crossing; when a pandemic closes borders, removals
    slow and detainees wait in the depots: Malaysia's depots "were congested during the
    Covid-19 pandemic as the government could not repatriate the migrants" (the Home
    Minister, Free Malaysia Today, 6 December 2024), while some deportations went on by
    charter flight (IOM, Global Detention Project, 26 May 2020)."""
    slowing = model.policy.border_closed & (model.lv.border_closure_removal_factor < 1.0)
    if not slowing.any():  # per destination: nothing read per detainee in ordinary months
        return due
    d = model.c_dest[model.population.corridor[due]]
    factor = np.where(slowing[d], model.lv.border_closure_removal_factor[d], 1.0)
    slowed = slowing[d]
    if not slowed.any():
        return due
    keep = np.ones(len(due), bool)
    keep[slowed] = model.rng.random(int(slowed.sum())) < factor[slowed]
    return due[keep]


def arrests(model: MigrationModel, away: np.ndarray) -> np.ndarray:
    """Step 6, second half. Reads ``status``, ``legal``, ``corridor`` and
    ``irregular_entry_month`` of ``away`` (after the overstays and deportations); an
    irregular person not detained is arrested with the destination's arrest probability this
    month, or, if they crossed irregularly in the last ``border_area_months`` months (the
    month of arrival included), with the chance of that or of the corridor's
    ``border_area_arrest_probability`` (``unemployed_arrest_factor`` times it if
    unemployed; one uniform each): ``status`` detained, ``exploited`` cleared, ``timer``
    ``detention_months`` (deported at once if that is zero), as many as the depots have
    places for (:func:`within_detention_places`). Counts ``arrests``. Returns the
    irregular people who could be arrested (arrested or not), for the amnesty. Registrants
    pending verification (``amnesty_wait`` above 0) are irregular but not arrested.

    Why: enforcement catches irregular workers; checkpoints and raids in the border
    provinces catch recent crossers before they move inland; those without a job are easier
    to catch; a registrant holds a document (a registration card) that protects them while
    verified."""
    pop, lv, mx, st = model.population, model.lv, model.metrics, model.population.status
    irregular, p = arrest_candidates(
        away,
        st,
        pop.legal,
        pop.amnesty_wait,
        pop.corridor,
        model.c_dest,
        model.policy.arrest_probability,
        lv.unemployed_arrest_factor,
        pop.irregular_entry_month,
        lv.border_area_arrest_probability,
        model.month - lv.border_area_months,
    )
    caught = irregular[model.rng.random(len(irregular)) < p]
    if len(caught) and lv.detention_places.any():
        caught = within_detention_places(model, away, caught)
    if len(caught):
        mx.add("arrests", pop.corridor[caught], Channel.IRREGULAR)
        st[caught] = Status.DETAINED
        pop.exploited[caught] = False
        pop.timer[caught] = lv.detention_months
        deport(model, caught[pop.timer[caught] <= 0])
    return irregular


def within_detention_places(
    model: MigrationModel, away: np.ndarray, caught: np.ndarray
) -> np.ndarray:
    """Of the people ``caught`` this month (rows, in order), those the depots have room for.
    In a destination whose ``detention_places`` is above 0, the places in agents are
    ``floor(detention_places / people_per_agent)``, less everyone of ``away`` detained there
    now (after this month's deportations, the held ones included); if more are caught there
    than places are free, a uniformly random subset of that many (one permutation of that
    destination's caught, drawn only then) is kept, and the others are not arrested: they
    stay as they are, irregular, are not counted in ``arrests`` and are counted in
    ``arrests_without_place`` (so a comparison of depot sizes shows the catches that found no
    place; one who stays irregular can be caught, and counted, again in a later month, so a
    total over months is not the arrests the places prevented). Elsewhere, and while there
    is room, everyone caught is kept and nothing is drawn.

    Why: detention before deportation needs a place in a depot. While removals stall behind a
    closed border, detainees wait and the depots fill: Malaysia's "were congested during the
    Covid-19 pandemic as the government could not repatriate the migrants" and held 20,750
    places in 25 depots, temporary ones included, in September 2024 (the Home Minister, Free
    Malaysia Today, 6 December 2024); from 26 May 2020 no new detention orders were issued
    (IOM via the Global Detention Project). Without a limit, at stage 27's point, one run's
    depots in Malaysia held 34,000 by December 2020 (ODD 7.7 item 6)."""
    pop, places = model.population, model.lv.detention_places
    d_caught = model.c_dest[pop.corridor[caught]]
    limited = places[d_caught] > 0
    if not limited.any():
        return caught
    held = away[pop.status[away] == Status.DETAINED]
    n_d = len(places)
    in_depots = np.bincount(model.c_dest[pop.corridor[held]], minlength=n_d)
    free = np.maximum(0, np.floor(places / model.people_per_agent).astype(np.int64) - in_depots)
    keep = np.ones(len(caught), bool)
    for d in np.unique(d_caught[limited]):
        rows = np.flatnonzero(d_caught == d)
        if len(rows) > free[d]:
            keep[rows[model.rng.permutation(len(rows))[free[d] :]]] = False
    turned_away = caught[~keep]
    model.metrics.add("arrests_without_place", pop.corridor[turned_away], Channel.IRREGULAR)
    return caught[keep]


# ---- 8: voluntary returns -------------------------------------------------------------------
def season_ends(model: MigrationModel, away: np.ndarray) -> None:
    """Step 8, first part. Of the rows ``away``, those on a seasonal stay (``season_left``
    above 0) who are employed or unemployed abroad count a month down; those whose season is
    over go home: counted in ``seasonal_returns`` by legal status and sent home by
    :func:`return_home` (so also in ``returns``; ``season_left`` becomes -1). Registrants
    pending verification wait for it. No draws of its own (:func:`return_home` draws the
    reintegration programme). Called only while some corridor has seasonal stays.

    Why: a seasonal or cross-border stay ends with the season or the pass."""
    pop, st = model.population, model.population.status
    s_away = away[pop.season_left[away] > 0]
    here = s_away[
        (
            (st[s_away] == Status.EMPLOYED_REGULAR)
            | (st[s_away] == Status.EMPLOYED_IRREGULAR)
            | (st[s_away] == Status.UNEMPLOYED_ABROAD)
        )
        & (pop.amnesty_wait[s_away] == 0)
    ]
    pop.season_left[here] -= 1
    over = here[pop.season_left[here] <= 0]
    if len(over):
        model.metrics.add("seasonal_returns", pop.corridor[over], channel_of_legal(pop.legal[over]))
        pop.season_left[over] = -1
        return_home(model, over)


def voluntary_returns(model: MigrationModel, away: np.ndarray) -> None:
    """Step 8. Reads ``status`` and ``age_months`` of ``away``; everyone employed or unemployed
    abroad goes home with ``return_hazard_per_month`` (``unemployed_return_hazard_per_month``
    if unemployed; at least ``OLD_AGE_RETURN_HAZARD`` from age 50; one uniform each):
    :func:`return_home`.

    Registrants pending verification do not go home (they wait for the outcome).

    Why: people go home of their own accord, sooner without a job or when older."""
    pop, lv, st = model.population, model.lv, model.population.status
    here, hazard = return_candidates(
        away,
        st,
        pop.amnesty_wait,
        bool(lv.amnesty_verification_months.any()),  # registrants wait for their verification
        pop.age_months,
        lv.return_hazard_per_month,
        lv.unemployed_return_hazard_per_month,
        OLD_AGE_MONTHS,
        OLD_AGE_RETURN_HAZARD,
    )
    return_home(model, here[model.rng.random(len(here)) < hazard])
