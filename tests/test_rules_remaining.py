"""Unit specifications of the rule sub-steps the other ``test_rules_*`` files leave out:
the shared moves abroad (``to_regular_contract``, ``return_home``), the border and the
admissions (``border_interception_probability``, ``trafficking``, ``admission_lottery``,
``assign_recruiters``), the recruiters' month and summary (``recruiters_step``,
``summarise``), the states' month (``State.apply_policy``, ``State.record_unfilled``) and
what a recruiter agent reports (``Recruiter.fee_usd``, ``Recruiter.placed_this_month``).

Each spec builds a handful of workers or recruiters with known states, calls the rule, and
checks what happens to each of them against the formula of ODD.md section 7 quoted beside
it, with the random draws controlled (``FixedUniforms``, or probabilities of 0 and 1)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from rule_workers import (
    MMR_THA,
    THA,
    CountingUniforms,
    population_of,
    set_levers,
    small_model,
    uniforms,
)

from agents.recruiter import Recruiter
from agents.status import Channel, Legal, Status
from scenarios.scenario import load_scenario
from simulation import admissions, decisions, moves
from simulation.metrics import FLOW_MEASURES
from simulation.model import MigrationModel
from simulation.recruitment import recruiters_step, summarise
from simulation.schedules import Schedules

KHM, MMR = 0, 2  # origin indices in the baseline world
MYS, SGP = 1, 2  # destination indices
KHM_THA, MMR_MYS, MMR_SGP = 0, 5, 8  # corridor indices


def cell(corridor: int, channel: int) -> int:
    """Row of a corridor x channel in ``model.metrics.flows``."""
    return 2 * corridor + channel


def flow(model: MigrationModel, measure: str) -> np.ndarray:
    """This month's flow of ``measure`` so far, per corridor x channel cell."""
    return model.metrics.flows[:, list(FLOW_MEASURES).index(measure)]


def pool(model: MigrationModel, corridor: int, channel: Channel) -> np.ndarray:
    """Rows of the recruiter table serving ``corridor`` on ``channel`` (five each)."""
    rec = model.recruiters
    return np.flatnonzero((rec.corridor == corridor) & (rec.channel == channel))


def recruiter_agent(model: MigrationModel, row: int) -> Recruiter:
    """The Mesa agent viewing recruiter row ``row``."""
    (agent,) = [a for a in model.agents_by_type[Recruiter] if a.row == row]
    return agent


def with_schedules(model: MigrationModel, **levers) -> MigrationModel:
    """Set ``levers`` and rebuild the schedules (windows, paths) from them."""
    set_levers(model, **levers)
    model.schedules = Schedules.build(model.scenario, model.lv)
    return model


def two_year_model(**levers) -> MigrationModel:
    """The baseline world over 2010-2011 (so month 12, a January, has schedules), nobody in
    it, ``levers`` replaced."""
    scenario = load_scenario("baseline").with_values(people_per_agent=1_000_000.0, end="2011-12")
    model = MigrationModel(scenario)
    model.population = population_of([])
    set_levers(model, **levers)
    return model


EMPLOYED_REGULAR = {
    "status": Status.EMPLOYED_REGULAR,
    "legal": Legal.REGULAR,
    "corridor": MMR_THA,
    "channel": Channel.REGULAR,
}
EMPLOYED_IRREGULAR = {
    "status": Status.EMPLOYED_IRREGULAR,
    "legal": Legal.IRREGULAR,
    "corridor": MMR_THA,
    "channel": Channel.IRREGULAR,
}
IN_TRANSIT = {"status": Status.IN_TRANSIT, "corridor": MMR_THA, "channel": Channel.IRREGULAR}


# ---- abroad: shared moves (ODD 7.7) -------------------------------------------------------------
def test_regular_contract_gives_regular_status_and_a_full_contract_to_those_rows_only():
    model = small_model(
        [
            {**EMPLOYED_IRREGULAR, "timer": 2, "savings": 70.0},
            {**EMPLOYED_IRREGULAR, "status": Status.UNEMPLOYED_ABROAD},
            {**EMPLOYED_IRREGULAR, "contract_left": 3},
        ],
        contract_months=18,
    )
    moves.to_regular_contract(model, np.array([0, 1]))
    pop = model.population
    # ODD 7.7 (1, 7): legal REGULAR, contract_left = contract_months
    assert pop.legal.tolist() == [Legal.REGULAR, Legal.REGULAR, Legal.IRREGULAR]
    assert pop.contract_left.tolist() == [18, 18, 3]
    # nothing else: the status is the caller's to set
    assert pop.status.tolist() == [
        Status.EMPLOYED_IRREGULAR,
        Status.UNEMPLOYED_ABROAD,
        Status.EMPLOYED_IRREGULAR,
    ]
    assert pop.timer[0] == 2 and pop.savings[0] == 70.0


def test_return_home_by_hand():
    model = small_model(
        [
            # MMR, regular, exploited, contributions 200
            {
                **EMPLOYED_REGULAR,
                "social_security": 200.0,
                "savings": 50.0,
                "debt": 30.0,
                "exploited": True,
                "timer": 2,
                "contract_left": 5,
            },
            # MMR, irregular (an overstayer still holding contributions)
            {
                **EMPLOYED_IRREGULAR,
                "status": Status.UNEMPLOYED_ABROAD,
                "social_security": 80.0,
                "savings": 10.0,
            },
            # KHM, regular in Thailand
            {"origin": KHM, **EMPLOYED_REGULAR, "corridor": KHM_THA, "social_security": 100.0},
            # not returning
            {**EMPLOYED_REGULAR, "social_security": 40.0, "savings": 5.0},
        ],
        social_security_portability=[0.5, 0.0, 0.0],
        reintegration_programme_coverage=[0.3, 0.0, 0.7, 0.0, 0.0],
        reintegration_months=9,
    )
    model.rng = uniforms(0.5)  # reached where coverage > 0.5: Myanmar (0.7), not Cambodia (0.3)
    ppa = model.people_per_agent
    moves.return_home(model, np.array([0, 1, 2]))
    pop = model.population
    # ODD 7.7 (8): regular returnees add social_security x social_security_portability[d]
    # (THA: 0.5); social security is reset; with probability
    # reintegration_programme_coverage[o] reintegration_months of support; RETURNED, legal
    # NONE, no longer exploited, timers reset; corridor and channel keep the last move
    assert pop.savings.tolist() == pytest.approx([50.0 + 0.5 * 200.0, 10.0, 0.5 * 100.0, 5.0])
    assert pop.social_security.tolist() == [0.0, 0.0, 0.0, 40.0]
    assert pop.reintegration_left.tolist() == [9, 9, 0, 0]
    assert pop.status.tolist() == [Status.RETURNED] * 3 + [Status.EMPLOYED_REGULAR]
    assert pop.legal.tolist() == [Legal.NONE] * 3 + [Legal.REGULAR]
    assert not pop.exploited.any()
    assert pop.timer[:3].tolist() == [0, 0, 0]
    assert pop.contract_left[:3].tolist() == [0, 0, 0]
    assert pop.corridor.tolist() == [MMR_THA, MMR_THA, KHM_THA, MMR_THA]
    assert pop.channel.tolist() == [Channel.REGULAR, Channel.IRREGULAR, Channel.REGULAR, 0]
    assert pop.debt[0] == 30.0  # debt goes home with them
    # counted in returns by legal status
    returns = flow(model, "returns")
    assert returns[cell(MMR_THA, Channel.REGULAR)] == ppa
    assert returns[cell(MMR_THA, Channel.IRREGULAR)] == ppa
    assert returns[cell(KHM_THA, Channel.REGULAR)] == ppa
    assert returns.sum() == 3 * ppa


# ---- the border (ODD 7.4) -----------------------------------------------------------------------
def test_border_interception_by_hand():
    model = small_model(
        [],
        border_control=[0.5, 0.2, 0.0],
        border_interception_max=0.4,
        border_closure_crossing_factor=[0.5, 0.5, 0.5],
    )
    model.policy.border_closed[:] = [True, False, True]
    q = decisions.border_interception_probability(model, np.array([THA, MYS, SGP, THA]))
    # q_d = border_control[d] x border_interception_max; closed:
    # 1 - (1 - q_d) x border_closure_crossing_factor[d]
    assert q.tolist() == pytest.approx(
        [1 - (1 - 0.5 * 0.4) * 0.5, 0.2 * 0.4, 1 - (1 - 0.0) * 0.5, 1 - (1 - 0.5 * 0.4) * 0.5]
    )


# ---- trafficking (ODD 7.6) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("draw", "trafficked"),
    [
        (0.5, [False, False, False, False]),  # above every chance
        (0.4, [True, False, False, True]),  # below a woman's 0.48, above a man's 0.32
        (0.3, [True, True, False, True]),  # below a man's 0.32 too
        (0.0, [True, True, False, True]),  # full enforcement in Malaysia: chance 0
    ],
)
def test_trafficking_by_hand(draw, trafficked):
    model = small_model(
        [
            {**IN_TRANSIT, "female": True},
            IN_TRANSIT,
            {**IN_TRANSIT, "female": True, "corridor": MMR_MYS},
            {**IN_TRANSIT, "female": True, "exploitation_count": 2},
        ],
        trafficking_probability_per_crossing=0.5,
        female_vulnerability=1.5,
        anti_trafficking_enforcement=[0.2, 1.0, 0.0],
    )
    broker = pool(model, MMR_THA, Channel.IRREGULAR)[0]
    broker_mys = pool(model, MMR_MYS, Channel.IRREGULAR)[0]
    model.recruiters.malpractice[[broker, broker_mys]] = 0.8
    model.rng = uniforms(draw)
    admissions.trafficking(
        model,
        np.arange(4),
        np.array([MMR_THA, MMR_THA, MMR_MYS, MMR_THA]),
        np.array([broker, broker, broker_mys, broker]),
    )
    # p = trafficking_probability_per_crossing x malpractice of the broker
    #     x (female_vulnerability if female) x (1 - anti_trafficking_enforcement[d])
    # woman to THA: 0.5 x 0.8 x 1.5 x 0.8 = 0.48; man: 0.5 x 0.8 x 0.8 = 0.32; MYS: x 0 = 0
    pop = model.population
    assert pop.trafficked.tolist() == trafficked
    assert pop.exploited.tolist() == trafficked
    before = [0, 0, 0, 2]
    assert pop.exploitation_count.tolist() == [
        b + t for b, t in zip(before, trafficked, strict=True)
    ]
    assert (pop.status == Status.IN_TRANSIT).all()  # the crossing goes on
    hits = sum(trafficked) * model.people_per_agent
    for measure in ("trafficking_cases", "exploitation_cases"):
        counted = flow(model, measure)
        assert counted[cell(MMR_THA, Channel.IRREGULAR)] == hits
        assert counted.sum() == hits


# ---- admissions (ODD 7.6) -----------------------------------------------------------------------
def test_first_applicants_of_each_corridor_get_its_places_then_the_destination_limit():
    model = small_model([])
    ppa = model.people_per_agent
    model.recruitment.capacity[:] = 0.0
    model.recruitment.capacity[MMR_THA, Channel.REGULAR] = 2 * ppa
    model.recruitment.capacity[KHM_THA, Channel.REGULAR] = 1 * ppa
    model.recruitment.capacity[MMR_MYS, Channel.IRREGULAR] = 5 * ppa  # another channel's
    corridor = np.array([MMR_THA, MMR_THA, KHM_THA, MMR_THA, KHM_THA, MMR_MYS])
    # per corridor, the first stochastic_round(capacity / people_per_agent) movers
    ok = admissions.admission_lottery(model, corridor, Channel.REGULAR)
    assert ok.tolist() == [True, True, True, False, False, False]
    # regular applicants also within stochastic_round(limit[d] / people_per_agent) per
    # destination, the first of those admitted so far
    limit = np.array([2 * ppa, 1e12, 1e12])
    full = np.zeros(3, bool)
    ok = admissions.admission_lottery(model, corridor, Channel.REGULAR, limit, full)
    assert ok.tolist() == [True, True, False, False, False, False]
    # Thailand's limit turned away the third, whom the agencies had taken: Thailand was full
    assert full.tolist() == [True, False, False]
    # with room for all three the agencies took, no destination is full
    full[:] = False
    admissions.admission_lottery(model, corridor, Channel.REGULAR, 3 * limit, full)
    assert not full.any()
    # the irregular channel reads the brokers' capacity
    ok = admissions.admission_lottery(model, corridor, Channel.IRREGULAR)
    assert ok.tolist() == [False, False, False, False, False, True]


@pytest.mark.parametrize(("draw", "places"), [(0.3, 2), (0.5, 1)])
def test_fractional_places_are_rounded_up_with_the_fraction(draw, places):
    model = small_model([])
    model.recruitment.capacity[MMR_THA, Channel.REGULAR] = 1.4 * model.people_per_agent
    model.rng = uniforms(draw)  # 1.4 agents: 2 places if the draw is below 0.4, else 1
    ok = admissions.admission_lottery(model, np.full(3, MMR_THA), Channel.REGULAR)
    assert ok.tolist() == [True] * places + [False] * (3 - places)


def mmr_tha_agencies_one_inactive() -> tuple[MigrationModel, np.ndarray]:
    """A small model whose five MMR-THA agencies have capacities 100, 300, 1000 (inactive),
    0 and 0; and their rows."""
    model = small_model([])
    agencies = pool(model, MMR_THA, Channel.REGULAR)
    model.recruiters.active[agencies] = [True, True, False, True, True]
    model.recruiters.capacity[agencies] = [100.0, 300.0, 1000.0, 0.0, 0.0]
    return model, agencies


def test_recruiter_is_drawn_among_the_active_of_the_corridor_and_channel_by_capacity():
    model, agencies = mmr_tha_agencies_one_inactive()
    khm = pool(model, KHM_THA, Channel.REGULAR)
    model.recruiters.capacity[khm] = 50.0
    model.rng = CountingUniforms(0.3)
    out = admissions.assign_recruiters(
        model, np.array([MMR_THA, KHM_THA, MMR_THA]), Channel.REGULAR
    )
    # one uniform per mover, drawn at once; 0.3 falls in KHM-THA's second of five equal
    # agencies (cumulative 0.2, 0.4, ...) and MMR-THA's second active agency (0.25, 1.0)
    assert model.rng.sizes == [3]
    active = agencies[[0, 1, 3, 4]]
    assert out.tolist() == [active[1], khm[1], active[1]]


@pytest.mark.parametrize("channel", [Channel.REGULAR, Channel.IRREGULAR])
def test_recruiter_draws_are_rng_choice_draw_for_draw(channel):
    """The pooled draw gives what one ``rng.choice(len(pool), size, p=capacity share)`` per
    corridor, in ascending corridor order, gave on the same stream (the rule before one
    uniform per mover replaced it): same recruiters, same generator state after; with an
    inactive agency and agencies without capacity (MMR-THA) among three corridors."""
    model, _ = mmr_tha_agencies_one_inactive()
    rec = model.recruiters
    others = rec.corridor != MMR_THA
    rec.capacity[others] = np.random.default_rng(4).uniform(1.0, 100.0, int(others.sum()))
    corridor = np.random.default_rng(5).choice([KHM_THA, MMR_THA, MMR_MYS], 500)
    model.rng = np.random.default_rng(6)
    out = admissions.assign_recruiters(model, corridor, channel)
    rng = np.random.default_rng(6)
    expected = np.full(len(corridor), -1)
    for c in np.unique(corridor):
        pool_c = np.flatnonzero((rec.corridor == c) & (rec.channel == channel) & rec.active)
        who = np.flatnonzero(corridor == c)
        weights = rec.capacity[pool_c] / rec.capacity[pool_c].sum()
        expected[who] = pool_c[rng.choice(len(pool_c), size=len(who), p=weights)]
    assert out.tolist() == expected.tolist()
    assert model.rng.random() == rng.random()


def test_movers_on_a_corridor_without_recruiter_capacity_are_an_error():
    model, agencies = mmr_tha_agencies_one_inactive()
    model.recruiters.capacity[agencies] = 0.0
    with pytest.raises(ValueError, match="no active recruiter capacity"):
        admissions.assign_recruiters(model, np.array([MMR_THA]), Channel.REGULAR)


def test_assigned_recruiters_follow_capacity_shares():
    model, agencies = mmr_tha_agencies_one_inactive()
    model.rng = np.random.default_rng(1)
    out = admissions.assign_recruiters(model, np.full(4000, MMR_THA), Channel.REGULAR)
    # never an inactive agency, one without capacity, or another corridor's or channel's
    assert set(out.tolist()) == {agencies[0], agencies[1]}
    assert (out == agencies[1]).mean() == pytest.approx(0.75, abs=0.03)  # 4 standard errors


# ---- recruiters (ODD 7.3) -----------------------------------------------------------------------
def test_summary_of_the_recruiters_by_hand():
    model = small_model(
        [
            {"status": Status.WAITING, "corridor": MMR_THA},
            {"status": Status.WAITING, "corridor": MMR_THA},
            {"status": Status.WAITING, "corridor": KHM_THA},
            EMPLOYED_REGULAR,
        ],
        recruitment_fee_cap_usd=300.0,
        broker_risk_premium=1.0,
        border_control=[0.2, 0.0, 0.0],
        anti_trafficking_enforcement=[0.4, 0.0, 0.0],
        broker_malpractice_mean=0.35,
    )
    ppa = model.people_per_agent
    rec = model.recruiters
    agencies = pool(model, MMR_THA, Channel.REGULAR)
    rec.fee[agencies] = 400.0
    rec.malpractice[agencies] = [0.0, 0.5, 1.0, 1.0, 1.0]
    rec.active[agencies] = [True, True, False, False, False]
    rec.capacity[agencies] = [100.0, 200.0, 300.0, 300.0, 300.0]
    brokers = pool(model, MMR_THA, Channel.IRREGULAR)
    rec.active[brokers] = False
    rec.base_fee[brokers] = [500.0, 500.0, 500.0, 600.0, 400.0]
    khm_brokers = pool(model, KHM_THA, Channel.IRREGULAR)
    rec.fee[khm_brokers] = 100.0
    rec.capacity[khm_brokers] = 10.0
    rec.malpractice[khm_brokers] = 0.2
    summary = summarise(model)
    # agency: min(fee, cap) + malpractice x max(0, fee - cap) = 300 + (0 | 0.5 | 1) x 100
    assert summary.charged[agencies].tolist() == pytest.approx([300.0, 350.0, 400.0, 400.0, 400.0])
    # broker: fee x (1 + broker_risk_premium x 0.5 x (border_control + anti_trafficking))
    assert summary.charged[khm_brokers].tolist() == pytest.approx([100.0 * (1 + 0.5 * 0.6)] * 5)
    # per corridor x channel: mean charged fee, total capacity and mean malpractice of the
    # active recruiters
    assert summary.fee[MMR_THA, Channel.REGULAR] == pytest.approx((300.0 + 350.0) / 2)
    assert summary.capacity[MMR_THA, Channel.REGULAR] == pytest.approx(300.0)
    assert summary.malpractice[MMR_THA, Channel.REGULAR] == pytest.approx(0.25)
    assert summary.fee[KHM_THA, Channel.IRREGULAR] == pytest.approx(130.0)
    assert summary.capacity[KHM_THA, Channel.IRREGULAR] == pytest.approx(50.0)
    assert summary.malpractice[KHM_THA, Channel.IRREGULAR] == pytest.approx(0.2)
    # none active: the mean base fee, no capacity, the channel's declared mean malpractice
    assert summary.fee[MMR_THA, Channel.IRREGULAR] == pytest.approx(500.0)
    assert summary.capacity[MMR_THA, Channel.IRREGULAR] == 0.0
    assert summary.malpractice[MMR_THA, Channel.IRREGULAR] == pytest.approx(0.35)
    # people waiting per corridor
    expected_waiting = np.zeros(len(model.c_dest))
    expected_waiting[[MMR_THA, KHM_THA]] = [2 * ppa, ppa]
    assert summary.waiting_people.tolist() == expected_waiting.tolist()


def test_recruiters_month_by_hand():
    model = small_model(
        [],
        agency_inspection_rate=[0.0, 0.0, 1.0, 0.0, 0.0],  # Myanmar inspects every agency
        anti_trafficking_enforcement=[1.0, 0.0, 0.0],  # Thailand enforces fully
        fee_adjustment_rate=0.1,
        recruiter_reentry_months=6,
        recruitment_fee_cap_usd=10_000.0,
    )
    rec = model.recruiters
    rec.malpractice[:] = 0.0
    rec.applications[:] = rec.capacity  # pressure 1: fees stay
    rec.placed[:] = 3.0
    mmr_tha = pool(model, MMR_THA, Channel.REGULAR)
    mmr_sgp = pool(model, MMR_SGP, Channel.REGULAR)
    khm_tha = pool(model, KHM_THA, Channel.REGULAR)
    brokers = pool(model, MMR_THA, Channel.IRREGULAR)
    mys_brokers = pool(model, MMR_MYS, Channel.IRREGULAR)
    rec.malpractice[mmr_tha[[0, 2]]] = 0.9
    rec.malpractice[mmr_sgp[0]] = 0.9
    rec.malpractice[khm_tha[:2]] = 0.9
    rec.complaints[khm_tha[0]] = 10.0 * rec.capacity[khm_tha[0]]
    rec.malpractice[brokers[0]] = 0.2
    rec.malpractice[mys_brokers] = 0.9
    rec.applications[mmr_tha[1]] = 3.0 * rec.capacity[mmr_tha[1]]
    rec.applications[mmr_tha[3]] = 0.0
    old_fee = rec.fee.copy()
    model.agencies_blacklisted, model.brokers_caught = 10, 2
    model.rng = uniforms(0.5)  # both uniforms of every recruiter are 0.5
    summary = recruiters_step(model)
    # fee <- fee x (1 + fee_adjustment_rate x clip(applications / capacity - 1, -0.5, 1))
    fee = rec.fee
    assert fee[mmr_tha[1]] == pytest.approx(old_fee[mmr_tha[1]] * 1.1)
    assert fee[mmr_tha[3]] == pytest.approx(old_fee[mmr_tha[3]] * 0.95)
    assert fee[mmr_tha[4]] == pytest.approx(old_fee[mmr_tha[4]])
    # agency inspected with 1 - (1 - agency_inspection_rate[o]) x exp(-complaints / capacity),
    # blacklisted if the inspection finds malpractice (0.5 < malpractice): Myanmar's agencies
    # with malpractice 0.9, and the Cambodian one with complaints (1 - exp(-10) > 0.5)
    blacklisted = [mmr_tha[0], mmr_tha[2], mmr_sgp[0], khm_tha[0]]
    # broker caught with anti_trafficking_enforcement[d] x (0.5 + 0.5 x malpractice):
    # 0.6 > 0.5 for the Thai broker with malpractice 0.2; 0.5 is not above 0.5 for the others
    caught = [brokers[0]]
    out = np.zeros(len(rec), bool)
    out[blacklisted + caught] = True
    assert (~rec.active).nonzero()[0].tolist() == sorted(blacklisted + caught)
    assert rec.reentry_timer[out].tolist() == [6] * 5
    assert rec.excluded_total[out].tolist() == [1] * 5
    assert (rec.excluded_total[~out] == 0).all()
    assert (model.agencies_blacklisted, model.brokers_caught) == (14, 3)
    # then the month's counters are reset
    assert not rec.applications.any() and not rec.placed.any() and not rec.complaints.any()
    # and the summary is of the new state: the three agencies left in MMR-THA
    left = mmr_tha[[1, 3, 4]]
    assert summary.capacity[MMR_THA, Channel.REGULAR] == pytest.approx(rec.capacity[left].sum())
    assert summary.fee[MMR_THA, Channel.REGULAR] == pytest.approx(fee[left].mean())


def test_recruiter_agent_reports_its_market_fee_not_what_it_charges():
    model = small_model([], recruitment_fee_cap_usd=100.0, fee_adjustment_rate=0.1)
    row = pool(model, MMR_THA, Channel.REGULAR)[0]
    agent = recruiter_agent(model, row)
    model.recruiters.fee[row] = 432.5
    model.recruiters.malpractice[row] = 0.0  # charges min(432.5, 100) = 100
    assert agent.fee_usd == 432.5
    # after a month with applications 1.5 x capacity: fee x (1 + 0.1 x 0.5)
    set_levers(model, agency_inspection_rate=0.0, anti_trafficking_enforcement=0.0)
    model.recruiters.applications[row] = 1.5 * model.recruiters.capacity[row]
    recruiters_step(model)
    assert agent.fee_usd == pytest.approx(432.5 * 1.05)


def test_recruiter_agent_reports_the_people_it_placed_this_month():
    model = small_model([{"savings": 1e6}] * 3)
    ppa = model.people_per_agent
    rec = model.recruiters
    agencies = pool(model, MMR_THA, Channel.REGULAR)
    rec.active[agencies] = [False, True, False, False, False]  # one agency left to choose
    rec.placed[:] = 0.0
    model.recruitment.capacity[MMR_THA, Channel.REGULAR] = 2 * ppa
    admissions.take_places(
        model,
        np.arange(3),
        np.full(3, MMR_THA),
        Channel.REGULAR,
        np.zeros(len(model.c_dest)),
    )
    placed = [recruiter_agent(model, r).placed_this_month for r in agencies]
    assert placed == [0.0, 2 * ppa, 0.0, 0.0, 0.0]  # two of three get a place
    set_levers(model, agency_inspection_rate=0.0, anti_trafficking_enforcement=0.0)
    recruiters_step(model)  # a new month
    assert recruiter_agent(model, agencies[1]).placed_this_month == 0.0


# ---- states (ODD 7.1) ---------------------------------------------------------------------------
def test_sending_state_switches_its_push_shock_and_its_corridors_deployment_bans():
    no_bans: list[tuple[int, ...]] = [()] * 9
    bans = list(no_bans)
    bans[MMR_THA] = (3,)
    bans[KHM_THA] = (3,)  # Cambodia's ban: Cambodia's state sets it, not Myanmar's
    model = with_schedules(
        small_model([]),
        push_shock_start=((), (), (3,), (), ()),
        push_shock_length_months=2,
        deployment_ban_start=tuple(bans),
        deployment_ban_length_months=1,
    )
    myanmar = model.origin_states[MMR]
    assert (myanmar.country, myanmar.role) == ("MMR", "origin")
    push, ban, other_ban = [], [], []
    for month in range(6):
        myanmar.apply_policy(month)
        push.append(bool(model.policy.push_shock[MMR]))
        ban.append(bool(model.policy.deployment_ban[MMR_THA]))
        other_ban.append(bool(model.policy.deployment_ban[KHM_THA]))
    # a window starting in month s with length L is on for months s to s + L - 1
    assert push == [False, False, False, True, True, False]
    assert ban == [False, False, False, True, False, False]
    assert other_ban == [False] * 6
    assert not model.policy.push_shock[[0, 1, 3, 4]].any()


def test_receiving_state_opens_windows_closes_the_border_and_sets_demand_and_wages():
    model = with_schedules(
        small_model([]),
        amnesty_start=((2,), (), ()),
        amnesty_length_months=2,
        border_closure_start=((4,), (), ()),
        border_closure_length_months=1,
        border_closure_demand_factor=0.5,
    )
    thailand = model.destination_states[THA]
    assert (thailand.country, thailand.role) == ("THA", "destination")
    sch = model.schedules
    amnesty, closed, demand, wage = [], [], [], []
    for month in range(6):
        thailand.apply_policy(month)
        amnesty.append(bool(model.policy.amnesty_open[THA]))
        closed.append(bool(model.policy.border_closed[THA]))
        demand.append(float(model.policy.demand[THA]))
        wage.append(float(model.policy.market_wage[THA]))
    assert amnesty == [False, False, True, True, False, False]
    assert closed == [False, False, False, False, True, False]
    # demand[d] = demand path(t) x (border_closure_demand_factor[d] if closed else 1)
    factor = np.array([1, 1, 1, 1, 0.5, 1])
    assert demand == pytest.approx((sch.demand[THA, :6] * factor).tolist())
    # market_wage[d] = w_d(t); demand_this_year += demand[d] / 12
    assert wage == pytest.approx(sch.dest_wage[THA, :6].tolist())
    assert thailand.demand_this_year == pytest.approx(sum(demand) / 12)
    assert not model.policy.amnesty_open[[MYS, SGP]].any()


@pytest.mark.parametrize(
    ("threshold", "crackdown", "arrest"),
    [
        (1.5e6, True, 1.0),  # 2 million irregular (one detained) > 1.5 million: min(1, 0.4 x 3)
        (2.5e6, False, 0.4),
    ],
)
def test_crackdown_counts_the_irregular_stock_detained_included(threshold, crackdown, arrest):
    model = small_model(
        [
            EMPLOYED_IRREGULAR,
            {**EMPLOYED_IRREGULAR, "status": Status.DETAINED},
            EMPLOYED_REGULAR,
            {**EMPLOYED_IRREGULAR, "corridor": MMR_MYS},
        ],
        adaptive_policy=True,
        crackdown_threshold_irregular_people=threshold,
        enforcement_monthly_arrest_probability=0.4,
        crackdown_enforcement_multiplier=3.0,
    )
    model.metrics.close_month(model.population, 0)  # "end of last month": these four
    thailand = model.destination_states[THA]
    thailand.apply_policy(1)
    # crackdown = adaptive_policy[d] and irregular stock in d (detained included) >
    # crackdown_threshold_irregular_people[d];
    # arrest_probability[d] = min(1, enforcement_monthly_arrest_probability[d] x
    #                                (crackdown_enforcement_multiplier[d] if crackdown else 1))
    assert thailand.crackdown is crackdown
    assert thailand.crackdown_months == int(crackdown)
    assert model.policy.arrest_probability[THA] == pytest.approx(arrest)


def test_quota_is_the_declared_one_in_the_first_january_and_kept_through_the_year():
    model = small_model(
        [],
        annual_regular_quota=1000,
        adaptive_policy=True,
        labour_shortage_vacancy_rate=0.1,
        crackdown_threshold_irregular_people=1e12,
    )
    thailand = model.destination_states[THA]
    thailand.quota_this_year = 5000.0
    thailand.unfilled_vacancies_this_year, thailand.demand_this_year = 50.0, 100.0  # shortage
    thailand.apply_policy(0)
    # January of t = 0: no raise whatever came before (t > 0 is required)
    assert model.policy.quota_remaining[THA] == 1000.0
    assert thailand.quota_this_year == 1000.0
    model.policy.quota_remaining[THA] = 400.0  # signings used 600 places
    thailand.apply_policy(1)
    assert model.policy.quota_remaining[THA] == 400.0  # only January resets it


@pytest.mark.parametrize(
    ("unfilled", "quota"),
    [
        (150.0, 1000.0 * 1.2),  # 150 > 0.1 x 1200: a shortage year, +20%
        (100.0, 1000.0),  # 100 < 120: the declared quota
    ],
)
def test_a_year_of_unfilled_vacancies_raises_next_years_quota(unfilled, quota):
    model = two_year_model(
        annual_regular_quota=1000,
        adaptive_policy=True,
        labour_shortage_vacancy_rate=0.1,
        quota_increase_on_shortage_pct=20.0,
        crackdown_threshold_irregular_people=1e12,
    )
    model.schedules = dataclasses.replace(
        model.schedules, demand=np.full_like(model.schedules.demand, 1200.0)
    )
    thailand = model.destination_states[THA]
    for month in range(12):
        thailand.apply_policy(month)
        thailand.record_unfilled(unfilled / 12.0)  # as the market does: V / 12 each month
    # the year's sums of V / 12 and demand / 12 are the year's means
    assert thailand.unfilled_vacancies_this_year == pytest.approx(unfilled)
    assert thailand.demand_this_year == pytest.approx(1200.0)
    thailand.apply_policy(12)
    # quota_this_year = max(quota_this_year, annual_regular_quota) x (1 + pct / 100) after a
    # shortage (unfilled > labour_shortage_vacancy_rate x demand), else the declared quota
    assert thailand.quota_this_year == pytest.approx(quota)
    assert model.policy.quota_remaining[THA] == pytest.approx(quota)
    # both sums start again: nothing unfilled yet, January's demand / 12
    assert thailand.unfilled_vacancies_this_year == 0.0
    assert thailand.demand_this_year == pytest.approx(100.0)


def test_record_unfilled_adds_to_the_years_sum_only():
    model = small_model([])
    thailand, malaysia = model.destination_states[THA], model.destination_states[MYS]
    thailand.record_unfilled(10.0)
    thailand.record_unfilled(2.5)
    assert thailand.unfilled_vacancies_this_year == 12.5
    assert malaysia.unfilled_vacancies_this_year == 0.0
    assert thailand.demand_this_year == 0.0
