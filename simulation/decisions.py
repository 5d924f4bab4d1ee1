"""Workers at home weigh migrating: who decides this month and the nested-logit choice.

Who weighs migrating this month: a share ``decision_rate_per_month`` of the people at home
aged 18-49, raised during a push shock and, where jobs abroad go unfilled, by
``vacancy_recruitment_pull`` times the origin's unfilled-vacancy rate (employers short of
workers send agencies and brokers into the villages: the demand pull beyond full employment,
which expected earnings cannot give once everyone abroad has a job). Returnees weigh it
``returnee_decision_factor`` times as often, those back from a seasonal stay
``seasonal_decision_factor`` times more (off by default: 1, and no seasonal stays).

For each worker who weighs migrating this month, every destination x channel of its origin
gets a utility (the utility of staying is ``stay_constant``)::

    V = b_gap  * log(expected earnings abroad / income at home)
      - b_cost * upfront cost / monthly income at home
      - b_wait * expected months before departure (processing + queue)
      - b_arrest * perceived yearly arrest risk (irregular channel; x the corridor's weight)
      - b_expl * perceived yearly exploitation risk (x female vulnerability)
      + b_net  * log(1 + ties x share of the origin's people already there)
      + channel constant (irregular preference; regular complexity unless informed)
      + corridor constant (what the model does not represent; calibrated)
      + for people who migrated before: remigration utility (experience), known employer
        (regular channel of the corridor a regular returnee came back from), b_debt x debt /
        monthly income at home (every term 0 by default)

Expected earnings are wage x employment rate (Harris-Todaro) x the chance of getting through
the border (irregular: an intercepted crossing is sent back, the broker paid), net of
remittance costs on the share sent home, plus portable social security on the regular
channel. An alternative is infeasible if its channel is closed (deployment ban, border
closure, quota used up, no active recruiter) or its cost exceeds savings plus the borrowing
limit (plus, on the regular channel, the origin's ``contract_loan_share`` of the cost,
borrowed against the contract). Workers reached by information campaigns perceive the true
risks; others perceive ``risk_misperception`` of them.

Those who choose to move apply; :mod:`simulation.admissions` rations the places.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from agents.status import Channel

from .admissions import admit_irregular, admit_regular
from .choice_loop import origin_choices
from .decider_rows import decision_candidates
from .formulas import (
    irregular_wage,
    monthly_exploitation_hazard,
    protection_factor,
    regular_wage,
    training_exploitation_factor,
    yearly_arrest_risk,
    yearly_from_monthly,
)
from .home_income import home_income_rows
from .population import MAX_DECISION_AGE_MONTHS, MIN_AGE_MONTHS

if TYPE_CHECKING:
    from .model import MigrationModel
    from .policy import LeverArrays

__all__ = [
    "CorridorOffer",
    "border_interception_probability",
    "choice_probabilities",
    "choose_alternatives",
    "corridor_offer",
    "decide_and_move",
    "decision_chances",
    "decision_rates",
    "draw_deciders",
    "expected_earnings",
    "group_utilities",
    "home_income",
    "home_income_table",
    "movers_in_random_order",
    "returnee_utility",
    "shock_utility",
    "vacancy_pull",
]

JAPAN = "JPN"


@dataclass
class CorridorOffer:
    """What each corridor x channel offers this month (arrays over corridors)."""

    wage: np.ndarray  # [corridor, channel] low-skill monthly wage, USD
    skill_multiplier: np.ndarray  # [corridor]
    employment: np.ndarray  # [corridor, channel] job chance x chance of getting through
    remit_factor: np.ndarray  # [corridor] share of earnings kept after remittance costs
    social_security: np.ndarray  # [corridor] portable social security, share of wage
    cost: np.ndarray  # [corridor, channel] USD
    loan: np.ndarray  # [corridor, channel] USD borrowable against the contract (regular only)
    wait: np.ndarray  # [corridor, channel] months
    arrest_risk: np.ndarray  # [corridor] yearly, irregular
    exploitation_risk: np.ndarray  # [corridor, channel] yearly
    open: np.ndarray  # [corridor, channel] bool
    training: np.ndarray  # [corridor] pre-departure training coverage
    official_fee: np.ndarray  # [corridor]
    shock_utility: np.ndarray | None = None  # [corridor, channel] shocks' term; None: no shock


def home_income_table(model: MigrationModel, month: int) -> np.ndarray:
    """This month's income at home (USD) by ``origin x 2 + skilled`` (flat), before a
    reintegration programme's boost: the origin's home wage (times
    ``skilled_home_wage_multiplier`` for the skilled; times the origin's
    ``push_shock_home_income_factor`` during a push shock)."""
    lv = model.lv
    table = (
        model.schedules.home_wage[:, month][:, None]
        * np.array([1.0, lv.skilled_home_wage_multiplier])[None, :]
    )
    table = np.where(
        model.policy.push_shock[:, None], table * lv.push_shock_home_income_factor[:, None], table
    )
    return table.reshape(-1)


def home_income(model: MigrationModel, rows: np.ndarray, month: int) -> np.ndarray:
    """Monthly income at home (USD) of the given workers this month: their entry of
    :func:`home_income_table`, times ``1 + reintegration_income_boost`` while in a
    reintegration programme (:func:`~simulation.home_income.income_row`)."""
    pop, lv = model.population, model.lv
    return home_income_rows(
        rows,
        pop.origin,
        pop.skilled,
        pop.reintegration_left,
        home_income_table(model, month),
        1.0 + lv.reintegration_income_boost,
    )


def border_interception_probability(model: MigrationModel, destination: np.ndarray) -> np.ndarray:
    """Chance an irregular crossing into each given destination is stopped at the border:
    border control x ``border_interception_max``; during a border closure only
    ``border_closure_crossing_factor`` of the crossings that would pass get through."""
    lv, closed = model.lv, model.policy.border_closed[destination]
    p = lv.border_control[destination] * lv.border_interception_max
    return np.where(closed, 1.0 - (1.0 - p) * lv.border_closure_crossing_factor[destination], p)


def corridor_offer(model: MigrationModel) -> CorridorOffer:
    """What each corridor x channel offers this month (ODD 7.4): the wages of the wage rule
    the realised events use, at the corridor's training coverage (raised on ASEAN-Japan
    corridors by ``asean_japan_training_cooperation``, which also cuts official fees); the
    employment rate x the chance of getting through the border; yearly arrest and
    exploitation risks from the monthly ones; costs, waits and which channels are open; the
    term this month's shocks add to each alternative's utility
    (:func:`shock_utility`). Reads the policy, the market, the recruitment
    summary, the shock schedule and ``model.lv``; no draws."""
    lv, pol, rec, mk = model.lv, model.policy, model.recruitment, model.market
    d, o = model.c_dest, model.c_origin
    n_c = len(d)
    training = lv.predeparture_training_coverage[o].copy()
    official = lv.regular_official_fee_usd.copy()
    japan = model.c_is_japan
    training[japan] = np.maximum(training[japan], lv.asean_japan_training_cooperation)
    official[japan] *= 1.0 - 0.5 * lv.asean_japan_training_cooperation
    # the wage rule and the exploitation hazard of the realised events (simulation/abroad.py),
    # at the corridor's training coverage
    wage = np.stack(
        [
            regular_wage(
                pol.market_wage[d],
                lv.migrant_minimum_wage_usd_per_month[d],
                lv.training_wage_premium,
                training,
            ),
            irregular_wage(pol.market_wage[d], lv.irregular_wage_discount),
        ],
        axis=1,
    )
    interception = border_interception_probability(model, d)
    arrest_year = yearly_arrest_risk(
        pol.arrest_probability[d],
        lv.border_area_arrest_probability,
        lv.border_area_months,
        lv.border_area_risk_weight,
    )
    # an intercepted crossing is sent back with the broker paid, not jailed: the chance of
    # getting through scales the irregular earnings expected, as the chance of a job does
    employment = mk.employment_rate[d] * np.stack([np.ones(n_c), 1.0 - interception], axis=1)
    protection = protection_factor(lv.protection_effectiveness, lv.protection_coverage[d])
    expl_month = monthly_exploitation_hazard(
        np.array([lv.exploitation_base_regular, lv.exploitation_base_irregular])[None, :],
        rec.malpractice,
        np.stack([training_exploitation_factor(training), np.ones(n_c)], axis=1),
        protection[:, None],
    )
    queue = np.divide(
        rec.waiting_people, rec.capacity[:, 0], out=np.zeros(n_c), where=rec.capacity[:, 0] > 0
    )
    regular_open = (
        ~pol.deployment_ban
        & ~pol.border_closed[d]
        & (pol.quota_remaining[d] > 0)
        & (rec.capacity[:, 0] > 0)
        & (mk.job_orders[d] > 0)
    )
    irregular_open = model.c_has_irregular & (rec.capacity[:, 1] > 0)
    regular_cost = rec.fee[:, 0] + official  # USD: the recruiter's fee and the state's
    return CorridorOffer(
        wage=wage,
        skill_multiplier=model.skill_multiplier_dest[d],
        employment=employment,
        remit_factor=1.0 - lv.remittance_share * lv.remittance_cost_pct / 100.0,
        social_security=lv.social_security_contribution_share * lv.social_security_portability[d],
        cost=np.stack([regular_cost, rec.fee[:, 1]], axis=1),
        loan=np.stack([lv.contract_loan_share[model.c_origin] * regular_cost, np.zeros(n_c)], 1),
        wait=np.stack([lv.regular_processing_months + queue, model.c_transit], axis=1),
        arrest_risk=arrest_year,
        exploitation_risk=yearly_from_monthly(expl_month),
        open=np.stack([regular_open, irregular_open], axis=1),
        training=training,
        official_fee=official,
        shock_utility=shock_utility(model, model.month),
    )


def shock_utility(model: MigrationModel, month: int) -> np.ndarray | None:
    """[corridor, channel] What this month's shocks add to the utility of each alternative
    (ODD 7.5), or None when no shock is on (then the decision is exactly as without shocks):
    minus ``beta_arrest_risk`` x the corridor's ``corridor_arrest_risk_weight`` x the scare's
    risk in the destination (x ``scare_regular_response`` on the regular channel), minus
    ``beta_shock_risk`` x the pandemic's risk there, plus ``beta_shock_risk`` x the coup's
    risk in the origin (staying is riskier: the same as lowering the utility of staying). No
    draws.

    Why: an announced crackdown or an epidemic makes a destination look dangerous; a coup makes
    home look dangerous."""
    sch, lv = model.shocks, model.lv
    if month >= len(sch.deciding) or not sch.deciding[month]:
        return None
    d, o = model.c_dest, model.c_origin
    by_channel = np.array([lv.scare_regular_response, 1.0])
    weight = lv.beta_arrest_risk * lv.corridor_arrest_risk_weight
    arrest = weight[:, None] * sch.scare_risk[d, month][:, None] * by_channel[None, :]
    danger = lv.beta_shock_risk * (sch.pandemic_risk[d, month] - sch.coup_risk[o, month])
    return -(arrest + danger[:, None])


def decide_and_move(model: MigrationModel, month: int) -> None:
    """The month's decisions at home, in order: who weighs migrating
    (:func:`decision_rates`, :func:`draw_deciders`), what each chooses
    (:func:`choose_alternatives`), and the admissions of the movers in random order
    (:func:`movers_in_random_order`, :func:`admit_regular`, :func:`admit_irregular`)."""
    share = model.origin_share_abroad()  # [origin, corridor], for the pull and the network
    deciders = draw_deciders(model, decision_rates(model, share))
    if len(deciders) == 0:
        return
    chosen = choose_alternatives(model, deciders, month, share)
    rows, corridor, channel = movers_in_random_order(model, deciders, chosen)
    regular, irregular = channel == Channel.REGULAR, channel == Channel.IRREGULAR
    admit_regular(model, rows[regular], corridor[regular], model.offer)
    admit_irregular(model, rows[irregular], corridor[irregular])


def decision_rates(model: MigrationModel, share: np.ndarray) -> np.ndarray:
    """[origin] Monthly chance that a person at home of working age weighs migrating:
    ``decision_rate_per_month`` (times ``push_shock_decision_factor`` during a push shock),
    raised by ``vacancy_recruitment_pull`` x :func:`vacancy_pull`, at most 1. ``share``
    [origin, corridor]: where the origin's people already are. No draws.

    Why: push shocks and recruiters sent by employers short of workers make more people
    consider leaving."""
    lv = model.lv
    rate = np.where(
        model.policy.push_shock,
        lv.decision_rate_per_month * lv.push_shock_decision_factor,
        lv.decision_rate_per_month,
    )
    return np.minimum(1.0, rate * (1.0 + lv.vacancy_recruitment_pull * vacancy_pull(model, share)))


def draw_deciders(model: MigrationModel, rate: np.ndarray) -> np.ndarray:
    """Rows of the people who weigh migrating this month: each candidate of
    :func:`decision_chances` with its chance (one uniform per candidate). Writes nothing."""
    candidates, p = decision_chances(model, rate)
    return candidates[model.rng.random(len(candidates)) < p]


def decision_chances(model: MigrationModel, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The people who may weigh a move this month (at home, never migrated or returned, aged
    18-49; rows in order) and each one's monthly chance: their origin's ``rate``, times
    ``returnee_decision_factor`` for those who migrated before (``trips`` above 0), times
    ``seasonal_decision_factor`` more for those back from a seasonal stay (``season_left``
    -1), at most 1; the origin's ``rate`` itself, untouched, while the first factor is 1 and
    no corridor has seasonal stays. Reads ``status``, ``age_months``, ``origin``, ``trips``,
    ``season_left``; no draws. One compiled pass over the population
    (:func:`~simulation.decider_rows.decision_candidates`).

    Why: people who have been abroad know the way and often plan to go again (the
    re-migration propensity); a seasonal mover plans the next season."""
    pop, lv = model.population, model.lv
    return decision_candidates(
        pop.status,
        pop.age_months,
        pop.origin,
        pop.trips,
        pop.season_left,
        rate,
        MIN_AGE_MONTHS,
        MAX_DECISION_AGE_MONTHS,
        bool(lv.returnee_decision_factor != 1.0 or lv.seasonal_share.any()),
        lv.returnee_decision_factor,
        lv.seasonal_decision_factor,
    )


def choose_alternatives(
    model: MigrationModel, deciders: np.ndarray, month: int, share: np.ndarray
) -> np.ndarray:
    """Each decider's choice (a column of :func:`choice_probabilities`: 0 stays, 1 + 2c + k
    corridor c by channel k). Draws one uniform per decider for being reached by an
    information campaign (the origin's ``information_campaign_coverage``), then one per
    decider for the choice; keeps the probabilities and choices in ``model.choices``."""
    pop, rng = model.population, model.rng
    informed = (
        rng.random(len(deciders)) < model.lv.information_campaign_coverage[pop.origin[deciders]]
    )
    probs, chosen = choice_probabilities(
        model, deciders, month, model.offer, informed, rng.random(len(deciders)), share
    )
    model.choices.store(month, deciders, probs, chosen)
    return chosen


def movers_in_random_order(
    model: MigrationModel, deciders: np.ndarray, chosen: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, corridor, channel) of the deciders who chose to move, shuffled (one
    permutation): admissions then take them in this order, a fair lottery for places."""
    movers = chosen > 0
    rows, alt = deciders[movers], chosen[movers] - 1
    corridor, channel = alt // 2, alt % 2
    shuffle = model.rng.permutation(len(rows))
    return rows[shuffle], corridor[shuffle], channel[shuffle]


def vacancy_pull(model: MigrationModel, share: np.ndarray) -> np.ndarray:
    """[origin] unfilled-vacancy rate of the origin's destinations, weighted by ``share``
    [origin, corridor], where the origin's people already are (employers reach villages
    through the workers they have); an origin with no one abroad yet sees the plain mean over
    its corridors."""
    rate = model.market.vacancy_rate[model.c_dest]  # [corridor]
    own = np.zeros_like(share)
    own[model.c_origin, np.arange(len(model.c_dest))] = 1.0
    weight = np.where(share.sum(axis=1, keepdims=True) > 0, share, own)
    return (weight @ rate) / np.maximum(weight.sum(axis=1), 1e-12)


def choice_probabilities(
    model: MigrationModel,
    rows: np.ndarray,
    month: int,
    offer: CorridorOffer,
    informed: np.ndarray,
    uniforms: np.ndarray,
    share: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(workers x (1 + 2 x corridors)) nested-logit probabilities, column 0 staying and
    column 1 + 2c + k corridor c by channel k (0 regular, 1 irregular), and each worker's
    choice drawn with its uniform (a column index). Computed origin by origin over that
    origin's own corridors (the others are zero): a worker's alternatives are only those of
    its origin, so this does a fraction of the work of the full matrix. ``share`` [origin,
    corridor]: the origin's people already in each corridor's destination.

    The terms that depend on a worker only through being skilled, female or informed are
    computed once a month for the 8 combinations and every corridor (:func:`group_utilities`);
    only income, savings and network ties are per worker, and what a returnee's past moves
    add (:func:`returnee_utility`). An origin's utilities, nested logit and draws run in one
    compiled loop (:func:`simulation.choice_loop.origin_choices`, whose docstring writes the
    utility out). Reads ``origin``, ``skilled``, ``female``, ``network_ties`` and ``savings``
    of ``rows`` and their home income; no draws."""
    n_c = len(model.c_dest)
    pop, lv = model.population, model.lv
    out = np.zeros((len(rows), 1 + 2 * n_c))
    chosen = np.zeros(len(rows), dtype=np.int64)
    if len(rows) == 0:
        return out, chosen
    origin = pop.origin[rows]
    by_group = group_utilities(lv, offer, np.arange(n_c))
    income = home_income(model, rows, month)
    ties = np.arange(int(pop.network_ties[rows].max()) + 1)[:, None]
    coefficients = np.array(
        [
            lv.beta_log_earnings_gap,
            lv.beta_cost_per_month_of_income,
            lv.beta_network,
            lv.borrowing_limit_months_of_income,
            lv.stay_constant,
            lv.nest_scale,
        ],
        dtype=float,
    )
    informed = np.ascontiguousarray(informed, dtype=bool)
    uniforms = np.ascontiguousarray(uniforms, dtype=float)
    rows = np.ascontiguousarray(rows, dtype=np.int64)
    for o, corridors in enumerate(model.corridors_of_origin):
        sel = np.flatnonzero(origin == o)
        if len(sel) == 0:
            continue
        if len(corridors) == 0:
            out[sel, 0] = 1.0
            continue
        alternatives = (2 * corridors[:, None] + np.arange(2)[None, :]).reshape(-1)
        extra = returnee_utility(model, rows[sel], corridors, income[sel])
        origin_choices(
            sel,
            rows,
            pop.skilled,
            pop.female,
            pop.network_ties,
            pop.savings,
            informed,
            income,
            uniforms,
            np.ascontiguousarray(by_group[:, alternatives]),
            # log(1 + ties x share there) for every number of ties among the deciders
            np.log1p(ties * np.repeat(share[o, corridors], 2)[None, :]),
            np.empty((0, len(alternatives))) if extra is None else extra,
            np.ascontiguousarray(offer.cost[corridors].reshape(-1), dtype=float),
            np.ascontiguousarray(offer.loan[corridors].reshape(-1), dtype=float),
            np.ascontiguousarray(offer.open[corridors].reshape(-1), dtype=bool),
            np.concatenate([[0], 1 + alternatives]),
            coefficients,
            out,
            chosen,
        )
    return out, chosen


def returnee_utility(
    model: MigrationModel, rows: np.ndarray, cs: np.ndarray, income: np.ndarray
) -> np.ndarray | None:
    """[row, alternative 2j + k over corridors ``cs``] What having migrated before adds to each
    move: ``remigration_utility`` to every move of those with ``trips`` above 0,
    ``returnee_known_employer_utility`` to the regular channel of the corridor a returnee
    came back from when their last move was regular (``corridor``, ``channel``), and
    ``beta_debt_push`` x ``debt`` / monthly ``income`` at home to every move of anyone who
    owes. None (nothing added, nothing read) while all three are 0. No draws.

    Why: experience makes a move cheaper and simpler, a known employer asks a regular returnee
    back, and debt that home earnings cannot repay pushes people out again. Savings pay for
    the next move already (:func:`pay` takes the fee from savings first, and the move is
    affordable within savings plus the borrowing limit, and any loan against the
    contract)."""
    lv, pop = model.lv, model.population
    b_exp, b_emp, b_debt = (
        lv.remigration_utility,
        lv.returnee_known_employer_utility,
        lv.beta_debt_push,
    )
    if not (b_exp or b_emp or b_debt):
        return None
    before = pop.trips[rows] > 0
    extra = np.repeat((b_exp * before + b_debt * pop.debt[rows] / income)[:, None], 2 * len(cs), 1)
    known = before & (pop.channel[rows] == Channel.REGULAR)
    same = pop.corridor[rows][:, None] == cs[None, :]  # [row, j]
    extra[:, 0::2] += b_emp * (known[:, None] & same)
    return extra


def expected_earnings(offer: CorridorOffer, cs: np.ndarray) -> np.ndarray:
    """[skilled, alternative] Monthly earnings a worker expects abroad over corridors ``cs``
    (alternative 2j + k: j-th corridor, channel k): wage (x the destination's skill multiplier
    for the skilled) x employment chance x the share kept after remittance costs, plus
    portable social security on the regular channel (Harris-Todaro)."""
    n = len(cs)
    mult = np.stack([np.ones(2 * n), np.repeat(offer.skill_multiplier[cs], 2)])
    keep = np.repeat(offer.remit_factor[cs], 2) + np.tile([1.0, 0.0], n) * np.repeat(
        offer.social_security[cs], 2
    )
    return (
        offer.wage[cs].reshape(-1)[None, :]
        * mult
        * (offer.employment[cs].reshape(-1) * keep)[None, :]
    )


def group_utilities(lv: LeverArrays, offer: CorridorOffer, cs: np.ndarray) -> np.ndarray:
    """[8, alternative] The part of each alternative's utility that depends on a worker only
    through being skilled, female or informed (row ``4 skilled + 2 female + informed``):
    ``b_gap x log(expected earnings)`` (:func:`expected_earnings`), less waiting, less the
    perceived risks (arrest on the irregular channel, x the corridor's
    ``corridor_arrest_risk_weight``; exploitation, x
    ``female_vulnerability`` for women; both x ``risk_misperception`` unless informed), plus
    the channel constant (irregular preference, or the regular complexity penalty: none for the
    informed, halved for the skilled), the corridor constant and, while a shock is on, the
    offer's ``shock_utility`` (perceived risk of a scare or a pandemic there, of a coup at
    home)."""
    n = len(cs)
    arrest = np.tile([0.0, 1.0], n) * np.repeat(
        offer.arrest_risk[cs] * lv.corridor_arrest_risk_weight[cs], 2
    )
    expl = offer.exploitation_risk[cs].reshape(-1)
    irregular = np.tile([False, True], n)
    with np.errstate(divide="ignore", invalid="ignore"):
        gain = lv.beta_log_earnings_gap * np.log(expected_earnings(offer, cs))
    # [female, alternative]
    risk = (
        lv.beta_arrest_risk * arrest[None, :]
        + lv.beta_exploitation_risk
        * expl[None, :]
        * np.array([1.0, lv.female_vulnerability])[:, None]
    )
    perceived = np.array([lv.risk_misperception, 1.0])
    penalty = lv.regular_complexity_penalty * np.array([[1.0, 0.0], [0.5, 0.0]])
    constant = np.where(
        irregular[None, None, :], lv.irregular_channel_constant, -penalty[:, :, None]
    ) + np.repeat(lv.corridor_constant[cs], 2)
    if offer.shock_utility is not None:  # shocks (ODD 7.5): none, and nothing added, by default
        constant = constant + offer.shock_utility[cs].reshape(-1)
    # [skilled, female, informed, alternative]
    return (
        gain[:, None, None, :]
        - lv.beta_wait_per_month * offer.wait[cs].reshape(-1)
        - perceived[None, None, :, None] * risk[None, :, None, :]
        + constant[:, None, :, :]
    ).reshape(8, 2 * n)
