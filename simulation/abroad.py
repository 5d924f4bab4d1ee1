"""Monthly events of people on the move and abroad, for all of them at once.

In this order each month (one named sub-step each, called by :func:`abroad_events`):

1. :func:`regular_departures`: waiting regular migrants count down their processing (paused
   during a deployment ban or border closure) and depart: they arrive employed with a regular
   contract, trained with the corridor's training coverage.
2. :func:`irregular_arrivals`: irregular movers arrive after their crossing, unless
   intercepted at the border (border control, more during a closure) and sent back; arrivals
   find work with the destination's job-finding chance times the employers' willingness to
   hire irregular workers. Departures of people who left before are counted as
   re-migrations (:func:`count_trips`); the corridor's ``seasonal_share`` of arrivals come
   for a season (:func:`seasonal_stays`, no draws while no corridor has one).
3. :func:`earn_and_spend` and :func:`jobless_upkeep`: employed migrants earn (regular: at
   least the migrant minimum wage; irregular: at a discount; exploited: with pay withheld),
   pay living costs, repay debt, remit at the corridor's cost and save; regular workers accrue
   social security. The unemployed live on savings.
4. :func:`exploitation`: exploitation starts and ends; protection turns cases into complaints
   against the recruiter. :func:`employer_changes`: regular workers who leave the employer
   named on their permit (taken on elsewhere after a layoff, out of an exploitative job, a job
   move of their own) become irregular where the permit is tied to that employer or their
   documents are held (off, with no draws, while ``permit_employer_tie`` and
   ``documents_held_share`` are 0).
5. :func:`permits_ending` and :func:`overstay_or_return`: regular contracts end: renewal if
   the employer keeps the worker and the worker has the documents, the fee and the time
   (:func:`renewal_failures`), otherwise overstay (becoming irregular: by overstay, or by
   lapse when the renewal the employer wanted failed) or return; regular workers out of work
   past the grace period overstay or go home. Before the renewal, those who planned a fixed
   stay go home at the end of their contract (:func:`planned_returns`, off with no draws
   while ``planned_return_share`` is 0).
6. :func:`deportations` then :func:`arrests`: detained people are deported; irregular people
   are arrested with the month's arrest probability.
7. :func:`amnesty_verification` then :func:`amnesty_registration`: earlier registrants whose
   verification is due are verified within the month's capacity (legalised, or lapsing back
   to irregular status when it fails, the fee is not paid or the deadline passes); then open
   amnesty windows register irregular people who come forward (:func:`amnesty_takeup`), are
   eligible (``amnesty_eligible_share``) and can pay the fee: regular at once without a
   verification step, else pending (still irregular, not arrested, not leaving); those who
   come forward but cannot be legalised go home where the window has a return track.
   Verification is off, with no draws, while ``amnesty_verification_months`` is 0.
8. :func:`season_ends` (only while some corridor has a ``seasonal_share``): seasonal and
   cross-border movers whose season is over go home. :func:`voluntary_returns`: voluntary
   returns (more for the unemployed and those over 50);
   returnees collect portable social security and may join a reintegration programme
   (:func:`return_home`).

Who takes part in each sub-step is selected from the statuses as they stand when that step
starts (:class:`AbroadGroups` for steps 3 to 6, taken once after step 2: steps 3 and 4 change
no status but :func:`employer_changes`, which returns who is still regular and employed for
step 5; step 5 changes none before its own selections and touches no one detained).
Every move into irregular status is counted by its cause: ``irregular_by_entry`` (step 2),
``irregular_by_employer_change`` (step 4), ``irregular_by_overstay`` and
``irregular_by_lapse`` (step 5); the last three add up to ``overstays``.
Random numbers are drawn in this order, step by step, so results are reproducible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel, Legal, Status, channel_of_legal

from .decisions import border_interception_probability, count_trips, home_income, pay
from .formulas import (
    irregular_wage,
    monthly_exploitation_hazard,
    protection_factor,
    regular_wage,
    training_exploitation_factor,
)

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import BoolArray, FloatArray, LeverArrays

__all__ = [
    "AbroadGroups",
    "PermitEnds",
    "abroad_events",
    "amnesty_lapse",
    "amnesty_registration",
    "amnesty_takeup",
    "amnesty_verification",
    "arrests",
    "deportations",
    "earn_and_spend",
    "employer_changes",
    "employer_keep_probability",
    "exploitation",
    "irregular_arrivals",
    "jobless_upkeep",
    "leaving_makes_irregular",
    "legalise",
    "market_tightness",
    "overstay_or_return",
    "permits_ending",
    "planned_returns",
    "programme_returns",
    "regular_departures",
    "renewal_failures",
    "return_home",
    "season_ends",
    "seasonal_stays",
    "verification_failures",
    "verification_queue",
    "voluntary_returns",
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
    regular_departures(model, waiting)
    irregular_arrivals(model, transit)
    groups = AbroadGroups.of(model, away)
    earn_and_spend(model, groups.employed)
    jobless_upkeep(model, groups.jobless)
    exits = exploitation(model, groups.present)
    regular_employed = employer_changes(model, groups.regular_employed, exits)
    overstay_or_return(model, permits_ending(model, regular_employed, groups.regular_jobless))
    deportations(model, groups.detained)
    irregular = arrests(model, away)
    if model.lv.amnesty_verification_months.any():
        amnesty_verification(model, away)
    if model.policy.amnesty_open.any():
        amnesty_registration(model, irregular)
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
        """Reads ``status`` and ``legal`` of the rows ``away``."""
        pop = model.population
        s_away, l_away = pop.status[away], pop.legal[away]
        return cls(
            employed=away[
                (s_away == Status.EMPLOYED_REGULAR) | (s_away == Status.EMPLOYED_IRREGULAR)
            ],
            jobless=away[s_away == Status.UNEMPLOYED_ABROAD],
            present=away[(l_away != Legal.NONE) & (s_away != Status.DETAINED)],
            regular_employed=away[s_away == Status.EMPLOYED_REGULAR],
            regular_jobless=away[(s_away == Status.UNEMPLOYED_ABROAD) & (l_away == Legal.REGULAR)],
            detained=away[s_away == Status.DETAINED],
        )


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


def regular_departures(model: MigrationModel, waiting: np.ndarray) -> None:
    """Step 1. Reads ``corridor`` and ``timer`` of the ``waiting`` rows and this month's
    deployment bans and border closures; writes ``timer`` (one month less, unless paused) and,
    for those whose processing is over, ``status`` (employed regular), a regular contract,
    ``trained`` (with the corridor's training coverage: one uniform per departure) and
    ``social_security`` (zero). Counts ``departures`` and ``arrivals`` (regular), then
    :func:`count_trips` and :func:`seasonal_stays`.

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


def irregular_arrivals(model: MigrationModel, transit: np.ndarray) -> None:
    """Step 2. Reads ``corridor`` and ``timer`` of the ``transit`` rows; writes ``timer`` (one
    month less). Those whose crossing is over are intercepted with the border's interception
    probability (one uniform each; counted in ``border_interceptions``, sent home) or get in:
    ``legal`` irregular, ``social_security`` zero, ``status`` employed irregular with the
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
    go_home(model, arrive[stopped])
    inside, c, d = arrive[~stopped], c[~stopped], d[~stopped]
    pop.legal[inside] = Legal.IRREGULAR
    pop.social_security[inside] = 0.0
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
    debt, then ``remittance_share`` of what is left is sent home at the corridor's cost."""
    pop, lv, pol, mx = model.population, model.lv, model.policy, model.metrics
    c = pop.corridor[employed]
    d = model.c_dest[c]
    regular = pop.legal[employed] == Legal.REGULAR
    base = np.where(
        regular,
        regular_wage(
            pol.market_wage[d],
            lv.migrant_minimum_wage_usd_per_month[d],
            lv.training_wage_premium,
            pop.trained[employed],
        ),
        irregular_wage(pol.market_wage[d], lv.irregular_wage_discount),
    )
    wage = base * np.where(pop.skilled[employed], model.skill_multiplier_dest[d], 1.0)
    wage *= np.where(pop.exploited[employed], 1.0 - lv.exploitation_wage_loss, 1.0)
    net = wage * (1.0 - lv.living_cost_share_abroad)
    repay = np.minimum(pop.debt[employed], net * lv.debt_repayment_share)
    pop.debt[employed] -= repay
    sent = (net - repay) * lv.remittance_share
    cost = sent * lv.remittance_cost_pct[c] / 100.0
    pop.savings[employed] += net - repay - sent
    pop.social_security[employed[regular]] += wage[regular] * lv.social_security_contribution_share
    channel = np.where(regular, Channel.REGULAR, Channel.IRREGULAR)
    mx.add("earnings_usd", c, channel, wage)
    mx.add("remittances_sent_usd", c, channel, sent)
    mx.add("remittance_cost_usd", c, channel, cost)
    mx.add("remittances_received_usd", c, channel, sent - cost)


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
    c = pop.corridor[present]
    d = model.c_dest[c]
    legal = pop.legal[present]
    no_recruiter = np.where(
        legal == Legal.REGULAR, lv.agency_malpractice_mean, lv.broker_malpractice_mean
    )
    malpractice = np.where(
        pop.recruiter[present] >= 0,
        model.recruiters.malpractice[np.maximum(pop.recruiter[present], 0)],
        no_recruiter,
    )
    p = monthly_exploitation_hazard(
        np.where(
            legal == Legal.REGULAR, lv.exploitation_base_regular, lv.exploitation_base_irregular
        ),
        malpractice,
        training_exploitation_factor(pop.trained[present]),
        protection_factor(lv.protection_effectiveness, lv.protection_coverage[d]),
        np.where(pop.female[present], lv.female_vulnerability, 1.0),
    )
    u = rng.random((2, len(present)))
    was = pop.exploited[present]
    new = present[~was & (u[0] < p)]
    if len(new):
        pop.exploited[new] = True
        pop.exploitation_count[new] += 1
        model.metrics.add("exploitation_cases", pop.corridor[new], channel_of_legal(pop.legal[new]))
        complain = new[
            (rng.random(len(new)) < lv.protection_coverage[model.c_dest[pop.corridor[new]]])
            & (pop.recruiter[new] >= 0)
        ]
        np.add.at(model.recruiters.complaints, pop.recruiter[complain], model.people_per_agent)
    ends = present[was & (u[1] < lv.exploitation_exit_per_month + 0.5 * lv.protection_coverage[d])]
    pop.exploited[ends] = False
    return ends


def leaving_makes_irregular(lv: LeverArrays) -> FloatArray:
    """[destination] Chance that a regular worker who leaves the employer named on the permit
    becomes irregular: certain if the documents are held (``documents_held_share`` less what
    ``document_retention_ban_enforcement`` removes), else ``permit_employer_tie``. No state, no
    draws.

    Why: a tied permit is void away from its employer; a worker whose passport the employer or
    broker keeps cannot transfer or show a permit at all."""
    held = lv.documents_held_share * (1.0 - lv.document_retention_ban_enforcement)
    return held + (1.0 - held) * lv.permit_employer_tie


def employer_changes(
    model: MigrationModel, regular_employed: np.ndarray, exploitation_exits: np.ndarray
) -> np.ndarray:
    """Step 4, second half. Of the rows ``regular_employed``, those who left the employer named
    on their permit this month become irregular, each time with
    :func:`leaving_makes_irregular` of the destination. A worker leaves an employer when taken
    on by another after a layoff (regular, employed, ``timer`` still counting the grace
    period: :func:`~simulation.markets.hire_unemployed` keeps it), at the end of an exploitation
    case (``exploitation_exits``) and by a job move of their own
    (``voluntary_job_change_per_month``). One uniform for each row whose chance is above 0,
    and none at all while the chance is 0 everywhere (then nothing is read or written).
    Writes ``legal`` (irregular), ``status`` (employed irregular), ``contract_left`` and
    ``timer`` (0) of those who become irregular, ``timer`` (0) of the others taken on after a
    layoff; counts ``overstays`` and ``irregular_by_employer_change``. Returns the rows still
    regular, for :func:`permits_ending`.

    Why: where a permit names the employer, changing employer is a main road into
    irregularity; documents held by employers or brokers close the legal way out."""
    p_irr = leaving_makes_irregular(model.lv)
    if not p_irr.any() or len(regular_employed) == 0:
        return regular_employed
    pop, lv = model.population, model.lv
    p = p_irr[model.c_dest[pop.corridor[regular_employed]]]
    rehired = pop.timer[regular_employed] > 0
    exited = np.zeros(len(pop), bool)
    exited[exploitation_exits] = True
    leaves = rehired.astype(np.int64) + exited[regular_employed]
    p_change = 1.0 - (1.0 - p) ** leaves * (1.0 - lv.voluntary_job_change_per_month * p)
    cand = np.flatnonzero(p_change > 0)
    hit = cand[model.rng.random(len(cand)) < p_change[cand]]
    pop.timer[regular_employed[rehired]] = 0
    gone = regular_employed[hit]
    if len(gone):
        pop.legal[gone] = Legal.IRREGULAR
        pop.status[gone] = Status.EMPLOYED_IRREGULAR
        pop.contract_left[gone] = 0
        c = pop.corridor[gone]
        model.metrics.add("overstays", c, Channel.IRREGULAR)
        model.metrics.add("irregular_by_employer_change", c, Channel.IRREGULAR)
    keep = np.ones(len(regular_employed), bool)
    keep[hit] = False
    return regular_employed[keep]


# ---- 5: contracts and permits ---------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PermitEnds:
    """Rows whose regular permit ends this month, and why (for :func:`overstay_or_return`)."""

    rows: np.ndarray
    lapse: np.ndarray
    """[row] True where the employer wanted to renew but the renewal failed (documents, fee,
    processing); False where it was not renewed (or the grace period ran out)."""

    def __len__(self) -> int:
        return len(self.rows)


def permits_ending(
    model: MigrationModel, regular_employed: np.ndarray, regular_jobless: np.ndarray
) -> PermitEnds:
    """Step 5, first half. Reads and writes ``contract_left`` of ``regular_employed`` (one
    month less) and ``timer`` of ``regular_jobless`` (the grace period, one month less). At
    the end of a contract those who planned a fixed stay go home (:func:`planned_returns`, only
    while ``planned_return_share`` is above 0); for the others the employer keeps the worker
    with :func:`employer_keep_probability`
    (one uniform per ending contract); a kept worker renews (``contract_left`` back to
    ``contract_months``) unless :func:`renewal_failures` stops it. Returns the permits that
    end: contracts not renewed, renewals that failed (``lapse``), then grace periods over.

    Why: a regular permit lasts as long as the contract, or the grace period after a job is
    lost; keeping it takes an employer who wants the worker, documents, money and time."""
    pop, lv = model.population, model.lv
    pop.contract_left[regular_employed] -= 1
    due = regular_employed[pop.contract_left[regular_employed] <= 0]
    pop.timer[regular_jobless] -= 1
    lapsed = regular_jobless[pop.timer[regular_jobless] <= 0]
    failed = due[:0]
    if len(due) and lv.planned_return_share:
        due = planned_returns(model, due)
    if len(due):
        keep = model.rng.random(len(due)) < employer_keep_probability(model, due)
        kept = due[keep]
        fails = renewal_failures(model, kept)
        failed = kept[fails]
        pop.contract_left[kept[~fails]] = lv.contract_months
        due = due[~keep]
    rows = np.concatenate([due, failed, lapsed])
    lapse = np.zeros(len(rows), bool)
    lapse[len(due) : len(due) + len(failed)] = True
    return PermitEnds(rows, lapse)


def planned_returns(model: MigrationModel, due: np.ndarray) -> np.ndarray:
    """Of the rows ``due`` (a regular contract ends this month), ``planned_return_share`` go
    home as they planned (one uniform each): counted in ``planned_returns`` and sent home by
    :func:`return_home` (so also in ``returns``, regular row). Returns the rest, whose
    contract goes on to the employer's renewal decision.

    Why: many contract workers go for a fixed stay (a sum to save, a family reason, the
    contract sold to them) and go home when it ends rather than renewing or staying on."""
    home = model.rng.random(len(due)) < model.lv.planned_return_share
    back = due[home]
    if len(back):
        model.metrics.add("planned_returns", model.population.corridor[back], Channel.REGULAR)
        return_home(model, back)
    return due[~home]


def market_tightness(model: MigrationModel) -> FloatArray:
    """[destination] How tight this month's labour market is: the share of demand left
    unfilled (``vacancy_rate``) less the share of job-seekers who find no job
    (1 - ``job_finding``), from -1 (slack) to 1 (tight). Reads ``model.market``; no draws."""
    return model.market.vacancy_rate - (1.0 - model.market.job_finding)


def employer_keep_probability(model: MigrationModel, due: np.ndarray) -> float | FloatArray:
    """Chance that the employer of each of the rows ``due`` (a contract ends) wants to keep
    the worker: ``contract_renewal_probability``, plus ``renewal_keep_market_slope`` x the
    destination's :func:`market_tightness`, clipped to 0-1 (the bare renewal probability,
    a number, while the slope is 0). No draws.

    Why: an employer renews a worker it needs; in a slack market fewer are kept."""
    lv = model.lv
    if lv.renewal_keep_market_slope == 0:
        return lv.contract_renewal_probability
    tight = market_tightness(model)[model.c_dest[model.population.corridor[due]]]
    return np.clip(lv.contract_renewal_probability + lv.renewal_keep_market_slope * tight, 0, 1)


def renewal_failures(model: MigrationModel, kept: np.ndarray) -> BoolArray:
    """[row of ``kept``] Whose renewal fails although the employer keeps them, in this order:
    documents held (``documents_held_share`` less the ban's enforcement: one uniform each,
    drawn only where some are held); the fee (``permit_renewal_fee_usd``) neither covered
    by ``savings`` nor borrowable (the borrowing limit of ``borrowing_limit_months_of_income``
    x home income, less ``debt``; no draws); then, for those who paid (from ``savings``, the
    rest borrowed into ``debt``), the old permit lapsing while the renewal is processed:
    ``1 - (1 - renewal_lapse_per_processing_month) ^ permit_renewal_processing_months`` (one
    uniform each, drawn only where processing takes time). Nothing is read, written or drawn
    while these levers are 0.

    Why: a renewal needs the worker's documents, money and time; each can make a worker the
    employer wanted to keep irregular."""
    pop, lv = model.population, model.lv
    fails = np.zeros(len(kept), bool)
    d = model.c_dest[pop.corridor[kept]]
    held = lv.documents_held_share * (1.0 - lv.document_retention_ban_enforcement)
    if held.any():
        fails |= model.rng.random(len(kept)) < held[d]
    fee = lv.permit_renewal_fee_usd[d]
    if fee.any():
        room = lv.borrowing_limit_months_of_income * home_income(model, kept, model.month)
        fails |= pop.savings[kept] + np.maximum(room - pop.debt[kept], 0.0) < fee
        pay(model, kept[~fails], fee[~fails])
    months = lv.permit_renewal_processing_months[d]
    if months.any():
        p_lapse = 1.0 - (1.0 - lv.renewal_lapse_per_processing_month) ** months
        paid = np.flatnonzero(~fails)
        fails[paid[model.rng.random(len(paid)) < p_lapse[paid]]] = True
    return fails


def overstay_or_return(model: MigrationModel, ends: PermitEnds) -> None:
    """Step 5, second half. Of the rows of ``ends`` (a permit ends), some overstay with
    ``overstay_probability`` x (1 - the destination's social security portability) (one
    uniform each): ``legal`` irregular, ``status`` employed irregular if employed, else
    unemployed abroad (counted in ``overstays``, and by cause in ``irregular_by_lapse`` where
    a renewal failed, in ``irregular_by_overstay`` otherwise); the others go home
    (:func:`return_home`).

    Why: without a permit a worker either stays on irregularly or goes home; contributions
    that would be lost by staying make going home more attractive."""
    if len(ends) == 0:
        return
    ending = ends.rows
    pop, lv, st = model.population, model.lv, model.population.status
    d = model.c_dest[pop.corridor[ending]]
    p_stay = lv.overstay_probability * (1.0 - lv.social_security_portability[d])
    stay = model.rng.random(len(ending)) < p_stay
    over = ending[stay]
    pop.legal[over] = Legal.IRREGULAR
    st[over] = np.where(
        st[over] == Status.EMPLOYED_REGULAR, Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD
    )
    c = pop.corridor[over]
    lapse = ends.lapse[stay]
    model.metrics.add("overstays", c, Channel.IRREGULAR)
    model.metrics.add("irregular_by_overstay", c[~lapse], Channel.IRREGULAR)
    model.metrics.add("irregular_by_lapse", c[lapse], Channel.IRREGULAR)
    return_home(model, ending[~stay])


# ---- 6: deportations and arrests ------------------------------------------------------------
def deportations(model: MigrationModel, detained: np.ndarray) -> None:
    """Step 6, first half. Reads and writes ``timer`` of ``detained`` (one month less); those
    whose detention is over are deported: counted in ``deportations`` and sent home. No random
    draws.

    Why: detention lasts ``detention_months`` before deportation."""
    pop = model.population
    pop.timer[detained] -= 1
    out = detained[pop.timer[detained] <= 0]
    if len(out):
        model.metrics.add("deportations", pop.corridor[out], Channel.IRREGULAR)
        go_home(model, out)


def arrests(model: MigrationModel, away: np.ndarray) -> np.ndarray:
    """Step 6, second half. Reads ``status``, ``legal``, ``corridor`` of ``away`` (after the
    overstays and deportations); an irregular person not detained is arrested with the
    destination's arrest probability this month (``unemployed_arrest_factor`` times it if
    unemployed; one uniform each): ``status`` detained, ``exploited`` cleared, ``timer``
    ``detention_months`` (deported at once if that is zero). Counts ``arrests``. Returns the
    irregular people who could be arrested (arrested or not), for the amnesty. Registrants
    pending verification (``amnesty_wait`` above 0) are irregular but not arrested.

    Why: enforcement catches irregular workers; those without a job are easier to catch; a
    registrant holds a document (a registration card) that protects them while verified."""
    pop, lv, mx, st = model.population, model.lv, model.metrics, model.population.status
    s_away, l_away = st[away], pop.legal[away]
    irregular = away[
        (l_away == Legal.IRREGULAR) & (s_away != Status.DETAINED) & (pop.amnesty_wait[away] == 0)
    ]
    p = model.policy.arrest_probability[model.c_dest[pop.corridor[irregular]]]
    p = np.where(
        st[irregular] == Status.UNEMPLOYED_ABROAD,
        np.minimum(1.0, lv.unemployed_arrest_factor * p),
        p,
    )
    caught = irregular[model.rng.random(len(irregular)) < p]
    if len(caught):
        mx.add("arrests", pop.corridor[caught], Channel.IRREGULAR)
        st[caught] = Status.DETAINED
        pop.exploited[caught] = False
        pop.timer[caught] = lv.detention_months
        now = caught[pop.timer[caught] <= 0]
        if len(now):
            mx.add("deportations", pop.corridor[now], Channel.IRREGULAR)
            go_home(model, now)
    return irregular


# ---- 7: amnesty -----------------------------------------------------------------------------
def amnesty_takeup(model: MigrationModel, cand: np.ndarray, d: np.ndarray) -> float | FloatArray:
    """[row of ``cand``, in destinations ``d``] Monthly chance of coming forward in an open
    window: ``amnesty_monthly_takeup`` x exp(``amnesty_takeup_threat_sensitivity`` x
    ``amnesty_enforcement_threat`` + ``amnesty_takeup_information_sensitivity`` x
    ``amnesty_information_coverage`` - ``amnesty_takeup_time_sensitivity`` x
    ``amnesty_verification_months`` - ``amnesty_takeup_fee_sensitivity`` x (registration +
    verification fee) / monthly market wage + ``amnesty_takeup_need_sensitivity`` x
    :func:`market_tightness`, the last for the employed only), at most 1. The bare
    ``amnesty_monthly_takeup``, a number, while every sensitivity is 0. No draws.

    Why: people come forward when the threat of staying out is loud, when they know of the
    window, when it is cheap and quick, and when an employer needs them enough to sponsor
    them; not at a constant rate."""
    lv = model.lv
    s_threat, s_info = (
        lv.amnesty_takeup_threat_sensitivity,
        lv.amnesty_takeup_information_sensitivity,
    )
    s_time, s_fee = lv.amnesty_takeup_time_sensitivity, lv.amnesty_takeup_fee_sensitivity
    s_need = lv.amnesty_takeup_need_sensitivity
    if not (s_threat or s_info or s_time or s_fee or s_need):
        return lv.amnesty_monthly_takeup
    fees = lv.amnesty_fee_usd + lv.amnesty_verification_fee_usd
    per_dest = (
        s_threat * lv.amnesty_enforcement_threat
        + s_info * lv.amnesty_information_coverage
        - s_time * lv.amnesty_verification_months
        - s_fee * fees / np.maximum(model.policy.market_wage, 1.0)
    )
    x = per_dest[d]
    if s_need:
        employed = model.population.status[cand] == Status.EMPLOYED_IRREGULAR
        x = x + s_need * market_tightness(model)[d] * employed
    return np.minimum(1.0, lv.amnesty_monthly_takeup * np.exp(x))


def amnesty_registration(model: MigrationModel, irregular: np.ndarray) -> None:
    """Step 7, second half. Of the rows ``irregular`` (those who could be arrested in step 6:
    not pending), the ones still irregular and not detained in a destination whose amnesty
    window is open come forward with :func:`amnesty_takeup` (one uniform each). Those below
    that chance x ``amnesty_eligible_share`` (the same uniform), from an origin eligible
    there (``amnesty_origin_eligible`` of the corridor; not read while every corridor is) and
    whose ``savings`` cover ``amnesty_fee_usd`` register: ``savings`` less the fee, counted in
    ``amnesty_registrants``; they are legalised at once (:func:`legalise`) where
    ``amnesty_verification_months`` is 0, else pending (``amnesty_wait`` 1). Where the window
    has a return track (``amnesty_return_track``), those who came forward but are not
    eligible or cannot pay go home through it (:func:`programme_returns`).

    Why: a registration window is cheap and broad; legal status may wait for verification;
    a programme with a return track sends home without penalty those it cannot legalise."""
    pop, lv, pol, st = model.population, model.lv, model.policy, model.population.status
    cand = irregular[(st[irregular] != Status.DETAINED) & (pop.legal[irregular] == Legal.IRREGULAR)]
    d = model.c_dest[pop.corridor[cand]]
    fee = lv.amnesty_fee_usd[d]
    p_forward = amnesty_takeup(model, cand, d)
    u = model.rng.random(len(cand))
    ok = (
        pol.amnesty_open[d]
        & (pop.savings[cand] >= fee)
        & (u < p_forward * lv.amnesty_eligible_share[d])
    )
    if not lv.amnesty_origin_eligible.all():
        ok &= lv.amnesty_origin_eligible[pop.corridor[cand]]
    if lv.amnesty_return_track.any():
        back = pol.amnesty_open[d] & lv.amnesty_return_track[d] & (u < p_forward) & ~ok
        programme_returns(model, cand[back])
    reg = cand[ok]
    if len(reg) == 0:
        return
    pop.savings[reg] -= fee[ok]
    model.metrics.add("amnesty_registrants", pop.corridor[reg], Channel.IRREGULAR)
    now = lv.amnesty_verification_months[d[ok]] == 0
    legalise(model, reg[now])
    pop.amnesty_wait[reg[~now]] = 1


def legalise(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``legal`` (regular) and ``contract_left`` (a regular contract), ``status``
    (employed irregular becomes employed regular; the unemployed stay unemployed with the grace
    period ``regular_grace_months`` in ``timer``), ``social_security`` (zero) and
    ``amnesty_wait`` (0) of ``rows``. Counts ``registrations`` (regular). No draws.

    Why: a registrant who is legalised gets a work permit like a regular arrival's."""
    if len(rows) == 0:
        return
    pop, lv, st = model.population, model.lv, model.population.status
    to_regular_contract(model, rows)
    st[rows] = np.where(
        st[rows] == Status.EMPLOYED_IRREGULAR, Status.EMPLOYED_REGULAR, Status.UNEMPLOYED_ABROAD
    )
    pop.timer[rows] = np.where(st[rows] == Status.UNEMPLOYED_ABROAD, lv.regular_grace_months, 0)
    pop.social_security[rows] = 0.0
    pop.amnesty_wait[rows] = 0
    model.metrics.add("registrations", pop.corridor[rows], Channel.REGULAR)


def programme_returns(model: MigrationModel, rows: np.ndarray) -> None:
    """Counts ``amnesty_returns`` (irregular) of ``rows`` and sends them home with
    :func:`return_home` (so they are also in ``returns``, irregular row).

    Why: repatriation without penalty is a voluntary return, counted apart so that a
    programme's return track can be told from other returns."""
    if len(rows):
        model.metrics.add("amnesty_returns", model.population.corridor[rows], Channel.IRREGULAR)
        return_home(model, rows)


def amnesty_verification(model: MigrationModel, away: np.ndarray) -> None:
    """Step 7, first half. Of the rows ``away``, the registrants pending verification
    (``amnesty_wait`` above 0) whose processing time is over (``amnesty_wait`` at least
    ``amnesty_verification_months``) are verified within the month's capacity
    (:func:`verification_queue`); of those, the ones who fail (:func:`verification_failures`)
    lapse, the others are legalised (:func:`legalise`). Of the ones not verified, those whose
    wait has reached ``amnesty_verification_deadline_months`` lapse (:func:`amnesty_lapse`),
    the others wait a month more (``amnesty_wait`` + 1). Reads ``amnesty_wait``,
    ``corridor``; draws only in :func:`verification_failures`.

    Why: nationality verification, biometrics and employer sponsorship take months and
    administrative capacity; a registrant not verified in time falls back into irregularity."""
    pop, lv = model.population, model.lv
    pending = away[pop.amnesty_wait[away] > 0]
    if len(pending) == 0:
        return
    d = model.c_dest[pop.corridor[pending]]
    wait = pop.amnesty_wait[pending]
    served = verification_queue(model, d, wait, wait >= lv.amnesty_verification_months[d])
    verified = pending[served]
    fails = verification_failures(model, verified)
    legalise(model, verified[~fails])
    late = ~served & (wait >= lv.amnesty_verification_deadline_months[d])
    amnesty_lapse(model, np.concatenate([verified[fails], pending[late]]))
    pop.amnesty_wait[pending[~served & ~late]] += 1


def verification_queue(
    model: MigrationModel, d: np.ndarray, wait: np.ndarray, ready: BoolArray
) -> BoolArray:
    """[row] Which of the ``ready`` registrants (in destinations ``d``, waiting ``wait``
    months) are verified this month: at most ``amnesty_verification_capacity_per_month`` /
    ``people_per_agent`` (rounded down) per destination, those waiting longest first (ties in
    row order). No draws, nothing written.

    Why: a verification programme processes a limited number of people a month; a queue
    forms when more registrants are due."""
    cap = np.floor(model.lv.amnesty_verification_capacity_per_month / model.people_per_agent)
    idx = np.flatnonzero(ready)
    if (np.bincount(d[idx], minlength=len(cap)) <= cap).all():
        return ready
    order = idx[np.lexsort((-wait[idx].astype(np.int64), d[idx]))]
    dd = d[order]
    rank = np.arange(len(order)) - np.searchsorted(dd, dd, side="left")
    served = ready.copy()
    served[order[rank >= cap[dd]]] = False
    return served


def verification_failures(model: MigrationModel, verified: np.ndarray) -> BoolArray:
    """[row of ``verified``] Whose verification fails: the verification fee
    (``amnesty_verification_fee_usd``) not covered by ``savings`` (no draws; those who can pay
    do so from ``savings``), then, of those who paid, ``amnesty_verification_failure_share``
    (one uniform each, drawn only where that share is above 0 somewhere).

    Why: verification costs money and the origin's officials or the employer may not confirm
    a registrant."""
    pop, lv = model.population, model.lv
    d = model.c_dest[pop.corridor[verified]]
    fee = lv.amnesty_verification_fee_usd[d]
    fails = pop.savings[verified] < fee
    pop.savings[verified[~fails]] -= fee[~fails]
    if lv.amnesty_verification_failure_share.any():
        paid = np.flatnonzero(~fails)
        p = lv.amnesty_verification_failure_share[d[paid]]
        fails[paid[model.rng.random(len(paid)) < p]] = True
    return fails


def amnesty_lapse(model: MigrationModel, rows: np.ndarray) -> None:
    """Writes ``amnesty_wait`` (0) of ``rows`` and counts ``amnesty_lapses`` (irregular): the
    registrants are plainly irregular again (arrested like anyone, free to register again in
    an open window). No draws.

    Why: a registration that is not turned into legal status in time leaves the worker where
    they were."""
    if len(rows):
        model.population.amnesty_wait[rows] = 0
        model.metrics.add("amnesty_lapses", model.population.corridor[rows], Channel.IRREGULAR)


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
    s_away = st[away]
    here = away[
        (s_away == Status.EMPLOYED_REGULAR)
        | (s_away == Status.EMPLOYED_IRREGULAR)
        | (s_away == Status.UNEMPLOYED_ABROAD)
    ]
    if model.lv.amnesty_verification_months.any():
        here = here[pop.amnesty_wait[here] == 0]  # registrants wait for their verification
    hazard = np.where(
        st[here] == Status.UNEMPLOYED_ABROAD,
        lv.unemployed_return_hazard_per_month,
        lv.return_hazard_per_month,
    )
    hazard = np.where(
        pop.age_months[here] >= OLD_AGE_MONTHS,
        np.maximum(hazard, OLD_AGE_RETURN_HAZARD),
        hazard,
    )
    return_home(model, here[model.rng.random(len(here)) < hazard])
