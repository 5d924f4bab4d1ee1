"""Monthly events of people on the move and abroad, for all of them at once.

In this order each month:

1. Waiting regular migrants count down their processing (paused during a deployment ban or
   border closure) and depart: they arrive employed with a regular contract, trained with the
   corridor's training coverage.
2. Irregular movers arrive after their crossing, unless intercepted at the border (border
   control, more during a closure) and sent back; arrivals find work with the destination's
   job-finding chance times the employers' willingness to hire irregular workers.
3. Employed migrants earn (regular: at least the migrant minimum wage; irregular: at a
   discount; exploited: with pay withheld), pay living costs, repay debt, remit at the
   corridor's cost and save; regular workers accrue social security. The unemployed live on
   savings.
4. Exploitation starts and ends; protection turns cases into complaints against the recruiter.
5. Regular contracts end: renewal, overstay (becoming irregular) or return; regular workers
   out of work past the grace period overstay or go home.
6. Detained people are deported; irregular people are arrested with the month's arrest
   probability.
7. Open amnesty windows register irregular people who are eligible (`amnesty_eligible_share`)
   and can pay the fee.
8. Voluntary returns (more for the unemployed and those over 50); returnees collect portable
   social security and may join a reintegration programme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.status import Legal, Status

from .decisions import border_interception_probability

if TYPE_CHECKING:
    from .model import MigrationModel

__all__ = ["abroad_events"]


def _go_home(model: MigrationModel, rows: np.ndarray) -> None:
    pop = model.population
    pop.status[rows] = Status.RETURNED
    pop.legal[rows] = Legal.NONE
    pop.exploited[rows] = False
    pop.timer[rows] = 0
    pop.contract_left[rows] = 0


def _to_regular_contract(model: MigrationModel, rows: np.ndarray) -> None:
    pop = model.population
    pop.legal[rows] = Legal.REGULAR
    pop.contract_left[rows] = model.lv.contract_months


def abroad_events(model: MigrationModel, month: int) -> None:
    pop, lv, pol, rng, mx = (model.population, model.lv, model.policy, model.rng, model.metrics)
    st = pop.status
    d_of = model.c_dest

    # 1. regular departures
    # everyone not at home; statuses change below but nobody joins this set this month
    away = np.flatnonzero((st >= Status.WAITING) & (st <= Status.DETAINED))
    # status and legal status of ``away`` (read again after the steps that change them; the
    # selections below each need the statuses as they stand when their step starts)
    s_away = st[away]
    waiting = away[s_away == Status.WAITING]
    transit = away[s_away == Status.IN_TRANSIT]  # step 1 makes nobody IN_TRANSIT
    c = pop.corridor[waiting]
    paused = pol.deployment_ban[c] | pol.border_closed[d_of[c]]
    pop.timer[waiting[~paused]] -= 1
    leave = waiting[~paused & (pop.timer[waiting] <= 0)]
    if len(leave):
        c = pop.corridor[leave]
        st[leave] = Status.EMPLOYED_REGULAR
        _to_regular_contract(model, leave)
        pop.trained[leave] = rng.random(len(leave)) < model.offer.training[c]
        pop.social_security[leave] = 0.0
        mx.add("departures", c, 0)
        mx.add("arrivals", c, 0)

    # 2. irregular arrivals
    pop.timer[transit] -= 1
    arrive = transit[pop.timer[transit] <= 0]
    if len(arrive):
        c = pop.corridor[arrive]
        d = d_of[c]
        stopped = rng.random(len(arrive)) < border_interception_probability(model, d)
        mx.add("border_interceptions", c[stopped], 1)
        _go_home(model, arrive[stopped])
        inside, c, d = arrive[~stopped], c[~stopped], d[~stopped]
        pop.legal[inside] = Legal.IRREGULAR
        pop.social_security[inside] = 0.0
        p_job = model.market.job_finding[d] * model.market.irregular_hiring[d]
        st[inside] = np.where(
            rng.random(len(inside)) < p_job, Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD
        )
        mx.add("arrivals", c, 1)

    # 3. earnings, living costs, repayment, remittances, savings
    # steps 3 and 4 change no status, and step 5 none before its selections; step 5 touches
    # no one detained
    s_away, l_away = st[away], pop.legal[away]
    employed = away[(s_away == Status.EMPLOYED_REGULAR) | (s_away == Status.EMPLOYED_IRREGULAR)]
    jobless = away[s_away == Status.UNEMPLOYED_ABROAD]
    present = away[(l_away != Legal.NONE) & (s_away != Status.DETAINED)]
    reg_emp = away[s_away == Status.EMPLOYED_REGULAR]
    reg_jobless = away[(s_away == Status.UNEMPLOYED_ABROAD) & (l_away == Legal.REGULAR)]
    detained = away[s_away == Status.DETAINED]
    c = pop.corridor[employed]
    d = d_of[c]
    regular = pop.legal[employed] == Legal.REGULAR
    base = np.where(
        regular,
        np.maximum(pol.market_wage[d], lv.migrant_minimum_wage_usd_per_month[d])
        * (1.0 + lv.training_wage_premium * pop.trained[employed]),
        pol.market_wage[d] * lv.irregular_wage_discount,
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
    channel = np.where(regular, 0, 1)
    mx.add("earnings_usd", c, channel, wage)
    mx.add("remittances_sent_usd", c, channel, sent)
    mx.add("remittance_cost_usd", c, channel, cost)
    mx.add("remittances_received_usd", c, channel, sent - cost)
    upkeep = 0.5 * lv.living_cost_share_abroad * pol.market_wage[d_of[pop.corridor[jobless]]]
    pop.savings[jobless] = np.maximum(pop.savings[jobless] - upkeep, 0.0)

    # 4. exploitation
    c = pop.corridor[present]
    d = d_of[c]
    legal = pop.legal[present]
    # people already abroad in 2010 came through no modelled recruiter: the channel's mean
    no_recruiter = np.where(
        legal == Legal.REGULAR, lv.agency_malpractice_mean, lv.broker_malpractice_mean
    )
    malpractice = np.where(
        pop.recruiter[present] >= 0,
        model.recruiters.malpractice[np.maximum(pop.recruiter[present], 0)],
        no_recruiter,
    )
    p = (
        np.where(
            legal == Legal.REGULAR, lv.exploitation_base_regular, lv.exploitation_base_irregular
        )
        * (1.0 + malpractice)
        * (1.0 - lv.protection_effectiveness * lv.protection_coverage[d])
        * np.where(pop.trained[present], 0.5, 1.0)
        * np.where(pop.female[present], lv.female_vulnerability, 1.0)
    )
    u = rng.random((2, len(present)))
    was = pop.exploited[present]
    new = present[~was & (u[0] < p)]
    if len(new):
        pop.exploited[new] = True
        pop.exploitation_count[new] += 1
        mx.add("exploitation_cases", pop.corridor[new], pop.legal[new] - 1)
        complain = new[
            (rng.random(len(new)) < lv.protection_coverage[d_of[pop.corridor[new]]])
            & (pop.recruiter[new] >= 0)
        ]
        np.add.at(model.recruiters.complaints, pop.recruiter[complain], model.people_per_agent)
    ends = present[was & (u[1] < lv.exploitation_exit_per_month + 0.5 * lv.protection_coverage[d])]
    pop.exploited[ends] = False

    # 5. contracts and permits of regular workers
    pop.contract_left[reg_emp] -= 1
    due = reg_emp[pop.contract_left[reg_emp] <= 0]
    pop.timer[reg_jobless] -= 1
    lapsed = reg_jobless[pop.timer[reg_jobless] <= 0]
    if len(due):
        renew = rng.random(len(due)) < lv.contract_renewal_probability
        pop.contract_left[due[renew]] = lv.contract_months
        due = due[~renew]
    ending = np.concatenate([due, lapsed])
    if len(ending):
        d = d_of[pop.corridor[ending]]
        p_stay = lv.overstay_probability * (1.0 - lv.social_security_portability[d])
        stay = rng.random(len(ending)) < p_stay
        over = ending[stay]
        pop.legal[over] = Legal.IRREGULAR
        st[over] = np.where(
            st[over] == Status.EMPLOYED_REGULAR, Status.EMPLOYED_IRREGULAR, Status.UNEMPLOYED_ABROAD
        )
        mx.add("overstays", pop.corridor[over], 1)
        leave = ending[~stay]
        _return(model, leave)

    # 6. deportations, then arrests
    pop.timer[detained] -= 1
    out = detained[pop.timer[detained] <= 0]
    if len(out):
        mx.add("deportations", pop.corridor[out], 1)
        _go_home(model, out)
    s_away, l_away = st[away], pop.legal[away]  # after overstays and deportations
    irregular = away[(l_away == Legal.IRREGULAR) & (s_away != Status.DETAINED)]
    p = pol.arrest_probability[d_of[pop.corridor[irregular]]]
    p = np.where(
        st[irregular] == Status.UNEMPLOYED_ABROAD,
        np.minimum(1.0, lv.unemployed_arrest_factor * p),
        p,
    )
    caught = irregular[rng.random(len(irregular)) < p]
    if len(caught):
        mx.add("arrests", pop.corridor[caught], 1)
        st[caught] = Status.DETAINED
        pop.exploited[caught] = False
        pop.timer[caught] = lv.detention_months
        now = caught[pop.timer[caught] <= 0]
        if len(now):
            mx.add("deportations", pop.corridor[now], 1)
            _go_home(model, now)

    # 7. amnesty and registration windows
    if pol.amnesty_open.any():
        # the irregular people of step 6 who were not arrested (nor deported at once)
        cand = irregular[
            (st[irregular] != Status.DETAINED) & (pop.legal[irregular] == Legal.IRREGULAR)
        ]
        d = d_of[pop.corridor[cand]]
        fee = lv.amnesty_fee_usd[d]
        ok = (
            pol.amnesty_open[d]
            & (pop.savings[cand] >= fee)
            & (rng.random(len(cand)) < lv.amnesty_monthly_takeup * lv.amnesty_eligible_share[d])
        )
        reg = cand[ok]
        if len(reg):
            pop.savings[reg] -= fee[ok]
            _to_regular_contract(model, reg)
            st[reg] = np.where(
                st[reg] == Status.EMPLOYED_IRREGULAR,
                Status.EMPLOYED_REGULAR,
                Status.UNEMPLOYED_ABROAD,
            )
            pop.timer[reg] = np.where(
                st[reg] == Status.UNEMPLOYED_ABROAD, lv.regular_grace_months, 0
            )
            pop.social_security[reg] = 0.0
            mx.add("registrations", pop.corridor[reg], 0)

    # 8. voluntary returns
    s_away = st[away]
    here = away[
        (s_away == Status.EMPLOYED_REGULAR)
        | (s_away == Status.EMPLOYED_IRREGULAR)
        | (s_away == Status.UNEMPLOYED_ABROAD)
    ]
    hazard = np.where(
        st[here] == Status.UNEMPLOYED_ABROAD,
        lv.unemployed_return_hazard_per_month,
        lv.return_hazard_per_month,
    )
    hazard = np.where(pop.age_months[here] >= 50 * 12, np.maximum(hazard, 0.1), hazard)
    _return(model, here[rng.random(len(here)) < hazard])


def _return(model: MigrationModel, rows: np.ndarray) -> None:
    """Voluntary return (contract end or own choice): counted by legal status."""
    if len(rows) == 0:
        return
    pop, lv = model.population, model.lv
    c = pop.corridor[rows]
    model.metrics.add("returns", c, pop.legal[rows] - 1)
    d = model.c_dest[c]
    regular = pop.legal[rows] == Legal.REGULAR
    pop.savings[rows] += np.where(
        regular, pop.social_security[rows] * lv.social_security_portability[d], 0.0
    )
    pop.social_security[rows] = 0.0
    o = pop.origin[rows]
    reached = model.rng.random(len(rows)) < lv.reintegration_programme_coverage[o]
    pop.reintegration_left[rows[reached]] = lv.reintegration_months
    _go_home(model, rows)
